//! Feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1 of the whole site and of
//! every section, tag, topic and author, at `/feed/{format}` and
//! `/feed/{kind}/{slug}/{format}`.
//!
//! What an entry carries is asked of the one rights decision
//! ([`dateline_core::carriage`] for [`Outlet::Feed`]): agency copy without
//! redistribution rights goes out as headline, summary and link only.
//! Feeds are cached like pages, under the keys of the articles they list,
//! so the change log keeps them true (an unpublished article leaves them at
//! once) and conditional GETs answer 304.

use atom_syndication as atom;
use axum::{
    extract::{Path, Request, State},
    response::Response,
};
use dateline_core::{Article, Carriage, Outlet, SourceRights, article_path, carriage};
use dateline_store::ArticleList;
use jiff::Timestamp;

use super::listing::{Subject, subject};
use crate::{
    theme::time::machine_time,
    web::{App, AppState},
    web::{
        AppError, Result,
        cache::{DepKey, Rendered},
    },
};

pub use dateline_core::FEED_FILES;

/// Entries in a feed: the newest.
const ENTRIES: i64 = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Rss,
    Atom,
    Json,
}

impl Format {
    fn of(name: &str) -> Option<Self> {
        match name {
            "rss.xml" => Some(Self::Rss),
            "atom.xml" => Some(Self::Atom),
            "feed.json" => Some(Self::Json),
            _ => None,
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Self::Rss => "application/rss+xml; charset=utf-8",
            Self::Atom => "application/atom+xml; charset=utf-8",
            Self::Json => "application/feed+json; charset=utf-8",
        }
    }
}

/// `/feed/{format}`: the whole site.
pub async fn show_site_feed(
    State(app): State<AppState>,
    Path(format): Path<String>,
    request: Request,
) -> Result<Response> {
    let format = Format::of(&format).ok_or(AppError::NotFound)?;
    let url = request.uri().path().to_owned();
    app.pages
        .serve(&app.store, &url, request.headers(), || async {
            let subject = Subject {
                kind: "",
                name: app.config.site.name.clone(),
                description: String::new(),
                image: None,
                path: "/".into(),
                section_slug: None,
                list: ArticleList::All,
                key: DepKey::Home,
            };
            render_feed(&app, &subject, format, &url).await
        })
        .await
}

/// `/feed/{kind}/{slug}/{format}`: a section, tag, topic or author.
pub async fn show_list_feed(
    State(app): State<AppState>,
    Path((kind, slug, format)): Path<(String, String, String)>,
    request: Request,
) -> Result<Response> {
    let format = Format::of(&format).ok_or(AppError::NotFound)?;
    let kind: &'static str = match kind.as_str() {
        "section" => "section",
        "tag" => "tag",
        "topic" => "topic",
        "author" => "author",
        _ => return Err(AppError::NotFound),
    };
    let url = request.uri().path().to_owned();
    app.pages
        .serve(&app.store, &url, request.headers(), || async {
            let subject = subject(&app, kind, &slug)
                .await?
                .ok_or(AppError::NotFound)?;
            render_feed(&app, &subject, format, &url).await
        })
        .await
}

/// One entry as every format needs it.
struct Entry {
    article: Article,
    /// Never changes, even when the article's address does (a new slug or
    /// section): `tag:{host},{first publication date}:article-{id}`.
    id: String,
    url: String,
    /// The full text, if the source allows it in feeds.
    content: Option<String>,
    summary: String,
    published: Timestamp,
}

async fn render_feed(
    app: &App,
    subject: &Subject,
    format: Format,
    self_path: &str,
) -> Result<Rendered> {
    let base = app.config.site.base().to_owned();
    let cards = app
        .store
        .published_articles(subject.list, ENTRIES, 0)
        .await?;
    let mut entries = Vec::with_capacity(cards.len());
    for card in &cards {
        let Some(article) = app.store.article(card.id).await? else {
            continue;
        };
        let rights = article
            .source
            .as_ref()
            .map_or(SourceRights::OWN, |s| s.rights);
        let content = match carriage(rights, Outlet::Feed) {
            Carriage::FullText => Some(article.body_html.clone()),
            Carriage::Summary => None,
        };
        let summary = article
            .seo_description
            .clone()
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| article.standfirst.clone());
        let published = article.first_published_at.unwrap_or(card.published_at);
        entries.push(Entry {
            id: format!(
                "tag:{},{}:article-{}",
                host(&base),
                published.strftime("%Y-%m-%d"),
                article.id
            ),
            url: format!(
                "{base}{}",
                article_path(&article.section.slug, &article.slug, article.id)
            ),
            content,
            summary,
            published,
            article,
        });
    }
    let title = match subject.kind {
        "" if matches!(subject.list, ArticleList::All) => app.config.site.name.clone(),
        "" => format!("{}: {}", app.config.site.name, subject.name),
        kind => format!("{}: {kind} {}", app.config.site.name, subject.name),
    };
    let page = Page {
        title,
        description: if subject.description.is_empty() {
            format!("The newest stories from {}", app.config.site.name)
        } else {
            subject.description.clone()
        },
        home: format!("{base}{}", subject.path),
        feed: format!("{base}{self_path}"),
        language: app.config.site.language.clone(),
        site: app.config.site.name.clone(),
        hub: app.config.feeds.websub_hub.clone(),
        base,
    };
    let body = match format {
        // XML 1.0 cannot hold some characters that older stored text may.
        Format::Rss => dateline_core::xml_document(rss_feed(&page, &entries)),
        Format::Atom => dateline_core::xml_document(atom_feed(&page, &entries)),
        Format::Json => json_feed(&page, &entries)?,
    };
    let mut keys = vec![subject.key];
    keys.extend(cards.iter().map(|c| DepKey::Article(c.id.0)));
    Ok(Rendered::document(body, format.content_type(), keys))
}

/// The host of `base` (`https://news.example:8080/` → `news.example`).
fn host(base: &str) -> &str {
    let rest = base.split_once("://").map_or(base, |(_, rest)| rest);
    let authority = rest.split('/').next().unwrap_or(rest);
    authority
        .rsplit_once(':')
        .map_or(authority, |(host, _)| host)
}

/// What every format says about the feed itself.
struct Page {
    title: String,
    description: String,
    /// The page the feed follows.
    home: String,
    /// The feed's own address.
    feed: String,
    language: String,
    site: String,
    /// The WebSub hub that hears when the feed changes.
    hub: Option<String>,
    base: String,
}

impl Page {
    /// The feed's own link and its hub's, as Atom (and RSS, borrowing
    /// Atom's element) name them.
    fn self_and_hub(&self, mime_type: &str) -> Vec<atom::Link> {
        let mut links = vec![atom::Link {
            href: self.feed.clone(),
            rel: "self".into(),
            mime_type: Some(mime_type.into()),
            ..Default::default()
        }];
        if let Some(hub) = &self.hub {
            links.push(atom::Link {
                href: hub.clone(),
                rel: "hub".into(),
                ..Default::default()
            });
        }
        links
    }
}

/// The lead image as feed readers get it (see [`super::widest_jpeg`]).
fn image_url(base: &str, article: &Article) -> Option<(String, u32, u32)> {
    let figure = article.lead_image.as_ref()?;
    Some(super::widest_jpeg(base, figure))
}

fn latest(entries: &[Entry]) -> Timestamp {
    entries
        .iter()
        .map(|e| e.article.updated_at)
        .max()
        .unwrap_or(Timestamp::UNIX_EPOCH)
}

fn rss_feed(page: &Page, entries: &[Entry]) -> String {
    let rfc2822 = |t: Timestamp| t.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string();
    let items = entries
        .iter()
        .map(|e| {
            let media = image_url(&page.base, &e.article).map(|(url, width, height)| {
                let mut attrs = std::collections::BTreeMap::new();
                attrs.insert("url".to_owned(), url);
                attrs.insert("medium".to_owned(), "image".to_owned());
                attrs.insert("width".to_owned(), width.to_string());
                attrs.insert("height".to_owned(), height.to_string());
                rss::extension::Extension {
                    name: "media:content".into(),
                    attrs,
                    ..Default::default()
                }
            });
            let mut extensions = rss::extension::ExtensionMap::default();
            if let Some(media) = media {
                extensions
                    .entry("media".into())
                    .or_default()
                    .insert("content".into(), vec![media]);
            }
            rss::Item {
                title: Some(e.article.headline.clone()),
                link: Some(e.url.clone()),
                // RSS readers take the description as HTML.
                description: Some(super::sitemaps::escape(&e.summary)),
                guid: Some(rss::Guid {
                    value: e.id.clone(),
                    permalink: false,
                }),
                pub_date: Some(rfc2822(e.published)),
                content: e.content.clone(),
                categories: e
                    .article
                    .tags
                    .iter()
                    .map(|t| rss::Category {
                        name: t.name.clone(),
                        domain: None,
                    })
                    .collect(),
                dublin_core_ext: Some(rss::extension::dublincore::DublinCoreExtension {
                    creators: e.article.authors.iter().map(|a| a.name.clone()).collect(),
                    ..Default::default()
                }),
                extensions,
                ..Default::default()
            }
        })
        .collect();
    let mut namespaces = std::collections::BTreeMap::new();
    namespaces.insert(
        "media".to_owned(),
        "http://search.yahoo.com/mrss/".to_owned(),
    );
    let channel = rss::Channel {
        title: page.title.clone(),
        link: page.home.clone(),
        // Readers render a channel's description as HTML, as they do an
        // item's: escaped the same way, so a topic's or a byline's text
        // reaches them as text, never as markup.
        description: super::sitemaps::escape(&page.description),
        language: Some(page.language.clone()),
        last_build_date: Some(rfc2822(latest(entries))),
        generator: Some("Dateline".into()),
        atom_ext: Some(rss::extension::atom::AtomExtension {
            links: page.self_and_hub("application/rss+xml"),
        }),
        namespaces,
        items,
        ..Default::default()
    };
    channel.to_string()
}

fn atom_feed(page: &Page, entries: &[Entry]) -> String {
    let time = |t: Timestamp| {
        atom::FixedDateTime::parse_from_rfc3339(&machine_time(t)).unwrap_or_default()
    };
    let person = |name: &str, uri: Option<String>| atom::Person {
        name: name.to_owned(),
        uri,
        ..Default::default()
    };
    let items = entries
        .iter()
        .map(|e| {
            let mut links = vec![atom::Link {
                href: e.url.clone(),
                rel: "alternate".into(),
                mime_type: Some("text/html".into()),
                ..Default::default()
            }];
            if let Some((url, ..)) = image_url(&page.base, &e.article) {
                links.push(atom::Link {
                    href: url,
                    rel: "enclosure".into(),
                    mime_type: Some("image/jpeg".into()),
                    ..Default::default()
                });
            }
            atom::Entry {
                id: e.id.clone(),
                title: atom::Text::plain(e.article.headline.clone()),
                updated: time(e.article.updated_at),
                published: Some(time(e.published)),
                authors: e
                    .article
                    .authors
                    .iter()
                    .map(|a| person(&a.name, Some(format!("{}/author/{}", page.base, a.slug))))
                    .collect(),
                summary: Some(atom::Text::plain(e.summary.clone())),
                content: e.content.as_ref().map(|html| atom::Content {
                    value: Some(html.clone()),
                    content_type: Some("html".into()),
                    ..Default::default()
                }),
                categories: e
                    .article
                    .tags
                    .iter()
                    .map(|t| atom::Category {
                        term: t.slug.clone(),
                        label: Some(t.name.clone()),
                        ..Default::default()
                    })
                    .collect(),
                links,
                ..Default::default()
            }
        })
        .collect();
    let feed = atom::Feed {
        id: page.feed.clone(),
        title: atom::Text::plain(page.title.clone()),
        subtitle: Some(atom::Text::plain(page.description.clone())),
        updated: time(latest(entries)),
        authors: vec![person(&page.site, Some(page.base.clone()))],
        lang: Some(page.language.clone()),
        links: [
            page.self_and_hub("application/atom+xml"),
            vec![atom::Link {
                href: page.home.clone(),
                rel: "alternate".into(),
                mime_type: Some("text/html".into()),
                ..Default::default()
            }],
        ]
        .concat(),
        generator: Some(atom::Generator {
            value: "Dateline".into(),
            ..Default::default()
        }),
        entries: items,
        ..Default::default()
    };
    feed.to_string()
}

fn json_feed(page: &Page, entries: &[Entry]) -> Result<String> {
    use serde_json::json;
    let items: Vec<_> = entries
        .iter()
        .map(|e| {
            let mut item = json!({
                "id": e.id,
                "url": e.url,
                "title": e.article.headline,
                "summary": e.summary,
                "date_published": machine_time(e.published),
                "date_modified": machine_time(e.article.updated_at),
                "authors": e.article.authors.iter().map(|a| json!({
                    "name": a.name,
                    "url": format!("{}/author/{}", page.base, a.slug),
                })).collect::<Vec<_>>(),
                "tags": e.article.tags.iter().map(|t| t.name.clone()).collect::<Vec<_>>(),
            });
            match &e.content {
                Some(html) => item["content_html"] = json!(html),
                // A summary-only entry still needs a body; the summary is it.
                None => item["content_text"] = json!(e.summary),
            }
            if let Some((url, ..)) = image_url(&page.base, &e.article) {
                item["image"] = json!(url);
            }
            item
        })
        .collect();
    let mut feed = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": page.title,
        "home_page_url": page.home,
        "feed_url": page.feed,
        "description": page.description,
        "language": page.language,
        "items": items,
    });
    if let Some(hub) = &page.hub {
        feed["hubs"] = json!([{ "type": "WebSub", "url": hub }]);
    }
    serde_json::to_string(&feed).map_err(|e| AppError::Internal(e.into()))
}

#[cfg(test)]
mod tests {
    use super::host;

    #[test]
    fn the_host_of_an_address_has_no_scheme_port_or_path() {
        assert_eq!(host("https://news.example.org"), "news.example.org");
        assert_eq!(host("http://127.0.0.1:8080/"), "127.0.0.1");
        assert_eq!(host("https://news.example:8443/edition"), "news.example");
    }
}
