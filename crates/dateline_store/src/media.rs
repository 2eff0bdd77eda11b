//! Uploaded pictures: the library's rows, the job that makes their
//! renditions, and the search the newsroom browses them with.

use dateline_core::{Invalid, MediaId, NewMedia, Renditions, Text};
use jiff::Timestamp;

use crate::{
    ChangeKind, Entity, Result, Store, StoreError, changes::append_change, jobs::enqueue_in, read,
    rows::instant, write_tx,
};

/// The job that makes an uploaded picture's renditions.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct MakeRenditions {
    pub media: i64,
}

impl crate::JobKind for MakeRenditions {
    const KIND: &'static str = "media_renditions";
    const MAX_ATTEMPTS: i64 = 5;
}

/// A checked upload, its original already in the blob store.
#[derive(Debug, Clone)]
pub struct NewUpload {
    /// Hex SHA-256 of the original's bytes: the same file uploaded twice is one item.
    pub sha256: String,
    pub original_key: String,
    pub content_type: String,
    /// Upright (after the EXIF orientation).
    pub width: u32,
    pub height: u32,
    pub byte_size: u64,
    pub alt: Text,
    pub caption: String,
    pub credit: String,
}

/// A picture as the library shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LibraryItem {
    pub id: MediaId,
    /// Under `/media/` for the demo's pictures (which have no renditions).
    pub path: String,
    /// As its bytes say, not as the upload declared.
    pub content_type: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
    pub caption: String,
    pub credit: String,
    pub focal_x: f64,
    pub focal_y: f64,
    pub uploaded: bool,
    pub renditions: Option<Renditions>,
    pub created_at: Timestamp,
}

/// What the library's search narrows to; empty fields leave it wide.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MediaFilter {
    /// Words in the caption, credit or alt text, in any case.
    pub words: Option<String>,
    pub from: Option<Timestamp>,
    pub until: Option<Timestamp>,
}

/// Where an upload's original is and where its subject is, for the job.
#[derive(Debug, Clone, PartialEq)]
pub struct UploadSource {
    pub original_key: String,
    pub focal_x: f64,
    pub focal_y: f64,
}

type ItemRow = (
    i64,
    String,
    String,
    i64,
    i64,
    String,
    String,
    String,
    f64,
    f64,
    Option<String>,
    Option<String>,
    i64,
);

macro_rules! item_columns {
    () => {
        "id, path, content_type, width, height, alt, caption, credit, focal_x, focal_y,
        original_key, renditions, created_at"
    };
}

fn item(
    (id, path, content_type, w, h, alt, caption, credit, fx, fy, original, renditions, at): ItemRow,
) -> Result<LibraryItem> {
    let renditions = renditions
        .map(|json| {
            serde_json::from_str(&json)
                .map_err(|e| StoreError::Corrupt(format!("renditions of media {id}: {e}")))
        })
        .transpose()?;
    Ok(LibraryItem {
        id: MediaId(id),
        path,
        content_type,
        width: crate::rows::dimension(w)?,
        height: crate::rows::dimension(h)?,
        alt,
        caption,
        credit,
        focal_x: fx,
        focal_y: fy,
        uploaded: original.is_some(),
        renditions,
        created_at: instant(at)?,
    })
}

/// Enqueues a renditions job for media `$id` inside `$tx`, in the same
/// transaction as the change that needs it, so it needs no idempotency key:
/// a focus set back to an earlier value, or a failed job's picture uploaded
/// again, is made again.
macro_rules! enqueue_renditions {
    ($tx:expr, $id:expr, $now:expr) => {
        enqueue_in!(
            $tx,
            &crate::NewJob::of(&MakeRenditions { media: $id }, $now, None),
            $now
        )
    };
}

impl Store {
    /// Adds an upload to the library and enqueues its renditions in the same
    /// transaction. The same file again is the item it already is:
    /// `(id, false)`.
    pub async fn add_upload(&self, new: &NewUpload, now: Timestamp) -> Result<(MediaId, bool)> {
        const INSERT: &str = "insert into media (path, content_type, width, height, alt, caption,
                credit, created_at, sha256, original_key, byte_size)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $1, $10)
            on conflict (sha256) where sha256 is not null do nothing returning id";
        const EXISTING: &str = "select id, renditions is null from media where sha256 = $1";
        write_tx!(self, |tx| {
            let id: Option<i64> = sqlx::query_scalar(INSERT)
                .bind(&new.original_key)
                .bind(&new.content_type)
                .bind(i64::from(new.width))
                .bind(i64::from(new.height))
                .bind(new.alt.as_str())
                .bind(new.caption.trim())
                .bind(new.credit.trim())
                .bind(now.as_microsecond())
                .bind(&new.sha256)
                .bind(i64::try_from(new.byte_size).unwrap_or(i64::MAX))
                .fetch_optional(&mut *tx)
                .await?;
            let Some(id) = id else {
                let (id, unmade): (i64, bool) = sqlx::query_as(EXISTING)
                    .bind(&new.sha256)
                    .fetch_one(&mut *tx)
                    .await?;
                if unmade {
                    // Its job may have given up: uploading it again retries.
                    enqueue_renditions!(tx, id, now);
                }
                return Ok((MediaId(id), false));
            };
            enqueue_renditions!(tx, id, now);
            append_change!(tx, Entity::Media, id, ChangeKind::Created, now);
            Ok((MediaId(id), true))
        })
    }

    pub async fn upload_source(&self, id: MediaId) -> Result<Option<UploadSource>> {
        const SQL: &str = "select original_key, focal_x, focal_y from media
            where id = $1 and original_key is not null";
        let row: Option<(String, f64, f64)> = read!(self, |conn| sqlx::query_as(SQL)
            .bind(id.0)
            .fetch_optional(&mut *conn)
            .await)?;
        Ok(row.map(|(original_key, focal_x, focal_y)| UploadSource {
            original_key,
            focal_x,
            focal_y,
        }))
    }

    /// Records a picture's renditions; pages showing it are rendered again.
    pub async fn set_renditions(
        &self,
        id: MediaId,
        renditions: &Renditions,
        now: Timestamp,
    ) -> Result<()> {
        const SQL: &str = "update media set renditions = $2 where id = $1";
        let json = serde_json::to_string(renditions)
            .map_err(|e| StoreError::Corrupt(format!("renditions: {e}")))?;
        write_tx!(self, |tx| {
            let updated = sqlx::query(SQL)
                .bind(id.0)
                .bind(&json)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if updated == 0 {
                return Err(StoreError::NotFound);
            }
            append_change!(tx, Entity::Media, id.0, ChangeKind::Updated, now);
        });
        Ok(())
    }

    /// Changes a picture's texts and focus; a new focus remakes its crops.
    pub async fn update_media(
        &self,
        id: MediaId,
        alt: &Text,
        caption: &str,
        credit: &str,
        focus: (f64, f64),
        now: Timestamp,
    ) -> Result<()> {
        const BEFORE: &str = "select focal_x, focal_y, original_key from media where id = $1";
        const SQL: &str = "update media set alt = $2, caption = $3, credit = $4, focal_x = $5,
            focal_y = $6 where id = $1";
        let (fx, fy) = focus;
        if !(0.0..=1.0).contains(&fx) || !(0.0..=1.0).contains(&fy) {
            return Err(Invalid::new("focus", "must be within the picture (0 to 100 %)").into());
        }
        write_tx!(self, |tx| {
            let before: Option<(f64, f64, Option<String>)> = sqlx::query_as(BEFORE)
                .bind(id.0)
                .fetch_optional(&mut *tx)
                .await?;
            let Some((old_x, old_y, original)) = before else {
                return Err(StoreError::NotFound);
            };
            sqlx::query(SQL)
                .bind(id.0)
                .bind(alt.as_str())
                .bind(caption.trim())
                .bind(credit.trim())
                .bind(fx)
                .bind(fy)
                .execute(&mut *tx)
                .await?;
            // A new focus needs new crops.
            if original.is_some() && (old_x, old_y) != (fx, fy) {
                enqueue_renditions!(tx, id.0, now);
            }
            append_change!(tx, Entity::Media, id.0, ChangeKind::Updated, now);
        });
        Ok(())
    }

    pub async fn library_item(&self, id: MediaId) -> Result<Option<LibraryItem>> {
        const SQL: &str = concat!("select ", item_columns!(), " from media where id = $1");
        let row: Option<ItemRow> = read!(self, |conn| sqlx::query_as(SQL)
            .bind(id.0)
            .fetch_optional(&mut *conn)
            .await)?;
        row.map(item).transpose()
    }

    /// The newest `limit` pictures that pass `filter`.
    pub async fn library(&self, filter: &MediaFilter, limit: i64) -> Result<Vec<LibraryItem>> {
        const SQL: &str = concat!(
            "select ",
            item_columns!(),
            " from media
            where ($2 = '' or lower(caption) like $2 escape '\\' or lower(credit) like $2 escape '\\'
                   or lower(alt) like $2 escape '\\')
              and ($3 = 0 or created_at >= $3)
              and ($4 = 0 or created_at < $4)
            order by created_at desc, id desc limit $1"
        );
        let pattern = filter
            .words
            .as_deref()
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .map(crate::articles::contains_pattern)
            .unwrap_or_default();
        let rows: Vec<ItemRow> = read!(self, |conn| sqlx::query_as(SQL)
            .bind(limit)
            .bind(pattern)
            .bind(filter.from.map_or(0, |t| t.as_microsecond()))
            .bind(filter.until.map_or(0, |t| t.as_microsecond()))
            .fetch_all(&mut *conn)
            .await)?;
        rows.into_iter().map(item).collect()
    }
}

impl Store {
    /// What shows picture `id`: the articles with it as their lead image
    /// and the topics with it as their picture.
    pub async fn media_users(&self, id: MediaId) -> Result<(Vec<i64>, Vec<i64>)> {
        // Lead pictures, and pictures in the text as the editor writes
        // their directive (`::figure{media=42 …}`, the number first).
        const ARTICLES: &str = "select id from articles where lead_media_id = $1
            or body_markdown like $2 or body_markdown like $3";
        const TOPICS: &str = "select id from topics where image_media_id = $1";
        read!(self, |conn| {
            let articles: Vec<i64> = sqlx::query_scalar(ARTICLES)
                .bind(id.0)
                .bind(format!("%::figure{{media={} %", id.0))
                .bind(format!("%::figure{{media={}}}%", id.0))
                .fetch_all(&mut *conn)
                .await?;
            let topics: Vec<i64> = sqlx::query_scalar(TOPICS)
                .bind(id.0)
                .fetch_all(&mut *conn)
                .await?;
            Ok::<_, StoreError>((articles, topics))
        })
    }
}

/// An item of the media library, for pickers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MediaItem {
    pub id: MediaId,
    pub path: String,
    pub alt: String,
    pub caption: String,
    pub credit: String,
}

impl Store {
    pub async fn create_media(&self, new: &NewMedia, now: Timestamp) -> Result<MediaId> {
        const SQL: &str = "insert into media (path, content_type, width, height, alt, caption, credit, created_at)
            values ($1, $2, $3, $4, $5, $6, $7, $8) returning id";
        let id = write_tx!(self, |tx| {
            let id: i64 = sqlx::query_scalar(SQL)
                .bind(&new.path)
                .bind(&new.content_type)
                .bind(i64::from(new.width))
                .bind(i64::from(new.height))
                .bind(new.alt.as_str())
                .bind(&new.caption)
                .bind(&new.credit)
                .bind(now.as_microsecond())
                .fetch_one(&mut *tx)
                .await?;
            append_change!(tx, Entity::Media, id, ChangeKind::Created, now);
            id
        });
        Ok(MediaId(id))
    }

    /// The newest `limit` items of the media library.
    pub async fn media_items(&self, limit: i64) -> Result<Vec<MediaItem>> {
        const SQL: &str = "select id, path, alt, caption, credit from media
            order by created_at desc, id desc limit $1";
        let rows: Vec<(i64, String, String, String, String)> =
            read!(self, |conn| sqlx::query_as(SQL)
                .bind(limit)
                .fetch_all(&mut *conn)
                .await)?;
        Ok(rows
            .into_iter()
            .map(|(id, path, alt, caption, credit)| MediaItem {
                id: MediaId(id),
                path,
                alt,
                caption,
                credit,
            })
            .collect())
    }
}
