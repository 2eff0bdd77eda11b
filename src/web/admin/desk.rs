//! `/admin/articles`: the newsroom's articles, newest change first,
//! narrowed by status, section, author, source and words of the headline.

use axum::{
    extract::{Query, State},
    response::{Html, IntoResponse, Response},
};
use dateline_core::{
    Action, ArticleStatus, Person, PersonId, Section, SectionId, Source, SourceId,
};
use dateline_store::{DeskEntry, DeskFilter};
use serde::{Deserialize, Serialize};

use super::session::{Staff, StaffView, private};
use crate::{web::AppState, web::Result};

const DESK_ARTICLES: i64 = 100;

/// The filter form's fields; empty means "any".
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct DeskQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    section: String,
    #[serde(default)]
    author: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    q: String,
}

impl DeskQuery {
    /// The store's filter; a value that names nothing is ignored.
    fn filter(&self) -> DeskFilter {
        let id = |s: &str| s.parse::<i64>().ok().filter(|id| *id > 0);
        DeskFilter {
            status: ArticleStatus::parse(&self.status).ok(),
            section: id(&self.section).map(SectionId),
            author: id(&self.author).map(PersonId),
            source: id(&self.source).map(SourceId),
            headline: Some(self.q.trim().to_owned()).filter(|q| !q.is_empty()),
            visible_to: None,
        }
    }
}

#[derive(Serialize)]
struct ArticlesPage {
    staff: StaffView,
    articles: Vec<DeskRow>,
    query: DeskQuery,
    statuses: Vec<&'static str>,
    sections: Vec<Section>,
    people: Vec<Person>,
    sources: Vec<Source>,
}

/// A story on the desk, with how often readers opened it.
#[derive(Serialize)]
struct DeskRow {
    #[serde(flatten)]
    entry: DeskEntry,
    views: i64,
}

pub async fn show_articles(
    State(app): State<AppState>,
    Query(query): Query<DeskQuery>,
    staff: Staff,
) -> Result<Response> {
    staff.require(Action::EnterAdmin)?;
    let filter = DeskFilter {
        visible_to: staff.desk_visibility(),
        ..query.filter()
    };
    let entries = app.store.desk_articles(&filter, DESK_ARTICLES).await?;
    let ids: Vec<_> = entries.iter().map(|e| e.id).collect();
    let views = app.store.total_views(&ids).await?;
    let articles = entries
        .into_iter()
        .map(|entry| DeskRow {
            views: views.get(&entry.id).copied().unwrap_or(0),
            entry,
        })
        .collect();
    let html = app.templates.render(
        "admin/articles.html",
        ArticlesPage {
            staff: staff.view(),
            articles,
            query,
            statuses: ArticleStatus::ALL.map(ArticleStatus::as_str).to_vec(),
            sections: app.store.sections().await?,
            people: app.store.people().await?,
            sources: app.store.sources().await?,
        },
    )?;
    Ok(private(Html(html).into_response()))
}
