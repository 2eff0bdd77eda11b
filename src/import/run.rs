//! What one import run carries, whichever platform's export it reads:
//! what earlier runs made (their keys), what this one has filed so far,
//! the posts waiting to be written, and the summary.

use std::{collections::HashMap, path::Path};

use dateline_core::{Headline, MediaId, PersonId, SectionId, Slug, TagId, Text, html_text};
use dateline_store::{Filing, ImportKey, Imported, ImportedArticle, OldAddress, Target};
use jiff::Timestamp;
use sha2::{Digest, Sha256};

use super::{Context, ImportError, Options, Summary};

/// Posts written in one transaction.
pub(super) const BATCH: usize = 250;

/// A batch being written: its posts and what became of each.
pub(super) type Writing = tokio::task::JoinHandle<
    Result<
        (
            Vec<(ImportedArticle, String)>,
            Vec<(dateline_core::ArticleId, Imported)>,
        ),
        dateline_store::StoreError,
    >,
>;

/// One import pass: what it has made so far.
pub(super) struct Run<'r, 'c> {
    pub ctx: &'r Context<'c>,
    pub options: &'r Options,
    pub origin: String,
    /// What earlier runs imported: (kind, key) → (row, digest).
    pub keys: HashMap<(&'static str, String), (i64, String)>,
    pub summary: Summary,
    /// By login.
    pub people: HashMap<String, PersonId>,
    /// By slug: the section, its parent, its path under `/category/`.
    pub sections: HashMap<String, (SectionId, Option<SectionId>, String)>,
    /// Categories whose parent comes later in the file.
    pub pending_sections: Vec<dateline_import::wxr::Term>,
    pub next_position: i64,
    /// By slug.
    pub tags: HashMap<String, TagId>,
    /// By attachment id.
    pub media: HashMap<u64, MediaId>,
    /// Keys of posts the old site kept at the top of its front page, and
    /// the stories they became.
    pub sticky_keys: std::collections::HashSet<String>,
    pub sticky: Vec<dateline_core::ArticleId>,
    /// Posts waiting to be written, with their label in the summary.
    pub batch: Vec<(ImportedArticle, String)>,
    /// The batch being written.
    pub writing: Option<Writing>,
    pub now: Timestamp,
}

impl<'r, 'c> Run<'r, 'c> {
    pub(super) fn key(&self, kind: &str, key: &str, digest: String) -> ImportKey {
        ImportKey {
            origin: self.origin.clone(),
            kind: kind.to_owned(),
            key: key.to_owned(),
            digest,
        }
    }

    /// What an earlier run made of (kind, key), if its source is the same.
    pub(super) fn unchanged(&self, kind: &'static str, key: &str, digest: &str) -> Option<i64> {
        self.keys
            .get(&(kind, key.to_owned()))
            .filter(|(_, d)| d == digest)
            .map(|(id, _)| *id)
    }

    /// In a dry run: counts the entry as it would go, stores nothing.
    pub(super) fn would(&mut self, label: &str, kind: &'static str, key: &str, digest: &str) {
        let imported = match self.keys.get(&(kind, key.to_owned())) {
            Some((_, d)) if d == digest => Imported::Unchanged,
            Some(_) => Imported::Updated,
            None => Imported::Added,
        };
        self.summary.count(label, imported);
    }

    /// A run for `origin`, with what earlier runs made of these kinds.
    pub async fn start(
        ctx: &'r Context<'c>,
        options: &'r Options,
        origin: String,
        kinds: &[&'static str],
    ) -> Result<Self, ImportError> {
        let mut keys = HashMap::new();
        for kind in kinds {
            for (key, id, digest) in ctx
                .store
                .import_keys(&origin, kind)
                .await
                .map_err(anyhow::Error::from)?
            {
                keys.insert((*kind, key), (id, digest));
            }
        }
        Ok(Self {
            ctx,
            options,
            origin,
            keys,
            summary: Summary::default(),
            people: HashMap::new(),
            sections: HashMap::new(),
            pending_sections: Vec::new(),
            next_position: 0,
            tags: HashMap::new(),
            media: HashMap::new(),
            sticky_keys: Default::default(),
            sticky: Vec::new(),
            batch: Vec::new(),
            writing: None,
            now: Timestamp::now(),
        })
    }

    /// The old site's feeds, all to the site's own.
    pub async fn site_feeds(&mut self, paths: &[&str]) -> Result<(), ImportError> {
        if self.options.dry_run {
            return Ok(());
        }
        let old: Vec<OldAddress> = paths
            .iter()
            .filter_map(|p| OldAddress::of(p, Target::Feed))
            .collect();
        self.summary.redirects += old.len() as u64;
        self.ctx
            .store
            .add_redirects(&old, self.now)
            .await
            .map_err(anyhow::Error::from)?;
        Ok(())
    }

    /// The tag of this slug, filed now if it is new to the run; a tag of
    /// the old site (`own`) brings its addresses, a category used as a tag
    /// does not.
    pub(super) async fn tag(
        &mut self,
        wp_slug: &str,
        name: &str,
        id: Option<u64>,
        own: bool,
        line: u64,
    ) -> Result<Option<dateline_core::TagId>, ImportError> {
        if let Some(tag) = self.tags.get(wp_slug) {
            return Ok(Some(*tag));
        }
        let name = html_text(name);
        let decoded_slug = decoded(wp_slug);
        let digest = digest_of(&name);
        let key_name = if wp_slug.is_empty() {
            name.to_lowercase()
        } else {
            wp_slug.to_owned()
        };
        // A category used as a tag is kept apart from the site's own tags.
        let kind = if own { "tag" } else { "category_tag" };
        if self.options.dry_run {
            self.would("tag", kind, &key_name, &digest);
            self.tags
                .insert(wp_slug.to_owned(), dateline_core::TagId(0));
            return Ok(Some(dateline_core::TagId(0)));
        }
        let Ok(name_text) = Text::parse("name", &name, 100) else {
            self.summary.skip(
                format!("tag {wp_slug:?}"),
                line,
                "a name that is empty or longer than 100 characters",
            );
            return Ok(None);
        };
        let slug = Slug::parse(&decoded_slug).unwrap_or_else(|_| {
            Slug::from_title(&name, &format!("tag-{}", id.unwrap_or_default()))
        });
        let mut old = Vec::new();
        if own {
            old.extend(OldAddress::of(&format!("/tag/{decoded_slug}"), Target::Tag));
            old.extend(OldAddress::of(
                &format!("/?tag={decoded_slug}"),
                Target::Tag,
            ));
            old.extend(OldAddress::of(
                &format!("/tag/{decoded_slug}/feed"),
                Target::TagFeed,
            ));
        }
        let key = self.key(kind, &key_name, digest);
        let filing = Filing::Tag {
            slug,
            name: name_text,
        };
        let tag = self.file("tag", &key, &filing, &old).await?;
        let tag = dateline_core::TagId(tag);
        self.tags.insert(wp_slug.to_owned(), tag);
        Ok(Some(tag))
    }

    /// Files a section, tag or byline with its old addresses, and counts
    /// it under `label`; its row.
    pub(super) async fn file(
        &mut self,
        label: &str,
        key: &ImportKey,
        filing: &Filing,
        old: &[OldAddress],
    ) -> Result<i64, ImportError> {
        let (id, imported) = self
            .ctx
            .store
            .import_filing(key, filing, old, self.now)
            .await
            .map_err(anyhow::Error::from)?;
        self.note_written(old, imported);
        self.summary.count(label, imported);
        Ok(id)
    }

    /// Counts the addresses an entry brought, if it was written.
    pub(super) fn note_written(&mut self, old: &[OldAddress], imported: Imported) {
        if imported != Imported::Unchanged {
            self.summary.redirects += old.len() as u64;
        }
    }

    /// Starts writing the posts waiting in the batch, after the batch
    /// before it is written: the next batch's bodies are made meanwhile,
    /// and batches still commit one after the other.
    pub(super) async fn write_batch(&mut self) -> Result<(), ImportError> {
        if self.batch.is_empty() {
            return Ok(());
        }
        self.finish_writing().await?;
        let batch = std::mem::take(&mut self.batch);
        let store = self.ctx.store.clone();
        let now = self.now;
        self.writing = Some(tokio::spawn(async move {
            let entries: Vec<&ImportedArticle> = batch.iter().map(|(e, _)| e).collect();
            let done = store.import_articles(&entries, now).await?;
            Ok((batch, done))
        }));
        Ok(())
    }

    /// Waits for the batch being written, and counts it.
    pub(super) async fn finish_writing(&mut self) -> Result<(), ImportError> {
        let Some(writing) = self.writing.take() else {
            return Ok(());
        };
        let (batch, done) = writing
            .await
            .map_err(anyhow::Error::from)?
            .map_err(anyhow::Error::from)?;
        for ((entry, label), (id, imported)) in batch.iter().zip(done) {
            if self.sticky_keys.contains(&entry.key.key) {
                self.sticky.push(id);
            }
            self.note_written(&entry.old, imported);
            self.summary.count(label, imported);
        }
        Ok(())
    }

    /// Writes what is left.
    pub(super) async fn flush(&mut self) -> Result<(), ImportError> {
        self.write_batch().await?;
        self.finish_writing().await
    }

    /// A headline of an old site's title (markup and entities taken out,
    /// cut to fit, "Untitled" for none).
    pub(super) fn headline(&mut self, title: &str) -> Headline {
        let title = html_text(title);
        let title = if title.chars().count() > Headline::MAX_CHARS {
            self.summary.note(format!(
                "a title longer than {} characters was cut: {title:?}",
                Headline::MAX_CHARS
            ));
            title.chars().take(Headline::MAX_CHARS).collect()
        } else {
            title
        };
        Headline::parse(&title).unwrap_or_else(|_| {
            self.summary
                .note("an item without a title is called \"Untitled\"".into());
            Headline::parse("Untitled").expect("a valid headline")
        })
    }

    /// Pins the old site's sticky stories on the home page, if no editor
    /// has arranged it yet (a re-run, or a site already in use, keeps its
    /// front as it is).
    pub(super) async fn pin_sticky(&mut self) -> Result<(), ImportError> {
        use dateline_store::{FRONT_SLOTS, Front, Slot};
        if self.sticky.is_empty() || self.options.dry_run {
            return Ok(());
        }
        let store = self.ctx.store;
        if store
            .front(Front::Home)
            .await
            .map_err(anyhow::Error::from)?
            .is_some()
        {
            self.summary
                .note("sticky posts were not pinned: the home page is arranged already".into());
            return Ok(());
        }
        let slots: Vec<Slot> = self
            .sticky
            .iter()
            .take(FRONT_SLOTS)
            .map(|&article| Slot {
                article,
                until: None,
            })
            .collect();
        store
            .save_front(
                Front::Home,
                &slots,
                0,
                None,
                "Home page (sticky posts imported)",
                self.now,
            )
            .await
            .map_err(anyhow::Error::from)?;
        self.summary.note(format!(
            "{} sticky posts pinned on the home page",
            slots.len()
        ));
        Ok(())
    }

    /// The section for stories the old site filed nowhere.
    pub(super) async fn uncategorized(&mut self) -> Result<SectionId, ImportError> {
        if let Some(section) = self.sections.get("uncategorized") {
            return Ok(section.0);
        }
        let name = Text::parse("name", "Uncategorized", 100).expect("a valid name");
        let slug = Slug::parse("uncategorized").expect("a valid slug");
        let digest = digest_of(&name.as_str());
        let key = self.key("category", "uncategorized", digest);
        let filing = Filing::Section(dateline_core::NewSection {
            slug,
            name,
            parent: None,
            position: self.next_position,
        });
        self.next_position += 1;
        let id = self.file("section", &key, &filing, &[]).await?;
        self.sections.insert(
            "uncategorized".into(),
            (SectionId(id), None, "uncategorized".into()),
        );
        Ok(SectionId(id))
    }
}

/// A digest of what an entry is made from.
pub(super) fn digest_of(value: &impl std::fmt::Debug) -> String {
    Sha256::digest(format!("{value:?}").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub(super) fn refused(file: &Path, reason: impl std::fmt::Display) -> ImportError {
    ImportError::Refused {
        file: file.to_owned(),
        reason: reason.to_string(),
    }
}

/// An old site's slug as text: WordPress keeps them percent-encoded.
pub(super) fn decoded(slug: &str) -> String {
    percent_encoding::percent_decode_str(slug.trim())
        .decode_utf8_lossy()
        .to_lowercase()
}
