//! What an export holds, as plain values: the channel, its authors, terms
//! and items (posts, pages, attachments and WordPress's own kinds).

use jiff::{Timestamp, civil::DateTime, tz::TimeZone};

use super::node::{Node, Ns};

/// The export's header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Channel {
    pub version: String,
    pub title: String,
    /// The site's address (`<link>`).
    pub link: String,
    pub base_site_url: String,
    pub base_blog_url: String,
    pub language: String,
}

impl Channel {
    pub(crate) fn of(node: &Node) -> Self {
        Self {
            version: node.text(Ns::Wp, "wxr_version"),
            title: node.text(Ns::Rss, "title"),
            link: node.text(Ns::Rss, "link"),
            base_site_url: node.text(Ns::Wp, "base_site_url"),
            base_blog_url: node.text(Ns::Wp, "base_blog_url"),
            language: node.text(Ns::Rss, "language"),
        }
    }

    /// Where the site's own links point: the blog's address, else the
    /// site's, else the channel's link.
    pub fn site_url(&self) -> &str {
        [&self.base_blog_url, &self.base_site_url, &self.link]
            .into_iter()
            .find(|u| !u.is_empty())
            .map_or("", |u| u.as_str())
    }
}

/// A `wp:author`: someone who wrote on the old site.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Author {
    pub id: Option<u64>,
    pub login: String,
    pub email: String,
    pub display_name: String,
    pub first_name: String,
    pub last_name: String,
    pub description: String,
    pub line: u64,
}

impl Author {
    /// The name a byline shows: the display name, else first and last
    /// name, else the login.
    pub fn name(&self) -> String {
        let full = format!("{} {}", self.first_name.trim(), self.last_name.trim());
        [self.display_name.trim(), full.trim(), self.login.trim()]
            .into_iter()
            .find(|n| !n.is_empty())
            .unwrap_or_default()
            .to_owned()
    }
}

/// A category (`wp:category`), tag (`wp:tag`) or other term (`wp:term`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Term {
    pub id: Option<u64>,
    /// `category`, `post_tag`, or another taxonomy's name (`nav_menu`,
    /// `post_format`, a plugin's).
    pub taxonomy: String,
    pub slug: String,
    pub name: String,
    /// The parent's slug, for nested categories.
    pub parent: String,
    pub description: String,
    pub line: u64,
}

/// A term an item is filed under (`<category domain="…" nicename="…">`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemTerm {
    /// `category`, `post_tag` (`tag` in WXR 1.0), or another taxonomy.
    pub domain: String,
    pub slug: String,
    pub name: String,
}

/// A reader's comment on an item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comment {
    pub id: Option<u64>,
    pub author: String,
    pub author_email: String,
    pub author_url: String,
    pub date_gmt: Option<Timestamp>,
    pub content: String,
    /// `1`, `0`, `spam` or `trash`.
    pub approved: String,
    /// Empty for a comment, `pingback` or `trackback` otherwise.
    pub kind: String,
    pub parent: Option<u64>,
}

/// An `<item>`: a post, page, attachment or any other post type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Item {
    pub title: String,
    pub link: String,
    pub pub_date: String,
    /// The author's login.
    pub creator: String,
    pub guid: String,
    pub content: String,
    pub excerpt: String,
    pub id: Option<u64>,
    /// In the site's zone, as written.
    pub date: String,
    pub date_gmt: String,
    pub modified_gmt: String,
    pub comment_status: String,
    /// The slug (`post_name`); empty for drafts that never had one.
    pub name: String,
    /// `publish`, `draft`, `pending`, `future`, `private`, `inherit`, `trash`.
    pub status: String,
    pub parent: Option<u64>,
    pub menu_order: i64,
    /// `post`, `page`, `attachment`, `nav_menu_item`, …
    pub post_type: String,
    pub password: String,
    pub sticky: bool,
    pub attachment_url: String,
    pub terms: Vec<ItemTerm>,
    pub meta: Vec<(String, String)>,
    pub comments: Vec<Comment>,
    /// Where the item starts in the file.
    pub line: u64,
}

impl Item {
    /// When it was published: the GMT date, else the RSS date, else the
    /// local date read as UTC (the best a file without a zone allows).
    pub fn published_at(&self) -> Option<Timestamp> {
        gmt(&self.date_gmt)
            .or_else(|| {
                jiff::fmt::rfc2822::parse(self.pub_date.trim())
                    .ok()
                    .map(|z| z.timestamp())
            })
            .or_else(|| gmt(&self.date))
    }

    /// The value of a `wp:postmeta` key, if it is there and not empty.
    pub fn meta_value(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, v)| k == key && !v.trim().is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// The terms of one taxonomy (`category`; `post_tag`, which WXR 1.0
    /// calls `tag`).
    pub fn terms_of<'a>(&'a self, taxonomy: &'a str) -> impl Iterator<Item = &'a ItemTerm> + 'a {
        self.terms
            .iter()
            .filter(move |t| t.domain == taxonomy || (taxonomy == "post_tag" && t.domain == "tag"))
    }
}

/// `YYYY-MM-DD HH:MM:SS` in UTC; WordPress writes zeros for "never".
fn gmt(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if s.is_empty() || s.starts_with("0000") {
        return None;
    }
    let civil: DateTime = s.parse().ok()?;
    TimeZone::UTC.to_timestamp(civil).ok()
}

/// One thing the export holds, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Author(Author),
    Term(Term),
    Item(Box<Item>),
}

impl Entry {
    pub(crate) fn is_entry(node: &Node) -> bool {
        matches!(
            (node.ns, node.name.as_str()),
            (Ns::Wp, "author" | "category" | "tag" | "term") | (Ns::Rss, "item")
        )
    }

    pub(crate) fn of(node: &Node) -> Option<Self> {
        match (node.ns, node.name.as_str()) {
            (Ns::Wp, "author") => Some(Self::Author(author(node))),
            (Ns::Wp, "category") => Some(Self::Term(Term {
                id: node.number(Ns::Wp, "term_id"),
                taxonomy: "category".into(),
                slug: node.text(Ns::Wp, "category_nicename"),
                name: node.text(Ns::Wp, "cat_name"),
                parent: node.text(Ns::Wp, "category_parent"),
                description: node.text(Ns::Wp, "category_description"),
                line: node.line,
            })),
            (Ns::Wp, "tag") => Some(Self::Term(Term {
                id: node.number(Ns::Wp, "term_id"),
                taxonomy: "post_tag".into(),
                slug: node.text(Ns::Wp, "tag_slug"),
                name: node.text(Ns::Wp, "tag_name"),
                parent: String::new(),
                description: node.text(Ns::Wp, "tag_description"),
                line: node.line,
            })),
            (Ns::Wp, "term") => Some(Self::Term(Term {
                id: node.number(Ns::Wp, "term_id"),
                taxonomy: node.text(Ns::Wp, "term_taxonomy"),
                slug: node.text(Ns::Wp, "term_slug"),
                name: node.text(Ns::Wp, "term_name"),
                parent: node.text(Ns::Wp, "term_parent"),
                description: node.text(Ns::Wp, "term_description"),
                line: node.line,
            })),
            (Ns::Rss, "item") => Some(Self::Item(Box::new(item(node)))),
            _ => None,
        }
    }
}

fn author(node: &Node) -> Author {
    Author {
        id: node.number(Ns::Wp, "author_id"),
        login: node.text(Ns::Wp, "author_login"),
        email: node.text(Ns::Wp, "author_email"),
        display_name: node.text(Ns::Wp, "author_display_name"),
        first_name: node.text(Ns::Wp, "author_first_name"),
        last_name: node.text(Ns::Wp, "author_last_name"),
        description: node.text(Ns::Wp, "author_description"),
        line: node.line,
    }
}

fn item(node: &Node) -> Item {
    Item {
        title: node.text(Ns::Rss, "title"),
        link: node.text(Ns::Rss, "link"),
        pub_date: node.text(Ns::Rss, "pubDate"),
        creator: node.text(Ns::Dc, "creator"),
        guid: node.text(Ns::Rss, "guid"),
        content: node.raw(Ns::Content, "encoded").trim().to_owned(),
        excerpt: node.raw(Ns::Excerpt, "encoded").trim().to_owned(),
        id: node.number(Ns::Wp, "post_id"),
        date: node.text(Ns::Wp, "post_date"),
        date_gmt: node.text(Ns::Wp, "post_date_gmt"),
        modified_gmt: node.text(Ns::Wp, "post_modified_gmt"),
        comment_status: node.text(Ns::Wp, "comment_status"),
        name: node.text(Ns::Wp, "post_name"),
        status: node.text(Ns::Wp, "status"),
        parent: node.number(Ns::Wp, "post_parent").filter(|&p| p != 0),
        menu_order: node.text(Ns::Wp, "menu_order").parse().unwrap_or_default(),
        post_type: node.text(Ns::Wp, "post_type"),
        password: node.text(Ns::Wp, "post_password"),
        sticky: node.text(Ns::Wp, "is_sticky") == "1",
        attachment_url: node.text(Ns::Wp, "attachment_url"),
        // WXR 1.0 wrote each term twice, once as plain RSS without a
        // nicename; WordPress's importer reads the other, and so does this.
        terms: node
            .children_named(Ns::Rss, "category")
            .filter_map(|c| {
                Some(ItemTerm {
                    domain: c.attribute("domain").unwrap_or("category").to_owned(),
                    slug: c.attribute("nicename")?.to_owned(),
                    name: c.text.trim().to_owned(),
                })
            })
            .collect(),
        meta: node.meta("postmeta"),
        comments: node
            .children_named(Ns::Wp, "comment")
            .map(|c| Comment {
                id: c.number(Ns::Wp, "comment_id"),
                author: c.text(Ns::Wp, "comment_author"),
                author_email: c.text(Ns::Wp, "comment_author_email"),
                author_url: c.text(Ns::Wp, "comment_author_url"),
                date_gmt: gmt(&c.text(Ns::Wp, "comment_date_gmt")),
                content: c.raw(Ns::Wp, "comment_content").trim().to_owned(),
                approved: c.text(Ns::Wp, "comment_approved"),
                kind: c.text(Ns::Wp, "comment_type"),
                parent: c.number(Ns::Wp, "comment_parent").filter(|&p| p != 0),
            })
            .collect(),
        line: node.line,
    }
}
