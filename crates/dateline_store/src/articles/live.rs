//! Live blogs' entries: added, edited and withdrawn while the story
//! unfolds (a withdrawn entry keeps its row, marked, so that streams can
//! name its live blog). Each
//! change to a published live blog is logged twice in its transaction: as
//! the entry's own change (what live streams carry) and as an update of the
//! article (what caches, the search index, feeds and webhooks follow).

use dateline_core::{ArticleId, ArticleKind, ArticleStatus, Body, LiveEntry, UserId};
use jiff::Timestamp;

use crate::{
    ChangeKind, Entity, Result, Store, StoreError, changes::append_change, read, rows::instant,
    write_tx,
};

/// The longest entry title.
pub const ENTRY_TITLE_MAX: usize = 120;

const TOUCH: &str = "update articles set updated_at = $2 where id = $1 returning status, kind";

/// Marks article `$id` modified inside `$tx`; evaluates to its status and
/// kind (returns `NotFound` if there is no such article).
macro_rules! touch {
    ($tx:expr, $id:expr, $now:expr) => {{
        let row: Option<(String, String)> = sqlx::query_as(TOUCH)
            .bind($id.0)
            .bind($now.as_microsecond())
            .fetch_optional(&mut *$tx)
            .await?;
        let Some((status, kind)) = row else {
            return Err(StoreError::NotFound);
        };
        let corrupt = |e: dateline_core::Invalid| StoreError::Corrupt(e.to_string());
        (
            ArticleStatus::parse(&status).map_err(corrupt)?,
            ArticleKind::parse(&kind).map_err(corrupt)?,
        )
    }};
}

impl Store {
    /// Adds an entry to live blog `article`; its id. An article that is not
    /// a live blog refuses entries ([`StoreError::Invalid`]).
    pub async fn add_live_entry(
        &self,
        article: ArticleId,
        title: Option<&str>,
        body: &Body,
        by: Option<UserId>,
        now: Timestamp,
    ) -> Result<i64> {
        const INSERT: &str = "insert into live_entries
            (article_id, title, body_markdown, body_html, user_id, posted_at)
            values ($1, $2, $3, $4, $5, $6) returning id";
        let title = checked_entry(title, body)?;
        write_tx!(self, |tx| {
            let (status, kind) = touch!(tx, article, now);
            if kind != ArticleKind::Live {
                return Err(dateline_core::Invalid::new(
                    "kind",
                    "entries are for live blogs; make the article a live blog first",
                )
                .into());
            }
            let id: i64 = sqlx::query_scalar(INSERT)
                .bind(article.0)
                .bind(title)
                .bind(body.markdown())
                .bind(body.html())
                .bind(by.map(|u| u.0))
                .bind(now.as_microsecond())
                .fetch_one(&mut *tx)
                .await?;
            if status.is_public() {
                append_change!(tx, Entity::LiveEntry, id, ChangeKind::Created, now);
                append_change!(tx, Entity::Article, article.0, ChangeKind::Updated, now);
            }
            Ok(id)
        })
    }

    /// Replaces the title and text of entry `entry` of live blog
    /// `article`; it keeps its place and time.
    pub async fn edit_live_entry(
        &self,
        article: ArticleId,
        entry: i64,
        title: Option<&str>,
        body: &Body,
        now: Timestamp,
    ) -> Result<()> {
        const UPDATE: &str = "update live_entries
            set title = $3, body_markdown = $4, body_html = $5, edited_at = $6
            where id = $1 and article_id = $2 and deleted_at is null";
        let title = checked_entry(title, body)?;
        write_tx!(self, |tx| {
            let (status, _) = touch!(tx, article, now);
            let edited = sqlx::query(UPDATE)
                .bind(entry)
                .bind(article.0)
                .bind(title)
                .bind(body.markdown())
                .bind(body.html())
                .bind(now.as_microsecond())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if edited == 0 {
                return Err(StoreError::NotFound);
            }
            if status.is_public() {
                append_change!(tx, Entity::LiveEntry, entry, ChangeKind::Updated, now);
                append_change!(tx, Entity::Article, article.0, ChangeKind::Updated, now);
            }
            Ok(())
        })
    }

    /// Withdraws entry `entry` from live blog `article`.
    pub async fn delete_live_entry(
        &self,
        article: ArticleId,
        entry: i64,
        now: Timestamp,
    ) -> Result<()> {
        const DELETE: &str = "update live_entries set deleted_at = $3
            where id = $1 and article_id = $2 and deleted_at is null";
        write_tx!(self, |tx| {
            let (status, _) = touch!(tx, article, now);
            let deleted = sqlx::query(DELETE)
                .bind(entry)
                .bind(article.0)
                .bind(now.as_microsecond())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if deleted == 0 {
                return Err(StoreError::NotFound);
            }
            if status.is_public() {
                append_change!(tx, Entity::LiveEntry, entry, ChangeKind::Deleted, now);
                append_change!(tx, Entity::Article, article.0, ChangeKind::Updated, now);
            }
            Ok(())
        })
    }

    /// Live blog `article`'s entries, newest first (what the editor lists;
    /// readers get them with the article).
    pub async fn live_entries(&self, article: ArticleId) -> Result<Vec<LiveEntry>> {
        const SQL: &str = "select id, title, body_markdown, body_html, posted_at
            from live_entries where article_id = $1 and deleted_at is null order by id desc";
        let rows: Vec<EntryRow> = read!(self, |conn| sqlx::query_as(SQL)
            .bind(article.0)
            .fetch_all(&mut *conn)
            .await)?;
        rows.into_iter().map(entry).collect()
    }

    /// Entry `id` and the article it belongs to, for live streams; `None`
    /// if there is none or it was withdrawn.
    pub async fn live_entry(&self, id: i64) -> Result<Option<(ArticleId, LiveEntry)>> {
        Ok(self
            .live_entry_as_logged(id)
            .await?
            .filter(|(_, _, withdrawn)| !withdrawn)
            .map(|(article, entry, _)| (article, entry)))
    }

    /// Entry `id`, withdrawn or not (the third value), and its article: what
    /// a stream needs to tell open pages of an edit or a withdrawal.
    pub async fn live_entry_as_logged(
        &self,
        id: i64,
    ) -> Result<Option<(ArticleId, LiveEntry, bool)>> {
        const SQL: &str = "select article_id, deleted_at is not null as withdrawn,
                id, title, body_markdown, body_html, posted_at
            from live_entries where id = $1";
        #[derive(sqlx::FromRow)]
        struct Logged {
            article_id: i64,
            withdrawn: bool,
            id: i64,
            title: Option<String>,
            body_markdown: String,
            body_html: String,
            posted_at: i64,
        }
        let row: Option<Logged> = read!(self, |conn| sqlx::query_as(SQL)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await)?;
        row.map(|r| {
            let shown = entry((r.id, r.title, r.body_markdown, r.body_html, r.posted_at))?;
            Ok((ArticleId(r.article_id), shown, r.withdrawn))
        })
        .transpose()
    }
}

/// An entry's row: id, title, Markdown, HTML, posting time.
type EntryRow = (i64, Option<String>, String, String, i64);

fn entry((id, title, body_markdown, body_html, at): EntryRow) -> Result<LiveEntry> {
    Ok(LiveEntry {
        id,
        title,
        body_markdown,
        body_html,
        at: instant(at)?,
    })
}

/// An entry's title (trimmed, `None` if blank) once title and body pass:
/// a title is one line of at most [`ENTRY_TITLE_MAX`] characters, and the
/// body has words.
fn checked_entry<'a>(title: Option<&'a str>, body: &Body) -> Result<Option<&'a str>> {
    let title = title.map(str::trim).filter(|t| !t.is_empty());
    if title.is_some_and(|t| t.chars().count() > ENTRY_TITLE_MAX || t.contains(['\n', '\r'])) {
        return Err(dateline_core::Invalid::new(
            "title",
            format!("one line of at most {ENTRY_TITLE_MAX} characters"),
        )
        .into());
    }
    if body.markdown().trim().is_empty() {
        return Err(dateline_core::Invalid::new("body", "must not be empty").into());
    }
    Ok(title)
}
