use dateline_core::{NewSource, SourceId, SourceRights};
use dateline_store::{ItemOutcome, Store};

use crate::fixtures::{article, at, editor, newsroom, slug, text};

/// One story as two agencies would send it (original text, for the tests).
const HEADLINE: &str = "Coastal districts get four desalination plants";
const PARAGRAPHS: [&str; 3] = [
    "The state cabinet on Wednesday approved a plan to build four desalination plants along \
     the coast, each able to supply drinking water to about two lakh households.",
    "Work on the first plant, near the fishing harbour, is to begin in March; the government \
     expects it to be running within three years of the contract being signed.",
    "Officials said the plants would run partly on solar power and that the brine would be \
     piped far out to sea to protect the fishing grounds near the shore.",
];

fn ninjs(version: u32, paragraphs: &[&str], embargo: Option<&str>) -> Vec<u8> {
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect();
    let mut doc = serde_json::json!({
        "uri": "urn:example:dws:desal-plants",
        "version": version.to_string(),
        "type": "text",
        "versioncreated": "2026-11-25T05:00:00Z",
        "headlines": [{"role": "main", "value": HEADLINE}],
        "bodies": [{"role": "main", "contenttype": "text/html", "value": body}],
        "urgency": 4,
    });
    if let Some(embargo) = embargo {
        doc["embargoed"] = embargo.into();
    }
    serde_json::to_vec_pretty(&doc).unwrap()
}

fn newsml(guid: &str, headline: &str, paragraphs: &[&str]) -> Vec<u8> {
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="{guid}" version="1" standard="NewsML-G2" standardversion="2.35">
  <itemMeta><itemClass qcode="ninat:text"/><provider qcode="nprov:MNA"/>
    <versionCreated>2026-11-25T05:10:00Z</versionCreated><pubStatus qcode="stat:usable"/></itemMeta>
  <contentMeta><headline>{headline}</headline></contentMeta>
  <contentSet><inlineXML contenttype="application/xhtml+xml">
    <html xmlns="http://www.w3.org/1999/xhtml"><body>{body}</body></html>
  </inlineXML></contentSet>
</newsItem>"#
    )
    .into_bytes()
}

async fn second_agency(store: &Store) -> SourceId {
    store
        .create_source(
            &NewSource {
                slug: slug("mna"),
                name: text("Meridian News Agency"),
                notice: None,
                rights: SourceRights::default(),
            },
            at("2026-11-01T00:00:00Z"),
        )
        .await
        .unwrap()
}

async fn ingest(
    store: &Store,
    source: SourceId,
    name: &str,
    body: &[u8],
    now: &str,
) -> dateline_store::Ingested {
    let items = dateline_wire::read(body).unwrap();
    store
        .ingest_wire(source, name, body, &items, at(now))
        .await
        .unwrap()
}

pub async fn one_story_from_two_agencies_is_one_cluster_and_a_new_version_supersedes_the_old(
    store: &Store,
) {
    let room = newsroom(store).await;
    let mna = second_agency(store).await;
    let v1 = ninjs(1, &PARAGRAPHS, Some("2026-11-25T12:00:00Z"));
    let first = ingest(
        store,
        room.agency,
        "desal.json",
        &v1,
        "2026-11-25T05:01:00Z",
    )
    .await;
    let a = first.items[0].clone();
    assert_eq!((a.outcome, a.version), (ItemOutcome::New, 1));
    let a_id = a.id.unwrap();
    assert_eq!(a.cluster, Some(a_id), "the first item leads its cluster");
    let stored = store.wire_item(a_id).await.unwrap().unwrap();
    assert_eq!(stored.headline, HEADLINE);
    assert_eq!(stored.embargo_until, Some(at("2026-11-25T12:00:00Z")));
    assert_eq!((stored.format.as_str(), stored.urgency), ("ninjs", Some(4)));
    let (name, raw) = store
        .wire_document(stored.document_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (name.as_str(), raw),
        ("desal.json", v1.clone()),
        "the raw document is kept"
    );

    // The same story as NewsML-G2 from another agency joins the cluster.
    let other = newsml("urn:example:mna:water-1", HEADLINE, &PARAGRAPHS);
    let b = ingest(store, mna, "water.xml", &other, "2026-11-25T05:11:00Z")
        .await
        .items[0]
        .clone();
    assert_eq!((b.outcome, b.cluster), (ItemOutcome::New, Some(a_id)));
    // An unrelated story does not.
    let unrelated = newsml(
        "urn:example:mna:football-1",
        "City club signs new coach",
        &[
            "The city's football club signed a new coach on Tuesday after a season in which it \
           finished last in the league and lost its captain to injury in the first month.",
        ],
    );
    let c = ingest(
        store,
        mna,
        "football.xml",
        &unrelated,
        "2026-11-25T05:12:00Z",
    )
    .await
    .items[0]
        .clone();
    assert_eq!(c.cluster, c.id, "a story of its own");

    // The same bytes again are received once.
    let again = ingest(
        store,
        room.agency,
        "desal.json",
        &v1,
        "2026-11-25T05:20:00Z",
    )
    .await;
    assert_eq!((again.document, again.items.len()), (None, 0));
    // Version 2 supersedes version 1 and stays in the cluster.
    let edited = [
        PARAGRAPHS[0],
        PARAGRAPHS[1],
        "The opposition called the plan overdue.",
    ];
    let v2 = ingest(
        store,
        room.agency,
        "desal-2.json",
        &ninjs(2, &edited, None),
        "2026-11-25T06:00:00Z",
    )
    .await
    .items[0]
        .clone();
    assert_eq!(
        (v2.outcome, v2.version, v2.cluster),
        (ItemOutcome::NewVersion, 2, Some(a_id))
    );
    let v2_id = v2.id.unwrap();
    let versions: Vec<(i64, Option<i64>)> = store
        .wire_versions(v2_id)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.version, r.superseded_by))
        .collect();
    assert_eq!(versions, [(2, None), (1, Some(v2_id))]);
    let current: Vec<i64> = store
        .wire_cluster(a_id)
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(
        current,
        [v2_id, b.id.unwrap()],
        "current versions only, newest first"
    );
    // Version 1 once more, in other bytes: nothing new.
    let late = ninjs(1, &PARAGRAPHS, Some("2026-11-25T12:00:00Z"));
    let mut late = late.clone();
    late.push(b'\n');
    let late = ingest(
        store,
        room.agency,
        "desal-again.json",
        &late,
        "2026-11-25T06:30:00Z",
    )
    .await;
    assert_eq!(late.items[0].outcome, ItemOutcome::Unchanged);
}

pub async fn a_feed_entry_changes_version_only_when_its_text_changes(store: &Store) {
    let room = newsroom(store).await;
    let feed = |title: &str, at: &str| {
        format!(
            "<rss version=\"2.0\"><channel><title>DWS</title><item><guid>urn:dws:rss:9</guid>\
             <title>{title}</title><description>Bus fares rise by five per cent from Monday, the \
             transport corporation said.</description><pubDate>{at}</pubDate></item></channel></rss>"
        )
        .into_bytes()
    };
    let first = ingest(
        store,
        room.agency,
        "feed",
        &feed("Bus fares rise", "Tue, 24 Nov 2026 04:00:00 GMT"),
        "2026-11-24T04:01:00Z",
    )
    .await;
    assert_eq!(
        (first.items[0].outcome, first.items[0].version),
        (ItemOutcome::New, 1)
    );
    // A new fetch with the same entry (the feed's other bytes changed).
    let same = ingest(
        store,
        room.agency,
        "feed",
        &feed("Bus fares rise", "Tue, 24 Nov 2026 04:05:00 GMT"),
        "2026-11-24T04:06:00Z",
    )
    .await;
    assert_eq!(same.items[0].outcome, ItemOutcome::Unchanged);
    let changed = ingest(
        store,
        room.agency,
        "feed",
        &feed("Bus fares rise 5%", "Tue, 24 Nov 2026 04:10:00 GMT"),
        "2026-11-24T04:11:00Z",
    )
    .await;
    assert_eq!(
        (changed.items[0].outcome, changed.items[0].version),
        (ItemOutcome::NewVersion, 2)
    );
}

/// Each node keeps the recent signatures in memory: a node must still find
/// the story another node stored after it last looked.
pub async fn a_node_clusters_with_the_items_another_node_stored(store: &Store) {
    let room = newsroom(store).await;
    let mna = second_agency(store).await;
    let other_node = store.another_node().await;
    // This node's index is filled before the other node stores the story.
    let unrelated = newsml(
        "urn:example:mna:football-2",
        "City club signs new coach",
        &[
            "The city's football club signed a new coach on Tuesday after a season in which it \
           finished last in the league and lost its captain to injury in the first month.",
        ],
    );
    ingest(
        store,
        mna,
        "football.xml",
        &unrelated,
        "2026-11-25T05:00:00Z",
    )
    .await;
    let a = ingest(
        &other_node,
        room.agency,
        "desal.json",
        &ninjs(1, &PARAGRAPHS, None),
        "2026-11-25T05:01:00Z",
    )
    .await
    .items[0]
        .clone();
    let copy = newsml("urn:example:mna:water-2", HEADLINE, &PARAGRAPHS);
    let b = ingest(store, mna, "water.xml", &copy, "2026-11-25T05:02:00Z")
        .await
        .items[0]
        .clone();
    assert_eq!(b.cluster, a.id, "the other node's item leads the cluster");
    // And outside the window the story stands alone.
    let late = newsml("urn:example:mna:water-3", HEADLINE, &PARAGRAPHS);
    let c = ingest(&other_node, mna, "late.xml", &late, "2026-11-29T05:02:00Z")
        .await
        .items[0]
        .clone();
    assert_eq!(c.cluster, c.id, "72 hours on, a story of its own");
    other_node.close().await;
}

/// The desk lists a story once however many copies came, narrows by its
/// filters, and a story used for a draft carries its embargo; its publisher
/// is credited as editor through a byline made once from their name.
pub async fn the_desk_lists_stories_once_and_a_used_story_credits_its_publisher(store: &Store) {
    use dateline_core::ArticleStatus;
    use dateline_store::{WireFilter, WireOrigin, WireState};
    let room = newsroom(store).await;
    let mna = second_agency(store).await;
    let desk = editor(store).await;
    let v1 = ingest(
        store,
        room.agency,
        "desal.json",
        &ninjs(1, &PARAGRAPHS, Some("2026-11-25T12:00:00Z")),
        "2026-11-25T05:01:00Z",
    )
    .await
    .items[0]
        .id
        .unwrap();
    let copy = newsml("urn:example:mna:water-1", HEADLINE, &PARAGRAPHS);
    let b = ingest(store, mna, "water.xml", &copy, "2026-11-25T05:02:00Z")
        .await
        .items[0]
        .id
        .unwrap();
    let edited = [
        PARAGRAPHS[0],
        PARAGRAPHS[1],
        "The opposition called the plan overdue.",
    ];
    let v2 = ingest(
        store,
        room.agency,
        "desal-2.json",
        &ninjs(2, &edited, Some("2026-11-25T12:00:00Z")),
        "2026-11-25T05:03:00Z",
    )
    .await
    .items[0]
        .id
        .unwrap();
    let lines = store.wire_desk(&WireFilter::default(), 50).await.unwrap();
    let shown: Vec<(i64, i64)> = lines.iter().map(|l| (l.id, l.cluster_size)).collect();
    assert_eq!(
        shown,
        [(v2, 2)],
        "one line: the newest copy; two current copies"
    );
    let only_mna = WireFilter {
        source: Some(mna),
        ..WireFilter::default()
    };
    let lines = store.wire_desk(&only_mna, 50).await.unwrap();
    assert_eq!(lines.iter().map(|l| l.id).collect::<Vec<_>>(), [b]);
    let words = WireFilter {
        text: Some("DESALINATION".into()),
        before: Some(v2),
        ..WireFilter::default()
    };
    let lines = store.wire_desk(&words, 50).await.unwrap();
    assert_eq!(
        lines.iter().map(|l| l.id).collect::<Vec<_>>(),
        [b],
        "older than v2"
    );
    let urgent = |at_most| WireFilter {
        urgency_at_most: Some(at_most),
        ..WireFilter::default()
    };
    let lines = store.wire_desk(&urgent(4), 50).await.unwrap();
    assert_eq!(
        lines.iter().map(|l| l.id).collect::<Vec<_>>(),
        [v2],
        "MNA's has none"
    );
    assert!(store.wire_desk(&urgent(3), 50).await.unwrap().is_empty());
    assert_eq!(store.wire_versions(v1).await.unwrap()[0].id, v2);

    // Used: a draft with the embargo and the agency's writer; the item is used.
    let mut draft = article(&room, HEADLINE);
    draft.authors.clear();
    draft.edited_by = None;
    let embargo = at("2026-11-25T12:00:00Z");
    let origin = WireOrigin {
        item: v2,
        embargo_until: Some(embargo),
        byline: Some("Ravi Kumar".into()),
    };
    let id = store
        .create_draft_from_wire(&draft, &origin, desk, at("2026-11-25T06:00:00Z"))
        .await
        .unwrap();
    assert_eq!(
        store.wire_item(v2).await.unwrap().unwrap().state,
        WireState::Used
    );
    assert_eq!(store.wire_item_articles(v2).await.unwrap(), [id]);
    assert!(
        store.set_wire_state(v2, WireState::Ignored).await.is_err(),
        "used stays used"
    );
    store.set_wire_state(b, WireState::Ignored).await.unwrap();
    let editorial = store.editorial(id).await.unwrap().unwrap();
    assert_eq!(editorial.embargo_until, Some(embargo));
    assert!(
        store
            .move_article(
                id,
                ArticleStatus::Published,
                Some(desk),
                at("2026-11-25T11:59:00Z")
            )
            .await
            .is_err(),
        "not before the embargo"
    );
    store
        .move_article(id, ArticleStatus::Published, Some(desk), embargo)
        .await
        .unwrap();
    let published = store.article(id).await.unwrap().unwrap();
    assert_eq!(published.authors[0].name, "Ravi Kumar");
    assert_eq!(published.edited_by.as_ref().unwrap().name, "Desk");
    // The byline is made once and linked: a second story credits the same.
    let again = store
        .create_draft_from_wire(
            &draft,
            &WireOrigin {
                item: b,
                embargo_until: None,
                byline: None,
            },
            desk,
            at("2026-11-25T12:30:00Z"),
        )
        .await
        .unwrap();
    // Scheduled: whoever scheduled it last is credited when it is published.
    let other_desk = store
        .create_user(
            &dateline_store::NewUser {
                email: dateline_core::Email::parse("night@example.org").unwrap(),
                name: text("Night Desk"),
                role: dateline_core::Role::Editor,
                password_hash: "$argon2id$x".into(),
                must_change_password: false,
            },
            at("2026-11-10T08:00:00Z"),
        )
        .await
        .unwrap();
    let when = at("2026-11-25T12:35:00Z");
    store
        .schedule_article(again, when, other_desk, at("2026-11-25T12:30:30Z"))
        .await
        .unwrap();
    store
        .move_article(
            again,
            ArticleStatus::Draft,
            Some(other_desk),
            at("2026-11-25T12:30:40Z"),
        )
        .await
        .unwrap();
    store
        .schedule_article(again, when, desk, at("2026-11-25T12:31:00Z"))
        .await
        .unwrap();
    assert!(store.publish_scheduled(again, when, when).await.unwrap());
    let second = store.article(again).await.unwrap().unwrap();
    assert_eq!(
        second.edited_by.unwrap().slug,
        published.edited_by.unwrap().slug
    );
    assert_eq!(
        store
            .people()
            .await
            .unwrap()
            .iter()
            .filter(|p| p.name == "Desk")
            .count(),
        1
    );
}

/// A push token opens its own source only and is gone once revoked; a
/// polled feed is claimed by one node per turn, keeps the validators of its
/// last `200`, and a new address starts afresh.
pub async fn a_push_token_opens_its_source_and_a_due_feed_is_claimed_once(store: &Store) {
    let room = newsroom(store).await;
    let mna = second_agency(store).await;
    let dws = store.source(room.agency).await.unwrap().slug;
    store
        .set_wire_push_token(room.agency, Some("hash-1"))
        .await
        .unwrap();
    assert_eq!(
        store.wire_push_source(&dws, "hash-1").await.unwrap(),
        Some(room.agency)
    );
    assert_eq!(store.wire_push_source("mna", "hash-1").await.unwrap(), None);
    assert!(store.wire_channels(room.agency).await.unwrap().push_token);
    assert!(!store.wire_channels(mna).await.unwrap().push_token);
    store.set_wire_push_token(room.agency, None).await.unwrap();
    assert_eq!(store.wire_push_source(&dws, "hash-1").await.unwrap(), None);
    assert!(matches!(
        store.set_wire_push_token(SourceId(999_999), None).await,
        Err(dateline_store::StoreError::NotFound)
    ));

    let url = "http://127.0.0.1:9/feed.xml";
    store.set_wire_feed(mna, Some((url, 10))).await.unwrap();
    let other_node = store.another_node().await;
    let t0 = at("2026-11-25T05:00:00Z");
    let (mine, theirs) = tokio::join!(
        store.claim_due_wire_feeds(t0),
        other_node.claim_due_wire_feeds(t0)
    );
    let (mine, theirs) = (mine.unwrap(), theirs.unwrap());
    assert_eq!(mine.len() + theirs.len(), 1, "one node fetches it");
    let due = mine.into_iter().chain(theirs).next().unwrap();
    assert_eq!((due.source, due.url.as_str(), &due.etag), (mna, url, &None));
    let answered = |status: &str, validators| dateline_store::FeedAnswer {
        status: status.to_owned(),
        validators,
    };
    store
        .record_wire_feed_answer(
            &due,
            &answered("200: 3 new", Some((Some("\"v1\"".to_owned()), None))),
        )
        .await
        .unwrap();
    let nine_minutes = at("2026-11-25T05:09:00Z");
    assert!(
        store
            .claim_due_wire_feeds(nine_minutes)
            .await
            .unwrap()
            .is_empty()
    );
    let again = store
        .claim_due_wire_feeds(at("2026-11-25T05:10:00Z"))
        .await
        .unwrap();
    assert_eq!(again[0].etag.as_deref(), Some("\"v1\""), "sent back");
    // A 304 keeps the validators.
    store
        .record_wire_feed_answer(&again[0], &answered("304: not modified", None))
        .await
        .unwrap();
    let feed = store.wire_channels(mna).await.unwrap().feed.unwrap();
    assert_eq!(feed.status.as_deref(), Some("304: not modified"));
    assert_eq!(feed.checked_at, Some(at("2026-11-25T05:10:00Z")));
    // Checking now makes it due at once, validators kept.
    store.check_wire_feed_now(mna).await.unwrap();
    let now = store.claim_due_wire_feeds(nine_minutes).await.unwrap();
    assert_eq!(now[0].etag.as_deref(), Some("\"v1\""));
    // Another address starts afresh; an answer for the old one is dropped.
    let moved = "http://127.0.0.1:9/other.xml";
    store.set_wire_feed(mna, Some((moved, 5))).await.unwrap();
    store
        .record_wire_feed_answer(&now[0], &answered("200: stale", Some((None, None))))
        .await
        .unwrap();
    let feed = store.wire_channels(mna).await.unwrap().feed.unwrap();
    assert_eq!(
        (feed.url.as_str(), feed.minutes, feed.status),
        (moved, 5, None)
    );
    let fresh = store.claim_due_wire_feeds(nine_minutes).await.unwrap();
    assert_eq!((fresh[0].url.as_str(), &fresh[0].etag), (moved, &None));
    store.set_wire_feed(mna, None).await.unwrap();
    assert!(store.wire_channels(mna).await.unwrap().feed.is_none());
    store.check_wire_feed_now(mna).await.unwrap();
    assert!(
        store
            .claim_due_wire_feeds(nine_minutes)
            .await
            .unwrap()
            .is_empty()
    );
    other_node.close().await;
}
