use dateline_core::{
    Article, ArticleCard, ArticleId, ArticleStatus, Correction, CorrectionKind, Figure, Named,
    SectionId, Source,
};

use crate::{
    Result, Store, StoreError,
    catalog::SourceRow,
    read,
    rows::{dimension, instant, opt_instant},
};

/// Which published articles a list shows, newest first.
#[derive(Debug, Clone, Copy, Default)]
pub enum ArticleList {
    #[default]
    All,
    Section(SectionId),
}

#[derive(sqlx::FromRow)]
struct ArticleRow {
    id: i64,
    slug: String,
    status: String,
    headline: String,
    standfirst: String,
    body_html: String,
    section_slug: String,
    section_name: String,
    source_id: Option<i64>,
    editor_slug: Option<String>,
    editor_name: Option<String>,
    place: Option<String>,
    language: Option<String>,
    created_at: i64,
    first_published_at: Option<i64>,
    updated_at: i64,
    #[sqlx(flatten)]
    image: ImageColumns,
}

/// The lead image's columns, joined from `media` with the per-use overrides.
#[derive(sqlx::FromRow)]
struct ImageColumns {
    image_path: Option<String>,
    image_width: Option<i64>,
    image_height: Option<i64>,
    image_alt: Option<String>,
    image_caption: Option<String>,
    image_credit: Option<String>,
}

impl ImageColumns {
    fn into_figure(self) -> Result<Option<Figure>> {
        let (Some(path), Some(width), Some(height)) =
            (self.image_path, self.image_width, self.image_height)
        else {
            return Ok(None);
        };
        Ok(Some(Figure {
            path,
            width: dimension(width)?,
            height: dimension(height)?,
            alt: self.image_alt.unwrap_or_default(),
            caption: self.image_caption.unwrap_or_default(),
            credit: self.image_credit.unwrap_or_default(),
        }))
    }
}

/// The columns `ImageColumns` reads, for statements that join `media m` to `articles a`.
macro_rules! image_columns {
    () => {
        "m.path as image_path, m.width as image_width, m.height as image_height,
        m.alt as image_alt, coalesce(a.lead_caption, m.caption) as image_caption,
        coalesce(a.lead_credit, m.credit) as image_credit"
    };
}

const ARTICLE_SQL: &str = concat!(
    "select a.id, a.slug, a.status, a.headline, a.standfirst, a.body_html,
        s.slug as section_slug, s.name as section_name, a.source_id,
        e.slug as editor_slug, e.name as editor_name, a.place, a.language,
        a.created_at, a.first_published_at, a.updated_at, ",
    image_columns!(),
    " from articles a
    join sections s on s.id = a.section_id
    left join people e on e.id = a.edited_by_id
    left join media m on m.id = a.lead_media_id
    where a.id = $1"
);

#[derive(sqlx::FromRow)]
struct CardRow {
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

/// Cards are built from one statement per list shape; the `where` differs.
/// The page of ids is chosen first from the partial index alone, so that a
/// deep page (a large offset) skips index entries, not whole article rows.
macro_rules! card_query {
    ($where:literal) => {
        concat!(
            "select a.id, a.slug, s.slug as section_slug, s.name as section_name, a.headline, a.standfirst,
                src.name as source_name, a.first_published_at, ",
            image_columns!(),
            " from (select id from articles where status = 'published' ",
            $where,
            " order by first_published_at desc, id desc limit $1 offset $2) page
            join articles a on a.id = page.id
            join sections s on s.id = a.section_id
            left join sources src on src.id = a.source_id
            left join media m on m.id = a.lead_media_id
            order by a.first_published_at desc, a.id desc"
        )
    };
}

impl Store {
    /// The article with this id in any status; callers decide who may see it.
    pub async fn article(&self, id: ArticleId) -> Result<Option<Article>> {
        let row: Option<ArticleRow> = read!(self, |pool| sqlx::query_as(ARTICLE_SQL)
            .bind(id.0)
            .fetch_optional(pool)
            .await)?;
        let Some(row) = row else { return Ok(None) };

        const SOURCE: &str = "select id, slug, name, notice, full_text_in_feeds, full_text_in_api,
            full_text_in_federation from sources where id = $1";
        const AUTHORS: &str =
            "select p.slug, p.name from article_authors aa join people p on p.id = aa.person_id
            where aa.article_id = $1 order by aa.position";
        const TAGS: &str =
            "select t.slug, t.name from article_tags at join tags t on t.id = at.tag_id
            where at.article_id = $1 order by t.name";
        const TOPICS: &str =
            "select t.slug, t.name from article_topics at join topics t on t.id = at.topic_id
            where at.article_id = $1 order by t.name";
        const CORRECTIONS: &str =
            "select kind, note, created_at from corrections where article_id = $1
            order by created_at, id";
        let (source, authors, tags, topics, corrections) = read!(self, |pool| {
            let source: Option<SourceRow> = match row.source_id {
                Some(sid) => Some(sqlx::query_as(SOURCE).bind(sid).fetch_one(pool).await?),
                None => None,
            };
            let authors: Vec<(String, String)> =
                sqlx::query_as(AUTHORS).bind(id.0).fetch_all(pool).await?;
            let tags: Vec<(String, String)> =
                sqlx::query_as(TAGS).bind(id.0).fetch_all(pool).await?;
            let topics: Vec<(String, String)> =
                sqlx::query_as(TOPICS).bind(id.0).fetch_all(pool).await?;
            let corrections: Vec<(String, String, i64)> = sqlx::query_as(CORRECTIONS)
                .bind(id.0)
                .fetch_all(pool)
                .await?;
            (source, authors, tags, topics, corrections)
        });
        let named = |v: Vec<(String, String)>| {
            v.into_iter()
                .map(|(slug, name)| Named { slug, name })
                .collect()
        };
        let corrections = corrections
            .into_iter()
            .map(|(kind, note, at)| {
                Ok(Correction {
                    kind: CorrectionKind::parse(&kind)
                        .ok_or_else(|| StoreError::Corrupt(format!("correction kind {kind:?}")))?,
                    note,
                    at: instant(at)?,
                })
            })
            .collect::<Result<_>>()?;

        Ok(Some(Article {
            id: ArticleId(row.id),
            slug: row.slug,
            status: ArticleStatus::parse(&row.status)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            headline: row.headline,
            standfirst: row.standfirst,
            body_html: row.body_html,
            section: Named {
                slug: row.section_slug,
                name: row.section_name,
            },
            source: source.map(Source::from),
            authors: named(authors),
            edited_by: row
                .editor_slug
                .zip(row.editor_name)
                .map(|(slug, name)| Named { slug, name }),
            place: row.place,
            tags: named(tags),
            topics: named(topics),
            lead_image: row.image.into_figure()?,
            language: row.language,
            created_at: instant(row.created_at)?,
            first_published_at: opt_instant(row.first_published_at)?,
            updated_at: instant(row.updated_at)?,
            corrections,
        }))
    }

    /// Published articles, newest first.
    pub async fn published_articles(
        &self,
        list: ArticleList,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<ArticleCard>> {
        let rows: Vec<CardRow> = match list {
            ArticleList::All => read!(self, |pool| sqlx::query_as(card_query!(""))
                .bind(limit)
                .bind(offset)
                .fetch_all(pool)
                .await)?,
            ArticleList::Section(section) => read!(self, |pool| sqlx::query_as(card_query!(
                "and section_id = $3"
            ))
            .bind(limit)
            .bind(offset)
            .bind(section.0)
            .fetch_all(pool)
            .await)?,
        };
        rows.into_iter().map(ArticleCard::try_from).collect()
    }

    pub async fn count_published_articles(&self, list: ArticleList) -> Result<i64> {
        const ALL: &str = "select count(*) from articles where status = 'published'";
        const SECTION: &str =
            "select count(*) from articles where status = 'published' and section_id = $1";
        Ok(match list {
            ArticleList::All => read!(self, |pool| sqlx::query_scalar(ALL).fetch_one(pool).await)?,
            ArticleList::Section(s) => read!(self, |pool| sqlx::query_scalar(SECTION)
                .bind(s.0)
                .fetch_one(pool)
                .await)?,
        })
    }
}
