//! What changed between two texts of an article, as an editor reads it:
//! field by field (headline, standfirst, body), paragraph by paragraph,
//! and inside a changed paragraph word by word, as one paragraph with the
//! words taken out struck and the words put in marked. A paragraph
//! rewritten beyond recognition is shown as the old one removed and the
//! new one added. For the revisions page and the conflict page.

use std::time::{Duration, Instant};

use serde::Serialize;
use similar::{Algorithm, ChangeTag, DiffOp, TextDiff, capture_diff_slices_deadline};

/// Below this share of words in common, a changed paragraph is shown as
/// removed and added rather than word by word (which would be confetti).
const SIMILAR_ENOUGH: f32 = 0.5;
/// The most time a diff may take: long texts give a coarser answer.
const DEADLINE: Duration = Duration::from_millis(200);

/// A run of text that is the same, added or removed.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Part {
    /// `same`, `added` or `removed`.
    pub kind: &'static str,
    pub text: String,
}

/// A paragraph: `same`, `added`, `removed`, or `changed` (mixed parts).
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Block {
    pub kind: &'static str,
    pub parts: Vec<Part>,
}

/// One field of the article compared.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct FieldDiff {
    /// The field's name as the editor labels it.
    pub field: &'static str,
    pub changed: bool,
    pub blocks: Vec<Block>,
}

/// One version of an article's text: what is compared.
pub struct Version<'a> {
    pub headline: &'a str,
    pub standfirst: &'a str,
    pub body: &'a str,
}

impl<'a> Version<'a> {
    pub fn of(revision: &'a dateline_store::Revision) -> Self {
        Self {
            headline: &revision.headline,
            standfirst: &revision.standfirst,
            body: &revision.body_markdown,
        }
    }
}

/// Headline, standfirst and body of `old` and `new` compared.
pub fn article_diff(old: &Version<'_>, new: &Version<'_>) -> Vec<FieldDiff> {
    [
        ("Headline", old.headline, new.headline),
        ("Standfirst", old.standfirst, new.standfirst),
        ("Body", old.body, new.body),
    ]
    .into_iter()
    .map(|(field, old, new)| {
        let blocks = text_diff(old, new);
        FieldDiff {
            field,
            changed: blocks.iter().any(|b| b.kind != "same"),
            blocks,
        }
    })
    .collect()
}

/// `old` and `new` compared by paragraphs (blocks separated by a blank
/// line), and changed paragraphs by words.
pub fn text_diff(old: &str, new: &str) -> Vec<Block> {
    let (old, new) = (paragraphs(old), paragraphs(new));
    let deadline = Some(Instant::now() + DEADLINE);
    let mut blocks = Vec::new();
    let whole = |kind, text: &str| Block {
        kind,
        parts: vec![Part {
            kind,
            text: text.to_owned(),
        }],
    };
    for op in capture_diff_slices_deadline(Algorithm::Myers, &old, &new, deadline) {
        match op {
            DiffOp::Equal { old_index, len, .. } => blocks.extend(
                old[old_index..old_index + len]
                    .iter()
                    .map(|p| whole("same", p)),
            ),
            DiffOp::Delete {
                old_index, old_len, ..
            } => blocks.extend(
                old[old_index..old_index + old_len]
                    .iter()
                    .map(|p| whole("removed", p)),
            ),
            DiffOp::Insert {
                new_index, new_len, ..
            } => blocks.extend(
                new[new_index..new_index + new_len]
                    .iter()
                    .map(|p| whole("added", p)),
            ),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                let olds = &old[old_index..old_index + old_len];
                let news = &new[new_index..new_index + new_len];
                // Paired in order; what is left over was removed or added.
                for i in 0..old_len.max(new_len) {
                    match (olds.get(i), news.get(i)) {
                        (Some(o), Some(n)) => match words(o, n, deadline) {
                            Some(parts) => blocks.push(Block {
                                kind: "changed",
                                parts,
                            }),
                            None => {
                                blocks.push(whole("removed", o));
                                blocks.push(whole("added", n));
                            }
                        },
                        (Some(o), None) => blocks.push(whole("removed", o)),
                        (None, Some(n)) => blocks.push(whole("added", n)),
                        (None, None) => {}
                    }
                }
            }
        }
    }
    blocks
}

/// A text's paragraphs, trimmed, without empty ones.
fn paragraphs(text: &str) -> Vec<&str> {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// One paragraph's words compared; `None` if too little is left in common.
fn words(old: &str, new: &str, deadline: Option<Instant>) -> Option<Vec<Part>> {
    let diff = TextDiff::configure()
        .deadline(deadline?)
        .diff_words(old, new);
    if diff.ratio() < SIMILAR_ENOUGH {
        return None;
    }
    let mut parts: Vec<Part> = Vec::new();
    for change in diff.iter_all_changes() {
        let kind = match change.tag() {
            ChangeTag::Equal => "same",
            ChangeTag::Insert => "added",
            ChangeTag::Delete => "removed",
        };
        match parts.last_mut() {
            Some(last) if last.kind == kind => last.text.push_str(change.value()),
            _ => parts.push(Part {
                kind,
                text: change.value().to_owned(),
            }),
        }
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(blocks: &[Block]) -> Vec<String> {
        blocks
            .iter()
            .map(|b| {
                let parts: String = b
                    .parts
                    .iter()
                    .map(|p| match p.kind {
                        "added" => format!("[+{}]", p.text),
                        "removed" => format!("[-{}]", p.text),
                        _ => p.text.clone(),
                    })
                    .collect();
                format!("{}: {parts}", b.kind)
            })
            .collect()
    }

    #[test]
    fn a_changed_word_is_marked_inside_its_paragraph() {
        let old = "The council met on Monday.\n\nIt voted to close the road.";
        let new = "The council met on Tuesday.\n\nIt voted to close the road.";
        assert_eq!(
            shown(&text_diff(old, new)),
            [
                "changed: The council met on [-Monday.][+Tuesday.]",
                "same: It voted to close the road.",
            ]
        );
    }

    #[test]
    fn new_and_rewritten_paragraphs_are_shown_whole() {
        let old = "First.\n\nA sentence about the weather today.";
        let new = "First.\n\nSomething else entirely, about trains.\n\nAnd a new ending.";
        assert_eq!(
            shown(&text_diff(old, new)),
            [
                "same: First.",
                "removed: [-A sentence about the weather today.]",
                "added: [+Something else entirely, about trains.]",
                "added: [+And a new ending.]",
            ]
        );
    }

    #[test]
    fn an_unchanged_field_says_so() {
        let text = Version {
            headline: "Rain",
            standfirst: "",
            body: "Wet.",
        };
        let diff = article_diff(&text, &text);
        assert!(diff.iter().all(|f| !f.changed));
        assert_eq!(diff.len(), 3);
    }
}
