//! `/search`: the reader's search page. Not kept in the page cache (every
//! query is its own page); results are read back from the store, so an
//! article unpublished a moment ago is never shown even if the index has
//! not caught up.

use axum::{
    extract::{RawQuery, State},
    http::{HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
};
use dateline_core::{ArticleCard, Section};
use jiff::{Timestamp, civil::Date, tz::TimeZone};
use serde::{Deserialize, Serialize};

use super::Chrome;
use crate::{
    search::{SearchQuery, query::MAX_QUERY_CHARS, query::MAX_RESULTS},
    web::{App, AppState},
    web::{AppError, Result},
};

const PAGE_SIZE: usize = 10;
// A page's hits are read from the store in one trip.
const _: () = assert!(PAGE_SIZE <= dateline_store::HITS_PER_TRIP);

/// The query string as a reader's browser sends it. Every field is text:
/// bad values get a clear message, not a bare 400 from the extractor.
#[derive(Deserialize, Default)]
struct Params {
    #[serde(default)]
    q: String,
    section: Option<String>,
    tag: Option<String>,
    author: Option<String>,
    source: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<String>,
}

#[derive(Serialize)]
struct SearchPage {
    chrome: Chrome,
    /// The text as typed (cut to the length that counts).
    q: String,
    corrected: Option<String>,
    filters: Filters,
    sections: Vec<Section>,
    results: Vec<Result_>,
    total: usize,
    page: usize,
    pages: usize,
    /// The query string of this search without its page, for the pager.
    query_string: String,
    /// Whether the reader asked for anything.
    asked: bool,
}

#[derive(Serialize, Default)]
struct Filters {
    section: String,
    tag: Option<Named>,
    author: Option<Named>,
    source: Option<Named>,
    from: String,
    to: String,
}

#[derive(Serialize)]
struct Named {
    slug: String,
    name: String,
}

#[derive(Serialize)]
struct Result_ {
    card: ArticleCard,
    /// HTML: escaped text with the matches in `<b>`.
    snippet: String,
}

pub async fn show_search(State(app): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response> {
    let params: Params = serde_html_form::from_str(raw.as_deref().unwrap_or_default())
        .map_err(|e| bad_request(format!("The search address is malformed: {e}.")))?;
    let page = match params.page.as_deref().map(str::parse::<usize>) {
        None => 1,
        Some(Ok(n)) if (1..=MAX_RESULTS / PAGE_SIZE).contains(&n) => n,
        Some(_) => {
            return Err(bad_request(format!(
                "The page must be a number from 1 to {}.",
                MAX_RESULTS / PAGE_SIZE
            )));
        }
    };
    let (query, filters) = resolve(&app, &params, page).await?;
    let asked = !query.is_empty();
    let found = if asked {
        let query = query.clone();
        app.search.off_thread(move |i| i.search(&query)).await?
    } else {
        Default::default()
    };
    let snippets = app.search.snippets(&SearchQuery {
        text: found
            .corrected
            .clone()
            .unwrap_or_else(|| query.text.clone()),
        ..query.clone()
    });
    let results: Vec<_> = app
        .store
        .search_hits(&found.hits)
        .await?
        .into_iter()
        .map(|hit| Result_ {
            snippet: snippets.of(
                &dateline_core::plain_text(&hit.body_markdown),
                hit.language.as_deref(),
            ),
            card: hit.card,
        })
        .collect();
    let total = found.total.min(MAX_RESULTS);
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let search = SearchPage {
        chrome: Chrome::load(&app).await?,
        q: query.text.clone(),
        corrected: found.corrected,
        query_string: query_string(&query.text, &filters),
        filters,
        sections: app.store.sections().await?,
        results,
        total,
        page,
        pages,
        asked,
    };
    let html = app.templates.render("search.html", search)?;
    let mut response = Html(html).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=30"),
    );
    Ok(response)
}

/// The store's ids for the filters' slugs and dates; a slug that names
/// nothing is a 404 (a stale link), a malformed date a 400.
async fn resolve(app: &App, p: &Params, page: usize) -> Result<(SearchQuery, Filters)> {
    let text: String = p.q.chars().take(MAX_QUERY_CHARS).collect();
    let mut query = SearchQuery {
        text,
        offset: (page - 1) * PAGE_SIZE,
        limit: PAGE_SIZE,
        ..Default::default()
    };
    let mut filters = Filters::default();
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    if let Some(slug) = given(&p.section) {
        let section = app
            .store
            .section_by_slug(&slug)
            .await?
            .ok_or(AppError::NotFound)?;
        query.section = Some(section.id.0);
        filters.section = section.slug;
    }
    if let Some(slug) = given(&p.tag) {
        let tag = app
            .store
            .tag_by_slug(&slug)
            .await?
            .ok_or(AppError::NotFound)?;
        query.tag = Some(tag.id.0);
        filters.tag = Some(Named {
            slug: tag.slug,
            name: tag.name,
        });
    }
    if let Some(slug) = given(&p.author) {
        let person = app
            .store
            .person_by_slug(&slug)
            .await?
            .ok_or(AppError::NotFound)?;
        query.author = Some(person.id.0);
        filters.author = Some(Named {
            slug: person.slug,
            name: person.name,
        });
    }
    if let Some(slug) = given(&p.source) {
        let source = app
            .store
            .sources()
            .await?
            .into_iter()
            .find(|s| s.slug == slug)
            .ok_or(AppError::NotFound)?;
        query.source = Some(source.id.0);
        filters.source = Some(Named {
            slug: source.slug,
            name: source.name,
        });
    }
    let zone = app.config.site.zone();
    if let Some(from) = given(&p.from) {
        query.from = Some(day_start(&from, &zone, "from")?);
        filters.from = from;
    }
    if let Some(to) = given(&p.to) {
        // "To" a day includes that day.
        let day = parse_day(&to, "to")?;
        let next = day
            .tomorrow()
            .map_err(|_| bad_request("The “to” date is out of range."))?;
        query.until = Some(start_of(next, &zone, "to")?);
        filters.to = to;
    }
    if let (Some(from), Some(until)) = (query.from, query.until)
        && from >= until
    {
        return Err(bad_request(
            "The “from” date must not be after the “to” date.",
        ));
    }
    Ok((query, filters))
}

fn parse_day(s: &str, which: &str) -> Result<Date> {
    s.parse::<Date>().map_err(|_| {
        bad_request(format!(
            "The “{which}” date must be written YYYY-MM-DD, as in 2026-11-29."
        ))
    })
}

fn day_start(s: &str, zone: &TimeZone, which: &str) -> Result<Timestamp> {
    start_of(parse_day(s, which)?, zone, which)
}

fn start_of(day: Date, zone: &TimeZone, which: &str) -> Result<Timestamp> {
    day.to_zoned_datetime(zone.clone())
        .map(|z| z.timestamp())
        .map_err(|_| bad_request(format!("The “{which}” date is out of range.")))
}

fn bad_request(message: impl Into<String>) -> AppError {
    AppError::refused(StatusCode::BAD_REQUEST, "Search", message)
}

/// The query string for the same search on another page.
fn query_string(text: &str, f: &Filters) -> String {
    let mut pairs: Vec<(&str, &str)> = vec![("q", text)];
    if !f.section.is_empty() {
        pairs.push(("section", &f.section));
    }
    for (name, value) in [
        ("tag", &f.tag),
        ("author", &f.author),
        ("source", &f.source),
    ] {
        if let Some(v) = value {
            pairs.push((name, &v.slug));
        }
    }
    if !f.from.is_empty() {
        pairs.push(("from", &f.from));
    }
    if !f.to.is_empty() {
        pairs.push(("to", &f.to));
    }
    serde_html_form::to_string(&pairs).unwrap_or_default()
}
