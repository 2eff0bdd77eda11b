//! The public site: what readers and search engines see.

pub mod article;
pub mod assets;
pub mod health;
pub mod home;
pub mod listing;
pub mod section;

use dateline_core::{ArticleCard, Section};
use serde::Serialize;

use crate::{
    app::App,
    web::{
        Result,
        cache::{DepKey, Rendered},
    },
};

/// What every reader page shows around its content: the section navigation
/// and the footer's pages.
#[derive(Serialize)]
pub struct Chrome {
    sections: Vec<Section>,
    pages: Vec<FooterLink>,
}

#[derive(Serialize)]
struct FooterLink {
    slug: String,
    title: String,
}

impl Chrome {
    pub async fn load(app: &App) -> Result<Self> {
        let sections = app.store.sections().await?;
        let pages = app.store.pages().await?;
        Ok(Self {
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
        })
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
