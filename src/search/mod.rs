//! Search: a tantivy index in the data directory, derived from the store.
//!
//! The index holds published articles only, and every node keeps its own,
//! kept current by a consumer of the change log ([`indexer`]). Each commit
//! records the change-log position it reflects, so a restart resumes from
//! there; an index that is missing, unreadable or of another schema is
//! rebuilt from the store. Results are read back from the store, which
//! drops anything unpublished even while the index lags.

pub mod analysis;
pub mod indexer;
pub mod query;
mod schema;

use std::{
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
};

use anyhow::Context;
use dateline_core::ArticleId;
use dateline_store::IndexDocument;
use tantivy::{
    Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term,
    schema::{IndexRecordOption, OwnedValue},
};

pub use query::{SearchQuery, SearchResults};
use schema::{Fields, LANGUAGES, SPELLING_ANALYZER};

/// Memory the writer buffers before it writes a segment.
const WRITER_MEMORY: usize = 64 << 20;
/// The index's folder inside the data directory.
pub const INDEX_DIR: &str = "search";

pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    /// `None` when another process on the same data directory keeps the
    /// index (holds its one writer): this one then only reads it, picking
    /// up the other's commits as they land.
    writer: Option<Mutex<IndexWriter>>,
    fields: Fields,
    /// The analyzer name for articles without a language of their own.
    site_language: &'static str,
    /// "More like this" per article, best first.
    similar: moka::sync::Cache<i64, Arc<[ArticleId]>>,
}

impl SearchIndex {
    /// Opens the index in `dir`, or makes an empty one there if there is
    /// none or the one there cannot be used (it is then moved aside, not
    /// deleted, and the reason logged). Its [`SearchIndex::position`] says
    /// whether it has been built.
    pub fn open(dir: &Path, site_language: &str) -> anyhow::Result<Self> {
        let fields = Fields::new();
        let index = match open_existing(dir, &fields) {
            // Possibly made and not yet built (by this process before a
            // restart, or by another one building it now).
            Ok(Some(index)) => index,
            Ok(None) => create(dir, &fields)?,
            Err(e) => {
                let aside = aside(dir);
                tracing::warn!(
                    error = format!("{e:#}"),
                    moved_to = %aside.display(),
                    "the search index cannot be used; it is rebuilt from the store"
                );
                std::fs::rename(dir, &aside)
                    .with_context(|| format!("cannot move {} aside", dir.display()))?;
                create(dir, &fields)?
            }
        };
        register_analyzers(&index);
        let writer = match index.writer_with_num_threads(1, WRITER_MEMORY) {
            Ok(writer) => Some(Mutex::new(writer)),
            Err(tantivy::TantivyError::LockFailure(
                tantivy::directory::error::LockError::LockBusy,
                _,
            )) => {
                tracing::info!(
                    dir = %dir.display(),
                    "another process keeps this search index; this one only reads it"
                );
                None
            }
            Err(e) => {
                return Err(
                    anyhow::Error::new(e).context("cannot open the search index for writing")
                );
            }
        };
        let reload = if writer.is_some() {
            ReloadPolicy::Manual
        } else {
            ReloadPolicy::OnCommitWithDelay
        };
        let reader = index
            .reader_builder()
            .reload_policy(reload)
            .try_into()
            .context("cannot read the search index")?;
        Ok(Self {
            index,
            reader,
            writer,
            fields,
            site_language: analysis::analyzer_name(site_language),
            similar: moka::sync::Cache::builder()
                .max_capacity(20_000)
                .time_to_live(std::time::Duration::from_secs(300))
                .build(),
        })
    }

    /// Runs `work` on the index in a blocking thread: tantivy's calls read
    /// files and take CPU, which an async task must not.
    pub async fn off_thread<T: Send + 'static>(
        self: &Arc<Self>,
        work: impl FnOnce(&Self) -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let index = self.clone();
        tokio::task::spawn_blocking(move || work(&index)).await?
    }

    /// Whether this process only reads the index (another keeps it).
    pub fn is_read_only(&self) -> bool {
        self.writer.is_none()
    }

    fn writer(&self) -> anyhow::Result<std::sync::MutexGuard<'_, IndexWriter>> {
        let writer = self
            .writer
            .as_ref()
            .context("another process keeps this search index (stop it first)")?;
        Ok(writer.lock().expect("search writer lock"))
    }

    /// Replaces the index's documents for `changed` articles: those in
    /// `documents` are (re)indexed, the others removed. Commits with `seq`
    /// as the position it reflects. Blocking: call from a blocking thread.
    pub fn apply(
        &self,
        changed: &[ArticleId],
        documents: &[IndexDocument],
        seq: i64,
    ) -> anyhow::Result<()> {
        let mut writer = self.writer()?;
        let written = (|| {
            for id in changed {
                writer.delete_term(Term::from_field_u64(self.fields.id, id.0 as u64));
            }
            for document in documents {
                writer.add_document(self.document(document))?;
            }
            commit(&mut writer, seq)
        })();
        if let Err(e) = written {
            return Err(abandon(&mut writer, e));
        }
        drop(writer);
        self.reader.reload()?;
        for id in changed {
            self.similar.invalidate(&id.0);
        }
        Ok(())
    }

    /// Empties the index, for a rebuild: nothing is visible until
    /// [`SearchIndex::finish_rebuild`].
    pub fn start_rebuild(&self) -> anyhow::Result<()> {
        let mut writer = self.writer()?;
        // What an earlier, failed rebuild added is not carried into this one.
        writer.rollback()?;
        writer.delete_all_documents()?;
        Ok(())
    }

    /// Adds documents during a rebuild, without committing.
    pub fn add(&self, documents: &[IndexDocument]) -> anyhow::Result<()> {
        let writer = self.writer()?;
        for document in documents {
            writer.add_document(self.document(document))?;
        }
        Ok(())
    }

    /// Commits a rebuild as reflecting the change log up to `seq`.
    pub fn finish_rebuild(&self, seq: i64) -> anyhow::Result<()> {
        let mut writer = self.writer()?;
        if let Err(e) = commit(&mut writer, seq) {
            return Err(abandon(&mut writer, e));
        }
        drop(writer);
        self.reader.reload()?;
        self.similar.invalidate_all();
        Ok(())
    }

    /// Published articles in the index.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The change-log position the index's last commit reflects; `None`
    /// until it has been built.
    pub fn position(&self) -> anyhow::Result<Option<i64>> {
        read_position(&self.index)
    }

    fn document(&self, article: &IndexDocument) -> TantivyDocument {
        let f = &self.fields;
        let language = article
            .language
            .as_deref()
            .map_or(self.site_language, analysis::analyzer_name);
        let text_fields = f.for_language(language);
        let body = dateline_core::plain_text(&article.body_markdown);
        let mut doc = TantivyDocument::default();
        doc.add_u64(f.id, article.id.0 as u64);
        doc.add_text(text_fields.headline, &article.headline);
        doc.add_text(text_fields.text, &article.standfirst);
        doc.add_text(text_fields.text, &body);
        doc.add_text(f.spelling, &article.headline);
        doc.add_text(f.spelling, &article.standfirst);
        doc.add_u64(f.section, article.section as u64);
        if let Some(source) = article.source {
            doc.add_u64(f.source, source as u64);
        }
        for tag in &article.tags {
            doc.add_u64(f.tags, *tag as u64);
        }
        for author in &article.authors {
            doc.add_u64(f.authors, *author as u64);
        }
        doc.add_i64(f.published, article.published_at.as_second());
        doc.add_u64(f.fingerprint, fingerprint(article));
        doc
    }

    /// "More like this" for `id` if it was found lately.
    pub fn known_similar(&self, id: ArticleId) -> Option<Arc<[ArticleId]>> {
        self.similar.get(&id.0)
    }

    /// Up to `limit` published articles most like `article` (never itself
    /// or a copy of it), best first; kept per article until it or its
    /// neighbours change, or for five minutes.
    pub fn more_like_this(
        &self,
        article: &IndexDocument,
        limit: usize,
    ) -> anyhow::Result<Arc<[ArticleId]>> {
        if let Some(known) = self.similar.get(&article.id.0) {
            return Ok(known);
        }
        let found: Arc<[ArticleId]> = query::more_like_this(self, article, limit)?.into();
        self.similar.insert(article.id.0, found.clone());
        Ok(found)
    }
}

fn create(dir: &Path, fields: &Fields) -> anyhow::Result<Index> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    Index::create_in_dir(dir, fields.schema.clone())
        .with_context(|| format!("cannot create a search index in {}", dir.display()))
}

/// The index in `dir`; `None` if there is none.
fn open_existing(dir: &Path, fields: &Fields) -> anyhow::Result<Option<Index>> {
    if !dir.join("meta.json").exists() {
        return Ok(None);
    }
    let index = Index::open_in_dir(dir)?;
    anyhow::ensure!(
        index.schema() == fields.schema,
        "it was made by another version of Dateline (its fields differ)"
    );
    // A payload that cannot be read makes the index unusable.
    read_position(&index)?;
    Ok(Some(index))
}

fn read_position(index: &Index) -> anyhow::Result<Option<i64>> {
    let metas = index.load_metas()?;
    Ok(metas
        .payload
        .as_deref()
        .and_then(|p| p.strip_prefix("seq:"))
        .and_then(|n| n.parse().ok()))
}

fn commit(writer: &mut IndexWriter, seq: i64) -> anyhow::Result<()> {
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&format!("seq:{seq}"));
    prepared.commit()?;
    Ok(())
}

/// After a failed write or commit (a full disk, say): drops what the
/// writer holds since its last commit, so the caller's retry from the same
/// change-log position starts clean. Without it, the documents of the
/// failed segment were gone while the next commit recorded a later
/// position: articles the index never had and never looked for again.
fn abandon(writer: &mut IndexWriter, error: anyhow::Error) -> anyhow::Error {
    if let Err(rollback) = writer.rollback() {
        tracing::warn!(
            error = format!("{rollback:#}"),
            "cannot roll the search index writer back"
        );
    }
    error
}

/// A free name beside `dir` for an index that could not be used.
fn aside(dir: &Path) -> PathBuf {
    let stamp = jiff::Timestamp::now().as_second();
    dir.with_file_name(format!("search-unusable-{stamp}"))
}

fn register_analyzers(index: &Index) {
    let tokenizers = index.tokenizers();
    for language in LANGUAGES {
        tokenizers.register(language, analysis::analyzer(language));
    }
    tokenizers.register(SPELLING_ANALYZER, analysis::unstemmed());
}

/// Same headline and body, same fingerprint: copies of one story. (A
/// stable hash: the index outlives the binary that wrote it.)
fn fingerprint(article: &IndexDocument) -> u64 {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(article.headline.trim());
    hasher.update([0]);
    hasher.update(article.body_markdown.trim());
    let digest = hasher.finalize();
    u64::from_le_bytes(digest[..8].try_into().expect("eight bytes"))
}

/// Terms of `text` as the analyzer `language` makes them.
fn terms(index: &Index, language: &str, text: &str) -> Vec<String> {
    let Ok(mut analyzer) = index.tokenizers().get(language).context("analyzer") else {
        return Vec::new();
    };
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(token) = stream.next() {
        out.push(token.text.clone());
    }
    out
}

/// An [`OwnedValue`] of text, for "More like this".
fn text_value(text: &str) -> OwnedValue {
    OwnedValue::Str(text.to_owned())
}

/// Term queries read only whether a document has the term.
const BASIC: IndexRecordOption = IndexRecordOption::Basic;
