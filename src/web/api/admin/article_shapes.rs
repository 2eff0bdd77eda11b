//! What the admin API's article operations take and give: the article as
//! the newsroom writes it, as the API answers with it, and its workflow
//! status.

use dateline_core::ArticleStatus;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::web::api::shapes::{EntryShape, KindName};

/// An article as the newsroom writes it. Sections, sources, bylines and
/// topics are named by their slugs; tags by name (a new name makes a tag).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleInput {
    /// When replacing an article: the revision the change was made from. If
    /// someone saved a newer one meanwhile the change is refused
    /// (`409 stale_revision`) rather than silently overwriting theirs.
    pub revision: Option<i64>,
    /// One line, at most 200 characters.
    pub headline: String,
    #[serde(default)]
    pub standfirst: String,
    /// Markdown; HTML in it is sanitised.
    #[serde(default)]
    pub body: String,
    /// A section's slug (see `GET /api/v1/sections`).
    pub section: String,
    /// The article's address segment; made from the headline when absent.
    pub slug: Option<String>,
    /// The wire source's slug, for agency copy.
    pub source: Option<String>,
    /// Byline slugs, in order (see `GET /api/v1/authors`).
    #[serde(default)]
    pub authors: Vec<String>,
    /// The byline slug of the editor credited with "Edited By".
    pub edited_by: Option<String>,
    /// The dateline's place ("Mumbai").
    pub place: Option<String>,
    /// Tag names; at most 20.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Topic slugs. Filing in topics is for editors and admins.
    #[serde(default)]
    pub topics: Vec<String>,
    /// Related articles' ids, in the order readers see them; at most 9.
    #[serde(default)]
    pub related: Vec<i64>,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
    pub lead_image: Option<LeadImageInput>,
    /// `live` for a live blog (entries are added with
    /// `POST /api/v1/admin/articles/{id}/entries`); `standard` when absent.
    pub kind: Option<KindName>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeadImageInput {
    /// A media library id (see `POST /api/v1/admin/media`).
    pub media: i64,
    /// Replaces the picture's own caption on this article.
    pub caption: Option<String>,
    /// Replaces the picture's own credit on this article.
    pub credit: Option<String>,
}

/// An article as the newsroom sees it, in whatever status it is.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminArticle {
    pub id: i64,
    pub status: WorkflowStatus,
    /// Send it back with a replacement (`PUT`).
    pub revision: i64,
    pub headline: String,
    pub standfirst: String,
    /// Markdown.
    pub body: String,
    pub section: String,
    pub slug: String,
    pub source: Option<String>,
    pub authors: Vec<String>,
    pub edited_by: Option<String>,
    pub place: Option<String>,
    pub tags: Vec<String>,
    pub topics: Vec<String>,
    pub related: Vec<i64>,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
    pub lead_image: Option<LeadImageInput>,
    pub kind: KindName,
    /// A live blog's entries, newest first.
    pub entries: Vec<EntryShape>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub scheduled_at: Option<Timestamp>,
    /// Not publishable before this time.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub embargo_until: Option<Timestamp>,
    /// The reader's page, absolute (readers see it once published).
    pub url: String,
}

/// Where an article stands in the editorial workflow.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WorkflowStatus {
    Draft,
    InReview,
    Scheduled,
    Published,
    Unpublished,
}

impl From<WorkflowStatus> for ArticleStatus {
    fn from(s: WorkflowStatus) -> Self {
        match s {
            WorkflowStatus::Draft => Self::Draft,
            WorkflowStatus::InReview => Self::InReview,
            WorkflowStatus::Scheduled => Self::Scheduled,
            WorkflowStatus::Published => Self::Published,
            WorkflowStatus::Unpublished => Self::Unpublished,
        }
    }
}

impl From<ArticleStatus> for WorkflowStatus {
    fn from(s: ArticleStatus) -> Self {
        match s {
            ArticleStatus::Draft => Self::Draft,
            ArticleStatus::InReview => Self::InReview,
            ArticleStatus::Scheduled => Self::Scheduled,
            ArticleStatus::Published => Self::Published,
            ArticleStatus::Unpublished => Self::Unpublished,
        }
    }
}

/// A move along the workflow.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    pub status: WorkflowStatus,
    /// For `scheduled`: when to publish (RFC 3339, in the future).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub at: Option<String>,
}
