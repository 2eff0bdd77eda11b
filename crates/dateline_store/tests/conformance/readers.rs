use dateline_core::Email;
use dateline_store::{LinkPurpose, NewReaderLink, ReaderSignUp, Store, StoreError};
use jiff::SignedDuration;

use crate::fixtures::at;

fn email(s: &str) -> Email {
    Email::parse(s).unwrap()
}

async fn link(
    store: &Store,
    token: &str,
    id: i64,
    purpose: LinkPurpose,
    extra: (Option<&str>, Option<&str>),
) {
    let now = at("2026-11-09T10:00:00Z");
    store
        .add_reader_link(
            &NewReaderLink {
                token_hash: token,
                reader_id: id,
                purpose,
                new_email: extra.0,
                password_hash: extra.1,
                expires_at: now + SignedDuration::from_hours(1),
            },
            now,
        )
        .await
        .unwrap();
}

pub async fn a_reader_link_is_used_once_and_verifies_moves_or_deletes_the_account_whole(
    store: &Store,
) {
    let now = at("2026-11-09T10:00:00Z");
    let ReaderSignUp::Created(id) = store
        .sign_up_reader(&email("Asha@Example.org"), now)
        .await
        .unwrap()
    else {
        panic!("a new account");
    };
    assert_eq!(
        store
            .sign_up_reader(&email("asha@example.org"), now)
            .await
            .unwrap(),
        ReaderSignUp::Exists {
            id,
            verified: false
        },
        "one account per address, however written"
    );
    store
        .import_subscribers(&[(email("asha@example.org"), "sub-token".into())], &[], now)
        .await
        .unwrap();

    // Two sign-ups, two links: using one verifies the account with its
    // password and spends the other.
    link(
        store,
        "h-intruder",
        id,
        LinkPurpose::Verify,
        (None, Some("hash-intruder")),
    )
    .await;
    link(
        store,
        "h-owner",
        id,
        LinkPurpose::Verify,
        (None, Some("hash-owner")),
    )
    .await;
    assert!(store.reader_link("h-owner", now).await.unwrap().is_some());
    assert!(
        store
            .use_reader_link("h-owner", LinkPurpose::SignIn, None, now)
            .await
            .unwrap()
            .is_none(),
        "a link is used only for its purpose"
    );
    let reader = store
        .use_reader_link("h-owner", LinkPurpose::Verify, None, now)
        .await
        .unwrap()
        .unwrap();
    assert!(reader.verified && reader.has_password);
    assert_eq!(reader.subscriber_token.as_deref(), Some("sub-token"));
    assert_eq!(
        store
            .reader_credentials("ASHA@example.org")
            .await
            .unwrap()
            .unwrap()
            .1
            .as_deref(),
        Some("hash-owner")
    );
    for spent in ["h-owner", "h-intruder"] {
        assert!(
            store
                .use_reader_link(spent, LinkPurpose::Verify, None, now)
                .await
                .unwrap()
                .is_none(),
            "{spent}"
        );
    }

    // A session; moving the address ends it and takes the subscription along.
    let later = now + SignedDuration::from_hours(2);
    store
        .create_reader_session("s1", id, "csrf", later + SignedDuration::from_hours(1), now)
        .await
        .unwrap();
    assert!(store.reader_session("s1", now).await.unwrap().is_some());
    link(
        store,
        "h-move",
        id,
        LinkPurpose::Email,
        (Some("Asha.New@example.org"), None),
    )
    .await;
    let moved = store
        .use_reader_link("h-move", LinkPurpose::Email, None, now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(moved.email, "asha.new@example.org");
    assert_eq!(moved.subscriber_token.as_deref(), Some("sub-token"));
    assert!(store.reader_session("s1", now).await.unwrap().is_none());
    assert_eq!(
        store.export_subscribers().await.unwrap()[0].email,
        "asha.new@example.org"
    );

    // An address another account took since the link was mailed: refused whole.
    let ReaderSignUp::Created(other) = store
        .sign_up_reader(&email("taken@example.org"), now)
        .await
        .unwrap()
    else {
        panic!("a new account");
    };
    link(
        store,
        "h-taken",
        id,
        LinkPurpose::Email,
        (Some("taken@example.org"), None),
    )
    .await;
    assert!(matches!(
        store
            .use_reader_link("h-taken", LinkPurpose::Email, None, now)
            .await,
        Err(StoreError::Conflict { .. })
    ));
    assert!(
        store.reader_link("h-taken", now).await.unwrap().is_some(),
        "nothing changed"
    );
    assert_eq!(
        store.reader(id).await.unwrap().unwrap().email,
        "asha.new@example.org"
    );

    // Expired links do nothing.
    link(store, "h-reset", id, LinkPurpose::Reset, (None, None)).await;
    assert!(
        store
            .use_reader_link("h-reset", LinkPurpose::Reset, Some("hash-new"), later)
            .await
            .unwrap()
            .is_none()
    );

    // Deleting takes the subscription, sessions and links along.
    store
        .create_reader_session("s2", id, "csrf", later, now)
        .await
        .unwrap();
    assert!(store.delete_reader(id).await.unwrap());
    assert!(store.reader(id).await.unwrap().is_none());
    assert!(store.export_subscribers().await.unwrap().is_empty());
    assert!(store.reader_session("s2", now).await.unwrap().is_none());
    assert!(store.reader(other).await.unwrap().is_some());
}
