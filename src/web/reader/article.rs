use axum::{
    extract::{Path, Request, State},
    response::Response,
};
use dateline_core::{
    Article, ArticleCard, ArticleId, ArticleStatus, Named, article_id_from_segment, article_path,
    render_markdown_with,
};
use dateline_store::ArticleList;
use serde::Serialize;

use super::{
    Chrome,
    blocks::{ReaderBlocks, may_have_blocks},
    card_keys, render, structured,
};
use crate::{
    web::{App, AppState},
    web::{
        AppError, Result,
        cache::{DepKey, Rendered},
    },
};

const RELATED: usize = 4;
const MORE_LIKE_THIS: usize = 5;
const SERIES: usize = 6;
/// The newest stories of the article's section in its rail.
const LATEST: usize = 5;
/// Candidates read for each of "Related" and "More like this".
const SPARE_CARDS: usize = 8;

#[derive(Serialize)]
struct ArticlePage {
    chrome: Chrome,
    article: Article,
    canonical: String,
    breadcrumbs_ld: String,
    article_ld: String,
    /// The lead image for social cards, absolute.
    share_image: Option<String>,
    related: Vec<ArticleCard>,
    more_like_this: Vec<ArticleCard>,
    series: Vec<SeriesBlock>,
    /// The section's newest stories but this one, for the rail (no key:
    /// a publish in the section does not purge every article page of it;
    /// the cache's time limit keeps them fresh enough).
    latest: Vec<ArticleCard>,
    /// The site's Most read, for the rail.
    most_read: Vec<ArticleCard>,
    /// On the newsroom's preview: the article's id, for the "not
    /// published" banner and its way back to the editor.
    preview_of: Option<ArticleId>,
}

/// The other articles of a series the article belongs to, in curated order.
#[derive(Serialize)]
struct SeriesBlock {
    topic: Named,
    articles: Vec<ArticleCard>,
}

#[derive(Serialize)]
struct PrintPage {
    article: Article,
    canonical: String,
}

/// `/{section}/{slug}-{id}`. The id finds the article; any other path to it
/// (an old slug, a former section) redirects permanently to the current one.
pub async fn show_article(
    State(app): State<AppState>,
    Path((section, segment)): Path<(String, String)>,
    request: Request,
) -> Result<Response> {
    let id = article_id_from_segment(&segment).ok_or(AppError::NotFound)?;
    let url = format!("/{section}/{segment}");
    app.pages
        .serve(&app.store, &url, request.headers(), || {
            render_article(&app, &url, id)
        })
        .await
}

/// `/{section}/{slug}-{id}/print`: the article alone, laid out for paper.
pub async fn show_article_print(
    State(app): State<AppState>,
    Path((section, segment)): Path<(String, String)>,
    request: Request,
) -> Result<Response> {
    let id = article_id_from_segment(&segment).ok_or(AppError::NotFound)?;
    let url = format!("/{section}/{segment}/print");
    app.pages
        .serve(&app.store, &url, request.headers(), || async {
            let article = match published(&app, id, &url, "/print").await? {
                Ok(article) => article,
                Err(redirect) => return Ok(redirect),
            };
            let canonical = article_path(&article.section.slug, &article.slug, article.id);
            render(
                &app,
                "print.html",
                PrintPage { article, canonical },
                vec![DepKey::Article(id.0)],
            )
        })
        .await
}

/// The published article `id`, or a redirect when `url` is not its current
/// path (plus `suffix`), or the error a reader should see.
async fn published(
    app: &App,
    id: ArticleId,
    url: &str,
    suffix: &str,
) -> Result<Result<Article, Rendered>> {
    let article = app.store.article(id).await?.ok_or(AppError::NotFound)?;
    match article.status {
        ArticleStatus::Published => {}
        ArticleStatus::Unpublished => return Err(AppError::Gone),
        _ => return Err(AppError::NotFound),
    }
    let current = format!(
        "{}{suffix}",
        article_path(&article.section.slug, &article.slug, article.id)
    );
    if current != url {
        return Ok(Err(Rendered::moved_permanently(
            current,
            vec![DepKey::Article(id.0)],
        )));
    }
    Ok(Ok(article))
}

async fn render_article(app: &App, url: &str, id: ArticleId) -> Result<Rendered> {
    let article = match published(app, id, url, "").await? {
        Ok(article) => article,
        Err(redirect) => return Ok(redirect),
    };
    article_page(app, url, article, None).await
}

/// The reader's page of an article in any status, for the newsroom's
/// preview: exactly what readers will see, never cached.
pub async fn preview(app: &App, id: ArticleId) -> Result<String> {
    let mut article = app.store.article(id).await?.ok_or(AppError::NotFound)?;
    // Not yet published: shown with the time it would carry if published now.
    article
        .first_published_at
        .get_or_insert_with(jiff::Timestamp::now);
    let url = article_path(&article.section.slug, &article.slug, article.id);
    Ok(article_page(app, &url, article, Some(id)).await?.html)
}

/// The search engine's "More like this" for the published article `id`:
/// from memory once found, else from the index (nothing for an article the
/// index does not hold yet).
async fn similar_to(app: &App, id: ArticleId) -> Result<std::sync::Arc<[ArticleId]>> {
    if let Some(known) = app.search.known_similar(id) {
        return Ok(known);
    }
    let Some(document) = app.store.index_document(id).await? else {
        return Ok(std::sync::Arc::new([]));
    };
    Ok(app
        .search
        .off_thread(move |i| i.more_like_this(&document, SPARE_CARDS))
        .await?)
}

async fn article_page(
    app: &App,
    url: &str,
    mut article: Article,
    preview_of: Option<ArticleId>,
) -> Result<Rendered> {
    let id = article.id;
    let mut block_keys = Vec::new();
    if may_have_blocks(&article.body_markdown) {
        let blocks = ReaderBlocks::load(app, &article.body_markdown).await?;
        article.body_html = render_markdown_with(&article.body_markdown, &blocks);
        block_keys.extend(card_keys(blocks.cards()));
    }
    let chrome = Chrome::load(app).await?;
    let candidates = app.pages.related_candidates(&app.store, id).await?;
    let similar = similar_to(app, id).await?;
    // The editor's choice and the store's candidates (same topic, section,
    // tags) make "Related"; the search engine's nearest make "More like
    // this", topped up from the candidates while the index is still empty.
    // Both lists' cards are read in one trip, dropping unpublished ones.
    // Eight of each fill one trip of the store's cards (16), leaving room
    // for a few unpublished ones to drop out.
    let candidate_ids = candidates.iter().map(|(_, id)| *id).take(SPARE_CARDS);
    let mut wanted: Vec<ArticleId> = candidate_ids.clone().collect();
    wanted.extend(similar.iter().take(SPARE_CARDS));
    let mut cards = app.store.cards(&wanted).await?;
    let mut take = |ids: &mut dyn Iterator<Item = ArticleId>, n: usize| {
        let mut out = Vec::with_capacity(n);
        for id in ids {
            if out.len() == n {
                break;
            }
            if let Some(at) = cards.iter().position(|c| c.id == id) {
                out.push(cards.swap_remove(at));
            }
        }
        out
    };
    let related = take(&mut candidate_ids.clone(), RELATED);
    let mut more_like_this = take(&mut similar.iter().copied(), MORE_LIKE_THIS);
    let missing = MORE_LIKE_THIS - more_like_this.len();
    more_like_this.extend(take(&mut candidate_ids.clone(), missing));
    let series = if article.topics.is_empty() {
        Vec::new()
    } else {
        app.store
            .series_of(id, SERIES)
            .await?
            .into_iter()
            .map(|(topic, articles)| SeriesBlock { topic, articles })
            .collect()
    };

    let section = chrome
        .sections
        .iter()
        .find(|s| s.slug == article.section.slug);
    let latest = match section {
        Some(section) => app
            .store
            .published_articles(ArticleList::Section(section.id), LATEST as i64 + 1, 0)
            .await?
            .into_iter()
            .filter(|c| c.id != id)
            .take(LATEST)
            .collect(),
        // A subsection is not in the navigation: its rail has no list.
        None => Vec::new(),
    };
    let most_read = app.most_read.block(app, None).await?;
    let base = app.config.site.base();
    let canonical = url.to_owned();
    let breadcrumbs_ld = structured::breadcrumbs(&[
        ("Home", format!("{base}/")),
        (
            &article.section.name,
            format!("{base}/{}", article.section.slug),
        ),
        (&article.headline, format!("{base}{canonical}")),
    ]);
    let absolute = format!("{base}{canonical}");
    let article_ld = structured::news_article(
        base,
        &app.config.site.name,
        &app.config.site.language,
        &absolute,
        &article,
    );
    let share_image = structured::image_urls(base, &article).into_iter().next();
    let mut keys = vec![DepKey::Article(id.0)];
    keys.extend(block_keys);
    keys.extend(card_keys(
        related
            .iter()
            .chain(&more_like_this)
            .chain(series.iter().flat_map(|s| &s.articles))
            .chain(&latest),
    ));
    keys.extend(super::most_read::block_keys(&most_read));
    let page = ArticlePage {
        chrome,
        article,
        canonical,
        breadcrumbs_ld,
        article_ld,
        share_image,
        related,
        more_like_this,
        series,
        latest,
        most_read,
        preview_of,
    };
    render(app, "article.html", page, keys)
}
