//! Articles to read next: the editor's choices, then the rest of the
//! article's series, then stories sharing its tags, then its section's newest.

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

/// Candidates from each source, a bounded number each, so the cost does not
/// grow with the archive; an article found by several sources counts once,
/// under its best.
const RELATED: &str = concat!(
    "with picks as (
        select related_id as id, 0 as tier, position as ord from article_related where article_id = $1
        union all
        select * from (select t2.article_id as id, 1 as tier, t2.position as ord
            from article_topics t1 join article_topics t2 on t2.topic_id = t1.topic_id and t2.article_id <> $1
            where t1.article_id = $1 order by t2.position limit 12) topic_picks
        union all
        select * from (select g2.article_id as id, 2 as tier, -g2.article_id as ord
            from article_tags g1 join article_tags g2 on g2.tag_id = g1.tag_id and g2.article_id <> $1
            where g1.article_id = $1 order by g2.article_id desc limit 24) tag_picks
        union all
        select * from (select x.id, 3 as tier, -x.id as ord from articles x
            where x.status = 'published' and x.id <> $1
              and x.section_id = (select section_id from articles where id = $1)
            order by x.first_published_at desc, x.id desc limit 12) section_picks
    ),
    best as (select id, min(tier) as tier, min(ord) as ord from picks group by id)
    select best.tier, a.id, a.slug, s.slug as section_slug, s.name as section_name, a.headline, a.standfirst,
        src.name as source_name, a.first_published_at, ",
    image_columns!(),
    " from best
    join articles a on a.id = best.id and a.status = 'published'
    join sections s on s.id = a.section_id
    left join sources src on src.id = a.source_id
    left join media m on m.id = a.lead_media_id
    order by best.tier, best.ord, a.id desc
    limit $2"
);

#[derive(sqlx::FromRow)]
struct RelatedRow {
    tier: i64,
    #[sqlx(flatten)]
    card: CardRow,
}

impl Store {
    /// Up to `limit` published articles related to `id`, best first.
    pub async fn related_articles(
        &self,
        id: ArticleId,
        limit: i64,
    ) -> Result<Vec<(Relation, ArticleCard)>> {
        let rows: Vec<RelatedRow> = read!(self, |pool| sqlx::query_as(RELATED)
            .bind(id.0)
            .bind(limit)
            .fetch_all(pool)
            .await)?;
        rows.into_iter()
            .map(|r| {
                let relation = match r.tier {
                    0 => Relation::ChosenByEditor,
                    1 => Relation::SameTopic,
                    2 => Relation::SharedTag,
                    _ => Relation::SameSection,
                };
                Ok((relation, ArticleCard::try_from(r.card)?))
            })
            .collect()
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
            let status: String = sqlx::query_scalar("select status from articles where id = $1")
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
