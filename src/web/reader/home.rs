use std::collections::HashMap;

use axum::{
    extract::{Request, State},
    response::Response,
};
use dateline_core::{ArticleCard, Named};
use dateline_store::{ArticleList, Front};
use serde::Serialize;

use super::{Chrome, card_keys, fronts, render};
use crate::{
    web::{App, AppState},
    web::{
        Result,
        cache::{DepKey, Rendered},
    },
};

/// How many top stories the home page shows at least (more if pinned).
pub const TOP_STORIES: i64 = 5;
const PER_SECTION: i64 = 4;

#[derive(Serialize)]
struct HomePage {
    chrome: Chrome,
    site_ld: String,
    top: Vec<ArticleCard>,
    most_read: Vec<ArticleCard>,
    blocks: Vec<SectionBlock>,
    /// Headlines under test: which one each tested card shows.
    tested: HashMap<String, usize>,
}

#[derive(Serialize)]
struct SectionBlock {
    section: Named,
    articles: Vec<ArticleCard>,
}

/// The front page: the stories editors pinned, filled up with the latest,
/// then a block for each section.
pub async fn show_home(State(app): State<AppState>, request: Request) -> Result<Response> {
    // An old site's `/?p=12` (the home page takes no query of its own).
    if request.uri().query().is_some()
        && let Some(moved) = super::old_addresses::moved(&app, request.uri()).await
    {
        return Ok(moved);
    }
    app.pages
        .serve(&app.store, "/", request.headers(), || render_home(&app))
        .await
}

async fn render_home(app: &App) -> Result<Rendered> {
    let chrome = Chrome::load(app).await?;
    let slots = fronts::slots(app, Front::Home).await?;
    let newest = app
        .store
        .published_articles(ArticleList::All, TOP_STORIES + slots.len() as i64, 0)
        .await?;
    let total = (TOP_STORIES as usize).max(slots.len());
    let mut top = fronts::arrange(slots, newest, total)
        .into_iter()
        .map(|(card, _)| card)
        .collect::<Vec<_>>();
    let mut blocks = Vec::with_capacity(chrome.sections.len());
    for section in &chrome.sections {
        let articles = app
            .store
            .published_articles(ArticleList::Section(section.id), PER_SECTION, 0)
            .await?;
        if !articles.is_empty() {
            blocks.push(SectionBlock {
                section: Named {
                    slug: section.slug.clone(),
                    name: section.name.clone(),
                },
                articles,
            });
        }
    }
    let tested = super::headlines::apply(
        app,
        top.iter_mut()
            .chain(blocks.iter_mut().flat_map(|b| b.articles.iter_mut())),
    )
    .await?;
    let most_read = app.most_read.block(app, None).await?;
    let mut keys = vec![DepKey::Home];
    keys.extend(super::most_read::block_keys(&most_read));
    keys.extend(card_keys(
        top.iter().chain(blocks.iter().flat_map(|b| &b.articles)),
    ));
    render(
        app,
        "home.html",
        HomePage {
            chrome,
            site_ld: super::structured::home(
                app.config.site.base(),
                &app.config.site.name,
                &app.config.site.language,
            ),
            top,
            most_read,
            blocks,
            tested: tested.shown,
        },
        keys,
    )
    .map(|page| page.in_variants(tested.variants))
}
