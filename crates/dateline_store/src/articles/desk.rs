//! What the newsroom lists, in any status: its articles list (narrowed by
//! status, section, author, source and headline, and by what the staff
//! member may open), the review queue's count, and what is due soon.

use dateline_core::{
    ArticleId, ArticleStatus, PersonId, SectionId, SourceId, UserId, article_path,
};
use jiff::Timestamp;

use super::contains_pattern;
use crate::{Result, Store, StoreError, read, rows::instant};

/// The columns of a [`DeskEntry`] (`DESK_COLUMNS`).
#[derive(sqlx::FromRow)]
struct DeskRow {
    id: i64,
    headline: String,
    status: String,
    section_name: String,
    updated_at: i64,
    section_slug: String,
    slug: String,
}

/// What a [`DeskRow`] selects from `articles a join sections s`.
macro_rules! desk_columns {
    () => {
        "a.id, a.headline, a.status, s.name as section_name, a.updated_at,
            s.slug as section_slug, a.slug"
    };
}

#[derive(sqlx::FromRow)]
struct DueRow {
    #[sqlx(flatten)]
    article: DeskRow,
    at: i64,
}

impl TryFrom<DeskRow> for DeskEntry {
    type Error = StoreError;

    fn try_from(row: DeskRow) -> Result<Self> {
        let id = ArticleId(row.id);
        let status = ArticleStatus::parse(&row.status)?;
        Ok(Self {
            id,
            headline: row.headline,
            live_path: status
                .is_public()
                .then(|| article_path(&row.section_slug, &row.slug, id)),
            status,
            section_name: row.section_name,
            updated_at: instant(row.updated_at)?,
        })
    }
}

/// What [`Store::articles_due`] lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Scheduled to be published.
    Scheduled,
    /// Not yet published, under an embargo that ends.
    EmbargoLifts,
}

/// An article and when it is due.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DueEntry {
    #[serde(flatten)]
    pub article: DeskEntry,
    pub at: Timestamp,
}

/// An article in the newsroom's list, in any status.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DeskEntry {
    pub id: ArticleId,
    pub headline: String,
    pub status: ArticleStatus,
    pub section_name: String,
    pub updated_at: jiff::Timestamp,
    /// The reader's page, while readers can see it.
    pub live_path: Option<String>,
}

/// Which articles the newsroom's list shows; every field narrows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeskFilter {
    pub status: Option<ArticleStatus>,
    pub section: Option<SectionId>,
    pub author: Option<PersonId>,
    pub source: Option<SourceId>,
    /// Words the headline contains, in any case.
    pub headline: Option<String>,
    /// Only what one staff member may open; `None`: everything.
    pub visible_to: Option<DeskVisibility>,
}

/// The articles one staff member may open: their own in the `own`
/// statuses, anyone's in the `any` statuses (as the roles' rules say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskVisibility {
    pub user: UserId,
    pub own: Vec<ArticleStatus>,
    pub any: Vec<ArticleStatus>,
}

/// Statuses as `,draft,in_review,`, for a `like` that finds one.
fn status_list(statuses: &[ArticleStatus]) -> String {
    let mut list = String::from(",");
    for status in statuses {
        list.push_str(status.as_str());
        list.push(',');
    }
    list
}

impl Store {
    /// The newsroom's most recently changed articles that pass `filter`,
    /// whatever their status.
    pub async fn desk_articles(&self, filter: &DeskFilter, limit: i64) -> Result<Vec<DeskEntry>> {
        // One statement for every combination: an empty value (0, '')
        // leaves its condition out.
        const SQL: &str = concat!(
            "select ",
            desk_columns!(),
            " from articles a join sections s on s.id = a.section_id
            where ($2 = '' or a.status = $2)
              and ($3 = 0 or a.section_id = $3)
              and ($4 = 0 or exists (select 1 from article_authors x
                                     where x.article_id = a.id and x.person_id = $4))
              and ($5 = 0 or a.source_id = $5)
              and ($6 = '' or lower(a.headline) like $6 escape '\\')
              and ($7 = 0
                   or (a.created_by = $7 and $8 like '%,' || a.status || ',%')
                   or $9 like '%,' || a.status || ',%')
            order by a.updated_at desc, a.id desc limit $1"
        );
        let pattern = filter
            .headline
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(contains_pattern)
            .unwrap_or_default();
        let visible = filter.visible_to.as_ref();
        let rows: Vec<DeskRow> = read!(self, |conn| sqlx::query_as(SQL)
            .bind(limit)
            .bind(filter.status.map_or("", ArticleStatus::as_str))
            .bind(filter.section.map_or(0, |s| s.0))
            .bind(filter.author.map_or(0, |p| p.0))
            .bind(filter.source.map_or(0, |s| s.0))
            .bind(pattern.as_str())
            .bind(visible.map_or(0, |v| v.user.0))
            .bind(visible.map(|v| status_list(&v.own)).unwrap_or_default())
            .bind(visible.map(|v| status_list(&v.any)).unwrap_or_default())
            .fetch_all(&mut *conn)
            .await)?;
        rows.into_iter().map(DeskEntry::try_from).collect()
    }

    /// How many articles are in `status` (the review queue's count on
    /// every editor's page).
    pub async fn count_in_status(&self, status: ArticleStatus) -> Result<i64> {
        const SQL: &str = "select count(*) from articles where status = $1";
        Ok(read!(self, |conn| sqlx::query_scalar(SQL)
            .bind(status.as_str())
            .fetch_one(&mut *conn)
            .await)?)
    }

    /// Up to `limit` articles due in `[from, until)`, soonest first: those
    /// scheduled to go out, or (`Due::EmbargoLifts`) those not yet
    /// published whose embargo ends then.
    pub async fn articles_due(
        &self,
        due: Due,
        from: Timestamp,
        until: Timestamp,
        limit: i64,
    ) -> Result<Vec<DueEntry>> {
        const SCHEDULED: &str = concat!(
            "select ",
            desk_columns!(),
            ", a.scheduled_at as at
            from articles a join sections s on s.id = a.section_id
            where a.status = 'scheduled' and a.scheduled_at >= $1 and a.scheduled_at < $2
            order by a.scheduled_at, a.id limit $3"
        );
        const EMBARGOED: &str = concat!(
            "select ",
            desk_columns!(),
            ", a.embargo_until as at
            from articles a join sections s on s.id = a.section_id
            where a.embargo_until >= $1 and a.embargo_until < $2 and a.status <> 'published'
            order by a.embargo_until, a.id limit $3"
        );
        let sql = match due {
            Due::Scheduled => SCHEDULED,
            Due::EmbargoLifts => EMBARGOED,
        };
        let rows: Vec<DueRow> = read!(self, |conn| sqlx::query_as(sql)
            .bind(from.as_microsecond())
            .bind(until.as_microsecond())
            .bind(limit)
            .fetch_all(&mut *conn)
            .await)?;
        rows.into_iter()
            .map(|row| {
                Ok(DueEntry {
                    article: DeskEntry::try_from(row.article)?,
                    at: instant(row.at)?,
                })
            })
            .collect()
    }
}
