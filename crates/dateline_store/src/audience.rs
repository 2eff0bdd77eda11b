//! What the audience dashboard draws: views by hour and by section, the
//! newsroom's output by day and desk, and newsletter subscribers by day.
//! Days are counted in the site's zone, given as its offset from UTC.

use dateline_core::ArticleId;
use jiff::Timestamp;

use crate::{Result, Store, read};

const DAY: i64 = 86_400_000_000;

const VIEWS_PER_HOUR: &str = "select hour, cast(sum(views) as bigint) from page_views \
     where hour >= $1 group by hour order by hour";
const VIEWS_BY_SECTION: &str = "select s.name, cast(sum(v.views) as bigint) from page_views v \
     join articles a on a.id = v.article_id join sections s on s.id = a.section_id \
     where v.hour >= $1 group by s.id, s.name order by 2 desc, s.name";
const PUBLISHED_PER_DAY: &str = "select cast((a.first_published_at + $2) / 86400000000 as bigint), \
     s.name, count(*) from articles a join sections s on s.id = a.section_id \
     where a.status = 'published' and a.first_published_at >= $1 group by 1, 2 order by 1, 2";
/// Subscribers who confirmed, by the day they did.
const JOINED_PER_DAY: &str = "select cast((confirmed_at + $1) / 86400000000 as bigint), count(*) \
     from subscribers where confirmed_at is not null group by 1 order by 1";
/// Confirmed subscribers who left, by the day they did.
const LEFT_PER_DAY: &str = "select cast((unsubscribed_at + $1) / 86400000000 as bigint), count(*) \
     from subscribers where confirmed_at is not null and unsubscribed_at >= confirmed_at \
     group by 1 order by 1";
const STORY_VIEWS: &str = "select cast(coalesce(sum(views), 0) as bigint), \
     cast(coalesce(sum(case when hour >= $2 then views else 0 end), 0) as bigint) \
     from page_views where article_id = $1";
/// Binds per trip of [`Store::total_views`].
const IDS_PER_TRIP: usize = 50;
static TOTAL_VIEWS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let slots: Vec<String> = (1..=IDS_PER_TRIP).map(|n| format!("${n}")).collect();
    format!(
        "select article_id, cast(sum(views) as bigint) from page_views \
         where article_id in ({}) group by article_id",
        slots.join(", ")
    )
});

/// (day, how many).
type DayCount = (i64, i64);

/// A day in the site's zone: days since 1970-01-01 there.
pub type Day = i64;

/// The day `at` falls on, `offset` (microseconds) east of UTC.
pub fn day_of(at: Timestamp, offset: i64) -> Day {
    (at.as_microsecond() + offset).div_euclid(DAY)
}

/// One desk's output on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskDay {
    pub day: Day,
    pub desk: String,
    pub published: i64,
}

impl Store {
    /// Views in each hour since `since`, oldest first (hours with none left out).
    pub async fn views_per_hour(&self, since: Timestamp) -> Result<Vec<(Timestamp, i64)>> {
        let rows: Vec<(i64, i64)> = read!(self, |conn| {
            sqlx::query_as(VIEWS_PER_HOUR)
                .bind(since.as_microsecond())
                .fetch_all(&mut *conn)
                .await
        })?;
        rows.into_iter()
            .map(|(hour, n)| Ok((crate::rows::instant(hour)?, n)))
            .collect()
    }

    /// Views since `since` by section, most first.
    pub async fn views_by_section(&self, since: Timestamp) -> Result<Vec<(String, i64)>> {
        Ok(read!(self, |conn| {
            sqlx::query_as(VIEWS_BY_SECTION)
                .bind(since.as_microsecond())
                .fetch_all(&mut *conn)
                .await
        })?)
    }

    /// Stories published since `since`, by day and section (the desk).
    pub async fn published_per_day(&self, since: Timestamp, offset: i64) -> Result<Vec<DeskDay>> {
        let rows: Vec<(i64, String, i64)> = read!(self, |conn| {
            sqlx::query_as(PUBLISHED_PER_DAY)
                .bind(since.as_microsecond())
                .bind(offset)
                .fetch_all(&mut *conn)
                .await
        })?;
        Ok(rows
            .into_iter()
            .map(|(day, desk, published)| DeskDay {
                day,
                desk,
                published,
            })
            .collect())
    }

    /// Confirmed newsletter subscribers at the end of each of `days`.
    pub async fn subscribers_on(&self, days: &[Day], offset: i64) -> Result<Vec<i64>> {
        let (joined, left): (Vec<DayCount>, Vec<DayCount>) = read!(self, |conn| {
            let joined = sqlx::query_as(JOINED_PER_DAY)
                .bind(offset)
                .fetch_all(&mut *conn)
                .await?;
            let left = sqlx::query_as(LEFT_PER_DAY)
                .bind(offset)
                .fetch_all(&mut *conn)
                .await?;
            Ok::<_, sqlx::Error>((joined, left))
        })?;
        let upto = |rows: &[(i64, i64)], day: Day| -> i64 {
            rows.iter().filter(|(d, _)| *d <= day).map(|(_, n)| n).sum()
        };
        Ok(days
            .iter()
            .map(|&day| upto(&joined, day) - upto(&left, day))
            .collect())
    }

    /// A story's views in all, and since `since`.
    pub async fn story_views(&self, id: ArticleId, since: Timestamp) -> Result<(i64, i64)> {
        Ok(read!(self, |conn| {
            sqlx::query_as(STORY_VIEWS)
                .bind(id.0)
                .bind(since.as_microsecond())
                .fetch_one(&mut *conn)
                .await
        })?)
    }

    /// Each of `ids`' views in all (stories never viewed left out).
    pub async fn total_views(
        &self,
        ids: &[ArticleId],
    ) -> Result<std::collections::HashMap<ArticleId, i64>> {
        let mut out = std::collections::HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(IDS_PER_TRIP) {
            let rows: Vec<(i64, i64)> = read!(self, |conn| {
                let mut query = sqlx::query_as(TOTAL_VIEWS.as_str());
                for slot in 0..IDS_PER_TRIP {
                    query = query.bind(chunk.get(slot).map_or(-1, |id| id.0));
                }
                query.fetch_all(&mut *conn).await
            })?;
            out.extend(rows.into_iter().map(|(id, n)| (ArticleId(id), n)));
        }
        Ok(out)
    }
}
