use dateline_core::{ArticleDetails, ArticleId, ArticleStatus, CorrectionKind, NewArticle, UserId};
use jiff::Timestamp;

use crate::{ChangeKind, Entity, Result, Store, StoreError, changes::append_change, write_tx};

/// The wire item a draft is made from, and its embargo.
#[derive(Debug, Clone)]
pub struct WireOrigin {
    pub item: i64,
    pub embargo_until: Option<Timestamp>,
    /// The agency's writer, credited as the author (an existing byline of
    /// that name, else a new one).
    pub byline: Option<String>,
}

/// Inserts `$new` with its authors, tags and topics inside `$tx`; evaluates
/// to the new id.
macro_rules! insert_article {
    ($tx:expr, $new:expr, $status:expr, $first_published_at:expr, $now:expr) => {
        crate::articles::write::insert_article!(
            $tx,
            $new,
            $status,
            $first_published_at,
            $now,
            None::<i64>
        )
    };
    ($tx:expr, $new:expr, $status:expr, $first_published_at:expr, $now:expr, $by:expr) => {{
        let new: &NewArticle = $new;
        let now = $now.as_microsecond();
        let by: Option<i64> = $by;
        let id: i64 = sqlx::query_scalar(crate::articles::write::INSERT_ARTICLE)
            .bind(new.slug.as_str())
            .bind($status.as_str())
            .bind(new.headline.as_str())
            .bind(&new.standfirst)
            .bind(new.body.markdown())
            .bind(new.body.html())
            .bind(new.section.0)
            .bind(new.source.map(|s| s.0))
            .bind(new.edited_by.map(|p| p.0))
            .bind(new.place.as_deref())
            .bind(new.lead_image.as_ref().map(|l| l.media.0))
            .bind(new.lead_image.as_ref().and_then(|l| l.caption.as_deref()))
            .bind(new.lead_image.as_ref().and_then(|l| l.credit.as_deref()))
            .bind(new.language.as_deref())
            .bind(new.corpus_label.as_deref())
            .bind(now)
            .bind($first_published_at.map(|t: Timestamp| t.as_microsecond()))
            .bind(by)
            .bind(new.kind.as_str())
            .fetch_one(&mut *$tx)
            .await?;
        sqlx::query(crate::articles::INSERT_REVISION)
            .bind(id)
            .bind(1_i64)
            .bind(by)
            .bind(now)
            .bind(new.headline.as_str())
            .bind(&new.standfirst)
            .bind(new.body.markdown())
            .execute(&mut *$tx)
            .await?;
        for (position, author) in (0_i64..).zip(&new.authors) {
            sqlx::query(crate::articles::write::INSERT_AUTHOR)
                .bind(id)
                .bind(author.0)
                .bind(position)
                .execute(&mut *$tx)
                .await?;
        }
        for tag in &new.tags {
            sqlx::query(crate::articles::write::INSERT_TAG)
                .bind(id)
                .bind(tag.0)
                .execute(&mut *$tx)
                .await?;
        }
        for topic in &new.topics {
            sqlx::query(crate::articles::write::INSERT_TOPIC)
                .bind(topic.0)
                .bind(id)
                .execute(&mut *$tx)
                .await?;
        }
        id
    }};
}
pub(crate) use insert_article;

pub(crate) const INSERT_ARTICLE: &str = "insert into articles (slug, status, headline, standfirst, body_markdown, body_html,
        section_id, source_id, edited_by_id, place, lead_media_id, lead_caption, lead_credit, language,
        corpus_label, created_at, updated_at, first_published_at, created_by, kind)
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $17, $18, $19) returning id";
pub(crate) const INSERT_AUTHOR: &str =
    "insert into article_authors (article_id, person_id, position) values ($1, $2, $3)";
pub(crate) const INSERT_TAG: &str = "insert into article_tags (article_id, tag_id) values ($1, $2)";
// A topic's curated order: a new article goes to the end of the series.
pub(crate) const INSERT_TOPIC: &str = "insert into article_topics (topic_id, article_id, position)
    values ($1, $2, (select coalesce(max(position), 0) + 1 from article_topics where topic_id = $1))";

impl Store {
    /// Saves a new article as a draft. Drafts are not reader-visible, so no
    /// change is logged until the article is published.
    pub async fn create_article(&self, new: &NewArticle, now: Timestamp) -> Result<ArticleId> {
        let none: Option<Timestamp> = None;
        let id = write_tx!(self, |tx| insert_article!(
            tx,
            new,
            ArticleStatus::Draft,
            none,
            now
        ));
        Ok(ArticleId(id))
    }

    /// Saves a new draft written by `by`, who owns it from then on; its text
    /// is revision 1.
    pub async fn create_draft(
        &self,
        new: &NewArticle,
        by: UserId,
        now: Timestamp,
    ) -> Result<ArticleId> {
        self.insert_draft(new, None, None, by, now).await
    }

    /// As [`Store::create_draft`], with every detail the editor sets
    /// (related articles and SEO texts too) in the same transaction: the
    /// draft is stored whole or not at all.
    pub async fn create_draft_with_details(
        &self,
        new: &NewArticle,
        details: &ArticleDetails,
        by: UserId,
        now: Timestamp,
    ) -> Result<ArticleId> {
        self.insert_draft(new, Some(details), None, by, now).await
    }

    /// "Use this story": a draft made from wire item `origin.item` by `by`,
    /// with the item's embargo and writer, the item marked used, in one
    /// transaction (`new` carries no authors: the writer is added here).
    /// Whoever publishes it is credited as its editor (see
    /// [`Store::move_article`]).
    pub async fn create_draft_from_wire(
        &self,
        new: &NewArticle,
        origin: &WireOrigin,
        by: UserId,
        now: Timestamp,
    ) -> Result<ArticleId> {
        self.insert_draft(new, None, Some(origin), by, now).await
    }

    async fn insert_draft(
        &self,
        new: &NewArticle,
        details: Option<&ArticleDetails>,
        origin: Option<&WireOrigin>,
        by: UserId,
        now: Timestamp,
    ) -> Result<ArticleId> {
        const AUDIT: &str = "insert into audit_log (at, user_id, article_id, action, detail)
            values ($1, $2, $3, 'created', $4)";
        const ORIGIN: &str =
            "update articles set wire_item_id = $2, embargo_until = $3 where id = $1";
        const USED: &str = "update wire_items set state = 'used' where id = $1";
        let none: Option<Timestamp> = None;
        let id = write_tx!(self, |tx| {
            let id = insert_article!(tx, new, ArticleStatus::Draft, none, now, Some(by.0));
            if let Some(details) = details {
                super::details::write_details!(tx, ArticleId(id), details, now);
            }
            if let Some(origin) = origin {
                sqlx::query(ORIGIN)
                    .bind(id)
                    .bind(origin.item)
                    .bind(origin.embargo_until.map(|t| t.as_microsecond()))
                    .execute(&mut *tx)
                    .await?;
                let used = sqlx::query(USED)
                    .bind(origin.item)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if used == 0 {
                    return Err(StoreError::NotFound);
                }
                if let Some(name) = &origin.byline {
                    let person = person_named!(tx, name, format!("w{}", origin.item), now);
                    sqlx::query(INSERT_AUTHOR)
                        .bind(id)
                        .bind(person)
                        .bind(0_i64)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            super::snapshot::record_details!(tx, ArticleId(id), 1_i64);
            sqlx::query(AUDIT)
                .bind(now.as_microsecond())
                .bind(by.0)
                .bind(id)
                .bind(origin.map_or_else(String::new, |o| format!("from wire item {}", o.item)))
                .execute(&mut *tx)
                .await?;
            id
        });
        Ok(ArticleId(id))
    }

    /// Saves articles that are already published elsewhere (demo content,
    /// imports, the synthetic corpus), each with its original publication
    /// time, in one transaction: all are stored or none.
    pub async fn import_published_articles(
        &self,
        articles: &[(NewArticle, Timestamp)],
        now: Timestamp,
    ) -> Result<Vec<ArticleId>> {
        let ids = write_tx!(self, |tx| {
            let mut ids = Vec::with_capacity(articles.len());
            for (new, published_at) in articles {
                let id = insert_article!(
                    tx,
                    new,
                    ArticleStatus::Published,
                    Some(*published_at),
                    *published_at
                );
                append_change!(tx, Entity::Article, id, ChangeKind::Published, now);
                ids.push(ArticleId(id));
            }
            ids
        });
        Ok(ids)
    }

    /// Moves an article along the workflow as the system (see
    /// [`Store::move_article`]).
    pub async fn change_article_status(
        &self,
        id: ArticleId,
        next: ArticleStatus,
        now: Timestamp,
    ) -> Result<()> {
        self.move_article(id, next, None, now).await
    }

    pub async fn publish_article(&self, id: ArticleId, now: Timestamp) -> Result<()> {
        self.change_article_status(id, ArticleStatus::Published, now)
            .await
    }

    pub async fn unpublish_article(&self, id: ArticleId, now: Timestamp) -> Result<()> {
        self.change_article_status(id, ArticleStatus::Unpublished, now)
            .await
    }

    /// Adds a dated correction or update note on behalf of `by` (`None`: the
    /// system); the article counts as modified.
    pub async fn add_correction(
        &self,
        id: ArticleId,
        kind: CorrectionKind,
        note: &str,
        by: Option<UserId>,
        now: Timestamp,
    ) -> Result<()> {
        const INSERT: &str =
            "insert into corrections (article_id, kind, note, created_at) values ($1, $2, $3, $4)";
        const AUDIT: &str = "insert into audit_log (at, user_id, article_id, action, detail)
            values ($1, $2, $3, $4, $5)";
        const TOUCH: &str = "update articles set updated_at = $2 where id = $1 returning status";
        let note = dateline_core::Text::parse("note", note, 2000)?;
        write_tx!(self, |tx| {
            let status: String = sqlx::query_scalar(TOUCH)
                .bind(id.0)
                .bind(now.as_microsecond())
                .fetch_one(&mut *tx)
                .await?;
            sqlx::query(INSERT)
                .bind(id.0)
                .bind(kind.as_str())
                .bind(note.as_str())
                .bind(now.as_microsecond())
                .execute(&mut *tx)
                .await?;
            sqlx::query(AUDIT)
                .bind(now.as_microsecond())
                .bind(by.map(|u| u.0))
                .bind(id.0)
                .bind(kind.as_str())
                .bind(note.as_str())
                .execute(&mut *tx)
                .await?;
            if status == ArticleStatus::Published.as_str() {
                append_change!(tx, Entity::Article, id.0, ChangeKind::Updated, now);
            }
        });
        Ok(())
    }
}

/// New text for an article: what an editor changes when revising it.
#[derive(Debug, Clone)]
pub struct ArticleText {
    pub headline: dateline_core::Headline,
    pub standfirst: String,
    pub body: dateline_core::Body,
}

impl Store {
    /// Replaces an article's headline, standfirst and body as the system (no
    /// revision check; the newsroom saves through
    /// [`Store::save_article_text`]). Readers see the change at once if the
    /// article is published.
    pub async fn revise_article(
        &self,
        id: ArticleId,
        text: &ArticleText,
        now: Timestamp,
    ) -> Result<()> {
        const SQL: &str = "update articles set headline = $2, standfirst = $3, body_markdown = $4, body_html = $5,
            updated_at = $6, revision = revision + 1 where id = $1 returning status, revision";
        write_tx!(self, |tx| {
            let (status, revision): (String, i64) = sqlx::query_as(SQL)
                .bind(id.0)
                .bind(text.headline.as_str())
                .bind(&text.standfirst)
                .bind(text.body.markdown())
                .bind(text.body.html())
                .bind(now.as_microsecond())
                .fetch_one(&mut *tx)
                .await?;
            sqlx::query(crate::articles::INSERT_REVISION)
                .bind(id.0)
                .bind(revision)
                .bind(None::<i64>)
                .bind(now.as_microsecond())
                .bind(text.headline.as_str())
                .bind(&text.standfirst)
                .bind(text.body.markdown())
                .execute(&mut *tx)
                .await?;
            super::snapshot::record_details!(tx, id, revision);
            if status == ArticleStatus::Published.as_str() {
                append_change!(tx, Entity::Article, id.0, ChangeKind::Updated, now);
            }
        });
        Ok(())
    }
}
