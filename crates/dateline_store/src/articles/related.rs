//! Articles to read next: the editor's choices, then the rest of the
//! article's series, then stories sharing its tags, then its section's newest.

use std::collections::HashSet;

use dateline_core::{ArticleCard, ArticleId};

use super::lists::CardRow;
use crate::{Result, Store, read};

/// Why a suggestion was made, in order of preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Relation {
    ChosenByEditor,
    SameTopic,
    SharedTag,
    SameSection,
}

/// The most suggestions one call returns.
pub const MAX_RELATED: usize = 9;

/// Candidates from each source, a bounded number each (so the cost does not
/// grow with the archive), best source first. Only ids: they are cheap to
/// read from indexes, and the cards are read for the chosen few.
const CANDIDATES: &str = "select related_id as id, cast(0 as bigint) as tier from article_related where article_id = $1
    union all
    select * from (select t2.article_id as id, cast(1 as bigint) as tier
        from article_topics t1 join article_topics t2 on t2.topic_id = t1.topic_id and t2.article_id <> $1
        where t1.article_id = $1 order by t2.position limit 12) topic_picks
    union all
    select * from (select g2.article_id as id, cast(2 as bigint) as tier
        from article_tags g1 join article_tags g2 on g2.tag_id = g1.tag_id and g2.article_id <> $1
        where g1.article_id = $1 order by g2.article_id desc limit 24) tag_picks
    union all
    select * from (select x.id, cast(3 as bigint) as tier from articles x
        where x.status = 'published' and x.id <> $1
          and x.section_id = (select section_id from articles where id = $1)
        order by x.first_published_at desc, x.id desc limit 12) section_picks";

const CARDS: &str = card_query!(
    "select id from articles where status = 'published' and id in ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    "a.id"
);

impl Store {
    /// Up to `limit` (at most [`MAX_RELATED`]) published articles related to
    /// `id`, best first; an article found by several sources counts once,
    /// under its best.
    pub async fn related_articles(
        &self,
        id: ArticleId,
        limit: usize,
    ) -> Result<Vec<(Relation, ArticleCard)>> {
        let limit = limit.min(MAX_RELATED);
        let candidates: Vec<(i64, i64)> = read!(self, |pool| sqlx::query_as(CANDIDATES)
            .bind(id.0)
            .fetch_all(pool)
            .await)?;
        // Candidates that are not published drop out when the cards are
        // read; taking the most the card query holds leaves room for them.
        let mut seen = HashSet::new();
        let chosen: Vec<(i64, i64)> = candidates
            .into_iter()
            .filter(|(other, _)| seen.insert(*other))
            .take(MAX_RELATED)
            .collect();
        if chosen.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<CardRow> = read!(self, |pool| {
            let mut query = sqlx::query_as(CARDS);
            for slot in 0..MAX_RELATED {
                query = query.bind(chosen.get(slot).map_or(-1, |(other, _)| *other));
            }
            query.fetch_all(pool).await
        })?;
        let mut cards: Vec<_> = rows
            .into_iter()
            .map(ArticleCard::try_from)
            .collect::<Result<_>>()?;
        let mut related = Vec::with_capacity(limit);
        for (other, tier) in chosen {
            if let Some(at) = cards.iter().position(|c| c.id.0 == other) {
                let relation = match tier {
                    0 => Relation::ChosenByEditor,
                    1 => Relation::SameTopic,
                    2 => Relation::SharedTag,
                    _ => Relation::SameSection,
                };
                related.push((relation, cards.swap_remove(at)));
            }
        }
        related.truncate(limit);
        Ok(related)
    }

    /// Sets the editor's related articles for `id`, in order.
    pub async fn set_related_articles(
        &self,
        id: ArticleId,
        related: &[ArticleId],
        now: jiff::Timestamp,
    ) -> Result<()> {
        const CLEAR: &str = "delete from article_related where article_id = $1";
        const ADD: &str =
            "insert into article_related (article_id, related_id, position) values ($1, $2, $3)";
        const STATUS: &str = "select status from articles where id = $1";
        crate::write_tx!(self, |tx| {
            sqlx::query(CLEAR).bind(id.0).execute(&mut *tx).await?;
            for (position, other) in (0_i64..).zip(related) {
                sqlx::query(ADD)
                    .bind(id.0)
                    .bind(other.0)
                    .bind(position)
                    .execute(&mut *tx)
                    .await?;
            }
            let status: String = sqlx::query_scalar(STATUS)
                .bind(id.0)
                .fetch_one(&mut *tx)
                .await?;
            if status == "published" {
                crate::changes::append_change!(
                    tx,
                    crate::Entity::Article,
                    id.0,
                    crate::ChangeKind::Updated,
                    now
                );
            }
        });
        Ok(())
    }
}
