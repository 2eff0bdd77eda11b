//! What the editor calls beside its form: the preview, the Markdown
//! preview and the related-article lookup.

use axum::{
    extract::{Path, Query, State},
    response::{Html, IntoResponse, Response},
};
use dateline_core::{Action, ArticleId, ArticleStatus};
use dateline_store::DeskFilter;
use serde::{Deserialize, Serialize};

use super::session::{AdminForm, Staff, private};
use crate::{
    newsroom::editable,
    web::{AppState, Result, reader::blocks::ReaderBlocks},
};

/// `GET /admin/articles/{id}/preview`: the reader's page, before readers see it.
pub async fn show_preview(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    staff: Staff,
) -> Result<Response> {
    let id = ArticleId(id);
    editable(&app.store, &staff, id).await?;
    let html = crate::web::reader::article::preview(&app, id).await?;
    Ok(private(Html(html).into_response()))
}

#[derive(Deserialize)]
pub struct MarkdownForm {
    #[serde(default)]
    body: String,
}

/// `POST /admin/markdown`: the sanitised HTML of a body, for the editor's
/// live preview (the same rendering readers get, blocks and all).
pub async fn render_markdown(
    State(app): State<AppState>,
    AdminForm { staff, form }: AdminForm<MarkdownForm>,
) -> Result<Response> {
    staff.require(Action::CreateArticle)?;
    let blocks = ReaderBlocks::load(&app, &form.body).await?;
    let html = dateline_core::render_markdown_with(&form.body, &blocks);
    Ok(private(Html(html).into_response()))
}

#[derive(Deserialize)]
pub struct EmbedQuery {
    #[serde(default)]
    url: String,
}

/// `GET /admin/embed?url=…`: whether an address can be embedded, asked by
/// the visual editor before it puts one in the text: the provider's name,
/// or (422) why not, as a save would say.
pub async fn check_embed(Query(query): Query<EmbedQuery>, staff: Staff) -> Result<Response> {
    staff.require(Action::CreateArticle)?;
    let answer = match dateline_core::Embed::recognise(&query.url) {
        Ok(embed) => {
            axum::Json(serde_json::json!({ "provider": embed.provider.name() })).into_response()
        }
        Err(why) => (
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            axum::Json(serde_json::json!({ "error": why.reason })),
        )
            .into_response(),
    };
    Ok(private(answer))
}

#[derive(Deserialize)]
pub struct LookupQuery {
    #[serde(default)]
    q: String,
    /// The article being edited, which is not its own related article
    /// (empty for a new one).
    #[serde(default)]
    not: String,
}

#[derive(Serialize)]
struct Found {
    id: ArticleId,
    headline: String,
}

/// `GET /admin/articles/lookup?q=words&not=ID`: published articles (but
/// article `ID`) whose headline has the words, for the editor's
/// related-articles search (JSON).
pub async fn lookup(
    State(app): State<AppState>,
    Query(query): Query<LookupQuery>,
    staff: Staff,
) -> Result<Response> {
    const FOUND: i64 = 8;
    staff.require(Action::CreateArticle)?;
    let not: Option<i64> = query.not.parse().ok();
    let words = query.q.trim();
    let found: Vec<Found> = if words.is_empty() {
        Vec::new()
    } else {
        let filter = DeskFilter {
            status: Some(ArticleStatus::Published),
            headline: Some(words.to_owned()),
            ..DeskFilter::default()
        };
        app.store
            .desk_articles(&filter, FOUND + 1)
            .await?
            .into_iter()
            .filter(|e| Some(e.id.0) != not)
            .take(FOUND as usize)
            .map(|e| Found {
                id: e.id,
                headline: e.headline,
            })
            .collect()
    };
    Ok(private(axum::Json(found).into_response()))
}
