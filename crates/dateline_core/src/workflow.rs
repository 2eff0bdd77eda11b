use crate::Invalid;

/// Where an article stands in the editorial workflow.
///
/// "Corrected" is not a status: a correction is a note added to a published
/// article (see [`crate::Correction`]), which stays published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArticleStatus {
    Draft,
    InReview,
    Scheduled,
    Published,
    Unpublished,
}

impl ArticleStatus {
    pub const ALL: [Self; 5] = [
        Self::Draft,
        Self::InReview,
        Self::Scheduled,
        Self::Published,
        Self::Unpublished,
    ];

    /// The legal moves. Anything not listed is refused, including staying put.
    pub fn can_become(self, next: Self) -> bool {
        use ArticleStatus::*;
        matches!(
            (self, next),
            (Draft, InReview | Scheduled | Published)
                | (InReview, Draft | Scheduled | Published)
                | (Scheduled, Draft | Published)
                | (Published, Unpublished)
                | (Unpublished, Draft | Published)
        )
    }

    pub fn transition(self, next: Self) -> Result<Self, Invalid> {
        if self.can_become(next) {
            Ok(next)
        } else {
            Err(Invalid::new(
                "status",
                format!(
                    "an article that is {} cannot become {}",
                    self.as_str(),
                    next.as_str()
                ),
            ))
        }
    }

    /// Readers see an article only in this status.
    pub fn is_public(self) -> bool {
        self == Self::Published
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::InReview => "in_review",
            Self::Scheduled => "scheduled",
            Self::Published => "published",
            Self::Unpublished => "unpublished",
        }
    }

    pub fn parse(s: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| Invalid::new("status", format!("{s:?} is not an article status")))
    }
}

#[cfg(test)]
mod tests {
    use super::ArticleStatus::{self, *};

    #[test]
    fn the_legal_moves_are_exactly_these() {
        let legal = [
            (Draft, InReview),
            (Draft, Scheduled),
            (Draft, Published),
            (InReview, Draft),
            (InReview, Scheduled),
            (InReview, Published),
            (Scheduled, Draft),
            (Scheduled, Published),
            (Published, Unpublished),
            (Unpublished, Draft),
            (Unpublished, Published),
        ];
        for from in ArticleStatus::ALL {
            for to in ArticleStatus::ALL {
                assert_eq!(
                    from.can_become(to),
                    legal.contains(&(from, to)),
                    "{from:?} -> {to:?}"
                );
            }
        }
    }

    #[test]
    fn a_published_article_is_unpublished_before_it_is_edited_back_to_draft() {
        assert!(Published.transition(Draft).is_err());
        assert_eq!(Published.transition(Unpublished).unwrap(), Unpublished);
        assert_eq!(Unpublished.transition(Draft).unwrap(), Draft);
    }

    #[test]
    fn only_published_articles_are_public() {
        let public: Vec<_> = ArticleStatus::ALL
            .into_iter()
            .filter(|s| s.is_public())
            .collect();
        assert_eq!(public, [Published]);
    }

    #[test]
    fn statuses_round_trip_through_their_names() {
        for s in ArticleStatus::ALL {
            assert_eq!(ArticleStatus::parse(s.as_str()).unwrap(), s);
        }
        assert!(ArticleStatus::parse("corrected").is_err());
    }
}
