//! Lists of published articles as cards: the home page, fronts, tag, topic
//! and author pages.

use dateline_core::{
    ArticleCard, ArticleId, ArticleStatus, Named, PersonId, SectionId, SourceId, TagId, TopicId,
    UserId,
};

use super::read::ImageColumns;
use crate::{Result, Store, StoreError, read, rows::instant};

/// Which published articles a list shows. Topics keep their curated order;
/// every other list is newest first.
#[derive(Debug, Clone, Copy, Default)]
pub enum ArticleList {
    #[default]
    All,
    Section(SectionId),
    Tag(TagId),
    Topic(TopicId),
    Author(PersonId),
}

impl ArticleList {
    /// The id of the section, tag, topic or person listed, if any.
    fn id(self) -> Option<i64> {
        match self {
            Self::All => None,
            Self::Section(id) => Some(id.0),
            Self::Tag(id) => Some(id.0),
            Self::Topic(id) => Some(id.0),
            Self::Author(id) => Some(id.0),
        }
    }

    /// The statement for this kind of list from `[all, section, tag, topic, author]`.
    fn pick(self, statements: [&'static str; 5]) -> &'static str {
        let [all, section, tag, topic, author] = statements;
        match self {
            Self::All => all,
            Self::Section(_) => section,
            Self::Tag(_) => tag,
            Self::Topic(_) => topic,
            Self::Author(_) => author,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct CardRow {
    id: i64,
    slug: String,
    section_slug: String,
    section_name: String,
    headline: String,
    standfirst: String,
    source_name: Option<String>,
    first_published_at: i64,
    #[sqlx(flatten)]
    image: ImageColumns,
}

impl TryFrom<CardRow> for ArticleCard {
    type Error = StoreError;

    fn try_from(r: CardRow) -> Result<Self> {
        Ok(ArticleCard {
            id: ArticleId(r.id),
            slug: r.slug,
            section: Named {
                slug: r.section_slug,
                name: r.section_name,
            },
            headline: r.headline,
            standfirst: r.standfirst,
            source_name: r.source_name,
            published_at: instant(r.first_published_at)?,
            image: r.image.into_figure()?,
        })
    }
}

const ALL: &str = card_query!(
    "select id from articles where status = 'published'
     order by first_published_at desc, id desc limit $1 offset $2",
    "a.first_published_at desc, a.id desc"
);
const SECTION: &str = card_query!(
    "select id from articles where status = 'published' and section_id = $3
     order by first_published_at desc, id desc limit $1 offset $2",
    "a.first_published_at desc, a.id desc"
);
const TAG: &str = card_query!(
    "select x.id from article_tags t join articles x on x.id = t.article_id
     where t.tag_id = $3 and x.status = 'published'
     order by x.first_published_at desc, x.id desc limit $1 offset $2",
    "a.first_published_at desc, a.id desc"
);
const AUTHOR: &str = card_query!(
    "select x.id from article_authors t join articles x on x.id = t.article_id
     where t.person_id = $3 and x.status = 'published'
     order by x.first_published_at desc, x.id desc limit $1 offset $2",
    "a.first_published_at desc, a.id desc"
);
const TOPIC: &str = card_query!(
    "select x.id, t.position from article_topics t join articles x on x.id = t.article_id
     where t.topic_id = $3 and x.status = 'published'
     order by t.position limit $1 offset $2",
    "page.position"
);

impl Store {
    /// One page of a list of published articles.
    pub async fn published_articles(
        &self,
        list: ArticleList,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<ArticleCard>> {
        let sql = list.pick([ALL, SECTION, TAG, TOPIC, AUTHOR]);
        let id = list.id();
        let rows: Vec<CardRow> = read!(self, |pool| {
            let query = sqlx::query_as(sql).bind(limit).bind(offset);
            match id {
                Some(id) => query.bind(id).fetch_all(&mut *pool).await,
                None => query.fetch_all(&mut *pool).await,
            }
        })?;
        rows.into_iter().map(ArticleCard::try_from).collect()
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

    pub async fn count_published_articles(&self, list: ArticleList) -> Result<i64> {
        const ALL: &str = "select count(*) from articles where status = 'published'";
        const SECTION: &str =
            "select count(*) from articles where status = 'published' and section_id = $1";
        const TAG: &str =
            "select count(*) from article_tags t join articles x on x.id = t.article_id
            where t.tag_id = $1 and x.status = 'published'";
        const TOPIC: &str =
            "select count(*) from article_topics t join articles x on x.id = t.article_id
            where t.topic_id = $1 and x.status = 'published'";
        const AUTHOR: &str =
            "select count(*) from article_authors t join articles x on x.id = t.article_id
            where t.person_id = $1 and x.status = 'published'";
        let sql = list.pick([ALL, SECTION, TAG, TOPIC, AUTHOR]);
        let id = list.id();
        Ok(read!(self, |pool| {
            let query = sqlx::query_scalar(sql);
            match id {
                Some(id) => query.bind(id).fetch_one(&mut *pool).await,
                None => query.fetch_one(&mut *pool).await,
            }
        })?)
    }
}

/// Which published articles an API client asks for, newest first; every
/// field narrows the list. Names are slugs: an unknown one matches nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleFilter {
    pub section: Option<String>,
    pub tag: Option<String>,
    pub topic: Option<String>,
    pub author: Option<String>,
    pub source: Option<String>,
    /// Published at or after.
    pub since: Option<jiff::Timestamp>,
    /// Only articles after this one in the list's order (a cursor): its
    /// first publication and id.
    pub after: Option<(jiff::Timestamp, ArticleId)>,
}

impl Store {
    /// Up to `limit` published articles that pass `filter`, newest first.
    ///
    /// The statement is built for the filters given, so that each
    /// combination gets a plan of its own (the store's SQLite plans do not
    /// look at bound values) and the position is found in an index.
    pub async fn filtered_articles(
        &self,
        filter: &ArticleFilter,
        limit: i64,
    ) -> Result<Vec<ArticleCard>> {
        let rows: Vec<CardRow> = read!(self, |conn| {
            let mut q =
                sqlx::QueryBuilder::new(concat!(card_head!(""), "select x.id from articles x"));
            let joins = [
                (
                    &filter.tag,
                    " join article_tags jt on jt.article_id = x.id and jt.tag_id = (select id from tags where slug = ",
                ),
                (
                    &filter.topic,
                    " join article_topics jp on jp.article_id = x.id and jp.topic_id = (select id from topics where slug = ",
                ),
                (
                    &filter.author,
                    " join article_authors ja on ja.article_id = x.id and ja.person_id = (select id from people where slug = ",
                ),
            ];
            for (slug, join) in joins {
                if let Some(slug) = slug {
                    q.push(join).push_bind(slug.as_str()).push(")");
                }
            }
            q.push(" where x.status = 'published'");
            if let Some(slug) = &filter.section {
                q.push(" and x.section_id = (select id from sections where slug = ")
                    .push_bind(slug.as_str())
                    .push(")");
            }
            if let Some(slug) = &filter.source {
                q.push(" and x.source_id = (select id from sources where slug = ")
                    .push_bind(slug.as_str())
                    .push(")");
            }
            if let Some(since) = filter.since {
                q.push(" and x.first_published_at >= ")
                    .push_bind(since.as_microsecond());
            }
            if let Some((at, id)) = filter.after {
                let at = at.as_microsecond();
                q.push(" and (x.first_published_at < ")
                    .push_bind(at)
                    .push(" or (x.first_published_at = ")
                    .push_bind(at)
                    .push(" and x.id < ")
                    .push_bind(id.0)
                    .push("))");
            }
            q.push(" order by x.first_published_at desc, x.id desc limit ")
                .push_bind(limit)
                .push(concat!(
                    card_tail!(),
                    "a.first_published_at desc, a.id desc"
                ));
            q.build_query_as().fetch_all(&mut *conn).await
        })?;
        rows.into_iter().map(ArticleCard::try_from).collect()
    }
}

/// An article in the newsroom's list, in any status.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DeskEntry {
    pub id: ArticleId,
    pub headline: String,
    pub status: ArticleStatus,
    pub section_name: String,
    pub updated_at: jiff::Timestamp,
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

/// `text` for a `like … escape '\'` pattern that finds it anywhere.
pub(crate) fn contains_pattern(text: &str) -> String {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

impl Store {
    /// The newsroom's most recently changed articles that pass `filter`,
    /// whatever their status.
    pub async fn desk_articles(&self, filter: &DeskFilter, limit: i64) -> Result<Vec<DeskEntry>> {
        // One statement for every combination: an empty value (0, '')
        // leaves its condition out.
        const SQL: &str = "select a.id, a.headline, a.status, s.name, a.updated_at
            from articles a join sections s on s.id = a.section_id
            where ($2 = '' or a.status = $2)
              and ($3 = 0 or a.section_id = $3)
              and ($4 = 0 or exists (select 1 from article_authors x
                                     where x.article_id = a.id and x.person_id = $4))
              and ($5 = 0 or a.source_id = $5)
              and ($6 = '' or lower(a.headline) like $6 escape '\\')
              and ($7 = 0
                   or (a.created_by = $7 and $8 like '%,' || a.status || ',%')
                   or $9 like '%,' || a.status || ',%')
            order by a.updated_at desc, a.id desc limit $1";
        let pattern = filter
            .headline
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(contains_pattern)
            .unwrap_or_default();
        let visible = filter.visible_to.as_ref();
        let rows: Vec<(i64, String, String, String, i64)> =
            read!(self, |conn| sqlx::query_as(SQL)
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
        rows.into_iter()
            .map(|(id, headline, status, section_name, updated_at)| {
                Ok(DeskEntry {
                    id: ArticleId(id),
                    headline,
                    status: ArticleStatus::parse(&status)?,
                    section_name,
                    updated_at: instant(updated_at)?,
                })
            })
            .collect()
    }
}
