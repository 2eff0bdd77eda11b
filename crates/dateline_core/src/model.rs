//! The newsroom's entities: what is written to the store (`New*`) and what is
//! read back for pages and outlets.

use jiff::Timestamp;
use serde::Serialize;

use crate::{
    ArticleId, ArticleStatus, Body, Email, Headline, MediaId, PageId, PersonId, SectionId, Slug,
    SourceId, SourceRights, TagId, Text, TopicId,
};

/// A section of the site ("News", "Cricket"), ordered by `position`; a
/// section with a parent is shown under it.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub id: SectionId,
    pub slug: String,
    pub name: String,
    pub parent_id: Option<SectionId>,
    pub position: i64,
}

#[derive(Debug, Clone)]
pub struct NewSection {
    pub slug: Slug,
    pub name: Text,
    pub parent: Option<SectionId>,
    pub position: i64,
}

/// Someone the site credits: a byline author or the editor of a story.
#[derive(Debug, Clone, Serialize)]
pub struct Person {
    pub id: PersonId,
    pub slug: String,
    pub name: String,
    pub bio: String,
}

#[derive(Debug, Clone)]
pub struct NewPerson {
    pub slug: Slug,
    pub name: Text,
    pub bio: String,
    pub email: Option<Email>,
}

/// Where copy comes from: a wire agency or the newsroom itself, with the
/// notice printed under its articles and its redistribution rights.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub id: SourceId,
    pub slug: String,
    pub name: String,
    pub notice: Option<String>,
    pub rights: SourceRights,
}

#[derive(Debug, Clone)]
pub struct NewSource {
    pub slug: Slug,
    pub name: Text,
    pub notice: Option<String>,
    pub rights: SourceRights,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tag {
    pub id: TagId,
    pub slug: String,
    pub name: String,
}

/// A curated series ("Road to the World Cup"): articles in an editor's order.
#[derive(Debug, Clone, Serialize)]
pub struct Topic {
    pub id: TopicId,
    pub slug: String,
    pub name: String,
    pub description: String,
    /// The series' own picture, shown at the top of its page.
    pub image: Option<Figure>,
}

#[derive(Debug, Clone)]
pub struct NewTopic {
    pub slug: Slug,
    pub name: Text,
    pub description: String,
    pub image: Option<MediaId>,
}

/// An image in the media library, with the defaults for its use on a page.
#[derive(Debug, Clone)]
pub struct NewMedia {
    /// Path under the data directory's `media/` folder.
    pub path: String,
    pub content_type: String,
    pub width: u32,
    pub height: u32,
    pub alt: Text,
    pub caption: String,
    pub credit: String,
}

/// A lead image as one article uses it: caption and credit may differ per use
/// and fall back to the media item's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadImage {
    pub media: MediaId,
    pub caption: Option<String>,
    pub credit: Option<String>,
}

/// A lead image ready for a page.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    /// Under `/media/`, for a picture without renditions (the demo's own).
    pub path: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
    pub caption: String,
    pub credit: String,
    /// For an uploaded picture, under `/img/`.
    pub renditions: Option<Renditions>,
}

/// Everything the newsroom supplies for a new article. It starts as a draft.
#[derive(Debug, Clone)]
pub struct NewArticle {
    pub slug: Slug,
    pub headline: Headline,
    pub standfirst: String,
    pub body: Body,
    pub section: SectionId,
    pub source: Option<SourceId>,
    pub authors: Vec<PersonId>,
    pub edited_by: Option<PersonId>,
    pub place: Option<String>,
    pub tags: Vec<TagId>,
    pub topics: Vec<TopicId>,
    pub lead_image: Option<LeadImage>,
    pub language: Option<String>,
    pub kind: ArticleKind,
    /// The known topic label of a synthetic article, kept so that search and
    /// "more like this" quality can be measured against it.
    pub corpus_label: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionKind {
    Correction,
    Update,
}

impl CorrectionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Correction => "correction",
            Self::Update => "update",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "correction" => Some(Self::Correction),
            "update" => Some(Self::Update),
            _ => None,
        }
    }
}

/// What kind of story an article is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArticleKind {
    /// A story told once (and corrected or updated as need be).
    #[default]
    Standard,
    /// Coverage as it happens: timestamped entries added by editors, which
    /// readers see arrive without reloading.
    Live,
}

impl ArticleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "standard",
            Self::Live => "live",
        }
    }

    pub fn parse(s: &str) -> Result<Self, crate::Invalid> {
        match s {
            "standard" => Ok(Self::Standard),
            "live" => Ok(Self::Live),
            _ => Err(crate::Invalid::new(
                "kind",
                format!("{s:?} is not a kind of article (standard or live)"),
            )),
        }
    }
}

/// One entry of a live blog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LiveEntry {
    pub id: i64,
    /// A short line above the entry ("Polls close"); optional.
    pub title: Option<String>,
    /// As the editor wrote it, for editing; empty where the entry was read
    /// for showing (a reader's page).
    pub body_markdown: String,
    /// Sanitised, from the entry's Markdown.
    pub body_html: String,
    pub at: Timestamp,
}

/// A dated note on a published article: "Correction: …" or "Updated: …".
#[derive(Debug, Clone, Serialize)]
pub struct Correction {
    pub kind: CorrectionKind,
    pub note: String,
    pub at: Timestamp,
}

/// A reference to a named thing with its own page.
#[derive(Debug, Clone, Serialize)]
pub struct Named {
    pub slug: String,
    pub name: String,
}

/// An article as a page or an outlet shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Article {
    pub id: ArticleId,
    pub slug: String,
    pub status: ArticleStatus,
    pub headline: String,
    pub standfirst: String,
    pub body_html: String,
    /// What `body_html` was made from: the reader page renders its blocks
    /// again with the library's current pictures.
    #[serde(skip)]
    pub body_markdown: String,
    pub section: Named,
    pub source: Option<Source>,
    pub authors: Vec<Named>,
    pub edited_by: Option<Named>,
    pub place: Option<String>,
    pub tags: Vec<Named>,
    pub topics: Vec<Named>,
    pub lead_image: Option<Figure>,
    pub language: Option<String>,
    pub created_at: Timestamp,
    pub first_published_at: Option<Timestamp>,
    pub updated_at: Timestamp,
    pub corrections: Vec<Correction>,
    pub kind: ArticleKind,
    /// A live blog's entries, newest first (none for a standard article).
    pub entries: Vec<LiveEntry>,
    /// See [`ArticleDetails::seo_title`].
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
}

/// An article in a list: a front, a section page, a block.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleCard {
    pub id: ArticleId,
    pub slug: String,
    pub section: Named,
    pub headline: String,
    pub standfirst: String,
    pub source_name: Option<String>,
    pub published_at: Timestamp,
    pub image: Option<Figure>,
}

/// A static page from the footer (About, Privacy, …).
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    pub id: PageId,
    pub slug: String,
    pub title: String,
    pub body_html: String,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct NewPage {
    pub slug: Slug,
    pub title: Text,
    pub body: Body,
}

/// The public path of an article. It ends in the id, so renaming the slug
/// or moving the section never breaks an old link: the id finds the article
/// and the page redirects to the current path.
pub fn article_path(section_slug: &str, slug: &str, id: ArticleId) -> String {
    format!("/{section_slug}/{slug}-{id}")
}

/// The last part of a feed's address (`/feed/rss.xml`,
/// `/feed/section/news/atom.xml`), one per format; every list has all three.
pub const FEED_FILES: [&str; 3] = ["rss.xml", "atom.xml", "feed.json"];

/// The id at the end of an article path segment (`some-headline-42` → 42).
pub fn article_id_from_segment(segment: &str) -> Option<ArticleId> {
    let (_, id) = segment.rsplit_once('-')?;
    if id.is_empty() || id.len() > 18 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    id.parse().ok().map(ArticleId)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_paths_end_in_the_id_that_finds_them() {
        let path = article_path("news", "rains-lash-mumbai", ArticleId(42));
        assert_eq!(path, "/news/rains-lash-mumbai-42");
        let segment = path.rsplit('/').next().unwrap();
        assert_eq!(article_id_from_segment(segment), Some(ArticleId(42)));
    }

    #[test]
    fn segments_without_an_id_find_nothing() {
        for bad in [
            "rains",
            "rains-",
            "rains-4x2",
            "-",
            "a-99999999999999999999",
        ] {
            assert_eq!(article_id_from_segment(bad), None, "{bad:?}");
        }
    }
}

/// An article's filing and presentation, set in the editor beside its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleDetails {
    pub slug: Slug,
    pub section: SectionId,
    pub source: Option<SourceId>,
    /// In byline order.
    pub authors: Vec<PersonId>,
    pub edited_by: Option<PersonId>,
    pub place: Option<String>,
    /// By name: a tag that does not exist yet is created with the article.
    pub tags: Vec<TagName>,
    pub topics: Vec<TopicId>,
    /// The editor's related articles, in order.
    pub related: Vec<ArticleId>,
    /// Replaces the headline in the page title and search results.
    pub seo_title: Option<String>,
    /// Replaces the standfirst in the meta description and cards.
    pub seo_description: Option<String>,
    pub kind: ArticleKind,
    /// Bylines to create with this save, for names no byline has yet (an
    /// editor types them in the editor as tags are typed); each goes at its
    /// place among `authors`. Always empty when read.
    pub new_authors: Vec<NewByline>,
}

/// A byline made with an article: its name, and its place in the byline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewByline {
    pub position: usize,
    pub name: Text,
}

impl ArticleDetails {
    pub const SEO_TITLE_MAX: usize = 120;
    pub const SEO_DESCRIPTION_MAX: usize = 320;

    /// The names of the fields that differ from `before`, for the audit log.
    pub fn changed_from(&self, before: &Self) -> Vec<&'static str> {
        let fields = [
            ("slug", self.slug != before.slug),
            ("section", self.section != before.section),
            ("source", self.source != before.source),
            (
                "authors",
                self.authors != before.authors || !self.new_authors.is_empty(),
            ),
            ("edited by", self.edited_by != before.edited_by),
            ("place", self.place != before.place),
            ("tags", self.tags != before.tags),
            ("topics", self.topics != before.topics),
            ("related articles", self.related != before.related),
            ("SEO title", self.seo_title != before.seo_title),
            (
                "SEO description",
                self.seo_description != before.seo_description,
            ),
            ("kind", self.kind != before.kind),
        ];
        fields
            .into_iter()
            .filter_map(|(name, changed)| changed.then_some(name))
            .collect()
    }
}

/// A tag as an editor types it: its display name and the slug of its page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagName {
    pub slug: Slug,
    pub name: Text,
}

impl TagName {
    pub const MAX_CHARS: usize = 100;

    /// A tag from its name. A name without ASCII letters (Devanagari, say)
    /// gets a slug from a hash of the name, so that two such tags do not
    /// share one page.
    pub fn parse(name: &str) -> Result<Self, crate::Invalid> {
        let name = Text::parse("tags", name, Self::MAX_CHARS)?;
        let slug = if name.as_str().chars().any(|c| c.is_ascii_alphanumeric()) {
            Slug::from_title(name.as_str(), "tag")
        } else {
            // FNV-1a: stable across builds and platforms, unlike std's hasher.
            let hash = name
                .as_str()
                .bytes()
                .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                    (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
                });
            Slug::parse(&format!("tag-{hash:016x}"))?
        };
        Ok(Self { slug, name })
    }
}

/// Which cut of a picture a rendition is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// The whole picture.
    Full,
    /// A 16:9 crop around the picture's focus.
    Wide,
    /// A 1:1 crop around the picture's focus.
    Square,
}

/// One size of a picture, in WebP and JPEG; the keys name files by their
/// content, so a rendition's address never changes what it serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Rendition {
    pub width: u32,
    pub height: u32,
    pub webp: String,
    pub jpeg: String,
}

/// Every rendition of a picture, narrowest first in each shape.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Renditions {
    pub full: Vec<Rendition>,
    pub wide: Vec<Rendition>,
    pub square: Vec<Rendition>,
}

impl Renditions {
    pub fn push(&mut self, shape: Shape, rendition: Rendition) {
        match shape {
            Shape::Full => self.full.push(rendition),
            Shape::Wide => self.wide.push(rendition),
            Shape::Square => self.square.push(rendition),
        }
    }
}
