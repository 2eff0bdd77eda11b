//! Lists of published articles as cards: the home page, fronts, tag, topic
//! and author pages.

use dateline_core::{ArticleCard, ArticleId, Named, PersonId, SectionId, TagId, TopicId};

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

/// `text` for a `like … escape '\'` pattern that finds it anywhere.
pub(crate) fn contains_pattern(text: &str) -> String {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}
