//! What the search index reads of published articles: their text and the
//! ids it filters by. The index is derived from these and rebuilt from them.

use dateline_core::{ArticleCard, ArticleId};
use jiff::Timestamp;

use super::lists::CardRow;
use crate::{Result, Store, read, rows::instant};

/// The most hits [`Store::search_hits`] reads, in one trip.
pub const HITS_PER_TRIP: usize = 16;

/// The cards of up to 16 published articles by id, with the text their
/// snippets are cut from.
const HITS: &str = card_query!(
    "select id from articles where status = 'published'
     and id in ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    "a.id",
    "a.body_markdown, a.language, "
);

#[derive(sqlx::FromRow)]
struct HitRow {
    #[sqlx(flatten)]
    card: CardRow,
    body_markdown: String,
    language: Option<String>,
}

/// A search result as the results page shows it.
#[derive(Debug, Clone)]
pub struct SearchHit {
    pub card: ArticleCard,
    pub body_markdown: String,
    /// The article's own language; `None` means the site's.
    pub language: Option<String>,
}

/// One published article as the search index keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexDocument {
    pub id: ArticleId,
    pub headline: String,
    pub standfirst: String,
    pub body_markdown: String,
    pub section: i64,
    pub source: Option<i64>,
    pub tags: Vec<i64>,
    pub authors: Vec<i64>,
    /// The article's own language; `None` means the site's.
    pub language: Option<String>,
    pub published_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct DocumentRow {
    id: i64,
    headline: String,
    standfirst: String,
    body_markdown: String,
    section_id: i64,
    source_id: Option<i64>,
    language: Option<String>,
    published_at: i64,
}

/// Published articles with ids in `($1, $2]`, by id, at most `$3`.
const DOCUMENTS: &str = "select id, headline, standfirst, body_markdown, section_id, source_id,
        language, coalesce(first_published_at, updated_at) as published_at
    from articles
    where status = 'published' and id > $1 and id <= $2
    order by id limit $3";
const TAGS: &str = "select article_id, tag_id from article_tags
    where article_id > $1 and article_id <= $2";
const AUTHORS: &str = "select article_id, person_id from article_authors
    where article_id > $1 and article_id <= $2 order by article_id, position";

impl Store {
    /// The published ones among the first [`HITS_PER_TRIP`] of `ids`, in
    /// their order, in one trip: what the index found, as readers may see it.
    pub async fn search_hits(&self, ids: &[ArticleId]) -> Result<Vec<SearchHit>> {
        let ids = &ids[..ids.len().min(HITS_PER_TRIP)];
        let rows: Vec<HitRow> = read!(self, |pool| {
            let mut query = sqlx::query_as(HITS);
            for slot in 0..HITS_PER_TRIP {
                query = query.bind(ids.get(slot).map_or(-1, |id| id.0));
            }
            query.fetch_all(&mut *pool).await
        })?;
        let mut hits = rows
            .into_iter()
            .map(|r| {
                Ok(SearchHit {
                    card: ArticleCard::try_from(r.card)?,
                    body_markdown: r.body_markdown,
                    language: r.language,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        hits.sort_by_key(|h| ids.iter().position(|id| *id == h.card.id));
        Ok(hits)
    }

    /// The article `id` as the index keeps it; `None` unless it is published.
    pub async fn index_document(&self, id: ArticleId) -> Result<Option<IndexDocument>> {
        Ok(self.index_documents(id.0 - 1, id.0, 1).await?.pop())
    }

    /// Up to `limit` published articles with ids above `after`, by id: for
    /// building the index in batches.
    pub async fn index_documents_after(
        &self,
        after: ArticleId,
        limit: usize,
    ) -> Result<Vec<IndexDocument>> {
        self.index_documents(after.0, i64::MAX, limit).await
    }

    async fn index_documents(
        &self,
        after: i64,
        up_to: i64,
        limit: usize,
    ) -> Result<Vec<IndexDocument>> {
        read!(self, |pool| {
            let rows: Vec<DocumentRow> = sqlx::query_as(DOCUMENTS)
                .bind(after)
                .bind(up_to)
                .bind(limit as i64)
                .fetch_all(&mut *pool)
                .await?;
            let Some(last) = rows.last().map(|r| r.id) else {
                return Ok(Vec::new());
            };
            // The links of the batch's id range, found by the primary keys.
            let tags: Vec<(i64, i64)> = sqlx::query_as(TAGS)
                .bind(after)
                .bind(last)
                .fetch_all(&mut *pool)
                .await?;
            let authors: Vec<(i64, i64)> = sqlx::query_as(AUTHORS)
                .bind(after)
                .bind(last)
                .fetch_all(&mut *pool)
                .await?;
            let mut tags = group(tags);
            let mut authors = group(authors);
            rows.into_iter()
                .map(|r| {
                    Ok(IndexDocument {
                        id: ArticleId(r.id),
                        tags: tags.remove(&r.id).unwrap_or_default(),
                        authors: authors.remove(&r.id).unwrap_or_default(),
                        headline: r.headline,
                        standfirst: r.standfirst,
                        body_markdown: r.body_markdown,
                        section: r.section_id,
                        source: r.source_id,
                        language: r.language,
                        published_at: instant(r.published_at)?,
                    })
                })
                .collect()
        })
    }
}

/// `(article, other)` pairs as each article's others, in their order.
fn group(pairs: Vec<(i64, i64)>) -> std::collections::HashMap<i64, Vec<i64>> {
    let mut grouped: std::collections::HashMap<i64, Vec<i64>> = std::collections::HashMap::new();
    for (article, other) in pairs {
        grouped.entry(article).or_default().push(other);
    }
    grouped
}

impl Store {
    /// Every published article's known topic label (synthetic articles
    /// have one), by id: for measuring "More like this".
    pub async fn corpus_labels(&self) -> Result<Vec<(ArticleId, String)>> {
        const SQL: &str = "select id, corpus_label from articles
            where status = 'published' and corpus_label is not null order by id";
        let rows: Vec<(i64, String)> =
            read!(self, |pool| sqlx::query_as(SQL).fetch_all(&mut *pool).await)?;
        Ok(rows.into_iter().map(|(id, l)| (ArticleId(id), l)).collect())
    }
}
