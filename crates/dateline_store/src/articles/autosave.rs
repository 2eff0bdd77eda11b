//! Unsaved text kept for its writer: what the editor sends on its own every
//! few seconds, and what a save refused for a conflict carried. Raw form
//! text, not yet valid (an empty headline is kept as typed).

use dateline_core::{ArticleId, UserId};
use jiff::Timestamp;

use crate::{Result, Store, read, rows::instant, write_tx};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Autosave {
    pub base_revision: i64,
    pub saved_at: Timestamp,
    pub headline: String,
    pub standfirst: String,
    pub body_markdown: String,
    /// The rest of the editor's form as it sent it (JSON, the web layer's
    /// to read); empty for a copy of the text alone.
    pub fields: String,
}

impl Store {
    /// Keeps `text` as `user`'s unsaved text of the article, replacing any before.
    pub async fn autosave(&self, id: ArticleId, user: UserId, text: &Autosave) -> Result<()> {
        const SQL: &str = "insert into article_autosaves
                (article_id, user_id, base_revision, saved_at, headline, standfirst, body_markdown,
                fields)
            values ($1, $2, $3, $4, $5, $6, $7, $8)
            on conflict (article_id, user_id) do update set base_revision = excluded.base_revision,
                saved_at = excluded.saved_at, headline = excluded.headline,
                standfirst = excluded.standfirst, body_markdown = excluded.body_markdown,
                fields = excluded.fields";
        write_tx!(self, |tx| {
            sqlx::query(SQL)
                .bind(id.0)
                .bind(user.0)
                .bind(text.base_revision)
                .bind(text.saved_at.as_microsecond())
                .bind(&text.headline)
                .bind(&text.standfirst)
                .bind(&text.body_markdown)
                .bind(&text.fields)
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }

    pub async fn autosave_of(&self, id: ArticleId, user: UserId) -> Result<Option<Autosave>> {
        const SQL: &str =
            "select base_revision, saved_at, headline, standfirst, body_markdown, fields
            from article_autosaves where article_id = $1 and user_id = $2";
        let row: Option<(i64, i64, String, String, String, String)> =
            read!(self, |conn| sqlx::query_as(SQL)
                .bind(id.0)
                .bind(user.0)
                .fetch_optional(&mut *conn)
                .await)?;
        row.map(
            |(base_revision, saved_at, headline, standfirst, body_markdown, fields)| {
                Ok(Autosave {
                    base_revision,
                    saved_at: instant(saved_at)?,
                    headline,
                    standfirst,
                    body_markdown,
                    fields,
                })
            },
        )
        .transpose()
    }

    pub async fn discard_autosave(&self, id: ArticleId, user: UserId) -> Result<()> {
        write_tx!(self, |tx| {
            sqlx::query(DISCARD)
                .bind(id.0)
                .bind(user.0)
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }
}

/// Binds: article, user.
pub(crate) const DISCARD: &str =
    "delete from article_autosaves where article_id = $1 and user_id = $2";
