//! `/admin/sources`: where copy comes from (agencies, partners), the
//! republication notice printed under their stories, and the rights that
//! decide what each outlet may carry. Admins only.

use dateline_core::{Action, Invalid, NewSource, Slug, Source, SourceId, SourceRights, Text};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::catalog::{Catalog, Saved};
use crate::newsroom::optional_text;
use crate::{web::App, web::Result};

const MAX_NOTICE_CHARS: usize = 1000;

pub struct Sources;

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SourceForm {
    name: String,
    slug: String,
    notice: String,
    /// Checkboxes: present when ticked.
    full_text_in_feeds: Option<String>,
    full_text_in_api: Option<String>,
    full_text_in_federation: Option<String>,
}

impl Catalog for Sources {
    type Form = SourceForm;
    type Item = Source;
    const PATH: &'static str = "/admin/sources";
    const TEMPLATE: &'static str = "admin/sources.html";
    const ACTION: Action = Action::ManageSite;

    async fn items(app: &App) -> Result<Vec<Source>> {
        Ok(app.store.sources().await?)
    }

    async fn form_for(app: &App, id: i64) -> Result<Option<SourceForm>> {
        let ticked = |on: bool| on.then(|| "1".to_owned());
        let sources = app.store.sources().await?;
        Ok(sources
            .into_iter()
            .find(|s| s.id == SourceId(id))
            .map(|s| SourceForm {
                name: s.name,
                slug: s.slug,
                notice: s.notice.unwrap_or_default(),
                full_text_in_feeds: ticked(s.rights.full_text_in_feeds),
                full_text_in_api: ticked(s.rights.full_text_in_api),
                full_text_in_federation: ticked(s.rights.full_text_in_federation),
            }))
    }

    async fn create(app: &App, form: &SourceForm) -> Saved {
        app.store
            .create_source(&checked(form)?, Timestamp::now())
            .await
            .map(|_| ())
    }

    async fn update(app: &App, id: i64, form: &SourceForm) -> Saved {
        app.store
            .update_source(SourceId(id), &checked(form)?, Timestamp::now())
            .await
    }
}

fn checked(form: &SourceForm) -> std::result::Result<NewSource, Invalid> {
    let name = Text::parse("name", &form.name, 100)?;
    let slug = match form.slug.trim() {
        "" => Slug::from_title(name.as_str(), "source"),
        slug => Slug::parse(slug)?,
    };
    Ok(NewSource {
        slug,
        name,
        notice: optional_text(&form.notice, "notice", MAX_NOTICE_CHARS)?,
        rights: SourceRights {
            full_text_in_feeds: form.full_text_in_feeds.is_some(),
            full_text_in_api: form.full_text_in_api.is_some(),
            full_text_in_federation: form.full_text_in_federation.is_some(),
        },
    })
}
