//! Several nodes on one PostgreSQL database: what one node changes, the
//! others show at once, woken by `LISTEN/NOTIFY` rather than by polling.

use std::time::{Duration, Instant};

use dateline_core::{
    ArticleKind, Body, Headline, NewArticle, NewSection, Slug, Text, article_path,
};
use dateline_store::ArticleText;
use jiff::Timestamp;

use crate::support::{TestServer, eventually};

/// Edits made on one node and looked for on the other.
const TRIALS: usize = 50;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_on_one_node_shows_on_another_within_a_second() {
    let Some(db) = dateline_store::testing::postgres().await else {
        return;
    };
    let url = db.postgres_url().unwrap();
    let writer = TestServer::on_database(&url).await;
    let reader = TestServer::on_database(&url).await;
    let store = &writer.app.store;
    let now = Timestamp::now();
    let section = NewSection {
        slug: Slug::parse("news").unwrap(),
        name: Text::parse("section", "News", 80).unwrap(),
        parent: None,
        position: 1,
    };
    let section = store.create_section(&section, now).await.unwrap();
    let slug = Slug::parse("harbour-bridge-reopens").unwrap();
    let article = NewArticle {
        slug: slug.clone(),
        headline: Headline::parse("Harbour bridge reopens").unwrap(),
        standfirst: String::new(),
        body: Body::from_markdown("Traffic crosses again."),
        section,
        source: None,
        authors: Vec::new(),
        edited_by: None,
        place: None,
        tags: Vec::new(),
        topics: Vec::new(),
        lead_image: None,
        language: None,
        kind: ArticleKind::Standard,
        corpus_label: None,
    };
    let id = store.create_article(&article, now).await.unwrap();
    store.publish_article(id, now).await.unwrap();
    let path = article_path("news", slug.as_str(), id);
    eventually(Duration::from_secs(5), || async {
        reader.get(&path).await.status() == 200
    })
    .await;

    let mut delays = Vec::with_capacity(TRIALS);
    for trial in 1..=TRIALS {
        // The reading node holds the page in its cache, as a busy site does.
        reader.page(&path).await;
        let headline = format!("Harbour bridge reopens, update {trial}");
        let text = ArticleText {
            headline: Headline::parse(&headline).unwrap(),
            standfirst: String::new(),
            body: Body::from_markdown("Traffic crosses again."),
        };
        let started = Instant::now();
        store
            .revise_article(id, &text, Timestamp::now())
            .await
            .unwrap();
        loop {
            if reader.page(&path).await.contains(&headline) {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(1),
                "trial {trial}: the other node still showed the old page after a second"
            );
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        delays.push(started.elapsed());
    }
    delays.sort();
    let at =
        |q: f64| delays[((delays.len() as f64 * q).ceil() as usize).clamp(1, delays.len()) - 1];
    eprintln!(
        "edit on one node → shown on the other, {TRIALS} trials: p50 {:?}, p99 {:?}, max {:?}",
        at(0.5),
        at(0.99),
        delays[delays.len() - 1]
    );
}
