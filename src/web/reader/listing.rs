//! Pages that list articles: section fronts, tag, topic and author pages.
//! One shape, one template (`listing.html`), paginated.

use axum::{
    extract::{Path, Query, Request, State},
    response::Response,
};
use dateline_core::ArticleCard;
use dateline_store::{ArticleList, Front};
use serde::{Deserialize, Serialize};

use super::{Chrome, card_keys, fronts, render};
use crate::{
    web::{App, AppState},
    web::{
        AppError, Result,
        cache::{DepKey, Rendered},
    },
};

pub const PAGE_SIZE: i64 = 20;

#[derive(Deserialize)]
pub struct Pagination {
    pub page: Option<i64>,
}

/// What a listing page is about.
#[derive(Serialize)]
pub struct Subject {
    /// "Tag", "Topic", "Author"; empty for a section.
    pub kind: &'static str,
    pub name: String,
    pub description: String,
    /// A topic's picture.
    pub image: Option<dateline_core::Figure>,
    /// The listing's own path, without the page number.
    pub path: String,
    /// The section to highlight in the navigation, if any.
    pub section_slug: Option<String>,
    #[serde(skip)]
    pub list: ArticleList,
    #[serde(skip)]
    pub key: DepKey,
}

#[derive(Serialize)]
struct ListingPage {
    chrome: Chrome,
    subject: Subject,
    articles: Vec<ArticleCard>,
    /// A section front's first page: Most read in the section.
    most_read: Option<Vec<ArticleCard>>,
    /// Headlines under test: which one each tested card shows.
    tested: std::collections::HashMap<String, usize>,
    /// The section, when the listing is a section's (for its Most read).
    subject_section: Option<dateline_core::Named>,
    page: i64,
    pages: i64,
}

/// Renders page `current` of `subject`'s articles; pages past the end are 404.
pub async fn render_listing(app: &App, subject: Subject, current: i64) -> Result<Rendered> {
    let chrome = Chrome::load(app).await?;
    let total = app.store.count_published_articles(subject.list).await?;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    if !(1..=pages).contains(&current) {
        return Err(AppError::NotFound);
    }
    let mut articles = app
        .store
        .published_articles(subject.list, PAGE_SIZE, (current - 1) * PAGE_SIZE)
        .await?;
    // A section's front opens with the stories its editors pinned; the
    // page's own stories follow (less those), so none is pushed off.
    let mut most_read = None;
    let mut tested = super::headlines::Tested::default();
    if let (ArticleList::Section(section), 1) = (subject.list, current) {
        let slots = fronts::slots(app, Front::Section(section)).await?;
        let total = slots.len() + articles.len();
        articles = fronts::arrange(slots, articles, total)
            .into_iter()
            .map(|(card, _)| card)
            .collect();
        most_read = Some(app.most_read.block(app, Some(section)).await?);
        tested = super::headlines::apply(app, articles.iter_mut()).await?;
    }
    let mut keys = vec![subject.key];
    keys.extend(card_keys(&articles));
    if let Some(cards) = &most_read {
        keys.extend(super::most_read::block_keys(cards));
    }
    let subject_section = subject.section_slug.as_ref().and_then(|slug| {
        (subject.kind.is_empty()).then(|| dateline_core::Named {
            slug: slug.clone(),
            name: subject.name.clone(),
        })
    });
    let page = ListingPage {
        chrome,
        subject,
        articles,
        most_read,
        tested: tested.shown,
        subject_section,
        page: current,
        pages,
    };
    render(app, "listing.html", page, keys).map(|page| page.in_variants(tested.variants))
}

/// `/tag/{slug}`, `/topic/{slug}`, `/author/{slug}`.
pub async fn show_tag(
    app: State<AppState>,
    slug: Path<String>,
    q: Query<Pagination>,
    request: Request,
) -> Result<Response> {
    show(app, "tag", slug, q, request).await
}

pub async fn show_topic(
    app: State<AppState>,
    slug: Path<String>,
    q: Query<Pagination>,
    request: Request,
) -> Result<Response> {
    show(app, "topic", slug, q, request).await
}

pub async fn show_author(
    app: State<AppState>,
    slug: Path<String>,
    q: Query<Pagination>,
    request: Request,
) -> Result<Response> {
    show(app, "author", slug, q, request).await
}

async fn show(
    State(app): State<AppState>,
    kind: &'static str,
    Path(slug): Path<String>,
    Query(pagination): Query<Pagination>,
    request: Request,
) -> Result<Response> {
    let page = pagination.page.unwrap_or(1);
    let url = format!("/{kind}/{slug}?page={page}");
    app.pages
        .serve(&app.store, &url, request.headers(), || async {
            let subject = subject(&app, kind, &slug)
                .await?
                .ok_or(AppError::NotFound)?;
            render_listing(&app, subject, page).await
        })
        .await
}

/// What `/{kind}/{slug}` lists (`kind`: `tag`, `topic`, `author`, or
/// `section` for a feed of a section).
pub(super) async fn subject(app: &App, kind: &'static str, slug: &str) -> Result<Option<Subject>> {
    let path = format!("/{kind}/{slug}");
    Ok(match kind {
        "tag" => app.store.tag_by_slug(slug).await?.map(|t| Subject {
            kind: "Tag",
            name: t.name,
            description: String::new(),
            image: None,
            path,
            section_slug: None,
            list: ArticleList::Tag(t.id),
            key: DepKey::Tag(t.id.0),
        }),
        "topic" => app.store.topic_by_slug(slug).await?.map(|t| Subject {
            kind: "Topic",
            name: t.name,
            description: t.description,
            image: t.image,
            path,
            section_slug: None,
            list: ArticleList::Topic(t.id),
            key: DepKey::Topic(t.id.0),
        }),
        "section" => app.store.section_by_slug(slug).await?.map(|s| Subject {
            kind: "",
            path: format!("/{}", s.slug),
            section_slug: Some(s.slug),
            name: s.name,
            description: String::new(),
            image: None,
            list: ArticleList::Section(s.id),
            key: DepKey::Section(s.id.0),
        }),
        _ => app.store.person_by_slug(slug).await?.map(|p| Subject {
            kind: "Author",
            name: p.name,
            description: p.bio,
            image: None,
            path,
            section_slug: None,
            list: ArticleList::Author(p.id),
            key: DepKey::Author(p.id.0),
        }),
    })
}
