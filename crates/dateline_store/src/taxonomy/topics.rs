//! Topics: curated series with their own order.

use dateline_core::{ArticleId, ArticleStatus, NewTopic, Topic, TopicId};
use jiff::Timestamp;

use super::*;
use crate::{
    ChangeKind, Entity, Result, Store, StoreError, changes::append_change, read, write_tx,
};

/// An article in a topic's curated list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TopicItem {
    pub id: ArticleId,
    pub headline: String,
    pub status: ArticleStatus,
    pub position: i64,
}

/// Which way an article moves in a topic's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

impl Store {
    pub async fn create_topic(&self, new: &NewTopic, now: Timestamp) -> Result<TopicId> {
        const SQL: &str =
            "insert into topics (slug, name, description, image_media_id, created_at, updated_at)
            values ($1, $2, $3, $4, $5, $5) returning id";
        let id = write_tx!(self, |tx| {
            let id: i64 = sqlx::query_scalar(SQL)
                .bind(new.slug.as_str())
                .bind(new.name.as_str())
                .bind(&new.description)
                .bind(new.image.map(|m| m.0))
                .bind(now.as_microsecond())
                .fetch_one(&mut *tx)
                .await?;
            append_change!(tx, Entity::Topic, id, ChangeKind::Created, now);
            id
        });
        Ok(TopicId(id))
    }

    pub async fn topic_by_slug(&self, slug: &str) -> Result<Option<Topic>> {
        const SQL: &str = "select t.id, t.slug, t.name, t.description,
                m.path as image_path, m.width as image_width, m.height as image_height,
                m.alt as image_alt, m.caption as image_caption, m.credit as image_credit,
                m.original_key as image_original, m.renditions as image_renditions
            from topics t left join media m on m.id = t.image_media_id where t.slug = $1";
        #[derive(sqlx::FromRow)]
        struct TopicRow {
            id: i64,
            slug: String,
            name: String,
            description: String,
            #[sqlx(flatten)]
            image: crate::articles::ImageColumns,
        }
        let row: Option<TopicRow> = read!(self, |pool| sqlx::query_as(SQL)
            .bind(slug)
            .fetch_optional(&mut *pool)
            .await)?;
        row.map(|r| {
            Ok(Topic {
                id: TopicId(r.id),
                slug: r.slug,
                name: r.name,
                description: r.description,
                image: r.image.into_figure()?,
            })
        })
        .transpose()
    }

    /// Every topic, by name, each with its number of articles.
    pub async fn topics(&self) -> Result<Vec<TaxonomyEntry>> {
        const SQL: &str = "select t.id, t.slug, t.name, t.description, t.image_media_id,
                (select count(*) from article_topics x where x.topic_id = t.id) as articles
            from topics t order by t.name, t.id";
        read!(self, |conn| sqlx::query_as::<_, EntryRow>(SQL)
            .fetch_all(&mut *conn)
            .await)
        .map(entries)
        .map_err(StoreError::from)
    }

    pub async fn update_topic(&self, id: TopicId, topic: &NewTopic, now: Timestamp) -> Result<()> {
        const UPDATE: &str = "update topics set slug = $2, name = $3, description = $4,
            image_media_id = $5, updated_at = $6 where id = $1";
        write_tx!(self, |tx| {
            let updated = sqlx::query(UPDATE)
                .bind(id.0)
                .bind(topic.slug.as_str())
                .bind(topic.name.as_str())
                .bind(&topic.description)
                .bind(topic.image.map(|m| m.0))
                .bind(now.as_microsecond())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            logged_one!(tx, updated, Entity::Topic, id.0, ChangeKind::Updated, now);
        });
        Ok(())
    }

    /// The topic's articles in their curated order, in any status.
    pub async fn topic_items(&self, id: TopicId) -> Result<Vec<TopicItem>> {
        const SQL: &str = "select a.id, a.headline, a.status, x.position
            from article_topics x join articles a on a.id = x.article_id
            where x.topic_id = $1 order by x.position, a.id";
        let rows: Vec<(i64, String, String, i64)> = read!(self, |conn| sqlx::query_as(SQL)
            .bind(id.0)
            .fetch_all(&mut *conn)
            .await)?;
        rows.into_iter()
            .map(|(id, headline, status, position)| {
                Ok(TopicItem {
                    id: ArticleId(id),
                    headline,
                    status: ArticleStatus::parse(&status)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    position,
                })
            })
            .collect()
    }

    /// Puts an article at the end of a topic's list (where it stays if it
    /// is there already).
    pub async fn add_to_topic(
        &self,
        topic: TopicId,
        article: ArticleId,
        now: Timestamp,
    ) -> Result<()> {
        const EXISTS: &str =
            "select count(*) from article_topics where topic_id = $1 and article_id = $2";
        write_tx!(self, |tx| {
            let there: i64 = sqlx::query_scalar(EXISTS)
                .bind(topic.0)
                .bind(article.0)
                .fetch_one(&mut *tx)
                .await?;
            if there == 0 {
                sqlx::query(crate::articles::APPEND_TO_TOPIC)
                    .bind(topic.0)
                    .bind(article.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| match StoreError::from(e) {
                        StoreError::Conflict { .. } => no_such("article"),
                        other => other,
                    })?;
                append_change!(tx, Entity::Topic, topic.0, ChangeKind::Updated, now);
            }
        });
        Ok(())
    }

    pub async fn remove_from_topic(
        &self,
        topic: TopicId,
        article: ArticleId,
        now: Timestamp,
    ) -> Result<()> {
        const DELETE: &str = "delete from article_topics where topic_id = $1 and article_id = $2";
        write_tx!(self, |tx| {
            let deleted = sqlx::query(DELETE)
                .bind(topic.0)
                .bind(article.0)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if deleted > 0 {
                append_change!(tx, Entity::Topic, topic.0, ChangeKind::Updated, now);
            }
        });
        Ok(())
    }

    /// Swaps an article with its neighbour in the topic's list; at either
    /// end it stays where it is.
    pub async fn move_in_topic(
        &self,
        topic: TopicId,
        article: ArticleId,
        direction: Direction,
        now: Timestamp,
    ) -> Result<()> {
        const LIST: &str = "select article_id from article_topics where topic_id = $1
            order by position, article_id";
        // Two editors reordering one list wait for each other (SQLite's
        // write transaction already does).
        const LOCK_POSTGRES: &str = "select id from topics where id = $1 for update";
        const SET: &str =
            "update article_topics set position = $3 where topic_id = $1 and article_id = $2";
        let postgres = matches!(self.backend, crate::Backend::Postgres(_));
        write_tx!(self, |tx| {
            if postgres {
                sqlx::query(LOCK_POSTGRES)
                    .bind(topic.0)
                    .execute(&mut *tx)
                    .await?;
            }
            let mut list: Vec<i64> = sqlx::query_scalar(LIST)
                .bind(topic.0)
                .fetch_all(&mut *tx)
                .await?;
            let Some(at) = list.iter().position(|a| *a == article.0) else {
                return Err(StoreError::NotFound);
            };
            let other = match direction {
                Direction::Up => at.checked_sub(1),
                Direction::Down => Some(at + 1).filter(|o| *o < list.len()),
            };
            if let Some(other) = other {
                list.swap(at, other);
                // Numbered afresh, so that positions two concurrent
                // additions made equal come apart.
                for (position, id) in (1_i64..).zip(&list) {
                    sqlx::query(SET)
                        .bind(topic.0)
                        .bind(id)
                        .bind(position)
                        .execute(&mut *tx)
                        .await?;
                }
                append_change!(tx, Entity::Topic, topic.0, ChangeKind::Updated, now);
            }
        });
        Ok(())
    }
}
