use dateline_core::{ArticleStatus, Body, Email, Headline, Role, Text, UserId};
use dateline_store::{ArticleText, NewUser, Store, StoreError};
use jiff::ToSpan;

use crate::fixtures::{article, at, newsroom};

async fn staff(store: &Store, email: &str) -> UserId {
    store
        .create_user(
            &NewUser {
                email: Email::parse(email).unwrap(),
                name: Text::parse("name", email, 200).unwrap(),
                role: Role::Editor,
                password_hash: "$argon2id$x".into(),
                must_change_password: false,
            },
            at("2026-11-10T08:00:00Z"),
        )
        .await
        .unwrap()
}

fn text(headline: &str, body: &str) -> ArticleText {
    ArticleText {
        headline: Headline::parse(headline).unwrap(),
        standfirst: String::new(),
        body: Body::from_markdown(body),
    }
}

pub async fn of_two_saves_from_one_revision_the_second_is_refused_and_changes_nothing(
    store: &Store,
) {
    let room = newsroom(store).await;
    let (asha, ravi) = (
        staff(store, "asha@example.org").await,
        staff(store, "ravi@example.org").await,
    );
    let now = at("2026-11-10T09:00:00Z");
    let id = store
        .create_draft(&article(&room, "Port strike talks resume"), asha, now)
        .await
        .unwrap();
    let base = store.editorial(id).await.unwrap().unwrap().revision;
    assert_eq!(base, 1);
    assert_eq!(
        store.editorial(id).await.unwrap().unwrap().created_by,
        Some(asha)
    );

    let first = store
        .save_article_text(
            id,
            &text("Port strike talks resume at noon", "Asha's text."),
            base,
            asha,
            now,
        )
        .await
        .unwrap();
    assert_eq!(first, 2);
    let second = store
        .save_article_text(
            id,
            &text("Strike talks to resume", "Ravi's text."),
            base,
            ravi,
            now,
        )
        .await;
    assert!(
        matches!(second, Err(StoreError::StaleRevision { current: 2 })),
        "{second:?}"
    );
    let stored = store.article(id).await.unwrap().unwrap();
    assert_eq!(stored.headline, "Port strike talks resume at noon");
    let revisions = store.revisions(id).await.unwrap();
    assert_eq!(
        revisions.iter().map(|r| r.number).collect::<Vec<_>>(),
        [2, 1],
        "the refused save left no revision"
    );
    assert_eq!(revisions[0].user_id, Some(asha));
    assert_eq!(revisions[0].user_name.as_deref(), Some("asha@example.org"));
    assert_eq!(revisions[0].body_markdown, "Asha's text.");
    assert_eq!(revisions[1].headline, "Port strike talks resume");

    // Saving from the current revision works.
    assert_eq!(
        store
            .save_article_text(
                id,
                &text("Strike talks to resume", "Ravi's text."),
                2,
                ravi,
                now
            )
            .await
            .unwrap(),
        3
    );
}

pub async fn an_embargoed_article_cannot_be_published_or_scheduled_before_its_time(store: &Store) {
    let room = newsroom(store).await;
    let editor = staff(store, "ed@example.org").await;
    let now = at("2026-11-10T09:00:00Z");
    let id = store
        .create_draft(&article(&room, "Budget figures embargoed"), editor, now)
        .await
        .unwrap();
    let until = at("2026-11-10T12:00:00Z");
    store
        .set_embargo(id, Some(until), editor, now)
        .await
        .unwrap();
    let early = store
        .move_article(id, ArticleStatus::Published, Some(editor), now)
        .await;
    assert!(matches!(early, Err(StoreError::Invalid(_))), "{early:?}");
    let early_schedule = store
        .schedule_article(id, at("2026-11-10T11:59:00Z"), editor, now)
        .await;
    assert!(matches!(early_schedule, Err(StoreError::Invalid(_))));
    assert_eq!(
        store.editorial(id).await.unwrap().unwrap().status,
        ArticleStatus::Draft,
        "nothing moved"
    );
    store
        .move_article(id, ArticleStatus::Published, Some(editor), until)
        .await
        .unwrap();
    let log = store.audit_log(Some(id), 10).await.unwrap();
    let actions: Vec<_> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["published", "embargo", "created"]);
    assert_eq!(log[0].user_id, Some(editor));
}

pub async fn a_scheduled_article_is_published_once_however_often_its_job_runs(store: &Store) {
    let room = newsroom(store).await;
    let editor = staff(store, "ed@example.org").await;
    let now = at("2026-11-10T09:00:00Z");
    let id = store
        .create_draft(&article(&room, "Results at six"), editor, now)
        .await
        .unwrap();
    let when = now.checked_add(5.minutes()).unwrap();
    store.schedule_article(id, when, editor, now).await.unwrap();
    let state = store.editorial(id).await.unwrap().unwrap();
    assert_eq!(state.status, ArticleStatus::Scheduled);
    assert_eq!(state.scheduled_at, Some(when));

    // The job was enqueued with the schedule, due at its time.
    assert_eq!(store.next_job_due(now).await.unwrap(), Some(when));
    assert!(
        store
            .claim_job(now, std::time::Duration::from_secs(60))
            .await
            .unwrap()
            .is_none()
    );
    let job = store
        .claim_job(when, std::time::Duration::from_secs(60))
        .await
        .unwrap()
        .expect("due at its time");
    assert_eq!(
        job.kind,
        <dateline_store::PublishScheduled as dateline_store::JobKind>::KIND
    );

    let head = store.last_change_seq().await.unwrap();
    assert!(store.publish_scheduled(id, when, when).await.unwrap());
    assert!(
        !store.publish_scheduled(id, when, when).await.unwrap(),
        "a second run does nothing"
    );
    let changes = store.changes_since(head, 100).await.unwrap();
    assert_eq!(changes.len(), 1, "published once: {changes:?}");
    let published = store.article(id).await.unwrap().unwrap();
    assert_eq!(published.status, ArticleStatus::Published);
    assert_eq!(published.first_published_at, Some(when));

    // A rescheduled article ignores its old time.
    let other = store
        .create_draft(&article(&room, "Moved to seven"), editor, now)
        .await
        .unwrap();
    store
        .schedule_article(other, when, editor, now)
        .await
        .unwrap();
    let later = when.checked_add(1.hours()).unwrap();
    store
        .schedule_article(other, later, editor, now)
        .await
        .unwrap();
    assert!(!store.publish_scheduled(other, when, when).await.unwrap());
    assert_eq!(
        store.editorial(other).await.unwrap().unwrap().status,
        ArticleStatus::Scheduled
    );
    assert!(store.publish_scheduled(other, later, later).await.unwrap());
}

pub async fn the_newsroom_list_narrows_by_status_section_author_source_and_headline(store: &Store) {
    use dateline_store::DeskFilter;
    let room = newsroom(store).await;
    let by = staff(store, "desk@example.org").await;
    let other_section = crate::fixtures::section(store, "sport", 2).await;
    let now = at("2026-11-10T09:00:00Z");
    let wire = store
        .create_draft(&article(&room, "Monsoon reaches Kerala"), by, now)
        .await
        .unwrap();
    let mut own = article(&room, "Kerala_100% rainfall, 50% more");
    own.source = None;
    own.authors = vec![];
    own.section = other_section;
    let own = store.create_draft(&own, by, now).await.unwrap();
    store
        .move_article(wire, ArticleStatus::Published, Some(by), now)
        .await
        .unwrap();
    let ids = |filter: DeskFilter| async move {
        let found = store.desk_articles(&filter, 100).await.unwrap();
        let mut ids: Vec<_> = found.iter().map(|e| e.id).collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(DeskFilter::default()).await, [wire, own]);
    let published = DeskFilter {
        status: Some(ArticleStatus::Published),
        ..Default::default()
    };
    assert_eq!(ids(published).await, [wire]);
    let sport = DeskFilter {
        section: Some(other_section),
        ..Default::default()
    };
    assert_eq!(ids(sport).await, [own]);
    let by_author = DeskFilter {
        author: Some(room.author),
        ..Default::default()
    };
    assert_eq!(ids(by_author).await, [wire]);
    let from_agency = DeskFilter {
        source: Some(room.agency),
        ..Default::default()
    };
    assert_eq!(ids(from_agency).await, [wire]);
    let search = |q: &str| DeskFilter {
        headline: Some(q.into()),
        ..Default::default()
    };
    assert_eq!(ids(search("KERALA")).await, [wire, own], "any case");
    assert_eq!(
        ids(search("100%")).await,
        [own],
        "% is a character, not a wildcard"
    );
    assert_eq!(ids(search("a_1")).await, [own], "and so is _");
    assert_eq!(
        ids(search("a%r")).await,
        Vec::<dateline_core::ArticleId>::new()
    );
    let both = DeskFilter {
        status: Some(ArticleStatus::Draft),
        headline: Some("monsoon".into()),
        ..Default::default()
    };
    assert!(ids(both).await.is_empty(), "conditions combine");
}
