//! The checks of single details: lists of bylines, tags and related
//! articles, optional texts, and an article named by number or address.

use std::collections::HashSet;

use dateline_core::{
    ArticleId, Invalid, NewByline, Person, PersonId, TagName, Text, article_id_from_segment,
};

/// The most related articles an editor picks (the reader page shows four).
const MAX_RELATED: usize = 9;
const MAX_TAGS: usize = 20;
const MAX_BYLINE_CHARS: usize = 100;

/// An optional text of at most `max_chars`, trimmed; empty is `None`.
pub fn optional_text(
    value: &str,
    field: &'static str,
    max_chars: usize,
) -> Result<Option<String>, Invalid> {
    let value = value.trim();
    if value.chars().count() > max_chars {
        return Err(Invalid::new(
            field,
            format!("must be at most {max_chars} characters"),
        ));
    }
    Ok(Some(value.to_owned()).filter(|v| !v.is_empty()))
}

/// Names in a list the editor's form writes comma-separated: a comma in
/// one would split it on the next save.
fn no_commas(field: &'static str, names: &[String]) -> Result<(), Invalid> {
    match names.iter().find(|n| n.contains(',')) {
        Some(name) => Err(Invalid::new(
            field,
            format!("{name:?}: names may not contain commas"),
        )),
        None => Ok(()),
    }
}

/// Bylines by name or by the address of their page (any case), in order.
/// A name no byline has is made with the article when `may_add` (a
/// curator's edit: [`super::curates`]), else refused.
pub(super) fn authors(
    names: &[String],
    people: &[Person],
    may_add: bool,
) -> Result<(Vec<PersonId>, Vec<NewByline>), Invalid> {
    no_commas("authors", names)?;
    let mut ids = Vec::new();
    let mut new: Vec<NewByline> = Vec::new();
    for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        let known = people
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name) || p.slug.eq_ignore_ascii_case(name));
        match known {
            Some(person) if !ids.contains(&person.id) => ids.push(person.id),
            Some(_) => {}
            None if !may_add => {
                return Err(Invalid::new(
                    "authors",
                    format!("there is no byline {name:?}; an editor can add it"),
                ));
            }
            None if new
                .iter()
                .any(|n| n.name.as_str().eq_ignore_ascii_case(name)) => {}
            None => new.push(NewByline {
                position: ids.len() + new.len(),
                name: Text::parse("authors", name, MAX_BYLINE_CHARS)?,
            }),
        }
    }
    Ok((ids, new))
}

/// Tag names; the same tag twice (by address) counts once.
pub(super) fn tags(names: &[String]) -> Result<Vec<TagName>, Invalid> {
    no_commas("tags", names)?;
    let mut seen = HashSet::new();
    let mut tags = Vec::new();
    for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
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

pub(super) fn related(
    asked: &[ArticleId],
    this: Option<ArticleId>,
) -> Result<Vec<ArticleId>, Invalid> {
    let mut ids = Vec::new();
    for id in asked {
        if Some(*id) == this {
            return Err(Invalid::new(
                "related",
                "an article cannot be related to itself",
            ));
        }
        if !ids.contains(id) {
            ids.push(*id);
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
/// headline) or its address, full or from the site's root.
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

    fn names(list: &str) -> Vec<String> {
        list.split(',').map(str::to_owned).collect()
    }

    #[test]
    fn related_articles_are_read_from_numbers_and_addresses() {
        let lines = [
            "42 Harbour dredging approved",
            "https://news.example/city/harbour-dredging-43",
            "/city/harbour-dredging-44/print?utm=x",
            "42 again",
        ];
        let ids: Vec<ArticleId> = lines.iter().filter_map(|l| related_line(l)).collect();
        assert_eq!(
            related(&ids, Some(ArticleId(1))).unwrap(),
            [ArticleId(42), ArticleId(43), ArticleId(44)]
        );
        assert!(related_line("not an article").is_none());
        assert!(related(&[ArticleId(1)], Some(ArticleId(1))).is_err());
        let many: Vec<ArticleId> = (100..110).map(ArticleId).collect();
        assert!(related(&many, None).is_err());
    }

    #[test]
    fn tags_are_deduplicated_by_address_and_bounded() {
        let t = tags(&names("Monsoon, monsoon ,Mumbai rains,,")).unwrap();
        let found: Vec<&str> = t.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(found, ["Monsoon", "Mumbai rains"]);
        let many: Vec<String> = (0..21).map(|n| format!("tag {n}")).collect();
        assert!(tags(&many).is_err());
        assert!(tags(&["Rains, Mumbai".to_owned()]).is_err());
    }

    #[test]
    fn authors_keep_their_order_and_only_curators_add_new_ones() {
        let people: Vec<Person> = [(1, "asha-rao", "Asha Rao"), (2, "vikram-s", "Vikram S")]
            .map(|(id, slug, name)| Person {
                id: PersonId(id),
                slug: slug.into(),
                name: name.into(),
                bio: String::new(),
            })
            .into();
        assert_eq!(
            authors(&names("vikram s, asha-rao"), &people, false).unwrap(),
            (vec![PersonId(2), PersonId(1)], vec![])
        );
        let e = authors(&names("Asha Rao, Nobody"), &people, false).unwrap_err();
        assert!(e.to_string().contains("Nobody"), "{e}");
        let (ids, new) = authors(
            &names("Asha Rao, Meera Pillai, meera pillai, Vikram S"),
            &people,
            true,
        )
        .unwrap();
        assert_eq!(ids, [PersonId(1), PersonId(2)]);
        assert_eq!(new.len(), 1);
        assert_eq!((new[0].position, new[0].name.as_str()), (1, "Meera Pillai"));
    }
}
