//! Search: the index follows the change log (a published story is found,
//! an unpublished one is gone within a second), words are found in Hindi
//! and by their English stems, phrases match only as phrases, filters
//! combine, misspellings are corrected, any text is a query, and the index
//! survives restarts and damage.

use std::time::Duration;

use dateline::search::SearchIndex;
use dateline_core::{ArticleId, ArticleStatus, Body, Role, Slug, Text};

use crate::{
    admin::add_staff,
    support::{TestServer, eventually, new_article},
};

/// The results part of `/search?{query}` (without the form, which repeats
/// the query).
async fn results(server: &TestServer, query: &str) -> String {
    let html = server.page(&format!("/search?{query}")).await;
    let start = html
        .find("<section class=\"search-results\"")
        .unwrap_or_else(|| panic!("no results section for {query}:\n{html}"));
    let end = html[start..].find("</section>").unwrap() + start;
    html[start..end].to_owned()
}

fn q(text: &str) -> String {
    crate::support::encode(&[("q", text)])
}

/// Publishes an article made from `new_article` and changed by `edit`.
async fn publish(
    server: &TestServer,
    section: &str,
    headline: &str,
    edit: impl FnOnce(&mut dateline_core::NewArticle),
) -> ArticleId {
    let store = &server.app.store;
    let by = match store.users().await.unwrap().first() {
        Some(user) => user.id,
        None => add_staff(server, "desk@example.org", Role::Editor).await,
    };
    let mut article = new_article(store, section, headline).await;
    edit(&mut article);
    let id = store
        .create_draft(&article, by, jiff::Timestamp::now())
        .await
        .unwrap();
    crate::support::move_to(store, id, ArticleStatus::Published).await;
    id
}

/// Waits until `/search?{query}` lists `headline` (true) or not (false).
async fn until_found(server: &TestServer, query: &str, headline: &str, found: bool) -> Duration {
    let escaped = crate::support::escape(headline);
    eventually(Duration::from_secs(5), || async {
        results(server, query).await.contains(&escaped) == found
    })
    .await
}

#[tokio::test]
async fn a_hindi_headline_is_found_by_each_of_its_words() {
    let server = TestServer::with_demo().await;
    let headline = "भारत और अमेरिका ने रक्षा सहयोग बढ़ाया";
    publish(&server, "news", headline, |a| {
        a.language = Some("hi".into());
        a.body = Body::from_markdown("दोनों देशों के मंत्रियों ने नई दिल्ली में बैठक की।");
    })
    .await;
    for word in headline.split(' ') {
        until_found(&server, &q(word), headline, true).await;
    }
    // The nukta letter written as two code points finds it too.
    until_found(&server, &q("बढ\u{093C}ाया"), headline, true).await;
    // Another form of a word: मंत्री finds मंत्रियों, देश finds देशों.
    until_found(&server, &q("मंत्री"), headline, true).await;
    until_found(&server, &q("देश"), headline, true).await;
}

#[tokio::test]
async fn an_english_article_is_found_by_a_stemmed_form_and_a_misspelling() {
    let server = TestServer::with_demo().await;
    let headline = "Minister opens the new harbour terminal";
    publish(&server, "news", headline, |a| {
        a.body = Body::from_markdown("The terminal will handle cruise ships from March.");
    })
    .await;
    until_found(&server, &q("ministers"), headline, true).await;
    until_found(&server, &q("terminals opening"), headline, true).await;
    // One letter dropped: nothing matches as typed, so the corrected
    // words are searched and said.
    let page = results(&server, &q("harbor terminal")).await;
    assert!(page.contains("Showing results for"), "{page}");
    assert!(page.contains(&crate::support::escape(headline)), "{page}");
}

#[tokio::test]
async fn an_unpublished_article_leaves_the_results_within_a_second() {
    let server = TestServer::with_demo().await;
    let headline = "Tram depot to close for repairs";
    let id = publish(&server, "news", headline, |_| {}).await;
    until_found(&server, &q("tram depot"), headline, true).await;
    crate::support::move_to(&server.app.store, id, ArticleStatus::Unpublished).await;
    let took = until_found(&server, &q("tram depot"), headline, false).await;
    assert!(took < Duration::from_secs(1), "gone after {took:?}");
}

#[tokio::test]
async fn a_phrase_matches_only_the_phrase_and_filters_combine() {
    let server = TestServer::with_demo().await;
    let store = &server.app.store;
    let tag = store
        .ensure_tag(
            &Slug::parse("ferries").unwrap(),
            &Text::parse("tag", "Ferries", 100).unwrap(),
        )
        .await
        .unwrap();
    let person = store.people().await.unwrap().remove(0);
    let phrase = "River water rises at the ghats";
    let words = "Water taxis return to the river";
    publish(&server, "news", phrase, |a| a.tags = vec![tag]).await;
    let other_section = crate::support::section_other_than(store, "news").await;
    publish(&server, &other_section.slug, words, |a| {
        a.tags = vec![tag];
        a.authors = vec![person.id];
    })
    .await;
    until_found(&server, &q("river water"), words, true).await;
    until_found(&server, &q("river water"), phrase, true).await;

    let quoted = results(&server, &q("\"river water\"")).await;
    assert!(
        quoted.contains(phrase) && !quoted.contains(words),
        "{quoted}"
    );

    let both = |extra: &str| format!("{}&{extra}", q("river water"));
    let in_news = results(&server, &both("section=news")).await;
    assert!(
        in_news.contains(phrase) && !in_news.contains(words),
        "{in_news}"
    );
    let tagged_by = results(
        &server,
        &both(&format!("tag=ferries&author={}", person.slug)),
    )
    .await;
    assert!(
        tagged_by.contains(words) && !tagged_by.contains(phrase),
        "{tagged_by}"
    );
    let nothing = results(
        &server,
        &both(&format!("tag=ferries&author={}&section=news", person.slug)),
    )
    .await;
    assert!(nothing.contains("No stories match"), "{nothing}");
    // The filter's days are the site's (Asia/Kolkata in the demo): after
    // 18:30 UTC its today is the machine's tomorrow.
    let today = jiff::Timestamp::now()
        .in_tz(&server.app.config.site.time_zone)
        .unwrap()
        .date();
    let dated = results(&server, &both(&format!("from={today}&to={today}"))).await;
    assert!(dated.contains(phrase) && dated.contains(words), "{dated}");
    let before = results(&server, &both("to=2020-01-01")).await;
    assert!(before.contains("No stories match"), "{before}");
    let excluded = results(&server, &q("river water -taxis")).await;
    assert!(
        excluded.contains(phrase) && !excluded.contains(words),
        "{excluded}"
    );
}

#[tokio::test]
async fn any_text_gets_a_results_page_and_bad_filters_a_clear_answer() {
    let server = TestServer::with_demo().await;
    let long = "monsoon ".repeat(1300);
    for text in [
        "\"unbalanced quote",
        long.as_str(),
        "rain\u{0}\u{7}\u{1b}[2J",
        "\"",
        "-",
        "*:*",
        "a AND (b",
    ] {
        let response = server.get(&format!("/search?{}", q(text))).await;
        assert_eq!(response.status(), 200, "{text:?}");
    }
    for (query, status, says) in [
        ("q=rain&from=yesterday", 400, "YYYY-MM-DD"),
        ("q=rain&from=2026-02-30", 400, "YYYY-MM-DD"),
        (
            "q=rain&from=2026-05-02&to=2026-05-01",
            400,
            "must not be after",
        ),
        ("q=rain&page=0", 400, "page"),
        ("q=rain&page=lots", 400, "page"),
        ("q=rain&section=no-such-section", 404, ""),
    ] {
        let response = server.get(&format!("/search?{query}")).await;
        assert_eq!(response.status(), status, "{query}");
        let body = response.text().await.unwrap();
        assert!(body.contains(says), "{query}: {body}");
    }
    // The empty page offers the form and no results.
    let empty = server.page("/search").await;
    assert!(empty.contains("role=\"search\"") && !empty.contains("search-results"));
}

#[tokio::test]
async fn the_index_resumes_from_its_position_and_a_damaged_one_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("search");
    {
        let index = SearchIndex::open(&path, "en").unwrap();
        assert_eq!(index.position().unwrap(), None, "new, not built");
        index.apply(&[], &[], 42).unwrap();
    }
    let index = SearchIndex::open(&path, "en").unwrap();
    assert_eq!(index.position().unwrap(), Some(42));
    drop(index);
    std::fs::write(path.join("meta.json"), "{ not json").unwrap();
    let index = SearchIndex::open(&path, "en").unwrap();
    assert_eq!(
        index.position().unwrap(),
        None,
        "a damaged index starts again"
    );
    assert!(index.is_empty());
    let aside = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("search-unusable-")
        });
    assert!(aside, "the damaged index is kept aside for a look");
}

#[tokio::test]
async fn a_second_process_on_the_data_directory_reads_what_the_first_keeps() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("search");
    let keeper = SearchIndex::open(&path, "en").unwrap();
    let reader = SearchIndex::open(&path, "en").unwrap();
    assert!(!keeper.is_read_only());
    assert!(reader.is_read_only(), "the index has one writer");
    assert_eq!(
        reader.position().unwrap(),
        None,
        "made, not yet built: never moved aside"
    );
    assert!(
        reader.apply(&[], &[], 1).is_err(),
        "a reader does not write"
    );
    let document = dateline_store::IndexDocument {
        id: ArticleId(7),
        headline: "Lighthouse keepers return".into(),
        standfirst: String::new(),
        body_markdown: "The lamp is lit again.".into(),
        section: 1,
        source: None,
        tags: vec![],
        authors: vec![],
        language: None,
        published_at: jiff::Timestamp::now(),
    };
    keeper.apply(&[document.id], &[document], 3).unwrap();
    let query = dateline::search::SearchQuery {
        text: "lighthouse".into(),
        limit: 10,
        ..Default::default()
    };
    eventually(Duration::from_secs(5), || async {
        reader.search(&query).unwrap().hits == [ArticleId(7)]
    })
    .await;
}

#[tokio::test]
async fn an_index_ahead_of_the_change_log_is_rebuilt() {
    // As after restoring an older database beside a newer index.
    let server = TestServer::with_demo().await;
    let index = server.app.search.clone();
    let head = server.app.store.last_change_seq().await.unwrap();
    let articles = index.len();
    index.apply(&[], &[], head + 1000).unwrap();
    let log_head = dateline::follow::Head::start(server.app.store.clone())
        .await
        .unwrap();
    let follower =
        dateline::search::indexer::start(server.app.store.clone(), log_head, index.clone())
            .await
            .unwrap()
            .expect("this process keeps the index");
    // The position is read from the last commit, the count from the
    // reader, which is reloaded just after it: wait for both.
    eventually(Duration::from_secs(5), || async {
        index.position().unwrap() == Some(head) && index.len() == articles
    })
    .await;
    follower.abort();
}
