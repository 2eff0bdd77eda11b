//! The public site: what readers and search engines see.

pub mod account;
pub mod account_settings;
pub mod article;
pub mod assets;
pub mod blocks;
pub mod errors;
pub mod feedback;
pub mod feeds;
pub(in crate::web) mod fronts;
pub mod headlines;
pub mod health;
pub mod home;
pub mod listing;
pub mod most_read;
pub mod newsletter;
pub mod old_addresses;
mod reader_session;
pub mod scrape;
pub mod search;
pub mod section;
pub mod sitemaps;
pub mod structured;
pub mod views;

use std::sync::RwLock;

use dateline_core::{ArticleCard, Section};
use serde::Serialize;

use crate::{
    web::App,
    web::{
        Result,
        cache::{DepKey, Rendered, note_site_data},
    },
};

/// A picture as crawlers and feed readers get it: its widest JPEG
/// rendition of the whole picture (or, before it has renditions, its one
/// file), as an absolute URL, with its width and height.
pub(crate) fn widest_jpeg(base: &str, figure: &dateline_core::Figure) -> (String, u32, u32) {
    match figure.renditions.as_ref().and_then(|r| r.full.last()) {
        Some(r) => (format!("{base}/img/{}", r.jpeg), r.width, r.height),
        None => (
            format!("{base}/media/{}", figure.path),
            figure.width,
            figure.height,
        ),
    }
}

/// What every reader page shows around its content: the section navigation
/// and the footer's pages. Kept in memory between site-wide changes.
#[derive(Clone, Serialize)]
pub struct Chrome {
    sections: Vec<Section>,
    pages: Vec<FooterLink>,
    /// The breaking-news strip, while it is up (its start and end are
    /// changes that purge every page, so the chrome is loaded again).
    breaking: Option<dateline_store::Breaking>,
}

#[derive(Clone, Serialize)]
struct FooterLink {
    slug: String,
    title: String,
}

/// The chrome as last loaded, with the change-log position it was loaded at.
#[derive(Default)]
pub struct ChromeCache(RwLock<Option<(i64, Chrome)>>);

impl Chrome {
    pub async fn load(app: &App) -> Result<Self> {
        let epoch = app.pages.site_epoch();
        if let Some((loaded_at, chrome)) = app.chrome.0.read().expect("chrome lock").as_ref()
            && *loaded_at >= epoch
        {
            note_site_data(*loaded_at);
            return Ok(chrome.clone());
        }
        let loaded_at = app.store.last_change_seq().await?;
        let sections = app.store.sections().await?;
        let pages = app.store.pages().await?;
        let breaking = app.store.breaking_news(jiff::Timestamp::now()).await?;
        let chrome = Self {
            breaking,
            sections: sections
                .into_iter()
                .filter(|s| s.parent_id.is_none())
                .collect(),
            pages: pages
                .into_iter()
                .map(|p| FooterLink {
                    slug: p.slug,
                    title: p.title,
                })
                .collect(),
        };
        *app.chrome.0.write().expect("chrome lock") = Some((loaded_at, chrome.clone()));
        note_site_data(loaded_at);
        Ok(chrome)
    }
}

/// Renders a reader page for the page cache, with the keys it depends on.
pub fn render(
    app: &App,
    template: &str,
    context: impl Serialize,
    keys: Vec<DepKey>,
) -> Result<Rendered> {
    Ok(Rendered::page(
        app.templates.render(template, context)?,
        keys,
    ))
}

/// The keys of a list of cards: each article shown.
pub fn card_keys<'a>(
    cards: impl IntoIterator<Item = &'a ArticleCard>,
) -> impl Iterator<Item = DepKey> {
    cards.into_iter().map(|c| DepKey::Article(c.id.0))
}
