use dateline_core::ArticleStatus;
use dateline_store::{Due, Store, StoreError};

use crate::fixtures::{article, at, editor, newsroom};

/// A send-back returns a submitted story to draft with the editor's note,
/// which the article keeps until its next move; only a story waiting for
/// review can be sent back.
pub async fn a_story_sent_back_carries_its_note_until_it_is_submitted_again(store: &Store) {
    let room = newsroom(store).await;
    let desk = editor(store).await;
    let id = store
        .create_article(&article(&room, "Night buses"), at("2026-11-03T10:00:00Z"))
        .await
        .unwrap();
    let refused = store
        .send_back(id, desk, "Too early.", at("2026-11-03T10:01:00Z"))
        .await;
    assert!(
        matches!(refused, Err(StoreError::Invalid(_))),
        "{refused:?}"
    );
    let submit = async |when| {
        store
            .move_article(id, ArticleStatus::InReview, None, at(when))
            .await
            .unwrap()
    };
    submit("2026-11-03T10:05:00Z").await;
    assert_eq!(store.review_note(id).await.unwrap(), None);
    store
        .send_back(
            id,
            desk,
            "Needs a second source.",
            at("2026-11-03T10:10:00Z"),
        )
        .await
        .unwrap();
    let state = store.editorial(id).await.unwrap().unwrap();
    assert_eq!(state.status, ArticleStatus::Draft);
    let note = store.review_note(id).await.unwrap().unwrap();
    assert_eq!(note.note, "Needs a second source.");
    assert_eq!(note.by.as_deref(), Some("Desk"));
    assert_eq!(note.at, at("2026-11-03T10:10:00Z"));
    submit("2026-11-03T10:20:00Z").await;
    assert_eq!(store.review_note(id).await.unwrap(), None);
}

/// What is due: scheduled stories by their time, and unpublished stories
/// by when their embargo lifts, soonest first, within the window asked.
pub async fn the_dashboard_lists_what_is_due_soonest_first(store: &Store) {
    let room = newsroom(store).await;
    let desk = editor(store).await;
    let now = at("2026-11-03T10:00:00Z");
    let mut ids = Vec::new();
    for headline in ["Later", "Sooner", "Tomorrow"] {
        ids.push(
            store
                .create_article(&article(&room, headline), now)
                .await
                .unwrap(),
        );
    }
    for (id, when) in ids.iter().zip([
        "2026-11-03T18:00:00Z",
        "2026-11-03T12:00:00Z",
        "2026-11-05T09:00:00Z",
    ]) {
        store
            .schedule_article(*id, at(when), desk, now)
            .await
            .unwrap();
    }
    let due = store
        .articles_due(Due::Scheduled, now, at("2026-11-04T10:00:00Z"), 10)
        .await
        .unwrap();
    let headlines: Vec<&str> = due.iter().map(|d| d.article.headline.as_str()).collect();
    assert_eq!(headlines, ["Sooner", "Later"]);
    assert_eq!(due[0].at, at("2026-11-03T12:00:00Z"));

    let embargoed = store
        .create_article(&article(&room, "Under embargo"), now)
        .await
        .unwrap();
    store
        .set_embargo(embargoed, Some(at("2026-11-03T15:00:00Z")), desk, now)
        .await
        .unwrap();
    let lifting = store
        .articles_due(Due::EmbargoLifts, now, at("2026-11-04T10:00:00Z"), 10)
        .await
        .unwrap();
    assert_eq!(lifting.len(), 1);
    assert_eq!(lifting[0].article.id, embargoed);
    assert_eq!(
        lifting[0].article.live_path, None,
        "not public: no reader's page"
    );
}
