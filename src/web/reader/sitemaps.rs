//! Sitemaps and `robots.txt`: an index (`/sitemap.xml`) of one sitemap per
//! month of publication (split every 50,000 articles, the format's limit),
//! one of the site's other pages, and a Google News sitemap of the last 48
//! hours (at most 1,000 articles). Articles carry their lead image.
//!
//! The index and the monthly sitemaps are cached like pages under the home
//! page's key, which every article change purges, so an unpublished article
//! leaves them at once. The news sitemap depends on the clock as well, so it
//! is made on each request (one indexed query).

use axum::{
    extract::{Path, Request, State},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use dateline_core::{article_path, xml_document};
use dateline_store::SitemapEntry;
use jiff::{Timestamp, ToSpan, civil::Date, tz::TimeZone};

use crate::{
    web::{App, AppState},
    web::{
        AppError, Result,
        cache::{DepKey, Rendered},
    },
};

/// The most URLs one sitemap may list (sitemaps.org).
pub const MAX_URLS: usize = 50_000;
/// The news sitemap's window and size (Google News).
const NEWS_HOURS: i64 = 48;
const NEWS_MAX: i64 = 1_000;
const XML: &str = "application/xml; charset=utf-8";

/// Text for XML (and HTML) character data and attribute values.
pub(super) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

fn w3c(t: Timestamp) -> String {
    crate::theme::time::machine_time(t)
}

/// `/robots.txt`: everything but the newsroom, and where the sitemaps are.
pub async fn show_robots(State(app): State<AppState>) -> Response {
    let base = app.config.site.base();
    let body = format!(
        "User-agent: *\nDisallow: /admin/\nDisallow: /admin$\n\nSitemap: {base}/sitemap.xml\nSitemap: {base}/sitemap-news.xml\n"
    );
    let mut response = body.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// Each month with published articles, and how many sitemaps it takes,
/// from the store's count of articles per month.
fn months(counts: &[(i16, i8, i64)]) -> Vec<(Date, usize)> {
    counts
        .iter()
        .filter_map(|&(year, month, n)| {
            let first = Date::new(year, month, 1).ok()?;
            Some((first, (n.max(0) as usize).div_ceil(MAX_URLS)))
        })
        .collect()
}

/// `/sitemap.xml`.
pub async fn show_index(State(app): State<AppState>, request: Request) -> Result<Response> {
    app.pages
        .serve(&app.store, "/sitemap.xml", request.headers(), || async {
            let base = app.config.site.base();
            let counts = app.store.articles_per_month().await?;
            let mut body = String::from(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
            );
            let mut add = |loc: String| {
                body.push_str(&format!("<sitemap><loc>{}</loc></sitemap>\n", escape(&loc)));
            };
            add(format!("{base}/sitemaps/pages.xml"));
            add(format!("{base}/sitemap-news.xml"));
            for (month, parts) in months(&counts) {
                for part in 1..=parts {
                    add(format!("{base}/sitemaps/{}", file_name(month, part)));
                }
            }
            body.push_str("</sitemapindex>\n");
            Ok(Rendered::document(
                xml_document(body),
                XML,
                vec![DepKey::Home],
            ))
        })
        .await
}

fn file_name(month: Date, part: usize) -> String {
    let month = month.strftime("%Y-%m");
    if part == 1 {
        format!("{month}.xml")
    } else {
        format!("{month}-{part}.xml")
    }
}

/// The most parts a month's sitemap is split into (50 million articles).
const MAX_PARTS: usize = 1000;

/// `2026-11.xml` → (2026-11-01, 1); `2026-11-2.xml` → (2026-11-01, 2).
/// Only the one spelling [`file_name`] writes is taken, so that no other
/// name makes another cache entry of the same sitemap.
fn parse_name(name: &str) -> Option<(Date, usize)> {
    let parsed = parse_spelling(name)?;
    (parsed.1 <= MAX_PARTS && file_name(parsed.0, parsed.1) == name).then_some(parsed)
}

fn parse_spelling(name: &str) -> Option<(Date, usize)> {
    let stem = name.strip_suffix(".xml")?;
    let (month, part) = match stem.len() {
        7 => (stem, 1),
        _ => {
            let (month, part) = stem.split_at_checked(7)?;
            (
                month,
                part.strip_prefix('-')?.parse().ok().filter(|p| *p >= 2)?,
            )
        }
    };
    let date: Date = format!("{month}-01").parse().ok()?;
    Some((date, part))
}

/// `/sitemaps/{name}`: `pages.xml`, or a month's (part of its) articles.
pub async fn show_sitemap(
    State(app): State<AppState>,
    Path(name): Path<String>,
    request: Request,
) -> Result<Response> {
    let url = format!("/sitemaps/{name}");
    app.pages
        .serve(&app.store, &url, request.headers(), || async {
            let body = if name == "pages.xml" {
                pages_sitemap(&app).await?
            } else {
                let (month, part) = parse_name(&name).ok_or(AppError::NotFound)?;
                let from = month
                    .to_zoned_datetime(TimeZone::UTC)
                    .map_err(|_| AppError::NotFound)?;
                let until = from
                    .checked_add(1.month())
                    .map_err(|_| AppError::NotFound)?;
                let entries = app
                    .store
                    .sitemap_entries(
                        from.timestamp(),
                        until.timestamp(),
                        MAX_URLS as i64,
                        ((part - 1) * MAX_URLS) as i64,
                        false,
                    )
                    .await?;
                if entries.is_empty() {
                    return Err(AppError::NotFound);
                }
                urlset(app.config.site.base(), &entries, None)
            };
            Ok(Rendered::document(
                xml_document(body),
                XML,
                vec![DepKey::Home],
            ))
        })
        .await
}

/// The home page, section fronts, topic pages and static pages.
async fn pages_sitemap(app: &App) -> Result<String> {
    let base = app.config.site.base();
    let mut locs = vec![format!("{base}/")];
    locs.extend(
        app.store
            .sections()
            .await?
            .into_iter()
            .map(|s| format!("{base}/{}", s.slug)),
    );
    locs.extend(
        app.store
            .topics()
            .await?
            .into_iter()
            .map(|t| format!("{base}/topic/{}", t.slug)),
    );
    locs.extend(
        app.store
            .pages()
            .await?
            .into_iter()
            .map(|p| format!("{base}/{}", p.slug)),
    );
    let mut body = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for loc in locs {
        body.push_str(&format!("<url><loc>{}</loc></url>\n", escape(&loc)));
    }
    body.push_str("</urlset>\n");
    Ok(body)
}

/// A `<urlset>` of articles; with `news` (publication name, default
/// language), each carries its Google News block too. With no articles it
/// is empty: a news sitemap lists articles of the last two days only, and
/// with none it lists nothing (the home page it once held had no
/// `news:news`, which Google News reports as an error).
fn urlset(base: &str, entries: &[SitemapEntry], news: Option<(&str, &str)>) -> String {
    let mut body = String::with_capacity(entries.len() * 300 + 400);
    body.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:image=\"http://www.google.com/schemas/sitemap-image/1.1\"",
    );
    if news.is_some() {
        body.push_str(" xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\"");
    }
    body.push_str(">\n");
    for e in entries {
        let loc = format!("{base}{}", article_path(&e.section_slug, &e.slug, e.id));
        body.push_str(&format!(
            "<url><loc>{}</loc><lastmod>{}</lastmod>",
            escape(&loc),
            w3c(e.updated_at)
        ));
        if let Some((publication, language)) = news {
            let language = news_language(e.language.as_deref().unwrap_or(language));
            body.push_str(&format!(
                "<news:news><news:publication><news:name>{}</news:name><news:language>{}</news:language></news:publication><news:publication_date>{}</news:publication_date><news:title>{}</news:title></news:news>",
                escape(publication),
                escape(&language),
                w3c(e.published_at),
                escape(&e.headline)
            ));
        }
        if let Some(figure) = &e.image {
            body.push_str(&format!(
                "<image:image><image:loc>{}</image:loc></image:image>",
                escape(&super::widest_jpeg(base, figure).0)
            ));
        }
        body.push_str("</url>\n");
    }
    body.push_str("</urlset>\n");
    body
}

/// Google News wants an ISO 639 code (`en`, `hi`), except for Chinese
/// (`zh-cn`, `zh-tw`), where a BCP 47 tag may say more (`en-IN`).
fn news_language(tag: &str) -> String {
    let tag = tag.to_ascii_lowercase().replace('_', "-");
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("en").to_owned();
    if primary == "zh" {
        let traditional = tag.contains("hant") || tag.ends_with("-tw") || tag.ends_with("-hk");
        return if traditional { "zh-tw" } else { "zh-cn" }.to_owned();
    }
    primary
}

/// `/sitemap-news.xml`: articles first published in the last 48 hours.
pub async fn show_news_sitemap(State(app): State<AppState>) -> Result<Response> {
    let now = Timestamp::now();
    let from = now
        .checked_sub(NEWS_HOURS.hours())
        .map_err(|e| AppError::Internal(e.into()))?;
    let until = now
        .checked_add(1.hour())
        .map_err(|e| AppError::Internal(e.into()))?;
    let entries = app
        .store
        .sitemap_entries(from, until, NEWS_MAX, 0, true)
        .await?;
    let language = app.config.site.language.clone();
    let body = xml_document(urlset(
        app.config.site.base(),
        &entries,
        Some((&app.config.site.name, &language)),
    ));
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(XML));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_split_at_the_url_limit_and_named_back() {
        let months = months(&[(2026, 10, 1), (2026, 11, MAX_URLS as i64 + 1)]);
        let oct: Date = "2026-10-01".parse().unwrap();
        let nov: Date = "2026-11-01".parse().unwrap();
        assert_eq!(months, [(oct, 1), (nov, 2)]);
        assert_eq!(file_name(nov, 1), "2026-11.xml");
        assert_eq!(file_name(nov, 2), "2026-11-2.xml");
        assert_eq!(parse_name("2026-11.xml"), Some((nov, 1)));
        assert_eq!(parse_name("2026-11-2.xml"), Some((nov, 2)));
        for bad in [
            "2026-11-1.xml",
            "2026-13.xml",
            "pages",
            "2026-11-x.xml",
            "../x.xml",
        ] {
            assert_eq!(parse_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn news_languages_are_iso_639_codes() {
        assert_eq!(news_language("en-IN"), "en");
        assert_eq!(news_language("HI"), "hi");
        assert_eq!(news_language("zh-Hant-TW"), "zh-tw");
        assert_eq!(news_language("zh_CN"), "zh-cn");
    }

    #[test]
    fn text_is_escaped_for_xml() {
        assert_eq!(
            escape("A & B <c> \"d\" 'e'"),
            "A &amp; B &lt;c&gt; &quot;d&quot; &apos;e&apos;"
        );
    }
}
