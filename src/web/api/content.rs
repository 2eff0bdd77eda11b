//! The public content API: published articles and what they are filed
//! under. Every answer but search goes through the page cache, so it is
//! made once per change, carries the same `ETag`, `Last-Modified` and
//! `Surrogate-Key` headers as pages, and is purged by the same changes.

use axum::{
    extract::{Path, State},
    http::{HeaderMap, Uri},
    response::{IntoResponse, Response},
};
use dateline_core::{ArticleId, ArticleStatus, article_id_from_segment};
use dateline_store::ArticleFilter;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use super::{
    ApiError,
    extract::ApiQuery,
    shapes::{
        ArticleDetail, ArticlePage, ArticleSummary, AuthorEntry, AuthorList, SearchPage,
        SectionEntry, SectionList, TaxonomyEntry, TaxonomyList,
    },
};
use crate::{
    search::SearchQuery,
    web::{App, AppState},
    web::{
        AppError,
        cache::{DepKey, Rendered},
        reader::card_keys,
    },
};

const JSON: &str = "application/json";
const DEFAULT_LIMIT: i64 = 20;
const MAX_LIMIT: i64 = 100;

type ApiResult = Result<Response, ApiError>;

/// Answers `uri` from the page cache, making it with `make` on a miss.
async fn cached<F, Fut>(app: &App, uri: &Uri, headers: &HeaderMap, make: F) -> ApiResult
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<Rendered, AppError>>,
{
    let url = uri
        .path_and_query()
        .map_or_else(|| uri.path().to_owned(), ToString::to_string);
    Ok(app.pages.serve(&app.store, &url, headers, make).await?)
}

fn json<T: Serialize>(value: &T, keys: Vec<DepKey>) -> Result<Rendered, AppError> {
    let body = serde_json::to_string(value).map_err(anyhow::Error::from)?;
    Ok(Rendered::document(body, JSON, keys))
}

/// `limit`: how many per page, 1 to `max`.
fn limit(given: Option<&str>, default: i64, max: i64) -> Result<i64, ApiError> {
    let Some(given) = given else {
        return Ok(default);
    };
    given
        .parse::<i64>()
        .ok()
        .filter(|n| (1..=max).contains(n))
        .ok_or_else(|| ApiError::invalid("limit", format!("A whole number from 1 to {max}.")))
}

/// A position in a newest-first list: the last article's first
/// publication (microseconds) and id, as `{micros}_{id}`. Opaque to clients.
fn encode_cursor(at: Timestamp, id: ArticleId) -> String {
    format!("{}_{}", at.as_microsecond(), id.0)
}

fn decode_cursor(cursor: &str) -> Result<(Timestamp, ArticleId), ApiError> {
    let bad = || ApiError::invalid("cursor", "Not a cursor this API gave out.");
    let (at, id) = cursor.split_once('_').ok_or_else(bad)?;
    let at = at.parse::<i64>().map_err(|_| bad())?;
    let at = Timestamp::from_microsecond(at).map_err(|_| bad())?;
    let id = id.parse::<i64>().map_err(|_| bad())?;
    Ok((at, ArticleId(id)))
}

/// Filters of the article list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Only articles filed in this section (its slug).
    section: Option<String>,
    /// Only articles with this tag (its slug).
    tag: Option<String>,
    /// Only articles of this topic (its slug).
    topic: Option<String>,
    /// Only articles by this author (their slug).
    author: Option<String>,
    /// Only copy from this source (its slug).
    source: Option<String>,
    /// Only articles first published at or after this time (RFC 3339).
    #[param(format = DateTime)]
    since: Option<String>,
    /// Articles per page, 1 to 100; 20 when absent.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// The `next_cursor` of the page before.
    #[param(pattern = "^[0-9]{1,15}_[0-9]{1,18}$")]
    cursor: Option<String>,
}

/// Published articles, newest first, narrowed by every filter given.
#[utoipa::path(
    get,
    path = "/api/v1/articles",
    tag = "content",
    params(ListParams),
    responses(
        (status = 200, description = "One page of articles", body = ArticlePage),
        (status = 304, description = "The copy named by `If-None-Match` is current"),
        (status = 400, description = "A parameter is malformed", body = ApiError),
    )
)]
pub async fn list_articles(
    State(app): State<AppState>,
    ApiQuery(params): ApiQuery<ListParams>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult {
    let limit = limit(params.limit.as_deref(), DEFAULT_LIMIT, MAX_LIMIT)?;
    let since = params
        .since
        .as_deref()
        .map(|s| {
            s.parse::<Timestamp>().map_err(|_| {
                ApiError::invalid("since", "An RFC 3339 time, such as 2026-11-05T09:30:00Z.")
            })
        })
        .transpose()?;
    let after = params.cursor.as_deref().map(decode_cursor).transpose()?;
    // PostgreSQL refuses NUL in text; no slug has one.
    let slug = |s: Option<String>| s.map(|s| s.replace('\0', ""));
    let filter = ArticleFilter {
        section: slug(params.section),
        tag: slug(params.tag),
        topic: slug(params.topic),
        author: slug(params.author),
        source: slug(params.source),
        since,
        after,
    };
    cached(&app, &uri, &headers, || async {
        let cards = app.store.filtered_articles(&filter, limit).await?;
        let base = app.config.site.base();
        let next_cursor = (cards.len() as i64 == limit)
            .then(|| cards.last().map(|c| encode_cursor(c.published_at, c.id)))
            .flatten();
        // Any article's change purges `Home`: a list of any filter may gain it.
        let mut keys = vec![DepKey::Home];
        keys.extend(card_keys(&cards));
        let page = ArticlePage {
            articles: cards.iter().map(|c| ArticleSummary::new(base, c)).collect(),
            next_cursor,
        };
        json(&page, keys)
    })
    .await
}

async fn article_json(app: &App, id: ArticleId) -> Result<Rendered, AppError> {
    let article = app.store.article(id).await?.ok_or(AppError::NotFound)?;
    match article.status {
        ArticleStatus::Published => {}
        ArticleStatus::Unpublished => return Err(AppError::Gone),
        _ => return Err(AppError::NotFound),
    }
    let detail = ArticleDetail::new(app.config.site.base(), article);
    json(&detail, vec![DepKey::Article(id.0)])
}

/// One published article, with its body where its source's rights allow
/// the API to carry it.
#[utoipa::path(
    get,
    path = "/api/v1/articles/{id}",
    tag = "content",
    params(("id" = i64, Path, description = "The article's id")),
    responses(
        (status = 200, description = "The article", body = ArticleDetail),
        (status = 304, description = "The copy named by `If-None-Match` is current"),
        (status = 400, description = "The id is not a number", body = ApiError),
        (status = 404, description = "No published article has this id", body = ApiError),
        (status = 410, description = "The article was withdrawn", body = ApiError),
    )
)]
pub async fn show_article(
    State(app): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult {
    let id = id
        .parse::<i64>()
        .map(ArticleId)
        .map_err(|_| ApiError::invalid("id", "An article id is a whole number."))?;
    cached(&app, &uri, &headers, || article_json(&app, id)).await
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ByUrlParams {
    /// The article's address on the site, absolute or from the first `/`.
    url: String,
}

/// The published article at a reader's address (any address that leads to
/// it, such as one with a former slug).
#[utoipa::path(
    get,
    path = "/api/v1/articles/by-url",
    tag = "content",
    params(ByUrlParams),
    responses(
        (status = 200, description = "The article", body = ArticleDetail),
        (status = 304, description = "The copy named by `If-None-Match` is current"),
        (status = 400, description = "`url` is missing", body = ApiError),
        (status = 404, description = "No published article is at this address", body = ApiError),
        (status = 410, description = "The article was withdrawn", body = ApiError),
    )
)]
pub async fn find_article(
    State(app): State<AppState>,
    ApiQuery(params): ApiQuery<ByUrlParams>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult {
    let path = match params.url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |at| &rest[at..]),
        None => params.url.as_str(),
    };
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let id = match segments.as_slice() {
        [_section, segment] | [_section, segment, "print"] => article_id_from_segment(segment),
        _ => None,
    }
    .ok_or_else(|| ApiError::not_found("No article is at this address."))?;
    cached(&app, &uri, &headers, || article_json(&app, id)).await
}

/// The site's sections, in navigation order.
#[utoipa::path(
    get,
    path = "/api/v1/sections",
    tag = "content",
    responses(
        (status = 200, description = "Every section", body = SectionList),
        (status = 304, description = "The copy named by `If-None-Match` is current"),
    )
)]
pub async fn list_sections(State(app): State<AppState>, uri: Uri, headers: HeaderMap) -> ApiResult {
    cached(&app, &uri, &headers, || async {
        let sections = app.store.sections().await?;
        let base = app.config.site.base();
        let slug_of = |id| sections.iter().find(|s| s.id == id).map(|s| s.slug.clone());
        let list = SectionList {
            sections: sections
                .iter()
                .map(|s| SectionEntry {
                    slug: s.slug.clone(),
                    name: s.name.clone(),
                    url: format!("{base}/{}", s.slug),
                    parent: s.parent_id.and_then(slug_of),
                })
                .collect(),
        };
        // Sections change with the navigation, which purges everything.
        json(&list, Vec::new())
    })
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TagParams {
    /// Only tags whose name contains these letters, in any case.
    q: Option<String>,
    /// How many, 1 to 1000; 100 when absent.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
}

/// Tags by name.
#[utoipa::path(
    get,
    path = "/api/v1/tags",
    tag = "content",
    params(TagParams),
    responses(
        (status = 200, description = "Tags by name", body = TaxonomyList),
        (status = 304, description = "The copy named by `If-None-Match` is current"),
        (status = 400, description = "A parameter is malformed", body = ApiError),
    )
)]
pub async fn list_tags(
    State(app): State<AppState>,
    ApiQuery(params): ApiQuery<TagParams>,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult {
    let limit = limit(params.limit.as_deref(), 100, 1000)?;
    let q = params.q.unwrap_or_default().replace('\0', "");
    cached(&app, &uri, &headers, || async {
        let tags = app.store.tags(&q, limit).await?;
        // New tags come with articles, whose changes purge `Home`.
        json(&taxonomy_list(&app, "tag", tags), vec![DepKey::Home])
    })
    .await
}

/// Tags or topics (`kind` names their pages: `/tag/…`, `/topic/…`).
fn taxonomy_list(
    app: &App,
    kind: &str,
    entries: Vec<dateline_store::TaxonomyEntry>,
) -> TaxonomyList {
    let base = app.config.site.base();
    TaxonomyList {
        items: entries
            .into_iter()
            .map(|t| TaxonomyEntry {
                url: format!("{base}/{kind}/{}", t.slug),
                slug: t.slug,
                name: t.name,
                description: t.description,
                articles: t.articles,
            })
            .collect(),
    }
}

/// Topics (series), by name.
#[utoipa::path(
    get,
    path = "/api/v1/topics",
    tag = "content",
    responses(
        (status = 200, description = "Every topic", body = TaxonomyList),
        (status = 304, description = "The copy named by `If-None-Match` is current"),
    )
)]
pub async fn list_topics(State(app): State<AppState>, uri: Uri, headers: HeaderMap) -> ApiResult {
    cached(&app, &uri, &headers, || async {
        let topics = app.store.topics().await?;
        json(&taxonomy_list(&app, "topic", topics), vec![DepKey::Home])
    })
    .await
}

/// Authors (bylines), by name.
#[utoipa::path(
    get,
    path = "/api/v1/authors",
    tag = "content",
    responses(
        (status = 200, description = "Every author", body = AuthorList),
        (status = 304, description = "The copy named by `If-None-Match` is current"),
    )
)]
pub async fn list_authors(State(app): State<AppState>, uri: Uri, headers: HeaderMap) -> ApiResult {
    cached(&app, &uri, &headers, || async {
        let people = app.store.people().await?;
        let base = app.config.site.base();
        let list = AuthorList {
            authors: people
                .into_iter()
                .map(|p| AuthorEntry {
                    url: format!("{base}/author/{}", p.slug),
                    slug: p.slug,
                    name: p.name,
                    bio: p.bio,
                })
                .collect(),
        };
        // Bylines are changed in the newsroom's catalog, which purges everything.
        json(&list, Vec::new())
    })
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words to find; `"a phrase"` in quotes, `-word` to leave out.
    q: String,
    /// Only articles filed in this section (its slug).
    section: Option<String>,
    /// Results per page, 1 to 100; 20 when absent.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// The `next_cursor` of the page before.
    #[param(pattern = "^[0-9]{1,3}$")]
    cursor: Option<String>,
}

/// Published articles that match words, best first.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "content",
    params(SearchParams),
    responses(
        (status = 200, description = "One page of results", body = SearchPage),
        (status = 400, description = "A parameter is malformed", body = ApiError),
    )
)]
pub async fn search(
    State(app): State<AppState>,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> ApiResult {
    use crate::search::query::MAX_RESULTS;
    let limit = limit(params.limit.as_deref(), DEFAULT_LIMIT, MAX_LIMIT)? as usize;
    let offset = match params.cursor.as_deref() {
        None => 0,
        Some(c) => c
            .parse::<usize>()
            .ok()
            .filter(|&o| o < MAX_RESULTS)
            .ok_or_else(|| ApiError::invalid("cursor", "Not a cursor this API gave out."))?,
    };
    let section = match params.section.as_deref() {
        None => None,
        Some(slug) => match app.store.section_by_slug(&slug.replace('\0', "")).await? {
            Some(section) => Some(section.id.0),
            // Nothing is filed in a section that does not exist.
            None => return search_page(&app, Default::default(), offset, limit).await,
        },
    };
    let query = SearchQuery {
        text: params.q,
        section,
        offset,
        limit,
        ..SearchQuery::default()
    };
    if query.is_empty() {
        // No words (blank, or only quotes): nothing matches.
        return search_page(&app, Default::default(), offset, limit).await;
    }
    let results = app
        .search
        .off_thread(move |index| index.search(&query))
        .await
        .map_err(AppError::from)?;
    search_page(&app, results, offset, limit).await
}

async fn search_page(
    app: &App,
    results: crate::search::query::SearchResults,
    offset: usize,
    limit: usize,
) -> Result<Response, ApiError> {
    let cards = app.store.cards(&results.hits).await?;
    let base = app.config.site.base();
    let next = offset + limit;
    let page = SearchPage {
        total: results.total,
        articles: cards.iter().map(|c| ArticleSummary::new(base, c)).collect(),
        next_cursor: (next < results.total.min(crate::search::query::MAX_RESULTS))
            .then(|| next.to_string()),
        corrected: results.corrected,
    };
    Ok(axum::Json(page).into_response())
}
