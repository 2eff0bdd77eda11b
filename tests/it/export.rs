//! Moving a site out: the demo site written as a WordPress export reads
//! back, through `dateline import wordpress`, into an empty Dateline (on
//! PostgreSQL, where there is one: the SQLite side is the import tests')
//! with the same stories by status, pages, sections, tags, bylines and
//! pictures (fetched from the demo server by their addresses), and the
//! same stories with lead pictures; exported again, it says the same.

use std::{collections::BTreeMap, io::BufWriter};

use dateline::import::{self, MediaSource, Options};
use dateline_core::{ArticleId, ArticleStatus};
use dateline_store::{MediaFilter, Store};

use crate::{
    import::{assert_only_renditions_logged, assert_unchanged, census, context},
    support::TestServer,
};

/// What a site holds, counted from its store.
async fn holdings(store: &Store) -> BTreeMap<String, i64> {
    let mut counts = BTreeMap::new();
    for status in [
        ArticleStatus::Draft,
        ArticleStatus::InReview,
        ArticleStatus::Scheduled,
        ArticleStatus::Published,
    ] {
        counts.insert(
            format!("story {}", status.as_str()),
            store.count_in_status(status).await.unwrap(),
        );
    }
    let with_lead = store
        .exported_articles(ArticleId(0), i64::MAX)
        .await
        .unwrap()
        .iter()
        .filter(|a| a.lead_media.is_some())
        .count();
    counts.insert("story with a lead picture".into(), with_lead as i64);
    counts.insert("page".into(), store.pages().await.unwrap().len() as i64);
    counts.insert(
        "section".into(),
        store.sections().await.unwrap().len() as i64,
    );
    counts.insert(
        "tag".into(),
        store.tags("", i64::MAX).await.unwrap().len() as i64,
    );
    counts.insert("byline".into(), store.people().await.unwrap().len() as i64);
    let pictures = store
        .library(&MediaFilter::default(), i64::MAX)
        .await
        .unwrap();
    counts.insert("picture".into(), pictures.len() as i64);
    counts
}

#[tokio::test]
async fn the_demo_site_exported_reads_back_into_an_empty_dateline_whole() {
    let demo = TestServer::with_demo().await;
    let out = tempfile::NamedTempFile::new().unwrap();
    let (_, exported) = dateline::export::export_wordpress(
        &demo.app.store,
        &demo.app.config,
        BufWriter::new(out.reopen().unwrap()),
    )
    .await
    .unwrap();
    let demo_holds = holdings(&demo.app.store).await;
    assert!(demo_holds["story with a lead picture"] > 0);
    assert_eq!(exported.pictures as i64, demo_holds["picture"]);

    // The file is XML a strict parser reads, with what was said written.
    let xml = std::fs::read_to_string(out.path()).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let items = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "item")
        .count() as u64;
    let stories: u64 = exported.stories.values().sum();
    assert_eq!(items, exported.pictures + stories + exported.pages);

    // An empty Dateline that may fetch from the demo server on loopback.
    let loopback = |config: &mut dateline::config::Config| {
        config.wire.fetch_private_addresses = true;
    };
    let postgres = dateline_store::testing::postgres().await;
    let empty = match &postgres {
        Some(db) => TestServer::on_database_and(&db.postgres_url().unwrap(), loopback).await,
        None => TestServer::empty_and(loopback).await,
    };
    let before = holdings(&empty.app.store).await;
    let options = Options {
        media: MediaSource {
            uploads: None,
            fetch: Some(empty.app.wire_http.clone()),
        },
        ..Options::default()
    };
    let summary = import::import_wordpress(&context(&empty), out.path(), &options, &mut |_| {})
        .await
        .unwrap();
    assert!(summary.skipped.is_empty(), "{}", summary.report());
    let after = holdings(&empty.app.store).await;
    for (what, n) in &demo_holds {
        // A site starts with what setting it up made (a section, pages);
        // the import takes those over by their slugs.
        let made_here = after[what] - before[what];
        assert!(
            after[what] == *n || made_here == *n,
            "{what}: the demo has {n}, the new site {} ({} before)\n{}",
            after[what],
            before[what],
            summary.report()
        );
    }
    let origin = format!(
        "wordpress {}",
        demo.app.config.site.base().trim_end_matches('/')
    );
    let found = census(&empty, &origin).await;
    assert_eq!(
        found[&("post".to_owned(), "published".to_owned())],
        demo_holds["story published"]
    );
    // Exported again from there, the same stories, pages and pictures.
    let (_, exported_again) =
        dateline::export::export_wordpress(&empty.app.store, &empty.app.config, std::io::sink())
            .await
            .unwrap();
    assert_eq!(exported_again.stories, exported.stories);
    assert_eq!(
        (exported_again.pages, exported_again.pictures),
        (exported.pages, exported.pictures)
    );
    // Read again, it changes nothing.
    let head = empty.app.store.last_change_seq().await.unwrap();
    let again = import::import_wordpress(&context(&empty), out.path(), &options, &mut |_| {})
        .await
        .unwrap();
    assert_unchanged(&again);
    assert_only_renditions_logged(&empty, head).await;
}
