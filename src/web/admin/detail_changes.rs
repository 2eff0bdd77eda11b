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
    let shown = |s: String| if s.is_empty() { "—".to_owned() } else { s };
    Some(
        labelled(old?)
            .into_iter()
            .zip(labelled(new?))
            .filter(|((_, was), (_, now))| was != now)
            .map(|((field, was), (_, now))| DetailChange {
                field,
                was: shown(was),
                now: shown(now),
            })
            .collect(),
    )
}

/// Every detail of `snapshot` under its label, in the editor's order.
fn labelled(snapshot: &DetailsSnapshot) -> [(&'static str, String); 15] {
    let optional = |s: &Option<String>| s.clone().unwrap_or_default();
    let list = |l: &[String]| l.join(", ");
    let s = snapshot;
    [
        ("Section", s.section.clone()),
        ("Kind", s.kind.clone()),
        ("Address", s.address.clone()),
        ("Bylines", list(&s.bylines)),
        ("Edited by", optional(&s.edited_by)),
        ("Source", optional(&s.source)),
        ("Dateline place", optional(&s.place)),
        ("Tags", list(&s.tags)),
        ("Topics", list(&s.topics)),
        ("Related articles", list(&s.related)),
        ("Search title", optional(&s.seo_title)),
        ("Search description", optional(&s.seo_description)),
        ("Lead picture", optional(&s.lead_picture)),
        ("Picture caption", optional(&s.lead_caption)),
        ("Picture credit", optional(&s.lead_credit)),
    ]
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
