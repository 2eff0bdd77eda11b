use crate::support::{TestServer, escape, eventually};

const SECTIONS: [&str; 8] = [
    "news",
    "business",
    "movies",
    "sports",
    "cricket",
    "get-ahead",
    "money-tips",
    "shopping",
];
const FOOTER_PAGES: [&str; 7] = [
    "about",
    "privacy",
    "terms",
    "grievances",
    "disclaimer",
    "advertise",
    "feedback",
];

#[tokio::test]
async fn health_answers_once_the_server_can_serve() {
    let server = TestServer::with_demo().await;
    assert_eq!(server.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn the_home_page_leads_with_stories_and_shows_every_section() {
    let server = TestServer::with_demo().await;
    let html = server.page("/").await;
    assert!(html.contains("Top stories"));
    for section in SECTIONS {
        assert!(
            html.contains(&format!("href=\"/{section}\"")),
            "nav link to {section}"
        );
        assert!(
            html.contains(&format!("id=\"block-{section}\"")),
            "home block for {section}"
        );
    }
    for page in FOOTER_PAGES {
        assert!(
            html.contains(&format!("href=\"/{page}\"")),
            "footer link to {page}"
        );
    }
}

#[tokio::test]
async fn every_section_front_and_footer_page_answers() {
    let server = TestServer::with_demo().await;
    for section in SECTIONS {
        let html = server.page(&format!("/{section}")).await;
        assert!(html.contains("class=\"card"), "/{section} lists stories");
        assert!(
            html.contains("aria-current=\"page\""),
            "/{section} marks itself in the nav"
        );
    }
    for page in FOOTER_PAGES {
        let html = server.page(&format!("/{page}")).await;
        assert!(html.contains("<h1>"), "/{page} has a title");
    }
}

#[tokio::test]
async fn an_agency_article_shows_every_element_of_the_reference_page() {
    let server = TestServer::with_demo().await;
    // Find an agency story with an author from the store, then read its page.
    let cards = server
        .app
        .store
        .published_articles(dateline_store::ArticleList::All, 100, 0)
        .await
        .unwrap();
    let mut checked = 0;
    for card in cards {
        let article = server.app.store.article(card.id).await.unwrap().unwrap();
        let Some(source) = article.source.clone().filter(|s| s.notice.is_some()) else {
            continue;
        };
        let path = dateline_core::article_path(&article.section.slug, &article.slug, article.id);
        let html = server.page(&path).await;
        let editor = article.edited_by.as_ref().unwrap();
        let notice = source.notice.as_deref().unwrap();
        let figure = article.lead_image.as_ref().unwrap();

        assert!(
            html.contains(&format!("<h1>{}</h1>", escape(&article.headline))),
            "{path}: headline"
        );
        assert!(
            html.contains(&escape(&article.standfirst)),
            "{path}: standfirst"
        );
        assert!(
            html.contains(&format!(
                "Source: <strong>{}</strong> &mdash; Edited By: <strong>{}</strong>",
                source.name,
                escape(&editor.name)
            )),
            "{path}: source and editor credit"
        );
        assert!(
            html.contains(" IST</time>"),
            "{path}: time in the site's zone"
        );
        assert!(
            html.contains(&format!("<a href=\"/{}\">", article.section.slug)),
            "{path}: breadcrumb"
        );
        assert!(
            html.contains("IMAGE:</span>") && html.contains("Photograph: "),
            "{path}: caption and credit"
        );
        assert!(
            html.contains(&format!(
                "width=\"{}\" height=\"{}\"",
                figure.width, figure.height
            )),
            "{path}: sized image"
        );
        assert!(
            html.contains(&escape(notice)),
            "{path}: republication notice"
        );
        assert!(html.contains("<div class=\"body\">\n<p>"), "{path}: body");
        // The demo's pictures are in the media library: renditions, offered
        // as WebP and JPEG at several widths.
        let renditions = figure.renditions.as_ref().expect("renditions");
        let widest = renditions.full.last().unwrap();
        assert!(
            html.contains(&format!("/img/{}", widest.webp)),
            "{path}: WebP in the srcset"
        );
        let image = server.get(&format!("/img/{}", widest.jpeg)).await;
        assert_eq!(image.status(), 200);
        assert_eq!(image.headers()["content-type"], "image/jpeg");
        checked += 1;
        if checked == 3 {
            break;
        }
    }
    assert_eq!(checked, 3, "the demo has agency stories");
}

#[tokio::test]
async fn old_article_paths_redirect_permanently_and_unknown_ones_are_not_found() {
    let server = TestServer::with_demo().await;
    let path = server.newest_article_path("cricket").await;
    let id = path.rsplit('-').next().unwrap();
    let moved = server.get(&format!("/news/an-old-slug-{id}")).await;
    assert_eq!(moved.status(), 301);
    assert_eq!(moved.headers()["location"], path.as_str());
    assert_eq!(server.get("/news/no-such-story-999999").await.status(), 404);
    assert_eq!(server.get("/no-such-section").await.status(), 404);
    assert_eq!(server.get("/news?page=999").await.status(), 404);
}

#[tokio::test]
async fn a_withdrawn_article_answers_gone() {
    let server = TestServer::with_demo().await;
    let path = server.newest_article_path("movies").await;
    let id = dateline_core::article_id_from_segment(path.rsplit('/').next().unwrap()).unwrap();
    server
        .app
        .store
        .unpublish_article(id, jiff::Timestamp::now())
        .await
        .unwrap();
    // The article page was never cached; the lists that linked it were.
    assert_eq!(server.get(&path).await.status(), 410);
    let within = std::time::Duration::from_secs(1);
    eventually(within, || async {
        !server.page("/movies").await.contains(&path)
    })
    .await;
    eventually(within, || async { !server.page("/").await.contains(&path) }).await;
}

#[tokio::test]
async fn pages_carry_a_strict_content_security_policy() {
    let server = TestServer::with_demo().await;
    let response = server.get("/").await;
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(
        csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn an_article_offers_a_print_view_related_stories_and_its_series() {
    let server = TestServer::with_demo().await;
    // The demo's monsoon series has several articles; take one of them.
    let topic = server.page("/topic/monsoon-watch-2026").await;
    assert!(
        topic.contains("<figure class=\"subject-image\">")
            && topic.contains("src=\"/img/")
            && topic.contains("rains shaped farms"),
        "a topic page shows its picture and description"
    );
    let start = topic.find("<h2><a href=\"").expect("a story in the series") + 13;
    let path = &topic[start..start + topic[start..].find('"').unwrap()];
    let html = server.page(path).await;
    assert!(
        html.contains(&format!("href=\"{path}/print\"")),
        "print link"
    );
    assert!(
        html.contains("Related stories") && html.contains("class=\"thumb\""),
        "related with thumbnails"
    );
    assert!(html.contains("More like this"), "more like this");
    assert!(
        html.contains("id=\"series-monsoon-watch-2026\""),
        "series block"
    );
    assert!(
        !html.contains(&format!("<li><a href=\"{path}\">")),
        "the series block leaves out the article itself"
    );
    let ld_start = html.find("application/ld+json\">").unwrap() + 21;
    let ld: serde_json::Value = serde_json::from_str(
        &html[ld_start..ld_start + html[ld_start..].find("</script>").unwrap()],
    )
    .unwrap();
    assert_eq!(ld["@type"], "BreadcrumbList");
    assert_eq!(ld["itemListElement"].as_array().unwrap().len(), 3);

    let print = server.page(&format!("{path}/print")).await;
    assert!(
        print.contains("/static/print.") && !print.contains("class=\"sections\""),
        "the print view stands alone"
    );
    let moved = server
        .get(&format!(
            "/news/old-slug-{}/print",
            path.rsplit('-').next().unwrap()
        ))
        .await;
    assert_eq!(moved.status(), 301);
}

#[tokio::test]
async fn lost_readers_get_a_404_page_with_the_navigation() {
    let server = TestServer::with_demo().await;
    for path in [
        "/no-such-section",
        "/news/no-such-story-999999",
        "/a/b/c/d",
        "/tag/no-such-tag",
    ] {
        let response = server.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        let html = response.text().await.unwrap();
        assert!(
            html.contains("Page not found") && html.contains("href=\"/cricket\""),
            "{path}: {html}"
        );
    }
}
