//! Posts from an old site, written in batches: each with its key, its old
//! addresses and its readers' comments, a batch in one transaction.

use dateline_core::{ArticleId, ArticleStatus, NewArticle};
use jiff::Timestamp;

use super::{ImportKey, Imported, OldAddress, find_key, keep_key, redirects::add_redirects};
use crate::{
    ChangeKind, Entity, Result, Store, changes::append_change, jobs::enqueue_in, write_tx,
};

/// A post as it comes in.
#[derive(Debug, Clone)]
pub struct ImportedArticle {
    pub key: ImportKey,
    pub article: NewArticle,
    /// Published, draft, in review or scheduled.
    pub status: ArticleStatus,
    /// When it was first published (for a published story), or is to be
    /// (for a scheduled one).
    pub at: Option<Timestamp>,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
    pub old: Vec<OldAddress>,
    pub comments: Vec<HeldComment>,
}

/// A reader's comment, kept for the comments feature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldComment {
    pub key: String,
    pub parent_key: Option<String>,
    pub author_name: String,
    pub author_email: Option<String>,
    pub author_url: Option<String>,
    pub body: String,
    /// `approved`, `pending`, `spam` or `trash`.
    pub state: String,
    /// `comment`, `pingback` or `trackback`.
    pub kind: String,
    pub posted_at: Option<Timestamp>,
}

const SEO: &str = "update articles set seo_title = $2, seo_description = $3 where id = $1";
const STATUS_OF: &str = "select status from articles where id = $1";
const UPDATE: &str = "update articles set headline = $2, standfirst = $3, body_markdown = $4,
        body_html = $5, section_id = $6, lead_media_id = $7, lead_caption = $8, lead_credit = $9,
        language = $10, status = $11, updated_at = $12, revision = revision + 1,
        first_published_at = case when $11 = 'published' then coalesce(first_published_at, $13)
                                  else first_published_at end,
        scheduled_at = case when $11 = 'scheduled' then $13 else null end
    where id = $1 returning revision";
const SCHEDULE: &str = "update articles set scheduled_at = $2 where id = $1";
const CLEAR_AUTHORS: &str = "delete from article_authors where article_id = $1";
const CLEAR_TAGS: &str = "delete from article_tags where article_id = $1";
const HOLD_COMMENT: &str = "insert into held_comments (article_id, origin, key, parent_key,
        author_name, author_email, author_url, body, state, kind, posted_at)
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
    on conflict (origin, key) do update set body = excluded.body, state = excluded.state";

impl Store {
    /// Writes a batch of posts in one transaction: each new one added,
    /// each whose digest changed updated (a new revision), each unchanged
    /// left alone. Published ones are logged as the newsroom's are, so
    /// caches, search and feeds follow; a scheduled one gets its job.
    pub async fn import_articles(
        &self,
        batch: &[&ImportedArticle],
        now: Timestamp,
    ) -> Result<Vec<(ArticleId, Imported)>> {
        let done = write_tx!(self, |tx| {
            let mut done = Vec::with_capacity(batch.len());
            for entry in batch {
                let found = find_key!(tx, &entry.key);
                let at = entry.at.unwrap_or(now);
                let (id, imported, change) = match found {
                    Some((id, digest)) if digest == entry.key.digest => {
                        (id, Imported::Unchanged, None)
                    }
                    Some((id, _)) => {
                        let was: String = sqlx::query_scalar(STATUS_OF)
                            .bind(id)
                            .fetch_one(&mut *tx)
                            .await?;
                        let a = &entry.article;
                        let revision: i64 = sqlx::query_scalar(UPDATE)
                            .bind(id)
                            .bind(a.headline.as_str())
                            .bind(&a.standfirst)
                            .bind(a.body.markdown())
                            .bind(a.body.html())
                            .bind(a.section.0)
                            .bind(a.lead_image.as_ref().map(|l| l.media.0))
                            .bind(a.lead_image.as_ref().and_then(|l| l.caption.as_deref()))
                            .bind(a.lead_image.as_ref().and_then(|l| l.credit.as_deref()))
                            .bind(a.language.as_deref())
                            .bind(entry.status.as_str())
                            .bind(now.as_microsecond())
                            .bind(at.as_microsecond())
                            .fetch_one(&mut *tx)
                            .await?;
                        for sql in [CLEAR_AUTHORS, CLEAR_TAGS] {
                            sqlx::query(sql).bind(id).execute(&mut *tx).await?;
                        }
                        for (position, author) in (0_i64..).zip(&a.authors) {
                            sqlx::query(crate::articles::write::INSERT_AUTHOR)
                                .bind(id)
                                .bind(author.0)
                                .bind(position)
                                .execute(&mut *tx)
                                .await?;
                        }
                        for tag in &a.tags {
                            sqlx::query(crate::articles::write::INSERT_TAG)
                                .bind(id)
                                .bind(tag.0)
                                .execute(&mut *tx)
                                .await?;
                        }
                        sqlx::query(crate::articles::INSERT_REVISION)
                            .bind(id)
                            .bind(revision)
                            .bind(None::<i64>)
                            .bind(now.as_microsecond())
                            .bind(a.headline.as_str())
                            .bind(&a.standfirst)
                            .bind(a.body.markdown())
                            .execute(&mut *tx)
                            .await?;
                        crate::articles::snapshot::record_details!(tx, ArticleId(id), revision);
                        let public = entry.status == ArticleStatus::Published;
                        let change = match (was == ArticleStatus::Published.as_str(), public) {
                            (true, true) => Some(ChangeKind::Updated),
                            (false, true) => Some(ChangeKind::Published),
                            (true, false) => Some(ChangeKind::Unpublished),
                            (false, false) => None,
                        };
                        (id, Imported::Updated, change)
                    }
                    None => {
                        let published = (entry.status == ArticleStatus::Published).then_some(at);
                        let id = crate::articles::write::insert_article!(
                            tx,
                            &entry.article,
                            entry.status,
                            published,
                            at.min(now)
                        );
                        let change = published.map(|_| ChangeKind::Published);
                        (id, Imported::Added, change)
                    }
                };
                // A new story has no SEO texts to clear.
                let seo = entry.seo_title.is_some() || entry.seo_description.is_some();
                if imported == Imported::Updated || (imported == Imported::Added && seo) {
                    sqlx::query(SEO)
                        .bind(id)
                        .bind(entry.seo_title.as_deref())
                        .bind(entry.seo_description.as_deref())
                        .execute(&mut *tx)
                        .await?;
                }
                if imported != Imported::Unchanged {
                    if entry.status == ArticleStatus::Scheduled {
                        sqlx::query(SCHEDULE)
                            .bind(id)
                            .bind(at.as_microsecond())
                            .execute(&mut *tx)
                            .await?;
                        let job = crate::articles::editorial::PublishScheduled {
                            article: id,
                            at: at.as_microsecond(),
                        };
                        let unique = format!("publish_scheduled:{id}:{}", job.at);
                        let job = crate::NewJob::of(&job, at, Some(unique));
                        enqueue_in!(tx, &job, now);
                    }
                    if let Some(kind) = change {
                        append_change!(tx, Entity::Article, id, kind, now);
                    }
                    for c in &entry.comments {
                        sqlx::query(HOLD_COMMENT)
                            .bind(id)
                            .bind(&entry.key.origin)
                            .bind(&c.key)
                            .bind(c.parent_key.as_deref())
                            .bind(&c.author_name)
                            .bind(c.author_email.as_deref())
                            .bind(c.author_url.as_deref())
                            .bind(&c.body)
                            .bind(&c.state)
                            .bind(&c.kind)
                            .bind(c.posted_at.map(|t| t.as_microsecond()))
                            .execute(&mut *tx)
                            .await?;
                    }
                    keep_key!(tx, &entry.key, id, now);
                    add_redirects!(tx, &entry.old, id, now);
                }
                done.push((ArticleId(id), imported));
            }
            done
        });
        Ok(done)
    }

    /// How many comments are held for article `id`.
    pub async fn held_comments(&self, id: ArticleId) -> Result<i64> {
        const SQL: &str = "select count(*) from held_comments where article_id = $1";
        Ok(crate::read!(self, |conn| sqlx::query_scalar(SQL)
            .bind(id.0)
            .fetch_one(&mut *conn)
            .await)?)
    }
}
