//! What the search index reads of published articles: their text and the
//! ids it filters by. The index is derived from these and rebuilt from them.

use dateline_core::ArticleId;
use jiff::Timestamp;

use crate::{Result, Store, read, rows::instant};

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
