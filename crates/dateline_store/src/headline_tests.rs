//! Headline tests: a story's other headlines (up to two beside its own)
//! shown on the fronts, each to a share of readers, until they have been
//! shown a set number of times in all; then the one clicked most often per
//! showing is adopted. Starting, stopping and the outcome each leave an
//! audit entry, and log a change of the home page and the story's section
//! front, so every node renders them anew.

use dateline_core::{ArticleId, ArticleStatus, UserId};
use jiff::Timestamp;

use crate::{
    ChangeKind, Entity, Result, Store, StoreError,
    articles::{INSERT_REVISION, editorial::audit},
    changes::append_change,
    read,
    rows::instant,
    write_tx,
};

/// Headlines a test shows besides the story's own.
pub const MAX_OTHER_HEADLINES: usize = 2;

/// A test, running or decided.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HeadlineTest {
    pub article: ArticleId,
    /// The story's headline when the test started (variant 0; the fronts
    /// show the story's headline as it stands).
    pub headline: String,
    /// The other headlines: variant `n` is `others[n - 1]`.
    pub others: Vec<String>,
    pub views_needed: i64,
    pub started_at: Timestamp,
    pub ended_at: Option<Timestamp>,
    pub winner: Option<i64>,
    /// Per variant, from 0: (shown, clicks).
    pub counts: Vec<(i64, i64)>,
}

impl HeadlineTest {
    /// How many headlines the test shows, the story's own among them.
    pub fn variants(&self) -> usize {
        self.others.len() + 1
    }

    /// Showings so far, of all the headlines.
    pub fn shown(&self) -> i64 {
        self.counts.iter().map(|(shown, _)| shown).sum()
    }

    /// Variant `variant`'s text (0: the headline the test started with).
    pub fn headline(&self, variant: usize) -> &str {
        match variant {
            0 => &self.headline,
            n => &self.others[n - 1],
        }
    }

    /// Clicks per showing of `variant`, 0 to 1.
    pub fn rate(&self, variant: usize) -> f64 {
        match self.counts[variant] {
            (0, _) => 0.0,
            (shown, clicks) => clicks as f64 / shown as f64,
        }
    }

    /// The variant clicked most often per showing (the story's own on a tie).
    pub fn leader(&self) -> usize {
        (1..self.variants()).fold(0, |best, v| {
            if self.rate(v) > self.rate(best) {
                v
            } else {
                best
            }
        })
    }
}

/// A front's showings and clicks of one variant, from the beacons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VariantCounts {
    pub article: ArticleId,
    pub variant: i64,
    pub shown: i64,
    pub clicks: i64,
}

/// Tests `where` chooses.
macro_rules! select_tests {
    ($where:literal) => {
        concat!(
            "select article_id, headline, headlines, views_needed, started_at, ended_at, winner \
             from headline_tests where ",
            $where
        )
    };
}
/// Counts `where` chooses.
macro_rules! select_counts {
    ($where:literal) => {
        concat!(
            "select article_id, variant, shown, clicks from headline_test_counts where ",
            $where
        )
    };
}
/// The story's headline as it stands is variant 0.
const START: &str = "insert into headline_tests \
     (article_id, headline, headlines, variants, views_needed, started_at, started_by) \
     select id, headline, cast($2 as text), cast($3 as bigint), cast($4 as bigint), \
     cast($5 as bigint), cast($6 as bigint) from articles where id = $1";
const RUNNING: &str =
    "select count(*) from headline_tests where article_id = $1 and ended_at is null";
/// Counts only for a running test and a variant it has; never more clicks
/// than showings (a click beacon needs no showing to be sent).
const ADD: &str = "insert into headline_test_counts (article_id, variant, shown, clicks) \
     select article_id, cast($2 as bigint), cast($3 as bigint), \
     case when cast($4 as bigint) > cast($3 as bigint) then cast($3 as bigint) \
     else cast($4 as bigint) end \
     from headline_tests where article_id = $1 and ended_at is null \
     and cast($2 as bigint) >= 0 and cast($2 as bigint) < variants \
     on conflict (article_id, variant) do update set \
     shown = headline_test_counts.shown + excluded.shown, \
     clicks = case when headline_test_counts.clicks + excluded.clicks \
     > headline_test_counts.shown + excluded.shown \
     then headline_test_counts.shown + excluded.shown \
     else headline_test_counts.clicks + excluded.clicks end";
/// The winner's headline, as the system's revision of the story.
const ADOPT: &str = "update articles set headline = $2, updated_at = $3, revision = revision + 1 \
     where id = $1 returning status, revision, standfirst, body_markdown";
const SECTION: &str = "select section_id from articles where id = $1";

type Row = (i64, String, String, i64, i64, Option<i64>, Option<i64>);
/// (story, variant, shown, clicks).
type CountRow = (i64, i64, i64, i64);

fn test_of(row: Row, counts: &[CountRow]) -> Result<HeadlineTest> {
    let (article, headline, headlines, views_needed, started_at, ended_at, winner) = row;
    let others: Vec<String> = serde_json::from_str(&headlines)
        .map_err(|e| StoreError::Corrupt(format!("headline test {article}: {e}")))?;
    let mut per_variant = vec![(0, 0); others.len() + 1];
    for &(_, variant, shown, clicks) in counts.iter().filter(|c| c.0 == article) {
        if let Some(slot) = usize::try_from(variant)
            .ok()
            .and_then(|v| per_variant.get_mut(v))
        {
            *slot = (shown, clicks);
        }
    }
    Ok(HeadlineTest {
        article: ArticleId(article),
        headline,
        others,
        views_needed,
        started_at: instant(started_at)?,
        ended_at: ended_at.map(instant).transpose()?,
        winner,
        counts: per_variant,
    })
}

/// Logs a change of the fronts that show `article`: the home page and its
/// section's.
macro_rules! fronts_changed {
    ($tx:expr, $article:expr, $now:expr) => {{
        let section: i64 = sqlx::query_scalar(SECTION)
            .bind($article.0)
            .fetch_one(&mut *$tx)
            .await?;
        append_change!($tx, Entity::Front, 0, ChangeKind::Updated, $now);
        append_change!($tx, Entity::Front, section, ChangeKind::Updated, $now);
    }};
}

impl Store {
    /// Starts a test of `others` against the story's headline, replacing
    /// an earlier, ended test of the story (and its counts); a test that
    /// runs is a [`StoreError::Conflict`].
    pub async fn start_headline_test(
        &self,
        article: ArticleId,
        others: &[String],
        views_needed: i64,
        by: UserId,
        now: Timestamp,
    ) -> Result<()> {
        let headlines = serde_json::to_string(others).expect("strings serialise");
        let detail = format!("headline test: {}", others.join(" | "));
        write_tx!(self, |tx| {
            let running: i64 = sqlx::query_scalar(RUNNING)
                .bind(article.0)
                .fetch_one(&mut *tx)
                .await?;
            if running > 0 {
                return Err(StoreError::Conflict {
                    constraint: "headline_tests_pkey".into(),
                    message: "a test of this story's headlines is running".into(),
                });
            }
            sqlx::query("delete from headline_tests where article_id = $1")
                .bind(article.0)
                .execute(&mut *tx)
                .await?;
            sqlx::query(START)
                .bind(article.0)
                .bind(&headlines)
                .bind(others.len() as i64 + 1)
                .bind(views_needed)
                .bind(now.as_microsecond())
                .bind(by.0)
                .execute(&mut *tx)
                .await?;
            audit!(tx, now, Some(by), article, "headline_test_started", &detail);
            fronts_changed!(tx, article, now);
            Ok(())
        })
    }

    /// Stops the story's test without adopting anything (false: none ran).
    pub async fn stop_headline_test(
        &self,
        article: ArticleId,
        by: UserId,
        now: Timestamp,
    ) -> Result<bool> {
        write_tx!(self, |tx| {
            let stopped = sqlx::query(
                "update headline_tests set ended_at = $2 where article_id = $1 and ended_at is null",
            )
            .bind(article.0)
            .bind(now.as_microsecond())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if stopped == 0 {
                return Ok(false);
            }
            audit!(
                tx,
                now,
                Some(by),
                article,
                "headline_test_stopped",
                "stopped before a winner was chosen"
            );
            fronts_changed!(tx, article, now);
            Ok(true)
        })
    }

    /// The story's latest test, if it has had one.
    pub async fn headline_test(&self, article: ArticleId) -> Result<Option<HeadlineTest>> {
        let (row, counts): (Option<Row>, Vec<CountRow>) = read!(self, |conn| {
            let row = sqlx::query_as(select_tests!("article_id = $1"))
                .bind(article.0)
                .fetch_optional(&mut *conn)
                .await?;
            let counts = sqlx::query_as(select_counts!("article_id = $1"))
                .bind(article.0)
                .fetch_all(&mut *conn)
                .await?;
            Ok::<_, sqlx::Error>((row, counts))
        })?;
        row.map(|row| test_of(row, &counts)).transpose()
    }

    /// Every running test, with its counts.
    pub async fn running_headline_tests(&self) -> Result<Vec<HeadlineTest>> {
        let (rows, counts): (Vec<Row>, Vec<CountRow>) = read!(self, |conn| {
            let rows = sqlx::query_as(select_tests!("ended_at is null"))
                .fetch_all(&mut *conn)
                .await?;
            let counts = sqlx::query_as(select_counts!(
                "article_id in (select article_id from headline_tests where ended_at is null)"
            ))
            .fetch_all(&mut *conn)
            .await?;
            Ok::<_, sqlx::Error>((rows, counts))
        })?;
        rows.into_iter().map(|row| test_of(row, &counts)).collect()
    }

    /// Adds the beacons' counts to running tests (others are dropped: a
    /// test stopped meanwhile, a variant it does not have).
    pub async fn add_headline_counts(&self, counts: &[VariantCounts]) -> Result<()> {
        write_tx!(self, |tx| {
            for c in counts {
                sqlx::query(ADD)
                    .bind(c.article.0)
                    .bind(c.variant)
                    .bind(c.shown)
                    .bind(c.clicks)
                    .execute(&mut *tx)
                    .await?;
            }
            Ok(())
        })
    }

    /// Ends a running test with `winner`, in one transaction with its
    /// outcome: the result in the audit log, and `adopt` (the winner's
    /// headline, if it is not the story's own) as the story's headline, a
    /// revision by the system that keeps the standfirst and body as they
    /// are. False: it had already ended (another node decided it).
    pub async fn decide_headline_test(
        &self,
        article: ArticleId,
        winner: usize,
        adopt: Option<&str>,
        result: &str,
        now: Timestamp,
    ) -> Result<bool> {
        write_tx!(self, |tx| {
            let decided = sqlx::query(
                "update headline_tests set ended_at = $2, winner = $3 \
                 where article_id = $1 and ended_at is null",
            )
            .bind(article.0)
            .bind(now.as_microsecond())
            .bind(winner as i64)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if decided == 0 {
                return Ok(false);
            }
            audit!(tx, now, None, article, "headline_test_decided", result);
            if let Some(headline) = adopt {
                let (status, revision, standfirst, body): (String, i64, String, String) =
                    sqlx::query_as(ADOPT)
                        .bind(article.0)
                        .bind(headline)
                        .bind(now.as_microsecond())
                        .fetch_one(&mut *tx)
                        .await?;
                sqlx::query(INSERT_REVISION)
                    .bind(article.0)
                    .bind(revision)
                    .bind(None::<i64>)
                    .bind(now.as_microsecond())
                    .bind(headline)
                    .bind(&standfirst)
                    .bind(&body)
                    .execute(&mut *tx)
                    .await?;
                crate::articles::snapshot::record_details!(tx, article, revision);
                if status == ArticleStatus::Published.as_str() {
                    append_change!(tx, Entity::Article, article.0, ChangeKind::Updated, now);
                }
            }
            fronts_changed!(tx, article, now);
            Ok(true)
        })
    }
}
