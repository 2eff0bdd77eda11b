use dateline_core::{ArticleKind, Body};
use dateline_store::{ChangeKind, Entity, Store, StoreError};

use crate::fixtures::{article, at, editor, newsroom, same_text};

pub async fn a_live_blog_keeps_its_entries_newest_first_and_logs_each_once_published(
    store: &Store,
) {
    let room = newsroom(store).await;
    let by = editor(store).await;
    let opened = at("2026-11-20T06:00:00Z");
    let id = store
        .import_published_articles(&[(article(&room, "Counting day"), opened)], opened)
        .await
        .unwrap()[0];
    let body = Body::from_markdown("Counting has begun in **all** seats.");

    let refused = store
        .add_live_entry(id, None, &body, Some(by), opened)
        .await;
    assert!(
        matches!(refused, Err(StoreError::Invalid(ref e)) if e.field == "kind"),
        "a standard article takes no entries: {refused:?}"
    );
    let mut details = store.article_details(id).await.unwrap().unwrap();
    details.kind = ArticleKind::Live;
    store
        .save_article(
            id,
            &same_text("Counting day"),
            Some(&details),
            1,
            by,
            opened,
        )
        .await
        .unwrap();

    let seq = store.last_change_seq().await.unwrap();
    let first = store
        .add_live_entry(
            id,
            Some("Counting begins"),
            &body,
            Some(by),
            at("2026-11-20T06:05:00Z"),
        )
        .await
        .unwrap();
    let latest = at("2026-11-20T06:30:00Z");
    let second = store
        .add_live_entry(
            id,
            Some("  "),
            &Body::from_markdown("First trends are in."),
            Some(by),
            latest,
        )
        .await
        .unwrap();
    let blog = store.article(id).await.unwrap().unwrap();
    assert_eq!(blog.kind, ArticleKind::Live);
    let ids: Vec<_> = blog.entries.iter().map(|e| e.id).collect();
    assert_eq!(ids, [second, first], "newest first");
    let listed: Vec<_> = store
        .live_entries(id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(listed, ids, "the editor's list is the article's");
    assert_eq!(blog.entries[1].title.as_deref(), Some("Counting begins"));
    assert_eq!(blog.entries[0].title, None, "a blank title is none");
    assert!(blog.entries[1].body_html.contains("<strong>all</strong>"));
    assert_eq!(blog.entries[0].at, latest);
    assert_eq!(blog.updated_at, latest, "an entry updates the article");
    let changes = store.changes_since(seq, 10).await.unwrap();
    let logged: Vec<_> = changes
        .iter()
        .map(|c| (c.entity, c.entity_id, c.kind))
        .collect();
    assert_eq!(
        logged,
        [
            (Entity::LiveEntry, first, ChangeKind::Created),
            (Entity::Article, id.0, ChangeKind::Updated),
            (Entity::LiveEntry, second, ChangeKind::Created),
            (Entity::Article, id.0, ChangeKind::Updated),
        ]
    );
    let (of, entry) = store.live_entry(first).await.unwrap().unwrap();
    assert_eq!((of, entry.title.as_deref()), (id, Some("Counting begins")));

    // Bad entries are refused whole: no row, no change, no new update time.
    let seq = store.last_change_seq().await.unwrap();
    let later = at("2026-11-20T07:00:00Z");
    let long = "x".repeat(121);
    for (title, markdown, field) in [
        (Some(long.as_str()), "Text.", "title"),
        (Some("Two\nlines"), "Text.", "title"),
        (None, " \n ", "body"),
    ] {
        let bad = store
            .add_live_entry(id, title, &Body::from_markdown(markdown), Some(by), later)
            .await;
        assert!(
            matches!(bad, Err(StoreError::Invalid(ref e)) if e.field == field),
            "{field}: {bad:?}"
        );
    }
    let missing = dateline_core::ArticleId(id.0 + 1000);
    let nowhere = store
        .add_live_entry(missing, None, &body, None, later)
        .await;
    assert!(matches!(nowhere, Err(StoreError::NotFound)), "{nowhere:?}");
    let elsewhere = store.delete_live_entry(missing, first, later).await;
    assert!(
        matches!(elsewhere, Err(StoreError::NotFound)),
        "{elsewhere:?}"
    );
    assert_eq!(store.last_change_seq().await.unwrap(), seq);
    let blog = store.article(id).await.unwrap().unwrap();
    assert_eq!((blog.entries.len(), blog.updated_at), (2, latest));

    store.delete_live_entry(id, first, later).await.unwrap();
    let again = store.delete_live_entry(id, first, later).await;
    assert!(matches!(again, Err(StoreError::NotFound)), "{again:?}");
    let blog = store.article(id).await.unwrap().unwrap();
    let ids: Vec<_> = blog.entries.iter().map(|e| e.id).collect();
    assert_eq!((ids, blog.updated_at), (vec![second], later));
    assert!(store.live_entry(first).await.unwrap().is_none());
    let logged: Vec<_> = store
        .changes_since(seq, 10)
        .await
        .unwrap()
        .iter()
        .map(|c| (c.entity, c.entity_id, c.kind))
        .collect();
    assert_eq!(
        logged,
        [
            (Entity::LiveEntry, first, ChangeKind::Deleted),
            (Entity::Article, id.0, ChangeKind::Updated),
        ]
    );
}

pub async fn a_draft_live_blogs_entries_stay_out_of_the_log(store: &Store) {
    let room = newsroom(store).await;
    let by = editor(store).await;
    let now = at("2026-11-21T06:00:00Z");
    let id = store
        .create_draft(&article(&room, "Budget day"), by, now)
        .await
        .unwrap();
    let mut details = store.article_details(id).await.unwrap().unwrap();
    details.kind = ArticleKind::Live;
    store
        .save_article(id, &same_text("Budget day"), Some(&details), 1, by, now)
        .await
        .unwrap();
    let seq = store.last_change_seq().await.unwrap();
    let entry = store
        .add_live_entry(
            id,
            None,
            &Body::from_markdown("Speech at 11."),
            Some(by),
            now,
        )
        .await
        .unwrap();
    assert_eq!(
        store.last_change_seq().await.unwrap(),
        seq,
        "readers hear nothing of a draft"
    );
    let draft = store.article(id).await.unwrap().unwrap();
    assert_eq!(
        draft.entries.iter().map(|e| e.id).collect::<Vec<_>>(),
        [entry]
    );
}
