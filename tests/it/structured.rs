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
        .arg(validator("extract-structured.sh"))
        .arg(format!("{}{page}", server.base))
        .arg("--check")
        .output()
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "{page}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}
