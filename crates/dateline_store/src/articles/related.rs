//! Articles to read next: the editor's choices, then the rest of the
//! article's series, then stories sharing its tags, then its section's newest.

use std::collections::HashSet;

use dateline_core::{ArticleCard, ArticleId, Named};

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

/// The most cards one trip reads by id; unused slots are bound to -1.
const CARDS_PER_TRIP: usize = 16;

/// How many candidates there are at most: [`Store::suggestions`] reads
/// their cards in one trip.
const MAX_CANDIDATES: usize = CARDS_PER_TRIP;
const CARDS: &str = card_query!(
    "select id from articles where status = 'published'
     and id in ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    "a.id"
);

/// The other published articles of each topic `$1` belongs to, the first
/// `$2` of each in curated order.
const SERIES: &str = card_query!(
    "select id, topic_slug, topic_name, position from (
        select t2.article_id as id, tp.slug as topic_slug, tp.name as topic_name, t2.position,
            row_number() over (partition by t2.topic_id order by t2.position) as n
        from article_topics t1
        join topics tp on tp.id = t1.topic_id
        join article_topics t2 on t2.topic_id = t1.topic_id and t2.article_id <> $1
        join articles x on x.id = t2.article_id and x.status = 'published'
        where t1.article_id = $1) series
    where n <= $2",
    "page.topic_name, page.topic_slug, page.position",
    "page.topic_slug, page.topic_name, "
);

#[derive(sqlx::FromRow)]
struct SeriesCardRow {
    #[sqlx(flatten)]
    card: CardRow,
    topic_slug: String,
    topic_name: String,
}

impl Store {
    /// Articles that may be related to `id`, best first, each once under its
    /// best relation, at most as many as [`Store::suggestions`] looks at;
    /// some may not be published. Costly enough (several
    /// index walks) that callers showing them on every view keep them a
    /// while and read only the cards each time, with [`Store::cards`].
    pub async fn related_candidates(&self, id: ArticleId) -> Result<Vec<(Relation, ArticleId)>> {
        let candidates: Vec<(i64, i64)> = read!(self, |pool| sqlx::query_as(CANDIDATES)
            .bind(id.0)
            .fetch_all(&mut *pool)
            .await)?;
        let mut seen = HashSet::new();
        Ok(candidates
            .into_iter()
            .filter(|(other, _)| seen.insert(*other))
            .take(MAX_CANDIDATES)
            .map(|(other, tier)| {
                let relation = match tier {
                    0 => Relation::ChosenByEditor,
                    1 => Relation::SameTopic,
                    2 => Relation::SharedTag,
                    _ => Relation::SameSection,
                };
                (relation, ArticleId(other))
            })
            .collect())
    }

    /// The cards of those of `ids` that are published, in the order given.
    pub async fn cards(&self, ids: &[ArticleId]) -> Result<Vec<ArticleCard>> {
        let mut cards = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(CARDS_PER_TRIP) {
            let rows: Vec<CardRow> = read!(self, |pool| {
                let mut query = sqlx::query_as(CARDS);
                for slot in 0..CARDS_PER_TRIP {
                    query = query.bind(chunk.get(slot).map_or(-1, |id| id.0));
                }
                query.fetch_all(&mut *pool).await
            })?;
            let mut found: Vec<ArticleCard> = rows
                .into_iter()
                .map(ArticleCard::try_from)
                .collect::<Result<_>>()?;
            for id in chunk {
                if let Some(at) = found.iter().position(|c| c.id == *id) {
                    cards.push(found.swap_remove(at));
                }
            }
        }
        Ok(cards)
    }

    /// Up to `limit` (at most [`MAX_RELATED`]) published articles related to
    /// `id`, best first; an article found by several sources counts once,
    /// under its best.
    pub async fn related_articles(
        &self,
        id: ArticleId,
        limit: usize,
    ) -> Result<Vec<(Relation, ArticleCard)>> {
        let candidates = self.related_candidates(id).await?;
        self.suggestions(&candidates, limit).await
    }

    /// The first `limit` (at most [`MAX_RELATED`]) of `candidates` that are
    /// published, as cards, in one trip: the candidates read are those that fit
    /// one, which leaves room for a few unpublished ones to drop out.
    pub async fn suggestions(
        &self,
        candidates: &[(Relation, ArticleId)],
        limit: usize,
    ) -> Result<Vec<(Relation, ArticleCard)>> {
        let candidates = &candidates[..candidates.len().min(MAX_CANDIDATES)];
        let ids: Vec<ArticleId> = candidates.iter().map(|(_, id)| *id).collect();
        let cards = self.cards(&ids).await?;
        Ok(cards
            .into_iter()
            .filter_map(|card| {
                let (relation, _) = candidates.iter().find(|(_, id)| *id == card.id)?;
                Some((*relation, card))
            })
            .take(limit.min(MAX_RELATED))
            .collect())
    }

    /// For each topic of `id` (by name), up to `per_topic` of its other
    /// published articles in curated order; topics with none are left out.
    pub async fn series_of(
        &self,
        id: ArticleId,
        per_topic: usize,
    ) -> Result<Vec<(Named, Vec<ArticleCard>)>> {
        let rows: Vec<SeriesCardRow> = read!(self, |pool| sqlx::query_as(SERIES)
            .bind(id.0)
            .bind(per_topic as i64)
            .fetch_all(&mut *pool)
            .await)?;
        let mut series: Vec<(Named, Vec<ArticleCard>)> = Vec::new();
        for row in rows {
            let card = ArticleCard::try_from(row.card)?;
            match series.last_mut() {
                Some((topic, cards)) if topic.slug == row.topic_slug => cards.push(card),
                _ => series.push((
                    Named {
                        slug: row.topic_slug,
                        name: row.topic_name,
                    },
                    vec![card],
                )),
            }
        }
        Ok(series)
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
