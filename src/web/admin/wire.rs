//! `/admin/wire`: the wire desk. Agency copy as it arrives, one line per
//! story (the newest item of each near-duplicate cluster, with the
//! cluster's size), newest first, narrowed by source, language, priority,
//! state and headline words; an item with its versions, the other
//! agencies' copies and the document as it arrived; "Use this story" makes
//! a draft of it. Editors and admins (`UseWire`).

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use dateline_core::{Action, ArticleId, Section, SectionId, Source, SourceId, sanitise};
use dateline_store::{WireFilter, WireListing, WireRecord, WireState};
use serde::{Deserialize, Serialize};

use super::session::{AdminForm, Staff, StaffView, admin_page, see_other};
use crate::{
    web::AppState,
    web::{AppError, Result},
    wire::story,
};

/// Lines a desk page shows; "Older" goes on from the last.
const PAGE: i64 = 100;
/// The most of a raw document the item page shows.
const RAW_SHOWN: usize = 256 * 1024;

/// The filter form's fields; empty means "any".
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct WireQuery {
    source: String,
    language: String,
    /// The least urgent priority shown (1 is the most urgent).
    priority: String,
    state: String,
    q: String,
    before: String,
}

impl WireQuery {
    /// The store's filter; a value that names nothing is ignored.
    fn filter(&self) -> WireFilter {
        let number = |s: &str| s.trim().parse::<i64>().ok().filter(|n| *n > 0);
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        WireFilter {
            source: number(&self.source).map(SourceId),
            language: text(&self.language),
            urgency_at_most: number(&self.priority),
            state: WireState::parse(&self.state),
            text: text(&self.q),
            before: number(&self.before),
        }
    }

    /// The query string of the next page: these filters, before `id`.
    fn older(&self, id: i64) -> String {
        let pairs = [
            ("source", self.source.as_str()),
            ("language", &self.language),
            ("priority", &self.priority),
            ("state", &self.state),
            ("q", &self.q),
        ];
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in pairs.into_iter().filter(|(_, v)| !v.is_empty()) {
            query.append_pair(name, value);
        }
        query.append_pair("before", &id.to_string());
        query.finish()
    }
}

#[derive(Serialize)]
struct DeskPage {
    staff: StaffView,
    lines: Vec<WireListing>,
    query: WireQuery,
    sources: Vec<Source>,
    states: [&'static str; 3],
    /// The query string of the next page, when this one is full.
    older: Option<String>,
}

/// `GET /admin/wire`.
pub async fn show_desk(
    State(app): State<AppState>,
    Query(query): Query<WireQuery>,
    staff: Staff,
) -> Result<Response> {
    staff.require(Action::UseWire)?;
    let lines = app.store.wire_desk(&query.filter(), PAGE).await?;
    let older = (lines.len() as i64 == PAGE)
        .then(|| lines.last().map(|l| query.older(l.id)))
        .flatten();
    let page = DeskPage {
        staff: staff.view(),
        lines,
        sources: app.store.sources().await?,
        states: [
            WireState::New.as_str(),
            WireState::Used.as_str(),
            WireState::Ignored.as_str(),
        ],
        query,
        older,
    };
    admin_page(&app, "admin/wire.html", StatusCode::OK, page)
}

#[derive(Serialize)]
struct ItemPage {
    staff: StaffView,
    item: WireRecord,
    /// The agency's HTML, sanitised for showing.
    body: String,
    versions: Vec<WireRecord>,
    /// The other current items of its cluster.
    cluster: Vec<WireRecord>,
    document_name: String,
    /// The document as it arrived (as text; cut at `RAW_SHOWN` bytes).
    raw: String,
    raw_cut: bool,
    articles: Vec<ArticleId>,
    sections: Vec<Section>,
    error: Option<String>,
}

async fn item_page(
    app: &crate::web::App,
    staff: &Staff,
    id: i64,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response> {
    let item = app.store.wire_item(id).await?.ok_or(AppError::NotFound)?;
    let (document_name, bytes) = app
        .store
        .wire_document(item.document_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let raw_cut = bytes.len() > RAW_SHOWN;
    let raw = String::from_utf8_lossy(&bytes[..bytes.len().min(RAW_SHOWN)]).into_owned();
    let cluster = app
        .store
        .wire_cluster(item.cluster)
        .await?
        .into_iter()
        .filter(|other| other.id != item.id)
        .collect();
    let page = ItemPage {
        staff: staff.view(),
        body: sanitise(&item.body_html),
        versions: app.store.wire_versions(id).await?,
        cluster,
        document_name,
        raw,
        raw_cut,
        articles: app.store.wire_item_articles(id).await?,
        sections: app.store.sections().await?,
        error,
        item,
    };
    admin_page(app, "admin/wire_item.html", status, page)
}

/// `GET /admin/wire/{id}`.
pub async fn show_item(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    staff: Staff,
) -> Result<Response> {
    staff.require(Action::UseWire)?;
    item_page(&app, &staff, id, None, StatusCode::OK).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UseForm {
    section: i64,
}

/// `POST /admin/wire/{id}/use`: "Use this story".
pub async fn use_item(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, form }: AdminForm<UseForm>,
) -> Result<Response> {
    staff.require(Action::UseWire)?;
    staff.require(Action::CreateArticle)?;
    let item = app.store.wire_item(id).await?.ok_or(AppError::NotFound)?;
    let refuse = |message: String| {
        item_page(
            &app,
            &staff,
            id,
            Some(message),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    if item.superseded_by.is_some() {
        return refuse("a newer version of this story has arrived: use that one".into()).await;
    }
    let sections = app.store.sections().await?;
    let Some(section) = sections.iter().find(|s| s.id == SectionId(form.section)) else {
        return refuse("choose a section for the story".into()).await;
    };
    match story::use_story(&app, &item, section.id, staff.user.id).await? {
        Ok(article) => Ok(see_other(&format!("/admin/articles/{article}?agency={id}"))),
        Err(invalid) => refuse(invalid.to_string()).await,
    }
}

/// `POST /admin/wire/{id}/ignore`: sets the story aside.
pub async fn ignore_item(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, .. }: AdminForm<super::sign_in::Nothing>,
) -> Result<Response> {
    set_state(&app, &staff, id, WireState::Ignored).await
}

/// `POST /admin/wire/{id}/restore`: takes a set-aside story back.
pub async fn restore_item(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, .. }: AdminForm<super::sign_in::Nothing>,
) -> Result<Response> {
    set_state(&app, &staff, id, WireState::New).await
}

async fn set_state(
    app: &crate::web::App,
    staff: &Staff,
    id: i64,
    state: WireState,
) -> Result<Response> {
    staff.require(Action::UseWire)?;
    match app.store.set_wire_state(id, state).await {
        Ok(()) => Ok(see_other(&format!("/admin/wire/{id}"))),
        Err(dateline_store::StoreError::Invalid(invalid)) => {
            item_page(
                app,
                staff,
                id,
                Some(invalid.to_string()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
