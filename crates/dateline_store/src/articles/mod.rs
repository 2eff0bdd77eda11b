//! Articles: writing them through the workflow, reading them for pages.

/// The columns `ImageColumns` reads, for statements that join `media m` to `articles a`.
macro_rules! image_columns {
    () => {
        "m.path as image_path, m.width as image_width, m.height as image_height,
        m.alt as image_alt, coalesce(a.lead_caption, m.caption) as image_caption,
        coalesce(a.lead_credit, m.credit) as image_credit,
        m.original_key as image_original, m.renditions as image_renditions"
    };
}

/// A card statement: `$ids` picks one page of ids (binding `$1` limit,
/// `$2` offset, `$3` the list's id) and `$order` sorts the cards the same
/// way. The ids come from indexes alone, so that a deep page skips index
/// entries, not whole article rows. `$extra` names more columns of `page`.
macro_rules! card_query {
    ($ids:literal, $order:literal) => {
        card_query!($ids, $order, "")
    };
    ($ids:literal, $order:literal, $extra:literal) => {
        concat!(card_head!($extra), $ids, card_tail!(), $order)
    };
}

/// A card statement's text before its ids; `$extra` names more columns of `page`.
macro_rules! card_head {
    ($extra:literal) => {
        concat!(
            "select a.id, a.slug, s.slug as section_slug, s.name as section_name, a.headline, a.standfirst,
                src.name as source_name, a.first_published_at, ",
            $extra,
            image_columns!(),
            " from ("
        )
    };
}

/// A card statement's text after its ids, up to its `order by` terms.
macro_rules! card_tail {
    () => {
        ") page
            join articles a on a.id = page.id
            join sections s on s.id = a.section_id
            left join sources src on src.id = a.source_id
            left join media m on m.id = a.lead_media_id
            order by "
    };
}

/// The byline (person) named `$name` inside `$tx`: the first of that
/// name, else a new one, its address made from the name (with `$suffix`
/// when that is taken); evaluates to its id.
macro_rules! person_named {
    ($tx:expr, $name:expr, $suffix:expr, $now:expr) => {{
        const SAME_NAME: &str = "select id from people where name = $1 order by id limit 1";
        const NEW_PERSON: &str = "insert into people (slug, name, bio, created_at, updated_at)
            values ($1, $2, '', $3, $3) on conflict (slug) do nothing returning id";
        let name: &str = $name;
        let same: Option<i64> = sqlx::query_scalar(SAME_NAME)
            .bind(name)
            .fetch_optional(&mut *$tx)
            .await?;
        match same {
            Some(person) => person,
            None => {
                let slug = dateline_core::Slug::from_title(name, "byline");
                let mut made: Option<i64> = None;
                for slug in [slug.as_str().to_owned(), format!("{slug}-{}", $suffix)] {
                    made = sqlx::query_scalar(NEW_PERSON)
                        .bind(&slug)
                        .bind(name)
                        .bind($now.as_microsecond())
                        .fetch_optional(&mut *$tx)
                        .await?;
                    if made.is_some() {
                        break;
                    }
                }
                let made = made.ok_or_else(|| crate::StoreError::Conflict {
                    constraint: "people_slug_key".to_owned(),
                    message: format!("no free byline address for {name}"),
                })?;
                crate::changes::append_change!(
                    $tx,
                    crate::Entity::Person,
                    made,
                    crate::ChangeKind::Created,
                    $now
                );
                made
            }
        }
    }};
}

mod autosave;
mod desk;
mod details;
pub(crate) mod editorial;
mod lists;
mod live;
mod read;
mod related;
mod review;
mod save;
mod search;
mod sitemap;
pub(crate) mod snapshot;
pub(crate) mod write;

pub use autosave::Autosave;
pub use desk::{DeskEntry, DeskFilter, DeskVisibility, Due, DueEntry};
pub(crate) use details::APPEND_TO_TOPIC;
pub use editorial::{AuditEntry, Editorial, PublishScheduled};
pub(crate) use lists::contains_pattern;
pub use lists::{ArticleFilter, ArticleList};
pub use read::ArticleLinks;
pub(crate) use read::ImageColumns;
pub use related::Relation;
pub use review::{REVIEW_MAIL_WINDOW, ReviewMail, ReviewNote};
pub(crate) use save::INSERT_REVISION;
pub use save::{ArticleSave, Revision};
pub use search::{HITS_PER_TRIP, IndexDocument, SearchHit};
pub use sitemap::SitemapEntry;
pub use snapshot::DetailsSnapshot;
pub use write::{ArticleText, WireOrigin};
