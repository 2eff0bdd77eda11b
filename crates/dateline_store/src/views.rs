//! Page views per story and hour, as each node's counter writes them every
//! few seconds, and what they make: Most read.

use dateline_core::{ArticleId, SectionId};
use jiff::Timestamp;

use crate::{Result, Store, read, write_tx};

/// Adds to a published story's views in this hour; a story unknown or not
/// published is left out (a beacon names any number it likes).
const ADD: &str = "insert into page_views (article_id, hour, views) \
     select id, cast($2 as bigint), cast($3 as bigint) from articles \
     where id = $1 and status = 'published' \
     on conflict (article_id, hour) do update set views = page_views.views + excluded.views";
/// `$3`: a section's id, or 0 for every section.
const MOST_READ: &str = "select v.article_id, cast(sum(v.views) as bigint) from page_views v \
     join articles a on a.id = v.article_id \
     where v.hour >= $1 and a.status = 'published' and ($3 = 0 or a.section_id = $3) \
     group by v.article_id order by sum(v.views) desc, v.article_id desc limit $2";

/// The start of `at`'s hour, in microseconds.
fn hour_of(at: Timestamp) -> i64 {
    const HOUR: i64 = 3_600_000_000;
    at.as_microsecond().div_euclid(HOUR) * HOUR
}

impl Store {
    /// Adds `counts` (story, views) to the hour of `now`, in one transaction.
    pub async fn add_views(&self, counts: &[(ArticleId, i64)], now: Timestamp) -> Result<()> {
        let hour = hour_of(now);
        write_tx!(self, |tx| {
            for (article, views) in counts {
                sqlx::query(ADD)
                    .bind(article.0)
                    .bind(hour)
                    .bind(*views)
                    .execute(&mut *tx)
                    .await?;
            }
            Ok(())
        })
    }

    /// The published stories most viewed since `since` (from the start of
    /// its hour), in `section` or in all, with their views.
    pub async fn most_read(
        &self,
        since: Timestamp,
        section: Option<SectionId>,
        limit: i64,
    ) -> Result<Vec<(ArticleId, i64)>> {
        let rows: Vec<(i64, i64)> = read!(self, |conn| {
            let query = sqlx::query_as(MOST_READ)
                .bind(hour_of(since))
                .bind(limit)
                .bind(section.map_or(0, |s| s.0));
            query.fetch_all(&mut *conn).await
        })?;
        Ok(rows.into_iter().map(|(id, n)| (ArticleId(id), n)).collect())
    }
}
