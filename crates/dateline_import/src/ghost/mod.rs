//! A Ghost export (the JSON of Settings → Labs → Export, Ghost 2 to 6) read
//! as a stream with serde_json: the tables are visited row by row and
//! nothing but the row in hand is held, so the file can be read twice —
//! once for its small tables (tags, users, relations, newsletters) and
//! its version, once for its posts and members.

mod cards;
mod stream;

use std::{collections::HashMap, io::Read};

use serde::Deserialize;

pub use self::cards::{lexical_html, mobiledoc_html};
use crate::ReadError;

/// The major versions of Ghost whose exports this reads: 2 introduced the
/// `db`/`meta`/`data` layout every later one keeps (Ghost's own migration
/// tools still write "2.0.0"); 0.x and 1.x laid posts out differently.
pub const VERSIONS: std::ops::RangeInclusive<u64> = 2..=6;

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct Post {
    pub id: String,
    pub uuid: Option<String>,
    pub title: Option<String>,
    pub slug: String,
    pub html: Option<String>,
    pub lexical: Option<String>,
    pub mobiledoc: Option<String>,
    pub feature_image: Option<String>,
    /// `post` or `page`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// `published`, `draft`, `scheduled` or `sent` (a newsletter only).
    pub status: String,
    /// `public`, `members`, `paid` or `tiers`.
    pub visibility: Option<String>,
    pub published_at: Option<String>,
    pub custom_excerpt: Option<String>,
    pub codeinjection_head: Option<String>,
    pub codeinjection_foot: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct Tag {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub description: Option<String>,
    /// `internal` for `#`-tags.
    pub visibility: Option<String>,
}

impl Tag {
    /// Ghost's internal tags (`#name`) organise the newsroom, not readers.
    pub fn is_internal(&self) -> bool {
        self.visibility.as_deref() == Some("internal") || self.name.starts_with('#')
    }
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct User {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub bio: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct PostMeta {
    pub post_id: String,
    pub meta_title: Option<String>,
    pub meta_description: Option<String>,
    pub feature_image_alt: Option<String>,
    pub feature_image_caption: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct Member {
    pub id: String,
    pub email: String,
    pub name: Option<String>,
    /// Ghost 4 kept one switch for all email.
    pub subscribed: Option<bool>,
    pub created_at: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct Newsletter {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub status: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct Relation {
    post_id: String,
    tag_id: String,
    author_id: String,
    member_id: String,
    newsletter_id: String,
    sort_order: i64,
}

/// The small tables, read in the first pass.
#[derive(Debug, Clone, Default)]
pub struct Header {
    pub version: String,
    pub tags: Vec<Tag>,
    pub users: Vec<User>,
    pub newsletters: Vec<Newsletter>,
    /// Post id → tag ids, in the post's order (the first is its primary tag).
    pub post_tags: HashMap<String, Vec<String>>,
    /// Post id → author ids, in byline order.
    pub post_authors: HashMap<String, Vec<String>>,
    pub post_meta: HashMap<String, PostMeta>,
    /// Member id → the newsletters they receive (Ghost 5 and later).
    pub member_newsletters: HashMap<String, Vec<String>>,
    /// Whether the export has Ghost 5's per-newsletter subscriptions.
    pub has_member_newsletters: bool,
    pub settings: HashMap<String, String>,
    pub posts: u64,
    pub members: u64,
}

/// A post (or page) or a member, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Post(Box<Post>),
    Member(Member),
}

/// The first pass: the version (refused unless it is one of
/// [`VERSIONS`]), the small tables, and how many posts and members follow.
pub fn read_header(reader: impl Read) -> Result<Header, ReadError> {
    let mut header = Header::default();
    // Relations with their order, sorted once all are read.
    let mut tags_of: HashMap<String, Vec<(i64, String)>> = HashMap::new();
    let mut authors_of: HashMap<String, Vec<(i64, String)>> = HashMap::new();
    let mut sink = |table: &str, row: serde_json::Value| -> Result<(), String> {
        let relation =
            || serde_json::from_value::<Relation>(row.clone()).map_err(|e| e.to_string());
        match table {
            "posts" => header.posts += 1,
            "members" => header.members += 1,
            "tags" => header
                .tags
                .push(serde_json::from_value(row).map_err(|e| e.to_string())?),
            "users" => header
                .users
                .push(serde_json::from_value(row).map_err(|e| e.to_string())?),
            "newsletters" => header
                .newsletters
                .push(serde_json::from_value(row).map_err(|e| e.to_string())?),
            "posts_meta" => {
                let meta: PostMeta = serde_json::from_value(row).map_err(|e| e.to_string())?;
                header.post_meta.insert(meta.post_id.clone(), meta);
            }
            "posts_tags" => {
                let r = relation()?;
                tags_of
                    .entry(r.post_id)
                    .or_default()
                    .push((r.sort_order, r.tag_id));
            }
            "posts_authors" => {
                let r = relation()?;
                authors_of
                    .entry(r.post_id)
                    .or_default()
                    .push((r.sort_order, r.author_id));
            }
            "members_newsletters" => {
                let r = relation()?;
                header.has_member_newsletters = true;
                header
                    .member_newsletters
                    .entry(r.member_id)
                    .or_default()
                    .push(r.newsletter_id);
            }
            "settings" => {
                if let (Some(key), Some(value)) = (
                    row.get("key").and_then(|k| k.as_str()),
                    row.get("value").and_then(|v| v.as_str()),
                ) {
                    header.settings.insert(key.to_owned(), value.to_owned());
                }
            }
            _ => {}
        }
        Ok(())
    };
    let version = stream::read(reader, &mut sink, &TABLES_FIRST)?;
    check_version(&version)?;
    let in_order = |related: HashMap<String, Vec<(i64, String)>>| {
        related
            .into_iter()
            .map(|(post, mut ids)| {
                ids.sort();
                (post, ids.into_iter().map(|(_, id)| id).collect())
            })
            .collect()
    };
    header.post_tags = in_order(tags_of);
    header.post_authors = in_order(authors_of);
    header.version = version;
    Ok(header)
}

/// The second pass: each post and member handed to `each` in turn. An
/// error from `each` stops the reading and comes back as the error.
pub fn read_entries(
    reader: impl Read,
    mut each: impl FnMut(Entry) -> Result<(), String>,
) -> Result<(), ReadError> {
    let mut sink = |table: &str, row: serde_json::Value| -> Result<(), String> {
        match table {
            "posts" => each(Entry::Post(Box::new(
                serde_json::from_value(row).map_err(|e| e.to_string())?,
            ))),
            "members" => each(Entry::Member(
                serde_json::from_value(row).map_err(|e| e.to_string())?,
            )),
            _ => Ok(()),
        }
    };
    stream::read(reader, &mut sink, &["posts", "members"]).map(drop)
}

const TABLES_FIRST: [&str; 10] = [
    "posts",
    "members",
    "tags",
    "users",
    "newsletters",
    "posts_meta",
    "posts_tags",
    "posts_authors",
    "members_newsletters",
    "settings",
];

fn check_version(version: &str) -> Result<(), ReadError> {
    let major = version
        .split('.')
        .next()
        .and_then(|m| m.trim().parse::<u64>().ok());
    match major {
        Some(major) if VERSIONS.contains(&major) => Ok(()),
        _ if version.is_empty() => Err(ReadError::whole(
            "this is not a Ghost export: it has no meta.version (exports of Ghost 2 to 6 are read)",
        )),
        _ => Err(ReadError::whole(format!(
            "Ghost export version {version:?} is not supported: exports of Ghost {} to {} are read",
            VERSIONS.start(),
            VERSIONS.end()
        ))),
    }
}
