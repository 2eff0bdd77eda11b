//! `/admin/topics`: topic series ("Monsoon 2026"), each with a description,
//! a picture and an ordered list of articles that the topic page and every
//! article's series block follow. Editors and admins.

use axum::{
    extract::{Path, State},
    response::Response,
};
use dateline_core::{Action, ArticleId, Invalid, MediaId, NewTopic, Slug, Text, TopicId};
use dateline_store::{Direction, StoreError, TaxonomyEntry};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{
    catalog::{Catalog, Saved},
    session::{AdminForm, see_other},
};
use crate::{
    newsroom::{optional_text, related_line},
    web::{App, AppState},
    web::{AppError, Result},
};

const MAX_DESCRIPTION_CHARS: usize = 2000;
/// Pictures offered for a topic (the library's newest).
const MEDIA_CHOICES: i64 = 200;

pub struct Topics;

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct TopicForm {
    pub(crate) name: String,
    pub(crate) slug: String,
    pub(crate) description: String,
    /// A media library id; empty for none.
    pub(crate) image: String,
}

impl Catalog for Topics {
    type Form = TopicForm;
    type Item = TaxonomyEntry;
    const PATH: &'static str = "/admin/topics";
    const TEMPLATE: &'static str = "admin/topics.html";
    const ACTION: Action = Action::ManageTaxonomy;

    async fn items(app: &App) -> Result<Vec<TaxonomyEntry>> {
        Ok(app.store.topics().await?)
    }

    async fn form_for(app: &App, id: i64) -> Result<Option<TopicForm>> {
        let topics = app.store.topics().await?;
        Ok(topics.into_iter().find(|t| t.id == id).map(|t| TopicForm {
            name: t.name,
            slug: t.slug,
            description: t.description,
            image: t.image.map(|m| m.0.to_string()).unwrap_or_default(),
        }))
    }

    async fn create(app: &App, form: &TopicForm) -> Saved {
        app.store
            .create_topic(&checked(form)?, Timestamp::now())
            .await
            .map(|_| ())
    }

    async fn update(app: &App, id: i64, form: &TopicForm) -> Saved {
        app.store
            .update_topic(TopicId(id), &checked(form)?, Timestamp::now())
            .await
    }

    /// The topic's articles in order, and the pictures it may take.
    async fn extra(app: &App, id: i64) -> Result<serde_json::Value> {
        let articles = app.store.topic_items(TopicId(id)).await?;
        let media = app.store.media_items(MEDIA_CHOICES).await?;
        Ok(serde_json::json!({ "articles": articles, "media": media }))
    }
}

pub(crate) fn checked(form: &TopicForm) -> std::result::Result<NewTopic, Invalid> {
    let name = Text::parse("name", &form.name, 100)?;
    let slug = match form.slug.trim() {
        "" => Slug::from_title(name.as_str(), "topic"),
        slug => Slug::parse(slug)?,
    };
    let image = match form.image.trim() {
        "" => None,
        id => Some(MediaId(id.parse().map_err(|_| {
            Invalid::new("image", "choose a picture from the list")
        })?)),
    };
    Ok(NewTopic {
        slug,
        name,
        description: optional_text(&form.description, "description", MAX_DESCRIPTION_CHARS)?
            .unwrap_or_default(),
        image,
    })
}

#[derive(Deserialize)]
pub struct OrderForm {
    /// `add`, `up`, `down` or `remove`.
    op: String,
    /// An article's number or address.
    #[serde(default)]
    article: String,
}

/// `POST /admin/topics/{id}/articles`: adds an article to the topic's
/// list, moves one up or down, or takes one out.
pub async fn change_order(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, form }: AdminForm<OrderForm>,
) -> Result<Response> {
    staff.require(Action::ManageTaxonomy)?;
    let topic = TopicId(id);
    let refused = |message: String| {
        AppError::refused(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "Cannot change the list",
            message,
        )
    };
    let article: ArticleId = related_line(form.article.trim()).ok_or_else(|| {
        refused(format!(
            "{:?} is neither an article number nor an article's address.",
            form.article.trim()
        ))
    })?;
    let now = Timestamp::now();
    let done = match form.op.as_str() {
        "add" => app.store.add_to_topic(topic, article, now).await,
        "up" => {
            app.store
                .move_in_topic(topic, article, Direction::Up, now)
                .await
        }
        "down" => {
            app.store
                .move_in_topic(topic, article, Direction::Down, now)
                .await
        }
        "remove" => app.store.remove_from_topic(topic, article, now).await,
        other => return Err(refused(format!("{other:?} is not a change to the list."))),
    };
    match done {
        Ok(()) => Ok(see_other(&format!("{}/{id}", Topics::PATH))),
        Err(StoreError::Invalid(e)) => Err(refused(super::catalog::message(&e))),
        Err(e) => Err(e.into()),
    }
}
