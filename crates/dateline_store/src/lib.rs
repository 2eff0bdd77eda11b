//! Dateline's store: the one source of truth, on SQLite or PostgreSQL.
//!
//! [`Store`] offers use-case shaped operations (`publish_article`,
//! `claim_job`). Each is written once: the same SQL text runs on both
//! backends (both accept `$1` parameters), and where the dialects differ the
//! two statements sit side by side. Every reader-visible write appends a row
//! to the [change log](changes) in the same transaction.

mod articles;
mod audience;
mod backups;
mod breaking;
pub mod changes;
mod connect;
mod error;
mod feedback;
mod fronts;
mod headline_tests;
mod imports;
pub mod jobs;
mod media;
mod newsletters;
mod operations;
mod pages;
mod readers;
mod rows;
pub mod snapshot;
mod staff;
mod taxonomy;
#[cfg(feature = "testing")]
pub mod testing;
mod tokens;
mod views;
mod wakeups;
mod webhooks;
mod wire;

pub use articles::{
    ArticleFilter, ArticleLinks, ArticleList, ArticleSave, ArticleText, AuditEntry, Autosave,
    DeskEntry, DeskFilter, DeskVisibility, DetailsSnapshot, Due, DueEntry, Editorial,
    HITS_PER_TRIP, IndexDocument, PublishScheduled, REVIEW_MAIL_WINDOW, Relation, ReviewMail,
    ReviewNote, Revision, SearchHit, SitemapEntry, WireOrigin,
};
pub use audience::{Day, DeskDay, day_of};
pub use backups::{BackupRecord, BackupSite};
pub use breaking::{Breaking, BreakingEnds};
pub use changes::{Change, ChangeKind, Entity};
pub use connect::{Backend, DEFAULT_SQLITE_FILE, SetupLock, redact};
pub use error::{StoreError, write_trouble};
pub use feedback::{Feedback, NewFeedback};
pub use fronts::{FRONT_SLOTS, Front, FrontPinEnds, FrontRevision, Slot};
pub use headline_tests::{HeadlineTest, MAX_OTHER_HEADLINES, VariantCounts};
pub use imports::{
    ExportedArticle, ExportedPicture, Filing, HeldComment, ImportKey, ImportRun, ImportRunId,
    Imported, ImportedArticle, ImportedMember, NewImportRun, OldAddress, RunImport, RunState,
    Target, normalise_path,
};
pub use jobs::{FailedJob, Job, JobId, JobKind, Lane, NewJob};
pub use media::{LibraryItem, MakeRenditions, MediaFilter, MediaItem, NewUpload, UploadSource};
pub use newsletters::{
    ConfirmSubscription, Delivery, Issue, IssueSummary, NewNewsletter, Newsletter, NewsletterKind,
    NewsletterTemplate, Outcome, SignUp, Subscriber, SubscriberCounts, SubscriberExport,
    SubscriberState,
};
pub use operations::{JobCounts, PoolUse};
pub use pages::PageSource;
pub use readers::{LinkPurpose, NewReaderLink, Reader, ReaderLink, ReaderSession, ReaderSignUp};
pub use staff::{Credentials, NewSession, NewUser, Session, User};
pub use taxonomy::{Direction, TaxonomyEntry, TopicItem};
pub use tokens::{AccessToken, NewAccessToken, TokenGrant};
pub use wakeups::Topic;
pub use webhooks::{NewWebhook, WEBHOOK_EVENTS, Webhook, WebhookAttempt};
pub use wire::{
    CLUSTER_WINDOW, DueFeed, FeedAnswer, Ingested, IngestedItem, ItemOutcome, WireChannels,
    WireFeed, WireFilter, WireListing, WireRecord, WireState,
};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A handle on the database. Cheap to clone: it holds connection pools.
#[derive(Clone)]
pub struct Store {
    backend: Backend,
    /// The wire desk's recent signatures (see `wire::index`), shared by
    /// the handle's clones.
    wire_index: std::sync::Arc<tokio::sync::Mutex<wire::ClusterIndex>>,
    /// Waiters for new changes, jobs and deliveries, shared by the clones.
    wakeups: std::sync::Arc<wakeups::Wakeups>,
}

/// Runs `$body` with `$conn` bound to one read connection (`&mut` a
/// `SqliteConnection` or `PgConnection`), held for the whole body: a body
/// making several queries takes and returns a connection once.
macro_rules! read {
    ($store:expr, |$conn:ident| $body:expr) => {
        match &$store.backend {
            $crate::Backend::Sqlite { read, .. } => {
                let asked = std::time::Instant::now();
                let mut held = read.get().await?;
                metrics::histogram!("dateline_db_pool_wait_seconds", "pool" => "read")
                    .record(asked.elapsed());
                let $conn: &mut sqlx::SqliteConnection = &mut held;
                $body
            }
            $crate::Backend::Postgres(pool) => {
                let asked = std::time::Instant::now();
                let mut held = pool.acquire().await?;
                metrics::histogram!("dateline_db_pool_wait_seconds", "pool" => "shared")
                    .record(asked.elapsed());
                let $conn: &mut sqlx::PgConnection = &mut held;
                $body
            }
        }
    };
}

/// Runs `$body` in a write transaction bound to `$tx` and commits it. An
/// early return (`?`) drops the transaction, which rolls it back. SQLite
/// takes the write lock up front (`begin immediate`) so that a transaction
/// never has to upgrade from a stale read snapshot.
macro_rules! write_tx {
    ($store:expr, |$tx:ident| $body:expr) => {
        match &$store.backend {
            $crate::Backend::Sqlite { write, .. } => {
                // The wait includes the write lock: SQLite's writes queue
                // for the one connection.
                let asked = std::time::Instant::now();
                let mut $tx = write.begin_with("begin immediate").await?;
                metrics::histogram!("dateline_db_pool_wait_seconds", "pool" => "write")
                    .record(asked.elapsed());
                // After a storage failure, only a write that changed
                // something shows that writing works again.
                let watch = $crate::error::trouble_pending();
                let before = if watch {
                    $crate::error::sqlite_changes(&mut *$tx).await?
                } else {
                    0
                };
                let out = $body;
                let wrote = watch && $crate::error::sqlite_changes(&mut *$tx).await? > before;
                $tx.commit().await?;
                $store.wakeups.after_commit();
                if wrote {
                    $crate::error::note_write_ok();
                }
                out
            }
            $crate::Backend::Postgres(pool) => {
                let asked = std::time::Instant::now();
                let mut $tx = pool.begin().await?;
                metrics::histogram!("dateline_db_pool_wait_seconds", "pool" => "shared")
                    .record(asked.elapsed());
                let out = $body;
                let wrote = $crate::error::trouble_pending()
                    && $crate::error::postgres_wrote(&mut *$tx).await?;
                $tx.commit().await?;
                if wrote {
                    $crate::error::note_write_ok();
                }
                out
            }
        }
    };
}

pub(crate) use {read, write_tx};

impl Store {
    /// `"sqlite"` or `"postgres"`.
    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite { .. } => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// Answers once the database answers a query: for health checks.
    pub async fn ping(&self) -> Result<()> {
        read!(self, |pool| sqlx::query("select 1")
            .execute(&mut *pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Whether this handle's connections to the database are encrypted
    /// (TLS to PostgreSQL); a local SQLite file has nothing to encrypt.
    pub async fn connection_is_encrypted(&self) -> Result<bool> {
        match &self.backend {
            Backend::Sqlite { .. } => Ok(false),
            Backend::Postgres(pool) => Ok(sqlx::query_scalar(
                "select coalesce((select ssl from pg_stat_ssl where pid = pg_backend_pid()), false)",
            )
            .fetch_one(pool)
            .await?),
        }
    }

    /// Rewrites the one probe row, with enough padding to need fresh pages
    /// as a publish does: whether this node can write now (a full disk or a
    /// read-only file answers reads and refuses writes). For readiness.
    pub async fn probe_write(&self, now: jiff::Timestamp) -> Result<()> {
        const PADDING: i64 = 256 << 10;
        let sql = match self.backend {
            Backend::Sqlite { .. } => {
                "insert into write_probe (id, at, padding) values (1, $1, zeroblob($2))
                on conflict (id) do update set at = excluded.at, padding = excluded.padding"
            }
            Backend::Postgres(_) => {
                "insert into write_probe (id, at, padding)
                values (1, $1, decode(repeat('00', $2::int), 'hex'))
                on conflict (id) do update set at = excluded.at, padding = excluded.padding"
            }
        };
        write_tx!(self, |tx| sqlx::query(sql)
            .bind(now.as_microsecond())
            .bind(PADDING)
            .execute(&mut *tx)
            .await
            .map(|_| ())?);
        Ok(())
    }

    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite { write, read, .. } => {
                read.close();
                write.close().await;
            }
            Backend::Postgres(pool) => pool.close().await,
        }
    }
}
