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

#[cfg(test)]
mod tests {
    use super::*;

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
