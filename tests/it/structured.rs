//! Structured data and social cards: a NewsArticle on article pages,
//! Organization and WebSite on the home page, Open Graph and Twitter tags,
//! checked by reading the JSON-LD back and by the shared extractor and its
//! Google, Twitter and Facebook checks.

use crate::support::{TestServer, validator, validators_available};

/// Every JSON-LD block of `html`, parsed.
pub(crate) fn json_ld(html: &str) -> Vec<serde_json::Value> {
    html.split("<script type=\"application/ld+json\">")
        .skip(1)
        .map(|rest| {
            let block = &rest[..rest.find("</script>").unwrap()];
            serde_json::from_str(block).unwrap_or_else(|e| panic!("{e}: {block}"))
        })
        .collect()
}

#[tokio::test]
async fn the_article_page_describes_a_news_article_and_the_home_page_the_site() {
    let server = TestServer::with_demo().await;
    let path = server.newest_article_path("news").await;
    let html = server.page(&path).await;
    let blocks = json_ld(&html);
    let article = blocks
        .iter()
        .find(|b| b["@type"] == "NewsArticle")
        .expect("a NewsArticle");
    for key in ["headline", "datePublished", "dateModified", "description"] {
        assert!(
            article[key].as_str().is_some_and(|v| !v.is_empty()),
            "{key}"
        );
    }
    assert_eq!(
        article["mainEntityOfPage"]["@id"],
        format!("{}{path}", server.base)
    );
    assert_eq!(article["isAccessibleForFree"], true);
    assert!(
        article["image"][0]
            .as_str()
            .unwrap()
            .starts_with(&server.base)
    );
    assert_eq!(
        article["publisher"]["name"],
        server.app.config.site.name.as_str()
    );
    assert!(article["publisher"]["logo"]["url"].as_str().is_some());
    // Bylined copy names its authors with their pages; agency copy without
    // a byline is credited to the publisher.
    let author = &article["author"];
    match author.as_array() {
        Some(people) => assert!(
            people[0]["url"].as_str().unwrap().contains("/author/"),
            "{author}"
        ),
        None => assert_eq!(author["@type"], "Organization", "{author}"),
    }
    assert!(blocks.iter().any(|b| b["@type"] == "BreadcrumbList"));
    for tag in ["og:title", "og:type", "og:image", "og:url", "twitter:card"] {
        assert!(html.contains(&format!("\"{tag}\"")), "{tag}");
    }

    let home = server.page("/").await;
    let blocks: Vec<serde_json::Value> = json_ld(&home)
        .into_iter()
        .flat_map(|b| b.as_array().cloned().unwrap_or_else(|| vec![b]))
        .collect();
    let of_type = |t: &str| blocks.iter().find(|b| b["@type"] == t);
    assert!(of_type("Organization").is_some(), "{blocks:?}");
    let website = of_type("WebSite").expect("a WebSite block");
    // Its SearchAction leads to the site's search, which finds the words.
    let template = website["potentialAction"]["target"]["urlTemplate"]
        .as_str()
        .unwrap();
    let search = template.replace("{search_term_string}", "monsoon");
    let results = server
        .page(search.strip_prefix(&server.base).unwrap())
        .await;
    assert!(results.contains("class=\"list results\""), "{results}");

    if !validators_available() {
        return;
    }
    for page in [path.as_str(), "/"] {
        assert_passes_structured_data_checks(&server, page).await;
    }
}

/// The shared extractor's Google, Twitter and Facebook checks pass on `page`.
pub(crate) async fn assert_passes_structured_data_checks(server: &TestServer, page: &str) {
    let output = tokio::process::Command::new("bash")
        .arg(validator("structured-data.sh"))
        .arg(format!("{}{page}", server.base))
        .output()
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "{page}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The width and height of a PNG, from its header.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    let word = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (word(16), word(20))
}

async fn png_at(server: &TestServer, url: &str) -> (u32, u32) {
    let path = url.strip_prefix(&server.base).unwrap_or(url);
    let response = server.get(path).await;
    assert_eq!(response.status(), 200, "{url}");
    assert_eq!(response.headers()["content-type"], "image/png", "{url}");
    png_size(&response.bytes().await.unwrap())
}

fn meta(html: &str, property: &str) -> String {
    let at = html
        .find(&format!("property=\"{property}\" content=\""))
        .unwrap_or_else(|| panic!("no {property}"));
    let rest = &html[at + property.len() + 21..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// Link previews and publisher marks get real pictures: the site's social
/// image (1200×630) where a page has none of its own, a raster logo of at
/// most 600×60; and agency copy is credited to its agency.
#[tokio::test]
async fn previews_and_publisher_marks_are_raster_and_agency_copy_is_the_agencys() {
    let server = TestServer::with_demo().await;
    let store = &server.app.store;
    let home = server.page("/").await;
    assert_eq!(png_at(&server, &meta(&home, "og:image")).await, (1200, 630));
    let blocks: Vec<serde_json::Value> = json_ld(&home)
        .into_iter()
        .flat_map(|b| b.as_array().cloned().unwrap_or_else(|| vec![b]))
        .collect();
    let logo = blocks
        .iter()
        .find(|b| b["@type"] == "Organization")
        .unwrap()["logo"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let (width, height) = png_at(&server, &logo).await;
    assert!(width <= 600 && height <= 60, "{width}×{height}");

    // Agency copy with no byline and no picture.
    let editor =
        crate::admin::add_staff(&server, "desk@example.org", dateline_core::Role::Editor).await;
    let dws = store
        .sources()
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.slug == "dws")
        .unwrap();
    let mut new =
        crate::support::new_article(store, "news", "Port strike called off after talks").await;
    new.source = Some(dws.id);
    let id = store
        .create_draft(&new, editor, jiff::Timestamp::now())
        .await
        .unwrap();
    crate::support::move_to(store, id, dateline_core::ArticleStatus::Published).await;
    let path = dateline_core::article_path("news", new.slug.as_str(), id);
    let html = server.page(&path).await;
    assert_eq!(png_at(&server, &meta(&html, "og:image")).await, (1200, 630));
    let article = json_ld(&html)
        .into_iter()
        .find(|b| b["@type"] == "NewsArticle")
        .unwrap();
    assert_eq!(article["author"]["@type"], "Organization");
    assert_eq!(article["author"]["name"], "DWS", "{article}");
    assert_eq!(article["sourceOrganization"]["name"], "DWS");
    assert!(html.contains("Source: DWS") || html.contains("DWS"));
}
