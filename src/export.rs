//! Moving a site out: the newsroom written as a WordPress export (WXR 1.2)
//! that WordPress's Tools → Import → WordPress reads, and that `dateline
//! import wordpress` reads back. Bylines become authors, sections nested
//! categories, tags tags, the library's pictures attachments (by address,
//! for the importer to fetch), stories posts, static pages pages.
//!
//! Ids: WordPress keeps posts, pages and attachments in one table, so one
//! id names one of them. A story's id `n` goes out as `3n + 1`, a page's
//! as `3n + 2`, a picture's as `3n`: distinct, and the same in every
//! export, so a later export read by `dateline import` updates what the
//! first made (WordPress's importer skips what it already has).

use std::{collections::HashMap, io::Write};

use dateline_core::{ArticleId, ArticleStatus, MediaId, article_path};
use dateline_import::wxr::{Author, Channel, Item, ItemTerm, Term, WxrWriter};
use dateline_store::{ExportedArticle, ExportedPicture, Store};
use jiff::{Timestamp, tz::TimeZone};

use crate::config::Config;

/// Rows read from the store at a time.
const BATCH: i64 = 500;

/// What an export wrote, kind by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exported {
    pub authors: u64,
    pub categories: u64,
    pub tags: u64,
    pub pictures: u64,
    /// Stories by the status they had here.
    pub stories: std::collections::BTreeMap<&'static str, u64>,
    pub pages: u64,
}

impl Exported {
    /// The counts as lines for a person.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![
            format!("authors: {}", self.authors),
            format!("categories (sections): {}", self.categories),
            format!("tags: {}", self.tags),
            format!("attachments (pictures): {}", self.pictures),
        ];
        lines.extend(
            self.stories
                .iter()
                .map(|(status, n)| format!("posts ({status}): {n}")),
        );
        lines.push(format!("pages: {}", self.pages));
        lines
    }
}

/// Writes the whole site to `out` as WXR 1.2; `out` back, and the counts.
pub async fn export_wordpress<W: Write>(
    store: &Store,
    config: &Config,
    out: W,
) -> anyhow::Result<(W, Exported)> {
    let site = config.site.base().trim_end_matches('/').to_owned();
    let channel = Channel {
        title: config.site.name.clone(),
        link: site.clone(),
        base_site_url: site.clone(),
        base_blog_url: site.clone(),
        language: config.site.language.clone(),
        ..Channel::default()
    };
    let generator = concat!("Dateline/", env!("CARGO_PKG_VERSION"));
    let mut wxr = WxrWriter::start(out, &channel, generator)?;
    let mut done = Exported::default();
    let out_dates = Dates {
        zone: config.site.zone(),
    };

    for person in store.people().await? {
        wxr.author(&Author {
            id: u64::try_from(person.id.0).ok(),
            login: person.slug,
            display_name: person.name,
            description: person.bio,
            ..Author::default()
        })?;
        done.authors += 1;
    }
    // Parents come first in the store's order, as WordPress needs them.
    let sections = store.sections().await?;
    let section_slugs: HashMap<_, _> = sections.iter().map(|s| (s.id, s.slug.clone())).collect();
    let section_names: HashMap<_, _> = sections
        .iter()
        .map(|s| (s.slug.clone(), s.name.clone()))
        .collect();
    for section in &sections {
        wxr.term(&Term {
            id: u64::try_from(section.id.0).ok(),
            taxonomy: "category".into(),
            slug: section.slug.clone(),
            name: section.name.clone(),
            parent: section
                .parent_id
                .and_then(|p| section_slugs.get(&p).cloned())
                .unwrap_or_default(),
            ..Term::default()
        })?;
        done.categories += 1;
    }
    for tag in store.tags("", i64::MAX).await? {
        wxr.term(&Term {
            id: u64::try_from(tag.id).ok(),
            taxonomy: "post_tag".into(),
            slug: tag.slug,
            name: tag.name,
            ..Term::default()
        })?;
        done.tags += 1;
    }

    let mut after = MediaId(0);
    loop {
        let pictures = store.exported_pictures(after, BATCH).await?;
        let Some(last) = pictures.last() else { break };
        after = last.id;
        for picture in &pictures {
            wxr.item(&attachment(picture, &site, &out_dates))?;
            done.pictures += 1;
        }
    }

    let mut after = ArticleId(0);
    loop {
        let articles = store.exported_articles(after, BATCH).await?;
        let Some(last) = articles.last() else { break };
        after = last.id;
        for article in &articles {
            wxr.item(&post(article, &site, &section_names, &out_dates))?;
            *done.stories.entry(article.status.as_str()).or_default() += 1;
        }
    }

    for page in store.pages().await? {
        let link = format!("{site}/{}", page.slug);
        wxr.item(&Item {
            title: page.title,
            guid: link.clone(),
            link,
            content: absolute_addresses(&page.body_html, &site),
            id: Some(wordpress_id(2, page.id.0)),
            name: page.slug,
            status: "publish".into(),
            post_type: "page".into(),
            comment_status: "closed".into(),
            ..out_dates.of(page.updated_at, page.updated_at)
        })?;
        done.pages += 1;
    }
    let mut out = wxr.finish()?;
    out.flush()?;
    Ok((out, done))
}

/// The id an export gives a thing: see the module's comment.
fn wordpress_id(lane: u64, id: i64) -> u64 {
    u64::try_from(id).unwrap_or_default() * 3 + lane
}

/// Dates as WordPress writes them: in the site's zone, in UTC, and as RSS's.
struct Dates {
    zone: TimeZone,
}

impl Dates {
    /// An item dated `at`, last changed at `modified`.
    fn of(&self, at: Timestamp, modified: Timestamp) -> Item {
        let wordpress = "%Y-%m-%d %H:%M:%S";
        Item {
            pub_date: at
                .to_zoned_datetime(TimeZone::UTC)
                .strftime("%a, %d %b %Y %H:%M:%S +0000")
                .to_string(),
            date: at
                .to_zoned_datetime(self.zone.clone())
                .strftime(wordpress)
                .to_string(),
            date_gmt: at
                .to_zoned_datetime(TimeZone::UTC)
                .strftime(wordpress)
                .to_string(),
            modified_gmt: modified
                .to_zoned_datetime(TimeZone::UTC)
                .strftime(wordpress)
                .to_string(),
            ..Item::default()
        }
    }
}

fn attachment(picture: &ExportedPicture, site: &str, dates: &Dates) -> Item {
    let url = format!("{site}{}", picture.path);
    // WordPress's importer files the download under uploads/YYYY/MM from
    // this, else from the item's date in the new site's zone.
    let month = picture
        .created_at
        .to_zoned_datetime(dates.zone.clone())
        .strftime("%Y/%m");
    let file = picture.path.rsplit('/').next().unwrap_or_default();
    let mut meta = vec![
        ("_wp_attached_file".to_owned(), format!("{month}/{file}")),
        ("_wp_attachment_image_alt".to_owned(), picture.alt.clone()),
    ];
    if !picture.credit.is_empty() {
        // Where WordPress's photo-credit plugins (Media Credit) keep it.
        meta.push(("_media_credit".to_owned(), picture.credit.clone()));
    }
    // WordPress's importer takes an item with the title and date of one it
    // has for that one: a picture without alt text is named by its file.
    let title = if picture.alt.trim().is_empty() {
        file.to_owned()
    } else {
        picture.alt.clone()
    };
    Item {
        title,
        link: url.clone(),
        guid: url.clone(),
        excerpt: picture.caption.clone(),
        id: Some(wordpress_id(0, picture.id.0)),
        name: format!("picture-{}", picture.id.0),
        status: "inherit".into(),
        post_type: "attachment".into(),
        comment_status: "closed".into(),
        attachment_url: url,
        meta,
        ..dates.of(picture.created_at, picture.created_at)
    }
}

fn post(
    article: &ExportedArticle,
    site: &str,
    section_names: &HashMap<String, String>,
    dates: &Dates,
) -> Item {
    let link = format!(
        "{site}{}",
        article_path(&article.section_slug, &article.slug, article.id)
    );
    // WordPress has no "unpublished": a private post is kept and not shown.
    let status = match article.status {
        ArticleStatus::Published => "publish",
        ArticleStatus::Draft => "draft",
        ArticleStatus::InReview => "pending",
        ArticleStatus::Scheduled => "future",
        ArticleStatus::Unpublished => "private",
    };
    let at = match article.status {
        ArticleStatus::Scheduled => article.scheduled_at,
        _ => article.first_published_at,
    }
    .unwrap_or(article.created_at);
    let mut terms = vec![ItemTerm {
        domain: "category".into(),
        slug: article.section_slug.clone(),
        name: section_names
            .get(&article.section_slug)
            .cloned()
            .unwrap_or_else(|| article.section_slug.clone()),
    }];
    terms.extend(article.tags.iter().map(|(slug, name)| ItemTerm {
        domain: "post_tag".into(),
        slug: slug.clone(),
        name: name.clone(),
    }));
    let mut meta = Vec::new();
    if let Some(media) = article.lead_media {
        meta.push((
            "_thumbnail_id".to_owned(),
            wordpress_id(0, media.0).to_string(),
        ));
    }
    // Yoast's keys: the SEO plugin most sites moving in or out have.
    for (key, value) in [
        ("_yoast_wpseo_title", &article.seo_title),
        ("_yoast_wpseo_metadesc", &article.seo_description),
    ] {
        if let Some(value) = value {
            meta.push((key.to_owned(), value.clone()));
        }
    }
    Item {
        title: article.headline.clone(),
        guid: link.clone(),
        link,
        // WordPress credits one author; further bylines are not carried.
        creator: article.authors.first().cloned().unwrap_or_default(),
        content: absolute_addresses(&article.body_html, site),
        excerpt: article.standfirst.clone(),
        id: Some(wordpress_id(1, article.id.0)),
        name: article.slug.clone(),
        status: status.into(),
        post_type: "post".into(),
        comment_status: "closed".into(),
        terms,
        meta,
        ..dates.of(at, article.updated_at)
    }
}

/// `html` with the site's own addresses (`/img/…`, `/news/…`) made whole,
/// so they still lead here from wherever the export is read.
fn absolute_addresses(html: &str, site: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = ["src=\"", "href=\"", "srcset=\""]
        .iter()
        .filter_map(|a| rest.find(a).map(|i| (i, a.len())))
        .min()
    {
        let (start, len) = at;
        let value_start = start + len;
        let value_end = rest[value_start..]
            .find('"')
            .map_or(rest.len(), |e| value_start + e);
        out.push_str(&rest[..value_start]);
        let value = &rest[value_start..value_end];
        // A srcset lists several addresses, each after a comma.
        let parts: Vec<String> = value
            .split(", ")
            .map(|part| {
                if part.starts_with('/') && !part.starts_with("//") {
                    format!("{site}{part}")
                } else {
                    part.to_owned()
                }
            })
            .collect();
        out.push_str(&parts.join(", "));
        rest = &rest[value_end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_addresses_are_made_whole_and_others_left() {
        let html = r#"<p><a href="/news/a-1">a</a> <a href="https://x.example/">x</a></p><img src="/img/ab/c-800.jpg" srcset="/img/ab/c-400.webp 400w, /img/ab/c-800.webp 800w" alt="/not"><a href="//cdn.example/x">c</a>"#;
        assert_eq!(
            absolute_addresses(html, "https://news.example"),
            r#"<p><a href="https://news.example/news/a-1">a</a> <a href="https://x.example/">x</a></p><img src="https://news.example/img/ab/c-800.jpg" srcset="https://news.example/img/ab/c-400.webp 400w, https://news.example/img/ab/c-800.webp 800w" alt="/not"><a href="//cdn.example/x">c</a>"#
        );
    }

    #[test]
    fn ids_of_stories_pages_and_pictures_never_meet() {
        let ids: std::collections::BTreeSet<u64> = (1..100)
            .flat_map(|n| [wordpress_id(0, n), wordpress_id(1, n), wordpress_id(2, n)])
            .collect();
        assert_eq!(ids.len(), 297);
    }
}
