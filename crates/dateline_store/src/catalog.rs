//! What articles refer to: sections, people, sources, tags, topics, media.

use dateline_core::{
    MediaId, NewMedia, NewPerson, NewSection, NewSource, NewTopic, Person, PersonId, Section,
    SectionId, Source, SourceId, SourceRights, Tag, TagId, Text, Topic, TopicId,
};
use jiff::Timestamp;

use crate::{ChangeKind, Entity, Result, Store, changes::append_change, read, write_tx};

#[derive(sqlx::FromRow)]
struct SectionRow {
    id: i64,
    slug: String,
    name: String,
    parent_id: Option<i64>,
    position: i64,
}

impl From<SectionRow> for Section {
    fn from(r: SectionRow) -> Self {
        Section {
            id: SectionId(r.id),
            slug: r.slug,
            name: r.name,
            parent_id: r.parent_id.map(SectionId),
            position: r.position,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct SourceRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub notice: Option<String>,
    pub full_text_in_feeds: bool,
    pub full_text_in_api: bool,
    pub full_text_in_federation: bool,
}

impl From<SourceRow> for Source {
    fn from(r: SourceRow) -> Self {
        Source {
            id: SourceId(r.id),
            slug: r.slug,
            name: r.name,
            notice: r.notice,
            rights: SourceRights {
                full_text_in_feeds: r.full_text_in_feeds,
                full_text_in_api: r.full_text_in_api,
                full_text_in_federation: r.full_text_in_federation,
            },
        }
    }
}

impl Store {
    pub async fn create_section(&self, new: &NewSection, now: Timestamp) -> Result<SectionId> {
        const SQL: &str =
            "insert into sections (slug, name, parent_id, position, created_at, updated_at)
            values ($1, $2, $3, $4, $5, $5) returning id";
        let id = write_tx!(self, |tx| {
            // Sections and static pages share the first path segment.
            let pages: i64 = sqlx::query_scalar(crate::taxonomy::SLUG_TAKEN_BY_PAGE)
                .bind(new.slug.as_str())
                .fetch_one(&mut *tx)
                .await?;
            if pages > 0 {
                return Err(crate::taxonomy::slug_taken(new.slug.as_str(), "page"));
            }
            if let Some(parent) = new.parent {
                use crate::taxonomy::no_such;
                use dateline_core::Invalid;
                crate::taxonomy::check_parent!(tx, None, parent);
            }
            let id: i64 = sqlx::query_scalar(SQL)
                .bind(new.slug.as_str())
                .bind(new.name.as_str())
                .bind(new.parent.map(|p| p.0))
                .bind(new.position)
                .bind(now.as_microsecond())
                .fetch_one(&mut *tx)
                .await?;
            append_change!(tx, Entity::Section, id, ChangeKind::Created, now);
            id
        });
        Ok(SectionId(id))
    }

    /// Every section, in navigation order (parents before their children).
    pub async fn sections(&self) -> Result<Vec<Section>> {
        const SQL: &str = "select id, slug, name, parent_id, position from sections
            order by coalesce(parent_id, id), parent_id is not null, position, id";
        let rows: Vec<SectionRow> =
            read!(self, |pool| sqlx::query_as(SQL).fetch_all(&mut *pool).await)?;
        Ok(rows.into_iter().map(Section::from).collect())
    }

    pub async fn section_by_slug(&self, slug: &str) -> Result<Option<Section>> {
        const SQL: &str =
            "select id, slug, name, parent_id, position from sections where slug = $1";
        let row: Option<SectionRow> = read!(self, |pool| sqlx::query_as(SQL)
            .bind(slug)
            .fetch_optional(&mut *pool)
            .await)?;
        Ok(row.map(Section::from))
    }

    pub async fn create_person(&self, new: &NewPerson, now: Timestamp) -> Result<PersonId> {
        const SQL: &str = "insert into people (slug, name, bio, email, created_at, updated_at)
            values ($1, $2, $3, $4, $5, $5) returning id";
        let id = write_tx!(self, |tx| {
            let id: i64 = sqlx::query_scalar(SQL)
                .bind(new.slug.as_str())
                .bind(new.name.as_str())
                .bind(&new.bio)
                .bind(new.email.as_ref().map(|e| e.as_str()))
                .bind(now.as_microsecond())
                .fetch_one(&mut *tx)
                .await?;
            append_change!(tx, Entity::Person, id, ChangeKind::Created, now);
            id
        });
        Ok(PersonId(id))
    }

    pub async fn create_source(&self, new: &NewSource, now: Timestamp) -> Result<SourceId> {
        const SQL: &str =
            "insert into sources (slug, name, notice, full_text_in_feeds, full_text_in_api,
                full_text_in_federation, created_at, updated_at)
            values ($1, $2, $3, $4, $5, $6, $7, $7) returning id";
        let id = write_tx!(self, |tx| {
            let id: i64 = sqlx::query_scalar(SQL)
                .bind(new.slug.as_str())
                .bind(new.name.as_str())
                .bind(new.notice.as_deref())
                .bind(new.rights.full_text_in_feeds)
                .bind(new.rights.full_text_in_api)
                .bind(new.rights.full_text_in_federation)
                .bind(now.as_microsecond())
                .fetch_one(&mut *tx)
                .await?;
            append_change!(tx, Entity::Source, id, ChangeKind::Created, now);
            id
        });
        Ok(SourceId(id))
    }

    pub async fn source(&self, id: SourceId) -> Result<Source> {
        const SQL: &str = "select id, slug, name, notice, full_text_in_feeds, full_text_in_api,
            full_text_in_federation from sources where id = $1";
        let row: SourceRow = read!(self, |pool| sqlx::query_as(SQL)
            .bind(id.0)
            .fetch_one(&mut *pool)
            .await)?;
        Ok(row.into())
    }

    /// The tag with this slug, created with `name` if it does not exist yet.
    /// A tag alone is not reader-visible, so this logs no change; attaching
    /// it to a published article does.
    pub async fn ensure_tag(&self, slug: &dateline_core::Slug, name: &Text) -> Result<TagId> {
        const SQL: &str = "insert into tags (slug, name) values ($1, $2)
            on conflict (slug) do update set slug = excluded.slug returning id";
        let id: i64 = write_tx!(self, |tx| sqlx::query_scalar(SQL)
            .bind(slug.as_str())
            .bind(name.as_str())
            .fetch_one(&mut *tx)
            .await?);
        Ok(TagId(id))
    }

    pub async fn create_topic(&self, new: &NewTopic, now: Timestamp) -> Result<TopicId> {
        const SQL: &str =
            "insert into topics (slug, name, description, image_media_id, created_at, updated_at)
            values ($1, $2, $3, $4, $5, $5) returning id";
        let id = write_tx!(self, |tx| {
            let id: i64 = sqlx::query_scalar(SQL)
                .bind(new.slug.as_str())
                .bind(new.name.as_str())
                .bind(&new.description)
                .bind(new.image.map(|m| m.0))
                .bind(now.as_microsecond())
                .fetch_one(&mut *tx)
                .await?;
            append_change!(tx, Entity::Topic, id, ChangeKind::Created, now);
            id
        });
        Ok(TopicId(id))
    }

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
    /// Everyone the site credits, by name.
    pub async fn people(&self) -> Result<Vec<Person>> {
        const SQL: &str = "select id, slug, name, bio from people order by name, id";
        let rows: Vec<(i64, String, String, String)> =
            read!(self, |conn| sqlx::query_as(SQL).fetch_all(&mut *conn).await)?;
        Ok(rows
            .into_iter()
            .map(|(id, slug, name, bio)| Person {
                id: PersonId(id),
                slug,
                name,
                bio,
            })
            .collect())
    }

    /// Every source of copy, by name.
    pub async fn sources(&self) -> Result<Vec<Source>> {
        const SQL: &str = "select id, slug, name, notice, full_text_in_feeds, full_text_in_api,
                full_text_in_federation
            from sources order by name, id";
        let rows: Vec<SourceRow> =
            read!(self, |conn| sqlx::query_as(SQL).fetch_all(&mut *conn).await)?;
        Ok(rows.into_iter().map(Source::from).collect())
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

impl Store {
    pub async fn tag_by_slug(&self, slug: &str) -> Result<Option<Tag>> {
        const SQL: &str = "select id, slug, name from tags where slug = $1";
        let row: Option<(i64, String, String)> = read!(self, |pool| sqlx::query_as(SQL)
            .bind(slug)
            .fetch_optional(&mut *pool)
            .await)?;
        Ok(row.map(|(id, slug, name)| Tag {
            id: TagId(id),
            slug,
            name,
        }))
    }

    pub async fn topic_by_slug(&self, slug: &str) -> Result<Option<Topic>> {
        const SQL: &str = "select t.id, t.slug, t.name, t.description,
                m.path as image_path, m.width as image_width, m.height as image_height,
                m.alt as image_alt, m.caption as image_caption, m.credit as image_credit,
                m.original_key as image_original, m.renditions as image_renditions
            from topics t left join media m on m.id = t.image_media_id where t.slug = $1";
        #[derive(sqlx::FromRow)]
        struct TopicRow {
            id: i64,
            slug: String,
            name: String,
            description: String,
            #[sqlx(flatten)]
            image: crate::articles::ImageColumns,
        }
        let row: Option<TopicRow> = read!(self, |pool| sqlx::query_as(SQL)
            .bind(slug)
            .fetch_optional(&mut *pool)
            .await)?;
        row.map(|r| {
            Ok(Topic {
                id: TopicId(r.id),
                slug: r.slug,
                name: r.name,
                description: r.description,
                image: r.image.into_figure()?,
            })
        })
        .transpose()
    }

    pub async fn person_by_slug(&self, slug: &str) -> Result<Option<Person>> {
        const SQL: &str = "select id, slug, name, bio from people where slug = $1";
        let row: Option<(i64, String, String, String)> = read!(self, |pool| sqlx::query_as(SQL)
            .bind(slug)
            .fetch_optional(&mut *pool)
            .await)?;
        Ok(row.map(|(id, slug, name, bio)| Person {
            id: PersonId(id),
            slug,
            name,
            bio,
        }))
    }
}
