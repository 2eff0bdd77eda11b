//! `/admin/bylines`: the people the site credits (authors and editors of
//! stories, each with a page), who need not have staff accounts. Editors
//! and admins.

use dateline_core::{Action, Invalid, NewPerson, Person, PersonId, Slug, Text};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::catalog::{Catalog, Saved};
use crate::newsroom::optional_text;
use crate::{web::App, web::Result};

const MAX_BIO_CHARS: usize = 2000;

pub struct Bylines;

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct BylineForm {
    name: String,
    slug: String,
    bio: String,
}

impl Catalog for Bylines {
    type Form = BylineForm;
    type Item = Person;
    const PATH: &'static str = "/admin/bylines";
    const TEMPLATE: &'static str = "admin/bylines.html";
    const ACTION: Action = Action::ManageTaxonomy;

    async fn items(app: &App) -> Result<Vec<Person>> {
        Ok(app.store.people().await?)
    }

    async fn form_for(app: &App, id: i64) -> Result<Option<BylineForm>> {
        let people = app.store.people().await?;
        Ok(people
            .into_iter()
            .find(|p| p.id == PersonId(id))
            .map(|p| BylineForm {
                name: p.name,
                slug: p.slug,
                bio: p.bio,
            }))
    }

    async fn create(app: &App, form: &BylineForm) -> Saved {
        app.store
            .create_person(&checked(form)?, Timestamp::now())
            .await
            .map(|_| ())
    }

    async fn update(app: &App, id: i64, form: &BylineForm) -> Saved {
        app.store
            .update_person(PersonId(id), &checked(form)?, Timestamp::now())
            .await
    }
}

fn checked(form: &BylineForm) -> std::result::Result<NewPerson, Invalid> {
    let name = Text::parse("name", &form.name, 200)?;
    let slug = match form.slug.trim() {
        "" => Slug::from_title(name.as_str(), "person"),
        slug => Slug::parse(slug)?,
    };
    Ok(NewPerson {
        slug,
        name,
        bio: optional_text(&form.bio, "bio", MAX_BIO_CHARS)?.unwrap_or_default(),
        email: None,
    })
}
