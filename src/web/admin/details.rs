//! The editor's details: section, source, bylines, place, tags, topics,
//! related articles, address and SEO texts. Read from the form into
//! [`ArticleDetails`] (with a message per wrong field) and written back into
//! the form for display.

use std::collections::HashSet;

use dateline_core::{
    ArticleDetails, ArticleId, ArticleKind, Invalid, Person, PersonId, Section, SectionId, Slug,
    Source, SourceId, TagName, TopicId, article_id_from_segment,
};
use dateline_store::TaxonomyEntry;
use serde::Serialize;

use super::{articles::TextForm, catalog::optional_text};
use crate::{web::App, web::Result};

/// The most related articles an editor picks (the reader page shows four).
const MAX_RELATED: usize = 9;
const MAX_TAGS: usize = 20;
const MAX_PLACE_CHARS: usize = 100;

/// What the details fields offer to choose from.
#[derive(Serialize)]
pub struct Choices {
    pub sections: Vec<Section>,
    pub sources: Vec<Source>,
    pub people: Vec<Person>,
    pub topics: Vec<TaxonomyEntry>,
}

impl Choices {
    pub async fn load(app: &App) -> Result<Self> {
        Ok(Self {
            sections: app.store.sections().await?,
            sources: app.store.sources().await?,
            people: app.store.people().await?,
            topics: app.store.topics().await?,
        })
    }
}

/// Fills the form's details fields from the stored details.
pub async fn fill(
    app: &App,
    form: &mut TextForm,
    details: &ArticleDetails,
    choices: &Choices,
) -> Result<()> {
    let name_of = |id: PersonId| {
        choices
            .people
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.name.clone())
    };
    form.details = Some("1".into());
    form.slug = details.slug.to_string();
    form.section = details.section.0;
    form.source = details.source.map(|s| s.0.to_string()).unwrap_or_default();
    form.edited_by = details
        .edited_by
        .map(|p| p.0.to_string())
        .unwrap_or_default();
    form.place = details.place.clone().unwrap_or_default();
    form.authors = details
        .authors
        .iter()
        .filter_map(|id| name_of(*id))
        .collect::<Vec<_>>()
        .join(", ");
    form.tags = details
        .tags
        .iter()
        .map(|t| t.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    form.topics = details.topics.iter().map(|t| t.0).collect();
    form.related = app
        .store
        .headlines(&details.related)
        .await?
        .into_iter()
        .map(|(id, headline)| format!("{id} {headline}\n"))
        .collect();
    form.seo_title = details.seo_title.clone().unwrap_or_default();
    form.seo_description = details.seo_description.clone().unwrap_or_default();
    form.kind = details.kind.as_str().to_owned();
    Ok(())
}

/// The details the form asks for, or what is wrong with them (every field
/// is checked, so the editor sees all problems at once). `kept_topics`:
/// the article's topics as they are, for someone who may not change them
/// (topics are curated lists).
pub async fn check(
    app: &App,
    form: &TextForm,
    id: ArticleId,
    choices: &Choices,
    kept_topics: Option<Vec<TopicId>>,
) -> Result<std::result::Result<ArticleDetails, Vec<Invalid>>> {
    let mut errors = Vec::new();

    let slug = keep(
        &mut errors,
        match form.slug.trim() {
            "" => Ok(Slug::from_title(&form.headline, "article")),
            slug => Slug::parse(slug),
        },
    );
    let section = keep(
        &mut errors,
        choices
            .sections
            .iter()
            .find(|s| s.id == SectionId(form.section))
            .map(|s| s.id)
            .ok_or_else(|| Invalid::new("section", "choose a section")),
    );
    let source = keep(
        &mut errors,
        pick(&form.source, "source", |id| {
            choices.sources.iter().any(|s| s.id == SourceId(id))
        }),
    )
    .map(|id| id.map(SourceId));
    let edited_by = keep(
        &mut errors,
        pick(&form.edited_by, "edited_by", |id| {
            choices.people.iter().any(|p| p.id == PersonId(id))
        }),
    )
    .map(|id| id.map(PersonId));
    let place = keep(
        &mut errors,
        optional_text(&form.place, "place", MAX_PLACE_CHARS),
    );
    let authors = keep(&mut errors, authors(&form.authors, &choices.people));
    let tags = keep(&mut errors, tags(&form.tags));
    let topics = match kept_topics {
        Some(kept) => Some(kept),
        None => keep(&mut errors, topics(&form.topics, &choices.topics)),
    };
    let seo_title = keep(
        &mut errors,
        optional_text(&form.seo_title, "seo_title", ArticleDetails::SEO_TITLE_MAX),
    );
    let seo_description = keep(
        &mut errors,
        optional_text(
            &form.seo_description,
            "seo_description",
            ArticleDetails::SEO_DESCRIPTION_MAX,
        ),
    );
    let kind = keep(
        &mut errors,
        match form.kind.trim() {
            "" => Ok(ArticleKind::Standard),
            kind => ArticleKind::parse(kind),
        },
    );
    let related = match related(&form.related, id) {
        Ok(ids) => {
            let found = app.store.headlines(&ids).await?;
            match ids.iter().find(|id| !found.iter().any(|(f, _)| f == *id)) {
                Some(missing) => keep(
                    &mut errors,
                    Err(Invalid::new(
                        "related",
                        format!("there is no article {missing}"),
                    )),
                ),
                None => Some(ids),
            }
        }
        Err(e) => keep(&mut errors, Err(e)),
    };
    let (
        Some(slug),
        Some(section),
        Some(source),
        Some(edited_by),
        Some(place),
        Some(authors),
        Some(tags),
        Some(topics),
        Some(related),
        Some(seo_title),
        Some(seo_description),
        Some(kind),
    ) = (
        slug,
        section,
        source,
        edited_by,
        place,
        authors,
        tags,
        topics,
        related,
        seo_title,
        seo_description,
        kind,
    )
    else {
        return Ok(Err(errors));
    };
    Ok(Ok(ArticleDetails {
        slug,
        section,
        source,
        authors,
        edited_by,
        place,
        tags,
        topics,
        related,
        seo_title,
        seo_description,
        kind,
    }))
}

/// The value, or `None` with its error noted.
fn keep<T>(errors: &mut Vec<Invalid>, checked: std::result::Result<T, Invalid>) -> Option<T> {
    checked.map_err(|e| errors.push(e)).ok()
}

/// An optional choice from a `<select>`: empty for none, else an id that
/// `exists`.
fn pick(
    value: &str,
    field: &'static str,
    exists: impl Fn(i64) -> bool,
) -> std::result::Result<Option<i64>, Invalid> {
    match value.trim() {
        "" => Ok(None),
        v => v
            .parse()
            .ok()
            .filter(|id| exists(*id))
            .map(Some)
            .ok_or_else(|| Invalid::new(field, "choose one of the list")),
    }
}

/// Byline names separated by commas, in order; each must be a known byline
/// (by name or by the address of its page, in any case).
fn authors(value: &str, people: &[Person]) -> std::result::Result<Vec<PersonId>, Invalid> {
    let mut ids = Vec::new();
    for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let person = people
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name) || p.slug.eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                Invalid::new(
                    "authors",
                    format!("there is no byline {name:?}; add it under Bylines first"),
                )
            })?;
        if !ids.contains(&person.id) {
            ids.push(person.id);
        }
    }
    Ok(ids)
}

/// Tag names separated by commas; the same tag twice counts once.
fn tags(value: &str) -> std::result::Result<Vec<TagName>, Invalid> {
    let mut seen = HashSet::new();
    let mut tags = Vec::new();
    for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let tag = TagName::parse(name)?;
        if seen.insert(tag.slug.clone()) {
            tags.push(tag);
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(Invalid::new(
            "tags",
            format!("at most {MAX_TAGS} tags, please"),
        ));
    }
    Ok(tags)
}

fn topics(ids: &[i64], known: &[TaxonomyEntry]) -> std::result::Result<Vec<TopicId>, Invalid> {
    let mut topics: Vec<TopicId> = Vec::new();
    for id in ids {
        if !known.iter().any(|t| t.id == *id) {
            return Err(Invalid::new("topics", "choose topics from the list"));
        }
        if !topics.contains(&TopicId(*id)) {
            topics.push(TopicId(*id));
        }
    }
    Ok(topics)
}

/// One related article per line: its id (what the editor shows, followed
/// by the headline) or its address, full or from the site's root.
fn related(value: &str, this: ArticleId) -> std::result::Result<Vec<ArticleId>, Invalid> {
    let mut ids = Vec::new();
    for line in value.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let id = related_line(line).ok_or_else(|| {
            Invalid::new(
                "related",
                format!("{line:?} is neither an article number nor an article's address"),
            )
        })?;
        if id == this {
            return Err(Invalid::new(
                "related",
                "an article cannot be related to itself",
            ));
        }
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.len() > MAX_RELATED {
        return Err(Invalid::new(
            "related",
            format!("at most {MAX_RELATED} related articles"),
        ));
    }
    Ok(ids)
}

/// An article's number (what the editor shows, maybe followed by its
/// headline) or its address.
pub fn related_line(line: &str) -> Option<ArticleId> {
    let first = line.split_whitespace().next()?;
    if first.bytes().all(|b| b.is_ascii_digit()) {
        return first.parse().ok().map(ArticleId);
    }
    // An address: `https://site/section/slug-42`, `/section/slug-42/print?x`.
    let path = first.split(['?', '#']).next()?;
    let mut segments = path.trim_end_matches('/').rsplit('/');
    let last = segments.next()?;
    let segment = if last == "print" {
        segments.next()?
    } else {
        last
    };
    article_id_from_segment(segment)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn related_articles_are_read_from_numbers_and_addresses() {
        let this = ArticleId(1);
        let ids = related(
            "42 Harbour dredging approved\n\
             https://news.example/city/harbour-dredging-43\n\
             /city/harbour-dredging-44/print?utm=x\n\
             \n\
             42 again",
            this,
        )
        .unwrap();
        assert_eq!(ids, [ArticleId(42), ArticleId(43), ArticleId(44)]);
        assert!(related("1 Itself", this).is_err());
        assert!(related("not an article", this).is_err());
        let many: String = (100..111).map(|n| format!("{n}\n")).collect();
        assert!(related(&many, this).is_err());
    }

    #[test]
    fn tags_are_deduplicated_by_address_and_bounded() {
        let t = tags("Monsoon, monsoon ,Mumbai rains,,").unwrap();
        let names: Vec<&str> = t.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["Monsoon", "Mumbai rains"]);
        let many: Vec<String> = (0..21).map(|n| format!("tag {n}")).collect();
        assert!(tags(&many.join(",")).is_err());
    }

    #[test]
    fn authors_must_be_known_bylines_and_keep_their_order() {
        let people: Vec<Person> = [(1, "asha-rao", "Asha Rao"), (2, "vikram-s", "Vikram S")]
            .map(|(id, slug, name)| Person {
                id: PersonId(id),
                slug: slug.into(),
                name: name.into(),
                bio: String::new(),
            })
            .into();
        assert_eq!(
            authors("vikram s, Asha Rao", &people).unwrap(),
            [PersonId(2), PersonId(1)]
        );
        let e = authors("Asha Rao, Nobody", &people).unwrap_err();
        assert!(e.to_string().contains("Nobody"), "{e}");
    }
}
