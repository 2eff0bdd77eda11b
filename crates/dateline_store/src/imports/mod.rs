//! What sites moved in brought (`dateline import`): each old thing's key and
//! the row it became (`import_keys`, with a digest of its source so a
//! re-run skips what did not change), the old site's addresses
//! (`redirects.rs`), and readers' comments held for later. Everything an
//! entry makes is written in one transaction with its key, so an
//! interrupted import leaves whole entries only.

mod articles;
mod exports;
mod members;
mod redirects;
mod runs;

use dateline_core::{NewPerson, NewSection, Slug, Text};
use jiff::Timestamp;

pub use self::articles::{HeldComment, ImportedArticle};
pub use self::exports::{ExportedArticle, ExportedPicture};
pub use self::members::ImportedMember;
pub use self::redirects::{OldAddress, Target, normalise_path};
pub use self::runs::{ImportRun, ImportRunId, NewImportRun, RunImport, RunState};
use crate::{ChangeKind, Entity, Result, Store, changes::append_change, read, write_tx};

/// One thing from an old site: which site, what kind, its id there, and a
/// digest of what it was made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportKey {
    /// The old site, e.g. `wordpress https://example.com`.
    pub origin: String,
    /// `post`, `page`, `attachment`, `author`, `category`, `tag`, …
    pub kind: String,
    pub key: String,
    pub digest: String,
}

/// What an import did with an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Imported {
    Added,
    Updated,
    Unchanged,
}

/// A term or person of the old site as it maps here.
#[derive(Debug, Clone)]
pub enum Filing {
    Section(NewSection),
    Tag { slug: Slug, name: Text },
    Person(NewPerson),
}

pub(crate) const FIND_KEY: &str =
    "select entity_id, digest from import_keys where origin = $1 and kind = $2 and key = $3";
pub(crate) const KEEP_KEY: &str =
    "insert into import_keys (origin, kind, key, entity_id, digest, imported_at)
    values ($1, $2, $3, $4, $5, $6)
    on conflict (origin, kind, key) do update set entity_id = excluded.entity_id,
        digest = excluded.digest, imported_at = excluded.imported_at";

/// The row and digest `$key` was imported as, inside `$tx`.
macro_rules! find_key {
    ($tx:expr, $key:expr) => {{
        let key: &crate::imports::ImportKey = $key;
        let found: Option<(i64, String)> = sqlx::query_as(crate::imports::FIND_KEY)
            .bind(&key.origin)
            .bind(&key.kind)
            .bind(&key.key)
            .fetch_optional(&mut *$tx)
            .await?;
        found
    }};
}
pub(crate) use find_key;

/// Remembers that `$key` is row `$id`, inside `$tx`.
macro_rules! keep_key {
    ($tx:expr, $key:expr, $id:expr, $now:expr) => {{
        let key: &crate::imports::ImportKey = $key;
        sqlx::query(crate::imports::KEEP_KEY)
            .bind(&key.origin)
            .bind(&key.kind)
            .bind(&key.key)
            .bind::<i64>($id)
            .bind(&key.digest)
            .bind($now.as_microsecond())
            .execute(&mut *$tx)
            .await?;
    }};
}
pub(crate) use keep_key;

impl Store {
    /// Every key of `kind` imported from `origin`, with its row and digest:
    /// read once at the start of a run, so unchanged entries are skipped
    /// without a query each.
    pub async fn import_keys(
        &self,
        origin: &str,
        kind: &str,
    ) -> Result<Vec<(String, i64, String)>> {
        const SQL: &str =
            "select key, entity_id, digest from import_keys where origin = $1 and kind = $2";
        Ok(read!(self, |conn| sqlx::query_as(SQL)
            .bind(origin)
            .bind(kind)
            .fetch_all(&mut *conn)
            .await)?)
    }

    /// Files a category, tag or author: unchanged if its digest is the
    /// same, updated if not, else made, or the existing one with its slug
    /// taken over (a site's "news" section is WordPress's "news" category).
    /// Its old addresses go with it.
    pub async fn import_filing(
        &self,
        key: &ImportKey,
        filing: &Filing,
        old: &[OldAddress],
        now: Timestamp,
    ) -> Result<(i64, Imported)> {
        const SECTION_BY_SLUG: &str = "select id from sections where slug = $1";
        const NEW_SECTION: &str =
            "insert into sections (slug, name, parent_id, position, created_at, updated_at)
            values ($1, $2, $3, $4, $5, $5) returning id";
        const UPDATE_SECTION: &str = "update sections set name = $2, parent_id = $3, position = $4, updated_at = $5 where id = $1";
        const TAG: &str = "insert into tags (slug, name) values ($1, $2)
            on conflict (slug) do update set slug = excluded.slug returning id";
        const RENAME_TAG: &str = "update tags set name = $2 where id = $1";
        const PERSON_BY_SLUG: &str = "select id from people where slug = $1";
        const NEW_PERSON: &str =
            "insert into people (slug, name, bio, email, created_at, updated_at)
            values ($1, $2, $3, $4, $5, $5) returning id";
        const UPDATE_PERSON: &str =
            "update people set name = $2, bio = $3, updated_at = $4 where id = $1";
        let done = write_tx!(self, |tx| {
            let found = find_key!(tx, key);
            let known = found
                .as_ref()
                .is_some_and(|(_, digest)| *digest == key.digest);
            let (id, imported) = match (found, filing) {
                (Some((id, digest)), _) if digest == key.digest => (id, Imported::Unchanged),
                (Some((id, _)), Filing::Section(s)) => {
                    sqlx::query(UPDATE_SECTION)
                        .bind(id)
                        .bind(s.name.as_str())
                        .bind(s.parent.map(|p| p.0))
                        .bind(s.position)
                        .bind(now.as_microsecond())
                        .execute(&mut *tx)
                        .await?;
                    append_change!(tx, Entity::Section, id, ChangeKind::Updated, now);
                    (id, Imported::Updated)
                }
                (Some((id, _)), Filing::Tag { name, .. }) => {
                    sqlx::query(RENAME_TAG)
                        .bind(id)
                        .bind(name.as_str())
                        .execute(&mut *tx)
                        .await?;
                    append_change!(tx, Entity::Tag, id, ChangeKind::Updated, now);
                    (id, Imported::Updated)
                }
                (Some((id, _)), Filing::Person(p)) => {
                    sqlx::query(UPDATE_PERSON)
                        .bind(id)
                        .bind(p.name.as_str())
                        .bind(&p.bio)
                        .bind(now.as_microsecond())
                        .execute(&mut *tx)
                        .await?;
                    append_change!(tx, Entity::Person, id, ChangeKind::Updated, now);
                    (id, Imported::Updated)
                }
                (None, Filing::Section(s)) => {
                    let same: Option<i64> = sqlx::query_scalar(SECTION_BY_SLUG)
                        .bind(s.slug.as_str())
                        .fetch_optional(&mut *tx)
                        .await?;
                    match same {
                        Some(id) => (id, Imported::Unchanged),
                        None => {
                            let id: i64 = sqlx::query_scalar(NEW_SECTION)
                                .bind(s.slug.as_str())
                                .bind(s.name.as_str())
                                .bind(s.parent.map(|p| p.0))
                                .bind(s.position)
                                .bind(now.as_microsecond())
                                .fetch_one(&mut *tx)
                                .await?;
                            append_change!(tx, Entity::Section, id, ChangeKind::Created, now);
                            (id, Imported::Added)
                        }
                    }
                }
                (None, Filing::Tag { slug, name }) => {
                    let id: i64 = sqlx::query_scalar(TAG)
                        .bind(slug.as_str())
                        .bind(name.as_str())
                        .fetch_one(&mut *tx)
                        .await?;
                    (id, Imported::Added)
                }
                (None, Filing::Person(p)) => {
                    let same: Option<i64> = sqlx::query_scalar(PERSON_BY_SLUG)
                        .bind(p.slug.as_str())
                        .fetch_optional(&mut *tx)
                        .await?;
                    match same {
                        Some(id) => (id, Imported::Unchanged),
                        None => {
                            let id: i64 = sqlx::query_scalar(NEW_PERSON)
                                .bind(p.slug.as_str())
                                .bind(p.name.as_str())
                                .bind(&p.bio)
                                .bind(p.email.as_ref().map(|e| e.as_str()))
                                .bind(now.as_microsecond())
                                .fetch_one(&mut *tx)
                                .await?;
                            append_change!(tx, Entity::Person, id, ChangeKind::Created, now);
                            (id, Imported::Added)
                        }
                    }
                }
            };
            if !known {
                keep_key!(tx, key, id, now);
                redirects::add_redirects!(tx, old, id, now);
            }
            (id, imported)
        });
        Ok(done)
    }

    /// Remembers a thing imported by another way in (a picture through the
    /// media library) with its old addresses.
    pub async fn remember_import(
        &self,
        key: &ImportKey,
        id: i64,
        old: &[OldAddress],
        now: Timestamp,
    ) -> Result<()> {
        write_tx!(self, |tx| {
            keep_key!(tx, key, id, now);
            redirects::add_redirects!(tx, old, id, now);
        });
        Ok(())
    }
}

impl Store {
    /// Files a page of the old site as a static page: unchanged, updated,
    /// or added under its slug (or the slug with `-2`, `-3`… when a section
    /// or another page has it).
    pub async fn import_page(
        &self,
        key: &ImportKey,
        page: &dateline_core::NewPage,
        old: &[OldAddress],
        now: Timestamp,
    ) -> Result<(dateline_core::PageId, Imported)> {
        const TAKEN: &str = "select (select count(*) from pages where slug = $1)
            + (select count(*) from sections where slug = $1)";
        const INSERT: &str =
            "insert into pages (slug, title, body_markdown, body_html, created_at, updated_at)
            values ($1, $2, $3, $4, $5, $5) returning id";
        const UPDATE: &str = "update pages set title = $2, body_markdown = $3, body_html = $4,
            updated_at = $5 where id = $1";
        let done = write_tx!(self, |tx| {
            let found = find_key!(tx, key);
            let (id, imported) = match found {
                Some((id, digest)) if digest == key.digest => (id, Imported::Unchanged),
                Some((id, _)) => {
                    sqlx::query(UPDATE)
                        .bind(id)
                        .bind(page.title.as_str())
                        .bind(page.body.markdown())
                        .bind(page.body.html())
                        .bind(now.as_microsecond())
                        .execute(&mut *tx)
                        .await?;
                    append_change!(tx, Entity::Page, id, ChangeKind::Updated, now);
                    (id, Imported::Updated)
                }
                None => {
                    let mut slug = page.slug.as_str().to_owned();
                    for n in 2.. {
                        let taken: i64 = sqlx::query_scalar(TAKEN)
                            .bind(&slug)
                            .fetch_one(&mut *tx)
                            .await?;
                        if taken == 0 {
                            break;
                        }
                        slug = format!("{}-{n}", page.slug.as_str());
                    }
                    let id: i64 = sqlx::query_scalar(INSERT)
                        .bind(&slug)
                        .bind(page.title.as_str())
                        .bind(page.body.markdown())
                        .bind(page.body.html())
                        .bind(now.as_microsecond())
                        .fetch_one(&mut *tx)
                        .await?;
                    append_change!(tx, Entity::Page, id, ChangeKind::Created, now);
                    (id, Imported::Added)
                }
            };
            if imported != Imported::Unchanged {
                keep_key!(tx, key, id, now);
                redirects::add_redirects!(tx, old, id, now);
            }
            (dateline_core::PageId(id), imported)
        });
        Ok(done)
    }
}

impl Store {
    /// What is in the site from `origin`, counted by the rows themselves
    /// (a key whose row is gone does not count): (`kind`, `state`, n), the
    /// state a story's status, else empty. For checking an import.
    pub async fn import_census(&self, origin: &str) -> Result<Vec<(String, String, i64)>> {
        const SQL: &str = "select k.kind, coalesce(a.status, ''), count(distinct k.entity_id)
            from import_keys k
            left join articles a on k.kind = 'post' and a.id = k.entity_id
            left join pages p on k.kind = 'page' and p.id = k.entity_id
            left join media m on k.kind = 'attachment' and m.id = k.entity_id
            left join people pe on k.kind = 'author' and pe.id = k.entity_id
            left join sections s on k.kind = 'category' and s.id = k.entity_id
            left join tags t on k.kind in ('tag', 'category_tag') and t.id = k.entity_id
            where k.origin = $1 and coalesce(a.id, p.id, m.id, pe.id, s.id, t.id) is not null
            group by k.kind, a.status
            order by k.kind, 2";
        Ok(read!(self, |conn| sqlx::query_as(SQL)
            .bind(origin)
            .fetch_all(&mut *conn)
            .await)?)
    }
}
