//! What an article's details were at each revision, in the words the
//! editor saw (names, not ids), kept with the revision: the revisions page
//! says what changed, even after a byline or a tag is renamed.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DetailsSnapshot {
    pub section: String,
    pub kind: String,
    pub address: String,
    pub bylines: Vec<String>,
    pub edited_by: Option<String>,
    pub source: Option<String>,
    pub place: Option<String>,
    pub tags: Vec<String>,
    pub topics: Vec<String>,
    /// "42 Headline", in order.
    pub related: Vec<String>,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
    /// The picture's alt text and library number.
    pub lead_picture: Option<String>,
    pub lead_caption: Option<String>,
    pub lead_credit: Option<String>,
}

pub(crate) type Row = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
);

pub(crate) const ROW: &str = "select s.name, a.kind, a.slug, p.name, src.name, a.place,
        a.seo_title, a.seo_description, m.id, m.alt, a.lead_caption, a.lead_credit
    from articles a join sections s on s.id = a.section_id
    left join people p on p.id = a.edited_by_id
    left join sources src on src.id = a.source_id
    left join media m on m.id = a.lead_media_id
    where a.id = $1";
pub(crate) const BYLINES: &str = "select p.name from article_authors x
    join people p on p.id = x.person_id where x.article_id = $1 order by x.position";
pub(crate) const TAGS: &str = "select t.name from article_tags x
    join tags t on t.id = x.tag_id where x.article_id = $1 order by t.name";
pub(crate) const TOPICS: &str = "select t.name from article_topics x
    join topics t on t.id = x.topic_id where x.article_id = $1 order by t.name";
pub(crate) const RELATED: &str = "select r.id, r.headline from article_related x
    join articles r on r.id = x.related_id where x.article_id = $1 order by x.position";
pub(crate) const RECORD: &str =
    "update article_revisions set details = $3 where article_id = $1 and number = $2";

pub(crate) fn snapshot_of(
    row: Row,
    bylines: Vec<String>,
    tags: Vec<String>,
    topics: Vec<String>,
    related: Vec<(i64, String)>,
) -> DetailsSnapshot {
    let (section, kind, address, edited_by, source, place, seo_title, seo_description) =
        (row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7);
    let (media, alt, lead_caption, lead_credit) = (row.8, row.9, row.10, row.11);
    DetailsSnapshot {
        section,
        kind,
        address,
        bylines,
        edited_by,
        source,
        place,
        tags,
        topics,
        related: related
            .into_iter()
            .map(|(id, headline)| format!("{id} {headline}"))
            .collect(),
        seo_title,
        seo_description,
        lead_picture: media.map(|m| format!("{} (picture {m})", alt.unwrap_or_default())),
        lead_caption,
        lead_credit,
    }
}

/// Records, inside `$tx`, the details of article `$id` as they now stand
/// on its revision `$revision`.
macro_rules! record_details {
    ($tx:expr, $id:expr, $revision:expr) => {{
        use crate::articles::snapshot as s;
        let id: dateline_core::ArticleId = $id;
        let row: s::Row = sqlx::query_as(s::ROW)
            .bind(id.0)
            .fetch_one(&mut *$tx)
            .await?;
        let bylines: Vec<String> = sqlx::query_scalar(s::BYLINES)
            .bind(id.0)
            .fetch_all(&mut *$tx)
            .await?;
        let tags: Vec<String> = sqlx::query_scalar(s::TAGS)
            .bind(id.0)
            .fetch_all(&mut *$tx)
            .await?;
        let topics: Vec<String> = sqlx::query_scalar(s::TOPICS)
            .bind(id.0)
            .fetch_all(&mut *$tx)
            .await?;
        let related: Vec<(i64, String)> = sqlx::query_as(s::RELATED)
            .bind(id.0)
            .fetch_all(&mut *$tx)
            .await?;
        let snapshot = s::snapshot_of(row, bylines, tags, topics, related);
        let json = serde_json::to_string(&snapshot)
            .map_err(|e| crate::StoreError::Corrupt(format!("details snapshot: {e}")))?;
        sqlx::query(s::RECORD)
            .bind(id.0)
            .bind($revision)
            .bind(json)
            .execute(&mut *$tx)
            .await?;
    }};
}

pub(crate) use record_details;
