//! What changed in an article's details between two revisions, field by
//! field, as the revisions page lists it beside the word-level text diff.

use dateline_store::DetailsSnapshot;
use serde::Serialize;

/// One detail that differs: its label, and what it was and became (as
/// readers of the list see them: lists joined, nothing as "—").
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct DetailChange {
    pub field: &'static str,
    pub was: String,
    pub now: String,
}

/// The details that differ from `old` to `new`; `None` when either
/// revision was saved before details were recorded.
pub fn detail_changes(
    old: Option<&DetailsSnapshot>,
    new: Option<&DetailsSnapshot>,
) -> Option<Vec<DetailChange>> {
    let (old, new) = (old?, new?);
    let text = |s: &str| s.to_owned();
    let optional = |s: &Option<String>| s.clone().unwrap_or_default();
    let list = |l: &Vec<String>| l.join(", ");
    let fields: [(&'static str, String, String); 15] = [
        ("Section", text(&old.section), text(&new.section)),
        ("Kind", text(&old.kind), text(&new.kind)),
        ("Address", text(&old.address), text(&new.address)),
        ("Bylines", list(&old.bylines), list(&new.bylines)),
        (
            "Edited by",
            optional(&old.edited_by),
            optional(&new.edited_by),
        ),
        ("Source", optional(&old.source), optional(&new.source)),
        ("Dateline place", optional(&old.place), optional(&new.place)),
        ("Tags", list(&old.tags), list(&new.tags)),
        ("Topics", list(&old.topics), list(&new.topics)),
        ("Related articles", list(&old.related), list(&new.related)),
        (
            "Search title",
            optional(&old.seo_title),
            optional(&new.seo_title),
        ),
        (
            "Search description",
            optional(&old.seo_description),
            optional(&new.seo_description),
        ),
        (
            "Lead picture",
            optional(&old.lead_picture),
            optional(&new.lead_picture),
        ),
        (
            "Picture caption",
            optional(&old.lead_caption),
            optional(&new.lead_caption),
        ),
        (
            "Picture credit",
            optional(&old.lead_credit),
            optional(&new.lead_credit),
        ),
    ];
    let shown = |s: String| if s.is_empty() { "—".to_owned() } else { s };
    Some(
        fields
            .into_iter()
            .filter(|(_, was, now)| was != now)
            .map(|(field, was, now)| DetailChange {
                field,
                was: shown(was),
                now: shown(now),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_details_that_differ_are_listed_in_words() {
        let old = DetailsSnapshot {
            section: "News".into(),
            bylines: vec!["Asha Rao".into()],
            tags: vec!["Ferries".into()],
            ..DetailsSnapshot::default()
        };
        let new = DetailsSnapshot {
            section: "City".into(),
            bylines: vec!["Asha Rao".into(), "Tara Fernandes".into()],
            tags: vec!["Ferries".into()],
            place: Some("Kochi".into()),
            ..DetailsSnapshot::default()
        };
        let changes = detail_changes(Some(&old), Some(&new)).unwrap();
        let fields: Vec<_> = changes.iter().map(|c| c.field).collect();
        assert_eq!(fields, ["Section", "Bylines", "Dateline place"]);
        assert_eq!(changes[1].now, "Asha Rao, Tara Fernandes");
        assert_eq!(changes[2].was, "—");
        assert!(detail_changes(None, Some(&new)).is_none());
        assert_eq!(detail_changes(Some(&new), Some(&new)), Some(vec![]));
    }
}
