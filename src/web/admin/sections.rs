//! `/admin/sections`: the site's sections, their order in the navigation
//! and their nesting (one level: "Cities" › "Mumbai"). Admins only.

use dateline_core::{Action, Invalid, NewSection, Section, SectionId, Slug, Text};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::catalog::{Catalog, Saved};
use crate::{web::App, web::Result};

pub struct Sections;

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SectionForm {
    name: String,
    slug: String,
    /// Empty for a top-level section.
    parent: String,
    position: String,
}

impl Catalog for Sections {
    type Form = SectionForm;
    type Item = Section;
    const PATH: &'static str = "/admin/sections";
    const TEMPLATE: &'static str = "admin/sections.html";
    const ACTION: Action = Action::ManageSite;

    async fn items(app: &App) -> Result<Vec<Section>> {
        Ok(app.store.sections().await?)
    }

    async fn form_for(app: &App, id: i64) -> Result<Option<SectionForm>> {
        let sections = app.store.sections().await?;
        Ok(sections
            .into_iter()
            .find(|s| s.id == SectionId(id))
            .map(|s| SectionForm {
                name: s.name,
                slug: s.slug,
                parent: s.parent_id.map(|p| p.0.to_string()).unwrap_or_default(),
                position: s.position.to_string(),
            }))
    }

    /// A new section goes last in the navigation.
    fn blank(items: &[Section]) -> SectionForm {
        let last = items.iter().map(|s| s.position).max().unwrap_or(0);
        SectionForm {
            position: (last + 1).to_string(),
            ..SectionForm::default()
        }
    }

    async fn create(app: &App, form: &SectionForm) -> Saved {
        app.store
            .create_section(&checked(form)?, Timestamp::now())
            .await
            .map(|_| ())
    }

    async fn update(app: &App, id: i64, form: &SectionForm) -> Saved {
        app.store
            .update_section(SectionId(id), &checked(form)?, Timestamp::now())
            .await
    }
}

fn checked(form: &SectionForm) -> std::result::Result<NewSection, Invalid> {
    let name = Text::parse("name", &form.name, 100)?;
    let slug = match form.slug.trim() {
        "" => Slug::from_title(name.as_str(), "section").to_string(),
        slug => slug.to_owned(),
    };
    let slug = Slug::parse_top_level(&slug)?;
    let parent = match form.parent.trim() {
        "" => None,
        p => Some(SectionId(p.parse().map_err(|_| {
            Invalid::new("parent", "choose a section from the list")
        })?)),
    };
    let position = match form.position.trim() {
        "" => 0,
        p => p
            .parse()
            .map_err(|_| Invalid::new("position", "must be a whole number"))?,
    };
    Ok(NewSection {
        slug,
        name,
        parent,
        position,
    })
}
