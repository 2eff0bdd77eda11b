//! The public site: what readers and search engines see.

pub mod article;
pub mod assets;
pub mod health;
pub mod home;
pub mod section;

use axum::{
    http::{HeaderValue, header},
    response::{Html, IntoResponse, Response},
};
use dateline_core::Section;
use serde::Serialize;

use crate::{app::App, web::Result};

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

/// Renders a reader page.
pub fn page(app: &App, template: &str, context: impl Serialize) -> Result<Response> {
    let body = app.templates.render(template, context)?;
    let mut response = Html(body).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    Ok(response)
}
