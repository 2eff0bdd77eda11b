//! Who may do what in the newsroom: the one place role checks live.
//!
//! Every admin route asks [`allows`]; the admin API asks [`token_allows`],
//! which is [`allows`] narrowed by the token's scopes. Nothing else compares
//! roles.

use crate::{ArticleStatus, Invalid};

/// A staff member's role. Each includes the powers of the roles below it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Writes drafts and submits them for review.
    Contributor,
    /// Also publishes their own articles.
    Author,
    /// Also publishes, schedules, unpublishes and corrects anyone's articles.
    Editor,
    /// Also manages people, sections, sources, pages and settings.
    Admin,
}

impl Role {
    pub const ALL: [Self; 4] = [Self::Contributor, Self::Author, Self::Editor, Self::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Contributor => "contributor",
            Self::Author => "author",
            Self::Editor => "editor",
            Self::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                Invalid::new(
                    "role",
                    format!("{s:?} is not a role (contributor, author, editor or admin)"),
                )
            })
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether the article acted on is the actor's own (they created it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ownership {
    Own,
    Others,
}

/// Something a staff member may try to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See the admin at all: the article list, the dashboard.
    EnterAdmin,
    /// Start a new article.
    CreateArticle,
    /// Change an article's text and metadata, in its current status.
    EditArticle(Ownership, ArticleStatus),
    /// Move an article to a new status.
    MoveArticle(Ownership, ArticleStatus),
    /// Add a correction or update note to a published article.
    CorrectArticle(Ownership),
    /// Read who did what to articles.
    ReadAuditLog,
    /// Upload pictures to the media library and browse it.
    UploadMedia,
    /// Change a picture's alt text, caption, credit and focus.
    EditMedia,
    /// Tags, topics (and their ordered lists) and bylines.
    ManageTaxonomy,
    /// Messages readers sent through the Feedback form.
    ReadFeedback,
    /// See newsletters' subscriber counts and issues; send a digest now or
    /// an article as a breaking alert.
    SendNewsletters,
    /// Export the subscriber list (personal data).
    ExportSubscribers,
    /// Read the wire desk, make drafts of its stories, set stories aside.
    UseWire,
    /// Arrange the home page and section fronts.
    ArrangeFronts,
    /// Staff accounts and their roles.
    ManagePeople,
    /// Sections, sources and their rights, static pages, settings.
    ManageSite,
}

/// Whether `role` may do `action`.
pub fn allows(role: Role, action: Action) -> bool {
    use ArticleStatus::*;
    use Ownership::*;
    use Role::*;
    match action {
        Action::EnterAdmin | Action::CreateArticle | Action::UploadMedia => true,
        // A contributor's copy is theirs until they submit it; an author's
        // own stays theirs; an editor may touch anyone's.
        Action::EditArticle(Own, Draft | InReview) => true,
        Action::EditArticle(Own, _) => role >= Author,
        Action::EditArticle(Others, _) => role >= Editor,
        Action::MoveArticle(ownership, next) => match (ownership, next) {
            (Own, Draft | InReview) => true,
            (Own, Published | Unpublished) => role >= Author,
            (Own, Scheduled) | (Others, _) => role >= Editor,
        },
        Action::CorrectArticle(Own) => role >= Author,
        Action::CorrectArticle(Others) => role >= Editor,
        Action::ReadAuditLog
        | Action::EditMedia
        | Action::ManageTaxonomy
        | Action::ReadFeedback
        | Action::SendNewsletters
        | Action::UseWire
        | Action::ArrangeFronts => role >= Editor,
        Action::ManagePeople | Action::ManageSite | Action::ExportSubscribers => role >= Admin,
    }
}

/// What a personal access token may be used for. A token never does more
/// than its owner's role allows; its scopes narrow that further.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Scope {
    /// Create articles and change their text and details.
    #[serde(rename = "articles:write")]
    ArticlesWrite,
    /// Move articles along the workflow (submit, publish, schedule,
    /// unpublish) and add corrections.
    #[serde(rename = "articles:publish")]
    ArticlesPublish,
    /// Upload pictures to the media library.
    #[serde(rename = "media:write")]
    MediaWrite,
    /// Rename and delete tags; create topics.
    #[serde(rename = "taxonomy:write")]
    TaxonomyWrite,
}

impl Scope {
    pub const ALL: [Self; 4] = [
        Self::ArticlesWrite,
        Self::ArticlesPublish,
        Self::MediaWrite,
        Self::TaxonomyWrite,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ArticlesWrite => "articles:write",
            Self::ArticlesPublish => "articles:publish",
            Self::MediaWrite => "media:write",
            Self::TaxonomyWrite => "taxonomy:write",
        }
    }

    pub fn parse(s: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|scope| scope.as_str() == s)
            .ok_or_else(|| Invalid::new("scopes", format!("{s:?} is not a scope")))
    }

    /// Whether a token with this scope may be used for `action` (its
    /// owner's role permitting).
    pub fn covers(self, action: Action) -> bool {
        match self {
            Self::ArticlesWrite => matches!(
                action,
                Action::EnterAdmin | Action::CreateArticle | Action::EditArticle(..)
            ),
            Self::ArticlesPublish => matches!(
                action,
                Action::EnterAdmin | Action::MoveArticle(..) | Action::CorrectArticle(_)
            ),
            Self::MediaWrite => matches!(action, Action::UploadMedia | Action::EditMedia),
            Self::TaxonomyWrite => matches!(action, Action::ManageTaxonomy),
        }
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a token of a staff member with `role`, granted `scopes`, may do
/// `action`: the role must allow it and one of the scopes must cover it.
pub fn token_allows(role: Role, scopes: &[Scope], action: Action) -> bool {
    allows(role, action) && scopes.iter().any(|scope| scope.covers(action))
}

#[cfg(test)]
mod tests {
    use super::{Action::*, ArticleStatus::*, Ownership::*, Role::*, *};

    #[test]
    fn roles_are_ordered_and_parse_back() {
        assert!(Contributor < Author && Author < Editor && Editor < Admin);
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()).unwrap(), role);
        }
        assert!(Role::parse("owner").is_err());
    }

    /// The rules of the newsroom issue, written out role by role.
    #[test]
    fn each_role_may_do_exactly_its_share() {
        let cases: &[(Action, [bool; 4])] = &[
            // action                                 contributor author editor admin
            (EnterAdmin, [true, true, true, true]),
            (CreateArticle, [true, true, true, true]),
            (EditArticle(Own, Draft), [true, true, true, true]),
            (EditArticle(Own, InReview), [true, true, true, true]),
            (EditArticle(Own, Published), [false, true, true, true]),
            (EditArticle(Others, Draft), [false, false, true, true]),
            (MoveArticle(Own, InReview), [true, true, true, true]),
            (MoveArticle(Own, Published), [false, true, true, true]),
            (MoveArticle(Own, Unpublished), [false, true, true, true]),
            (MoveArticle(Own, Scheduled), [false, false, true, true]),
            (MoveArticle(Others, Published), [false, false, true, true]),
            (MoveArticle(Others, Scheduled), [false, false, true, true]),
            (MoveArticle(Others, Unpublished), [false, false, true, true]),
            (CorrectArticle(Own), [false, true, true, true]),
            (CorrectArticle(Others), [false, false, true, true]),
            (ReadAuditLog, [false, false, true, true]),
            (UploadMedia, [true, true, true, true]),
            (EditMedia, [false, false, true, true]),
            (ManageTaxonomy, [false, false, true, true]),
            (ReadFeedback, [false, false, true, true]),
            (SendNewsletters, [false, false, true, true]),
            (UseWire, [false, false, true, true]),
            (ExportSubscribers, [false, false, false, true]),
            (ManagePeople, [false, false, false, true]),
            (ManageSite, [false, false, false, true]),
        ];
        for (action, expected) in cases {
            for (role, allowed) in Role::ALL.into_iter().zip(expected) {
                assert_eq!(allows(role, *action), *allowed, "{role} {action:?}");
            }
        }
    }

    #[test]
    fn a_token_does_what_its_owner_may_and_its_scopes_cover() {
        use Scope::*;
        let publish = MoveArticle(Own, Published);
        // The role decides first: a contributor's token never publishes.
        assert!(!token_allows(Contributor, &Scope::ALL, publish));
        assert!(token_allows(Author, &[ArticlesPublish], publish));
        // Then the scopes: writing is not publishing, nor the reverse.
        assert!(!token_allows(Admin, &[ArticlesWrite], publish));
        assert!(!token_allows(Admin, &[ArticlesPublish], CreateArticle));
        assert!(token_allows(
            Editor,
            &[ArticlesWrite],
            EditArticle(Others, Draft)
        ));
        assert!(token_allows(Contributor, &[MediaWrite], UploadMedia));
        assert!(!token_allows(Contributor, &[TaxonomyWrite], ManageTaxonomy));
        assert!(token_allows(Editor, &[TaxonomyWrite], ManageTaxonomy));
        // Nothing about people or the site is ever a token's to do.
        for action in [ManagePeople, ManageSite, ExportSubscribers, SendNewsletters] {
            assert!(!token_allows(Admin, &Scope::ALL, action), "{action:?}");
        }
        assert!(!token_allows(Admin, &[], EnterAdmin));
        for scope in Scope::ALL {
            assert_eq!(Scope::parse(scope.as_str()).unwrap(), scope);
        }
    }
}
