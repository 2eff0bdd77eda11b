//! Sitemaps: the index, a month's sitemap, the pages' and the news sitemap
//! validate against the sitemaps.org schemas (with Google's image and news
//! extensions); robots.txt names them; an unpublished article leaves them.

use std::time::Duration;

use dateline_core::ArticleStatus;

use crate::support::{TestServer, assert_validates, eventually, validators_available};

fn locs(xml: &str) -> Vec<String> {
    xml.split("<loc>")
        .skip(1)
        .map(|rest| rest[..rest.find("</loc>").unwrap()].to_owned())
        .collect()
}

#[tokio::test]
async fn the_sitemaps_validate_and_list_every_published_article_once() {
    let server = TestServer::with_demo().await;
    // A story of the last 48 hours, with a picture, for the news sitemap.
    let store = &server.app.store;
    let editor = crate::newsroom::session(&server, dateline_core::Role::Editor).await;
    let fresh = crate::support::draft(store, editor.user.unwrap(), "Harbour ferry resumes").await;
    let picture = store
        .library(&Default::default(), 1)
        .await
        .unwrap()
        .remove(0)
        .id;
    let lead = dateline_core::LeadImage {
        media: picture,
        caption: None,
        credit: None,
    };
    store
        .set_lead_image(
            fresh,
            Some(&lead),
            editor.user.unwrap(),
            jiff::Timestamp::now(),
        )
        .await
        .unwrap();
    crate::support::move_to(store, fresh, ArticleStatus::Published).await;
    let robots = server.page("/robots.txt").await;
    assert!(
        robots.contains(&format!("Sitemap: {}/sitemap.xml", server.base)),
        "{robots}"
    );
    assert!(robots.contains("Disallow: /admin"));

    let index = server.page("/sitemap.xml").await;
    let sitemaps = locs(&index);
    assert!(sitemaps.iter().any(|l| l.ends_with("/sitemap-news.xml")));
    let mut articles = Vec::new();
    let dir = tempfile::tempdir().unwrap();
    let mut files = vec![("index.xml".to_owned(), index.clone())];
    for sitemap in &sitemaps {
        let path = sitemap.strip_prefix(&server.base).unwrap();
        let xml = server.page(path).await;
        if path.starts_with("/sitemaps/2") {
            articles.extend(locs(&xml));
        }
        files.push((path.trim_start_matches('/').replace('/', "-"), xml));
    }
    let published = server
        .app
        .store
        .count_published_articles(dateline_store::ArticleList::All)
        .await
        .unwrap();
    assert_eq!(articles.len() as i64, published, "every article once");
    let news = &files
        .iter()
        .find(|(name, _)| name == "sitemap-news.xml")
        .unwrap()
        .1;
    assert!(news.contains("<news:publication_date>") && news.contains("<image:image>"));
    if validators_available() {
        for (name, xml) in &files {
            let file = dir.path().join(name);
            std::fs::write(&file, xml).unwrap();
            assert_validates("validate-sitemap.sh", &file, name);
        }
    }
    assert_eq!(server.get("/sitemaps/1999-01.xml").await.status(), 404);
    assert_eq!(server.get("/sitemaps/nonsense.xml").await.status(), 404);

    // An unpublished article leaves the sitemaps at once.
    let newest = store
        .published_articles(dateline_store::ArticleList::All, 1, 0)
        .await
        .unwrap()
        .remove(0);
    let path = dateline_core::article_path(&newest.section.slug, &newest.slug, newest.id);
    crate::support::move_to(store, newest.id, ArticleStatus::Unpublished).await;
    let month = sitemaps
        .iter()
        .rev()
        .find(|l| l.contains("/sitemaps/2"))
        .unwrap();
    let month = month.strip_prefix(&server.base).unwrap().to_owned();
    // The month's sitemap drops it, or is gone with the index no longer
    // naming it when it was the month's only article.
    eventually(Duration::from_secs(1), || async {
        let response = server.get(&month).await;
        let month_drops_it = match response.status().as_u16() {
            200 => !response.text().await.unwrap().contains(&path),
            404 => !server.page("/sitemap.xml").await.contains(&month),
            status => panic!("GET {month}: {status}"),
        };
        month_drops_it && !server.page("/sitemap-news.xml").await.contains(&path)
    })
    .await;
}

/// With no article of the last two days, the news sitemap lists nothing
/// (it once listed the home page, without the `news:news` a news sitemap's
/// every entry needs).
#[tokio::test]
async fn a_news_sitemap_with_no_recent_article_is_an_empty_urlset() {
    let server = TestServer::with_demo().await;
    let store = &server.app.store;
    let news = server.page("/sitemap-news.xml").await;
    for loc in locs(&news) {
        let id: i64 = loc.rsplit('-').next().unwrap().parse().unwrap();
        crate::support::move_to(
            store,
            dateline_core::ArticleId(id),
            ArticleStatus::Unpublished,
        )
        .await;
    }
    let empty = server.page("/sitemap-news.xml").await;
    let document = roxmltree::Document::parse(&empty).unwrap();
    assert_eq!(document.root_element().tag_name().name(), "urlset");
    assert!(!empty.contains("<url>"), "{empty}");
}
