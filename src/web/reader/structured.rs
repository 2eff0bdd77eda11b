//! Structured data for search engines, as JSON-LD.

use dateline_core::{Article, ArticleKind, html_text};
use serde_json::json;

/// The site's logo for publishers' marks (`publisher.logo`): a raster
/// image of at most 600×60, as Google News asks (the theme's, made by
/// `scripts/brand-images`; a site puts its own in `theme/static/`).
pub const LOGO: &str = "/static/logo.png";

/// The picture addresses of an article's lead image, absolute: the widest
/// of each shape (whole, 16:9, 1:1) where renditions exist, as Google asks
/// for NewsArticle images; else its one file.
pub fn image_urls(base: &str, article: &Article) -> Vec<String> {
    let Some(figure) = &article.lead_image else {
        return Vec::new();
    };
    match &figure.renditions {
        Some(r) => [&r.full, &r.wide, &r.square]
            .into_iter()
            .filter_map(|set| set.last())
            .map(|r| format!("{base}/img/{}", r.jpeg))
            .collect(),
        None => vec![super::widest_jpeg(base, figure).0],
    }
}

/// A NewsArticle for the article at `canonical` (absolute).
pub fn news_article(
    base: &str,
    site: &str,
    language: &str,
    canonical: &str,
    article: &Article,
) -> String {
    let time = crate::theme::time::machine_time;
    let published = article.first_published_at.unwrap_or(article.created_at);
    let authors: Vec<_> = article
        .authors
        .iter()
        .map(|a| json!({ "@type": "Person", "name": a.name, "url": format!("{base}/author/{}", a.slug) }))
        .collect();
    let description = article
        .seo_description
        .as_deref()
        .unwrap_or(&article.standfirst);
    let mut ld = json!({
        "@context": "https://schema.org",
        "@type": match article.kind {
            ArticleKind::Standard => "NewsArticle",
            ArticleKind::Live => "LiveBlogPosting",
        },
        "headline": article.headline,
        "description": description,
        "datePublished": time(published),
        "dateModified": time(article.updated_at),
        "mainEntityOfPage": { "@type": "WebPage", "@id": canonical },
        "url": canonical,
        "isAccessibleForFree": true,
        "articleSection": article.section.name,
        "keywords": article.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        "inLanguage": article.language.as_deref().unwrap_or(language),
        "publisher": organization(base, site),
    });
    if article.kind == ArticleKind::Live {
        live_blog(&mut ld, canonical, published, article);
    }
    let images = image_urls(base, article);
    if !images.is_empty() {
        ld["image"] = json!(images);
    }
    // Agency copy is the agency's work, as the page's "Source:" line says:
    // its organisation is the source, and the author where no byline is.
    let source = article
        .source
        .as_ref()
        .map(|s| json!({ "@type": "Organization", "name": s.name }));
    if let Some(source) = &source {
        ld["sourceOrganization"] = source.clone();
    }
    ld["author"] = match (authors.is_empty(), source) {
        (false, _) => json!(authors),
        (true, Some(source)) => source,
        (true, None) => organization(base, site),
    };
    script_safe(&ld)
}

/// A live blog's coverage start and its entries as `liveBlogUpdate`
/// BlogPostings, newest first, each addressed by its anchor on the page.
fn live_blog(
    ld: &mut serde_json::Value,
    canonical: &str,
    published: jiff::Timestamp,
    article: &Article,
) {
    let time = crate::theme::time::machine_time;
    let updates: Vec<_> = article
        .entries
        .iter()
        .map(|e| {
            let text = html_text(&e.body_html);
            let headline = match &e.title {
                Some(title) => title.clone(),
                None => first_words(&text, 110),
            };
            json!({
                "@type": "BlogPosting",
                "headline": headline,
                "datePublished": time(e.at),
                "articleBody": text,
                "url": format!("{canonical}#entry-{}", e.id),
            })
        })
        .collect();
    ld["coverageStartTime"] = json!(time(published));
    ld["liveBlogUpdate"] = json!(updates);
}

/// `text` cut at a word boundary to at most `max` characters, with an
/// ellipsis when cut.
fn first_words(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max - 1).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut}…")
}

fn organization(base: &str, site: &str) -> serde_json::Value {
    json!({
        "@type": "Organization",
        "name": site,
        "url": format!("{base}/"),
        "logo": { "@type": "ImageObject", "url": format!("{base}{LOGO}") },
    })
}

/// The home page's Organization and WebSite.
pub fn home(base: &str, site: &str, language: &str) -> String {
    let mut org = organization(base, site);
    org["@context"] = json!("https://schema.org");
    let website = json!({
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": site,
        "url": format!("{base}/"),
        "inLanguage": language,
        "publisher": { "@type": "Organization", "name": site },
        // The site's own search, for search engines' sitelinks search box.
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": format!("{base}/search?q={{search_term_string}}"),
            },
            "query-input": "required name=search_term_string",
        },
    });
    script_safe(&json!([org, website]))
}

/// A BreadcrumbList for `items` (name, absolute URL), ready to put inside a
/// `<script type="application/ld+json">` element.
pub fn breadcrumbs(items: &[(&str, String)]) -> String {
    let list: Vec<_> = items
        .iter()
        .enumerate()
        .map(|(i, (name, url))| json!({ "@type": "ListItem", "position": i + 1, "name": name, "item": url }))
        .collect();
    script_safe(
        &json!({ "@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": list }),
    )
}

/// JSON that cannot end the script element it sits in, nor open a comment
/// in it: `<`, `>` and `&` are written as JSON's `\u` escapes, which any
/// JSON reader turns back into the characters.
fn script_safe(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breadcrumbs_number_their_items_and_cannot_close_the_script() {
        let ld = breadcrumbs(&[
            ("Home", "https://x.test/".into()),
            ("</script><b>", "https://x.test/a".into()),
        ]);
        let parsed: serde_json::Value = serde_json::from_str(&ld).unwrap();
        assert_eq!(parsed["itemListElement"][1]["position"], 2);
        assert_eq!(parsed["itemListElement"][1]["name"], "</script><b>");
        assert!(!ld.contains("</script"));
        let comment = breadcrumbs(&[("<!-- a & b -->", "https://x.test/".into())]);
        let parsed: serde_json::Value = serde_json::from_str(&comment).unwrap();
        assert_eq!(parsed["itemListElement"][0]["name"], "<!-- a & b -->");
        assert!(!comment.contains("<!--"));
    }
}
