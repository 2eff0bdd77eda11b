//! Line diffs between two texts of an article, for the revision view and
//! the conflict page.

use serde::Serialize;
use similar::{ChangeTag, TextDiff};

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct DiffLine {
    /// `same`, `added` or `removed`.
    pub kind: &'static str,
    pub text: String,
}

/// What changed from `old` to `new`, line by line.
pub fn line_diff(old: &str, new: &str) -> Vec<DiffLine> {
    TextDiff::from_lines(old, new)
        .iter_all_changes()
        .map(|change| DiffLine {
            kind: match change.tag() {
                ChangeTag::Equal => "same",
                ChangeTag::Insert => "added",
                ChangeTag::Delete => "removed",
            },
            text: change.value().trim_end_matches('\n').to_owned(),
        })
        .collect()
}

/// The text a revision is compared by: headline, standfirst and body.
pub fn article_text(headline: &str, standfirst: &str, body: &str) -> String {
    format!("# {headline}\n\n{standfirst}\n\n{body}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_lines_are_marked() {
        let diff = line_diff("one\ntwo\nthree\n", "one\n2\nthree\n");
        let kinds: Vec<_> = diff.iter().map(|l| (l.kind, l.text.as_str())).collect();
        assert_eq!(
            kinds,
            [
                ("same", "one"),
                ("removed", "two"),
                ("added", "2"),
                ("same", "three")
            ]
        );
    }
}
