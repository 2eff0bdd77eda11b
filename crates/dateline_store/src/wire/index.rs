//! The recent wire items' signatures in memory, banded: where a new item
//! looks for the story it belongs to.
//!
//! Kept in memory because clustering is the intake's hot path: asking the
//! database for the items sharing a band cost a round trip per item and
//! grew with the table. The index is filled from `wire_items` and topped up
//! before each document with the rows past the highest id it has seen; wire
//! ingests are serialised (one writer on SQLite, an advisory lock on
//! PostgreSQL), so ids commit in order and every node's index sees every
//! node's items. Wire items are never deleted (sources cannot be), so an
//! entry never outlives its row.

use std::collections::HashMap;

use dateline_wire::cluster::{SAME_STORY, Signature};

struct Entry {
    id: i64,
    cluster: i64,
    received_at: i64,
    signature: Signature,
}

#[derive(Default)]
pub(crate) struct ClusterIndex {
    entries: Vec<Entry>,
    /// Band key → positions in `entries`.
    bands: HashMap<i64, Vec<u32>>,
    /// The highest item id taken in.
    seen: i64,
}

impl ClusterIndex {
    /// The highest item id taken in (0 when empty).
    pub(super) fn seen(&self) -> i64 {
        self.seen
    }

    /// Takes in an item (`cluster`: the item leading its cluster).
    pub(super) fn add(&mut self, id: i64, cluster: i64, received_at: i64, signature: Signature) {
        let at = u32::try_from(self.entries.len()).expect("fewer than 2^32 recent wire items");
        for band in signature.bands() {
            self.bands.entry(band).or_default().push(at);
        }
        self.seen = self.seen.max(id);
        self.entries.push(Entry {
            id,
            cluster,
            received_at,
            signature,
        });
    }

    /// The cluster of the item most like `signature` among those received
    /// since `since` (microseconds), if one is at [`SAME_STORY`] or more;
    /// on a tie, the newest item's.
    pub(super) fn closest(&self, signature: &Signature, since: i64) -> Option<i64> {
        let mut compared: Vec<u32> = Vec::new();
        let mut best: Option<(f64, i64, i64)> = None;
        for band in signature.bands() {
            for &at in self.bands.get(&band).map_or(&[][..], Vec::as_slice) {
                if compared.contains(&at) {
                    continue;
                }
                compared.push(at);
                let entry = &self.entries[at as usize];
                if entry.received_at < since {
                    continue;
                }
                let similarity = signature.similarity(&entry.signature);
                if similarity >= SAME_STORY
                    && best.is_none_or(|(s, id, _)| (similarity, entry.id) > (s, id))
                {
                    best = Some((similarity, entry.id, entry.cluster));
                }
            }
        }
        best.map(|(.., cluster)| cluster)
    }

    /// Drops the items received before `since` once they are most of the
    /// index, so that it holds about the clustering window's items.
    pub(super) fn forget_before(&mut self, since: i64) {
        let old = self
            .entries
            .iter()
            .filter(|e| e.received_at < since)
            .count();
        if old * 2 <= self.entries.len() {
            return;
        }
        let seen = self.seen;
        let kept = std::mem::take(&mut self.entries);
        *self = Self::default();
        for e in kept.into_iter().filter(|e| e.received_at >= since) {
            self.add(e.id, e.cluster, e.received_at, e.signature);
        }
        self.seen = seen;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "The state cabinet on Wednesday approved a plan to build four \
        desalination plants along the coast, each able to supply drinking water to about \
        two lakh households, officials said after the meeting.";

    #[test]
    fn finds_the_story_within_the_window_and_forgets_the_old() {
        let story = Signature::of(STORY).unwrap();
        let other = Signature::of(
            "A football club signed a new coach on Tuesday after a \
            season in which it finished last in the league.",
        )
        .unwrap();
        let mut index = ClusterIndex::default();
        index.add(1, 1, 100, story.clone());
        index.add(2, 2, 200, other);
        assert_eq!(index.seen(), 2);
        let edited = Signature::of(&STORY.replace("four", "five")).unwrap();
        assert_eq!(index.closest(&edited, 0), Some(1));
        assert_eq!(index.closest(&edited, 150), None, "outside the window");
        index.add(3, 1, 300, story.clone());
        index.forget_before(250);
        assert_eq!(index.entries.len(), 1);
        assert_eq!(index.seen(), 3);
        assert_eq!(index.closest(&story, 0), Some(1));
    }
}
