//! Most read: the stories read most in the last 24 hours, on the site and
//! in each section, from the page views the beacons count.
//!
//! No change in the log says when the ranking moves, so each list is read
//! at most every [`LIST_TTL`] and the pages that show one (the article's
//! rail, the home page, a section's front) live in the page cache no longer
//! than that either ([`DepKey::MostRead`]): a ranking is at most a minute old.

use std::{sync::Arc, time::Duration};

use axum::{
    extract::{Query, State},
    http::header,
    response::{IntoResponse, Response},
};
use dateline_core::{ArticleCard, ArticleId, SectionId};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::web::{App, AppError, AppState, Result, cache::DepKey};

/// How far back Most read looks.
const SPAN: SignedDuration = SignedDuration::from_hours(24);
/// How many stories a list holds (the page shows them all; blocks fewer).
const LISTED: i64 = 10;
/// How many a block on another page shows.
pub const IN_BLOCK: usize = 5;
/// How long a list is kept before it is read again; pages showing one are
/// kept as long (see the cache's expiry).
pub const LIST_TTL: Duration = Duration::from_secs(30);

/// The lists read lately, by section (0: the whole site).
pub struct MostRead {
    lists: moka::future::Cache<i64, Arc<[ArticleId]>>,
}

impl Default for MostRead {
    fn default() -> Self {
        Self {
            lists: moka::future::Cache::builder()
                .max_capacity(1_000)
                .time_to_live(LIST_TTL)
                .build(),
        }
    }
}

impl MostRead {
    /// The stories read most in `section` (or on the whole site), best first.
    pub async fn ids(&self, app: &App, section: Option<SectionId>) -> Result<Arc<[ArticleId]>> {
        self.lists
            .try_get_with(section.map_or(0, |s| s.0), async {
                let since = Timestamp::now() - SPAN;
                let read = app.store.most_read(since, section, LISTED).await?;
                Ok::<_, AppError>(read.into_iter().map(|(id, _)| id).collect())
            })
            .await
            .map_err(AppError::from_shared)
    }

    /// The first [`IN_BLOCK`] of the list as cards, for a block on a page
    /// (which then carries [`DepKey::MostRead`]).
    pub async fn block(&self, app: &App, section: Option<SectionId>) -> Result<Vec<ArticleCard>> {
        let ids = self.ids(app, section).await?;
        let shown = &ids[..ids.len().min(IN_BLOCK)];
        Ok(app.store.cards(shown).await?)
    }
}

/// The keys of a page that shows a Most read block.
pub fn block_keys(cards: &[ArticleCard]) -> impl Iterator<Item = DepKey> + '_ {
    std::iter::once(DepKey::MostRead).chain(super::card_keys(cards))
}

#[derive(Deserialize)]
pub struct Within {
    section: Option<String>,
}

#[derive(Serialize)]
struct MostReadPage {
    chrome: super::Chrome,
    /// The section's name, when the list is a section's.
    section: Option<dateline_core::Named>,
    articles: Vec<ArticleCard>,
}

/// `GET /most-read` (`?section=slug` for a section's): read afresh from the
/// lists (a minute in shared caches), not kept in the page cache.
pub async fn show_most_read(
    State(app): State<AppState>,
    Query(within): Query<Within>,
) -> Result<Response> {
    let chrome = super::Chrome::load(&app).await?;
    let section = match within.section.as_deref() {
        None | Some("") => None,
        Some(slug) => Some(
            chrome
                .sections
                .iter()
                .find(|s| s.slug == slug)
                .ok_or(AppError::NotFound)?,
        ),
    };
    let ids = app.most_read.ids(&app, section.map(|s| s.id)).await?;
    let page = MostReadPage {
        section: section.map(|s| dateline_core::Named {
            slug: s.slug.clone(),
            name: s.name.clone(),
        }),
        articles: app.store.cards(&ids).await?,
        chrome,
    };
    let html = app.templates.render("most_read.html", page)?;
    let mut response = axum::response::Html(html).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("public, max-age=60"),
    );
    Ok(response)
}
