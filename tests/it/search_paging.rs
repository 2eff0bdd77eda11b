//! Paging through search results reaches every match exactly once, in the
//! API (by `next_cursor`) and on the reader's results pages, however deep.

use std::{collections::BTreeSet, time::Duration};

use dateline::search::SearchQuery;
use serde_json::Value;

use crate::support::{TestServer, eventually};

/// The article ids linked from one reader results page, in order.
fn linked_ids(results: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    for link in results.split("href=\"/").skip(1) {
        let path = &link[..link.find('"').unwrap_or(0)];
        let Some((_, tail)) = path.rsplit_once('-') else {
            continue;
        };
        if path.matches('/').count() == 1
            && let Ok(id) = tail.parse::<i64>()
            && !ids.contains(&id)
        {
            ids.push(id);
        }
    }
    ids
}

#[tokio::test]
async fn every_match_is_on_exactly_one_page_past_the_old_re_rank_window() {
    let server = TestServer::with_demo().await;
    let store = &server.app.store;
    // Synthetic stories spread over two years, so the recency boost reorders
    // relevance throughout the results.
    dateline::demo::synthetic::add(store, 700, 11, |_| {})
        .await
        .unwrap();
    let published = store
        .count_published_articles(dateline_store::ArticleList::All)
        .await
        .unwrap() as u64;
    let index = server.app.search.clone();
    eventually(Duration::from_secs(60), || {
        let index = index.clone();
        async move { index.len() == published }
    })
    .await;

    // The commonest of some everyday words with no more matches than a
    // reader can page to.
    let mut best = (String::new(), 0);
    for word in [
        "government",
        "officials",
        "city",
        "minister",
        "people",
        "year",
        "said",
    ] {
        let query = SearchQuery {
            text: word.into(),
            limit: 1,
            ..SearchQuery::default()
        };
        let total = index.search(&query).unwrap().total;
        if total > best.1 && total <= dateline::search::query::MAX_RESULTS {
            best = (word.to_owned(), total);
        }
    }
    let (word, total) = best;
    assert!(
        total >= 215,
        "no word with 215 to 1,000 matches: {word} {total}"
    );

    // The API, 37 at a time.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/search?q={word}&limit=37");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page: Value = serde_json::from_str(&server.page(&path).await).unwrap();
        assert_eq!(page["total"], total);
        for article in page["articles"].as_array().unwrap() {
            seen.push(article["id"].as_i64().unwrap());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let distinct: BTreeSet<_> = seen.iter().collect();
    assert_eq!(
        (seen.len(), distinct.len()),
        (total, total),
        "API pages of \"{word}\": every match once"
    );

    // The reader's pages, ten at a time, in the same order.
    let mut on_pages = Vec::new();
    for page in 1..=total.div_ceil(10) {
        let html = server.page(&format!("/search?q={word}&page={page}")).await;
        let start = html.find("<section class=\"search-results\"").unwrap();
        let end = html[start..].find("</section>").unwrap() + start;
        on_pages.extend(linked_ids(&html[start..end]));
    }
    assert_eq!(on_pages, seen, "the reader's pages list what the API does");
}
