//! `/admin/pages`: the static pages of the footer (About, Contact, Privacy,
//! Terms), written in Markdown. Admins only.

use axum::{
    extract::{Path, State},
    response::Response,
};
use dateline_core::{Action, Body, Invalid, NewPage, Page, PageId, Slug, Text};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{
    catalog::{Catalog, Saved},
    session::{AdminForm, see_other},
    sign_in::Nothing,
};
use crate::{
    web::Result,
    web::{App, AppState},
};

pub struct Pages;

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PageForm {
    title: String,
    slug: String,
    body: String,
}

impl Catalog for Pages {
    type Form = PageForm;
    type Item = Page;
    const PATH: &'static str = "/admin/pages";
    const TEMPLATE: &'static str = "admin/pages.html";
    const ACTION: Action = Action::ManageSite;

    async fn items(app: &App) -> Result<Vec<Page>> {
        Ok(app.store.pages().await?)
    }

    async fn form_for(app: &App, id: i64) -> Result<Option<PageForm>> {
        let page = app.store.page_source(PageId(id)).await?;
        Ok(page.map(|p| PageForm {
            title: p.title,
            slug: p.slug,
            body: p.body_markdown,
        }))
    }

    async fn create(app: &App, form: &PageForm) -> Saved {
        app.store
            .create_page(&checked(form)?, Timestamp::now())
            .await
            .map(|_| ())
    }

    async fn update(app: &App, id: i64, form: &PageForm) -> Saved {
        app.store
            .update_page(PageId(id), &checked(form)?, Timestamp::now())
            .await
    }
}

fn checked(form: &PageForm) -> std::result::Result<NewPage, Invalid> {
    let title = Text::parse("title", &form.title, 200)?;
    let slug = match form.slug.trim() {
        "" => Slug::from_title(title.as_str(), "page").to_string(),
        slug => slug.to_owned(),
    };
    Ok(NewPage {
        slug: Slug::parse_top_level(&slug)?,
        title,
        body: Body::from_markdown(&form.body),
    })
}

/// `POST /admin/pages/{id}/delete`.
pub async fn delete_page(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, .. }: AdminForm<Nothing>,
) -> Result<Response> {
    staff.require(Action::ManageSite)?;
    app.store.delete_page(PageId(id), Timestamp::now()).await?;
    Ok(see_other(Pages::PATH))
}
