//! The JSON the content API answers with. These are the API's own types,
//! made from the domain's, so that a change inside Dateline does not change
//! what apps read without a new version of the API.

pub use crate::live::{EntryShape, api_carriage};
use dateline_core::{Article, ArticleCard, ArticleKind, Carriage, Figure, Named, article_path};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A section, tag, topic, author or source, by the slug its address uses.
#[derive(Debug, Serialize, ToSchema)]
pub struct NamedRef {
    pub slug: String,
    pub name: String,
}

impl From<&Named> for NamedRef {
    fn from(n: &Named) -> Self {
        Self {
            slug: n.slug.clone(),
            name: n.name.clone(),
        }
    }
}

/// A picture with what must be shown with it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Image {
    /// The largest JPEG, absolute.
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
    pub caption: String,
    /// The photographer or agency, to be shown with the picture.
    pub credit: String,
}

impl Image {
    fn new(base: &str, figure: &Figure) -> Self {
        let (url, width, height) = crate::web::reader::widest_jpeg(base, figure);
        Self {
            url,
            width,
            height,
            alt: figure.alt.clone(),
            caption: figure.caption.clone(),
            credit: figure.credit.clone(),
        }
    }
}

/// A published article in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleSummary {
    pub id: i64,
    /// The reader's page, absolute.
    pub url: String,
    pub headline: String,
    pub standfirst: String,
    pub section: NamedRef,
    /// The agency the copy comes from; absent for the newsroom's own.
    pub source_name: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    pub published_at: Timestamp,
    pub image: Option<Image>,
}

impl ArticleSummary {
    pub fn new(base: &str, card: &ArticleCard) -> Self {
        Self {
            id: card.id.0,
            url: format!(
                "{base}{}",
                article_path(&card.section.slug, &card.slug, card.id)
            ),
            headline: card.headline.clone(),
            standfirst: card.standfirst.clone(),
            section: (&card.section).into(),
            source_name: card.source_name.clone(),
            published_at: card.published_at,
            image: card.image.as_ref().map(|f| Image::new(base, f)),
        }
    }
}

/// One page of a list, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticlePage {
    pub articles: Vec<ArticleSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Search results, best first.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchPage {
    /// How many published articles match.
    pub total: usize,
    pub articles: Vec<ArticleSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// When the words as given found nothing, the corrected words these
    /// results are for.
    pub corrected: Option<String>,
}

/// How much of an article the source's rights let the API carry.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApiCarriage {
    /// Headline, summary and link: `body_html` is absent.
    Summary,
    FullText,
}

/// The agency an article comes from and its republication terms.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceRef {
    pub slug: String,
    pub name: String,
    /// The notice to show with the article ("© Agency. Republication …").
    pub notice: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CorrectionNote {
    /// `correction` or `update`.
    pub kind: String,
    pub note: String,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
}

/// A published article.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleDetail {
    pub id: i64,
    /// The reader's page, absolute.
    pub url: String,
    pub headline: String,
    pub standfirst: String,
    pub section: NamedRef,
    pub source: Option<SourceRef>,
    pub authors: Vec<NamedRef>,
    /// The editor credited with "Edited By".
    pub edited_by: Option<NamedRef>,
    /// Where the story was filed from.
    pub place: Option<String>,
    pub tags: Vec<NamedRef>,
    /// The series the article belongs to.
    pub topics: Vec<NamedRef>,
    /// BCP 47; absent means the site's language.
    pub language: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    pub published_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
    pub image: Option<Image>,
    pub corrections: Vec<CorrectionNote>,
    pub carriage: ApiCarriage,
    /// The sanitised body; absent when `carriage` is `summary`.
    pub body_html: Option<String>,
    /// `live` for a live blog, whose entries follow.
    pub kind: KindName,
    /// A live blog's entries, newest first; their bodies are absent when
    /// `carriage` is `summary`. New ones arrive as `entry` events on
    /// `/api/v1/live`.
    pub entries: Vec<EntryShape>,
}

/// What kind of story an article is.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum KindName {
    #[default]
    Standard,
    Live,
}

impl From<ArticleKind> for KindName {
    fn from(kind: ArticleKind) -> Self {
        match kind {
            ArticleKind::Standard => Self::Standard,
            ArticleKind::Live => Self::Live,
        }
    }
}

impl From<KindName> for ArticleKind {
    fn from(kind: KindName) -> Self {
        match kind {
            KindName::Standard => Self::Standard,
            KindName::Live => Self::Live,
        }
    }
}

impl ArticleDetail {
    pub fn new(base: &str, article: Article) -> Self {
        let rights = api_carriage(&article);
        let carriage = match rights {
            Carriage::FullText => ApiCarriage::FullText,
            Carriage::Summary => ApiCarriage::Summary,
        };
        let named = |list: &[Named]| list.iter().map(NamedRef::from).collect();
        Self {
            id: article.id.0,
            url: format!(
                "{base}{}",
                article_path(&article.section.slug, &article.slug, article.id)
            ),
            section: (&article.section).into(),
            source: article.source.as_ref().map(|s| SourceRef {
                slug: s.slug.clone(),
                name: s.name.clone(),
                notice: s.notice.clone(),
            }),
            authors: named(&article.authors),
            edited_by: article.edited_by.as_ref().map(NamedRef::from),
            tags: named(&article.tags),
            topics: named(&article.topics),
            published_at: article.first_published_at.unwrap_or(article.updated_at),
            updated_at: article.updated_at,
            image: article.lead_image.as_ref().map(|f| Image::new(base, f)),
            corrections: article
                .corrections
                .iter()
                .map(|c| CorrectionNote {
                    kind: c.kind.as_str().to_owned(),
                    note: c.note.clone(),
                    at: c.at,
                })
                .collect(),
            carriage,
            body_html: matches!(carriage, ApiCarriage::FullText).then_some(article.body_html),
            kind: article.kind.into(),
            entries: article
                .entries
                .into_iter()
                .map(|e| EntryShape::new(e, rights))
                .collect(),
            headline: article.headline,
            standfirst: article.standfirst,
            place: article.place,
            language: article.language,
        }
    }
}

/// A section of the site, in navigation order.
#[derive(Debug, Serialize, ToSchema)]
pub struct SectionEntry {
    pub slug: String,
    pub name: String,
    /// The section's front, absolute.
    pub url: String,
    /// The slug of the section it sits under.
    pub parent: Option<String>,
}

/// A tag or topic with how many published articles it has.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaxonomyEntry {
    pub slug: String,
    pub name: String,
    pub description: String,
    /// Its page, absolute.
    pub url: String,
    pub articles: i64,
}

/// A byline.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorEntry {
    pub slug: String,
    pub name: String,
    pub bio: String,
    /// The author's page, absolute.
    pub url: String,
}

/// Lists of things articles are filed under.
#[derive(Debug, Serialize, ToSchema)]
pub struct SectionList {
    pub sections: Vec<SectionEntry>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TaxonomyList {
    pub items: Vec<TaxonomyEntry>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorList {
    pub authors: Vec<AuthorEntry>,
}
