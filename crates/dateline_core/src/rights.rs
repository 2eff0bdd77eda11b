//! What each outlet may carry of an article, decided in one place.

/// A source's redistribution rights. Web pages always carry the full text of
/// what the newsroom publishes; the other outlets need the source's leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct SourceRights {
    pub full_text_in_feeds: bool,
    pub full_text_in_api: bool,
    pub full_text_in_federation: bool,
}

impl SourceRights {
    /// Our own newsroom's copy: every outlet may carry it in full.
    pub const OWN: Self = Self {
        full_text_in_feeds: true,
        full_text_in_api: true,
        full_text_in_federation: true,
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outlet {
    Web,
    Feed,
    Api,
    Email,
    Federation,
}

/// How much of an article an outlet may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Carriage {
    /// Headline, summary and link only.
    Summary,
    FullText,
}

/// The one rights decision every outlet asks. Email goes to our own
/// subscribers, who are readers of the site, so it follows the web.
pub fn carriage(rights: SourceRights, outlet: Outlet) -> Carriage {
    let full = match outlet {
        Outlet::Web | Outlet::Email => true,
        Outlet::Feed => rights.full_text_in_feeds,
        Outlet::Api => rights.full_text_in_api,
        Outlet::Federation => rights.full_text_in_federation,
    };
    if full {
        Carriage::FullText
    } else {
        Carriage::Summary
    }
}

/// Where a source's notice forbids what its rights allow, what the notice
/// says against them (`None` when they agree, as far as words can tell): a
/// notice that forbids redistribution beside rights that put the full text
/// in feeds, the API or federation is a mistake an operator must hear of,
/// since the rights are what the outlets obey.
pub fn notice_contradiction(rights: SourceRights, notice: &str) -> Option<String> {
    let notice = notice.to_lowercase();
    let forbids = ["redistribut", "republish", "republication"]
        .iter()
        .any(|word| notice.contains(word))
        && [
            "prohibit", "may not", "not be", "without", "forbid", "no part",
        ]
        .iter()
        .any(|word| notice.contains(word));
    let carried: Vec<&str> = [
        (rights.full_text_in_feeds, "feeds"),
        (rights.full_text_in_api, "the API"),
        (rights.full_text_in_federation, "federation"),
    ]
    .into_iter()
    .filter_map(|(allowed, outlet)| allowed.then_some(outlet))
    .collect();
    (forbids && !carried.is_empty()).then(|| {
        format!(
            "its notice forbids redistribution, but its rights put the full text in {}",
            carried.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_forbidding_redistribution_contradicts_full_text_rights() {
        let notice = "MNA copy may not be republished or redistributed without permission.";
        let feeds = SourceRights {
            full_text_in_feeds: true,
            ..SourceRights::default()
        };
        let found = notice_contradiction(feeds, notice).unwrap();
        assert!(found.ends_with("full text in feeds"), "{found}");
        assert_eq!(notice_contradiction(SourceRights::default(), notice), None);
        assert_eq!(
            notice_contradiction(SourceRights::OWN, "© 2026 Dateline. Share freely."),
            None
        );
    }

    #[test]
    fn agency_copy_without_rights_goes_out_as_a_summary_everywhere_but_the_site() {
        let agency = SourceRights::default();
        assert_eq!(carriage(agency, Outlet::Web), Carriage::FullText);
        assert_eq!(carriage(agency, Outlet::Email), Carriage::FullText);
        for outlet in [Outlet::Feed, Outlet::Api, Outlet::Federation] {
            assert_eq!(carriage(agency, outlet), Carriage::Summary, "{outlet:?}");
        }
    }

    #[test]
    fn each_flag_opens_only_its_own_outlet() {
        let feeds_only = SourceRights {
            full_text_in_feeds: true,
            ..SourceRights::default()
        };
        assert_eq!(carriage(feeds_only, Outlet::Feed), Carriage::FullText);
        assert_eq!(carriage(feeds_only, Outlet::Api), Carriage::Summary);
        assert_eq!(
            carriage(SourceRights::OWN, Outlet::Federation),
            Carriage::FullText
        );
    }
}
