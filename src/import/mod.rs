//! Moving a site in: a WordPress export (`wordpress.rs`) or a Ghost export
//! mapped onto the newsroom — sections, tags, bylines, stories, pages,
//! pictures, comments held — with every old address kept as a redirect.
//! The file is read twice as a stream: once to check it whole and count
//! (nothing is stored for a file that fails then), once to import. Each
//! entry is written with its key in one transaction, posts in batches, so
//! a re-run skips what it has and an interrupted one goes on.

mod body;
mod ghost;
mod pictures;
mod run;
pub mod uploaded;
mod wordpress;

use std::{collections::BTreeMap, path::PathBuf};

use serde::{Deserialize, Serialize};

use crate::{config::Config, media::Library};

pub use self::ghost::import_ghost;
pub use self::pictures::MediaSource;
pub use self::wordpress::import_wordpress;

/// What an import works with.
pub struct Context<'a> {
    pub store: &'a dateline_store::Store,
    pub blobs: &'a crate::blobs::Blobs,
    pub config: &'a Config,
    /// Bounds how many pictures are decoded at once.
    pub image_work: &'a tokio::sync::Semaphore,
}

impl Context<'_> {
    pub(crate) fn library(&self) -> Library<'_> {
        Library {
            store: self.store,
            blobs: self.blobs,
            image_work: self.image_work,
            max_pixels: self.config.media.max_megapixels * 1_000_000,
        }
    }
}

/// How a run goes.
#[derive(Debug, Default)]
pub struct Options {
    /// Read and report, store nothing.
    pub dry_run: bool,
    /// Where pictures come from.
    pub media: MediaSource,
    /// The old site's address, when links in its bodies use another than
    /// the export's own.
    pub base_url: Option<url::Url>,
}

/// What a run did, kind by kind.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// By kind (`post (published)`, `page`, `picture`, `section`, …).
    pub counts: BTreeMap<String, Tally>,
    pub skipped: Vec<Skip>,
    /// Things carried over with a loss worth knowing (a shortcode dropped).
    pub notes: Vec<String>,
    pub comments_held: u64,
    pub redirects: u64,
}

/// What a run did, without its list of skips: what the page of a run
/// started in the admin shows (kept with the run, as JSON).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Digest {
    pub counts: BTreeMap<String, Tally>,
    /// How many entries were skipped for each reason.
    pub skipped: BTreeMap<String, u64>,
    pub skipped_total: u64,
    pub comments_held: u64,
    pub redirects: u64,
    pub notes: Vec<String>,
}

impl Digest {
    /// The digest as lines for a person.
    pub fn lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .counts
            .iter()
            .map(|(kind, t)| {
                format!(
                    "{kind}: {} added, {} updated, {} unchanged",
                    t.added, t.updated, t.unchanged
                )
            })
            .collect();
        lines.push(format!("skipped: {}", self.skipped_total));
        lines.extend(
            self.skipped
                .iter()
                .map(|(reason, n)| format!("  {n} × {reason}")),
        );
        lines.push(format!("comments held: {}", self.comments_held));
        lines.push(format!("old addresses kept: {}", self.redirects));
        lines.extend(self.notes.iter().map(|n| format!("note: {n}")));
        lines
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
}

/// An entry left out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skip {
    /// `post 12 "Hello world"`.
    pub what: String,
    pub line: u64,
    pub reason: String,
}

impl Summary {
    pub(crate) fn count(&mut self, kind: &str, imported: dateline_store::Imported) {
        let tally = self.counts.entry(kind.to_owned()).or_default();
        match imported {
            dateline_store::Imported::Added => tally.added += 1,
            dateline_store::Imported::Updated => tally.updated += 1,
            dateline_store::Imported::Unchanged => tally.unchanged += 1,
        }
    }

    pub(crate) fn skip(&mut self, what: String, line: u64, reason: impl Into<String>) {
        self.skipped.push(Skip {
            what,
            line,
            reason: reason.into(),
        });
    }

    pub(crate) fn note(&mut self, note: String) {
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    /// Entries of `kind` that are in Dateline after the run.
    pub fn total(&self, kind: &str) -> u64 {
        self.counts
            .get(kind)
            .map_or(0, |t| t.added + t.updated + t.unchanged)
    }

    /// The summary as lines for a person.
    pub fn lines(&self) -> Vec<String> {
        self.digest().lines()
    }

    /// The summary without the list of skips (their reasons counted).
    pub fn digest(&self) -> Digest {
        let mut skipped: BTreeMap<String, u64> = BTreeMap::new();
        for skip in &self.skipped {
            *skipped.entry(skip.reason.clone()).or_default() += 1;
        }
        Digest {
            counts: self.counts.clone(),
            skipped_total: self.skipped.len() as u64,
            skipped,
            comments_held: self.comments_held,
            redirects: self.redirects,
            notes: self.notes.clone(),
        }
    }

    /// Every skip, one per line, for the report file.
    pub fn report(&self) -> String {
        let mut out = String::new();
        for line in self.lines() {
            out.push_str(&line);
            out.push('\n');
        }
        out.push_str("\nSkipped entries (line in the file: what: why)\n");
        for skip in &self.skipped {
            out.push_str(&format!("{}: {}: {}\n", skip.line, skip.what, skip.reason));
        }
        out
    }
}

/// Where a run is, for a progress bar.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    /// Entries read in the import pass so far, and in all.
    pub done: u64,
    pub total: u64,
}

/// A run refused or broken off.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file is not one this reads, or breaks at a place.
    #[error("{file}: {reason}")]
    Refused { file: PathBuf, reason: String },
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}
