use dateline_core::Email;
use dateline_store::{NewFeedback, Store};

use crate::fixtures::at;

pub async fn feedback_with_the_same_key_is_stored_once(store: &Store) {
    let message = |text: &str, key: &str| NewFeedback {
        name: "Asha Rao".into(),
        email: Email::parse("asha@example.org").unwrap(),
        message: text.into(),
        dedupe_key: key.into(),
    };
    let now = at("2026-11-10T09:00:00Z");
    assert!(
        store
            .submit_feedback(&message("First", "k1"), now)
            .await
            .unwrap()
    );
    assert!(
        !store
            .submit_feedback(&message("First", "k1"), now)
            .await
            .unwrap(),
        "the same key again is not stored"
    );
    let later = at("2026-11-10T10:00:00Z");
    assert!(
        store
            .submit_feedback(&message("Second", "k2"), later)
            .await
            .unwrap()
    );
    let stored = store.feedback(10).await.unwrap();
    let texts: Vec<_> = stored.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(texts, ["Second", "First"], "newest first");
    assert_eq!(stored[1].created_at, now);
    assert_eq!(stored[1].email, "asha@example.org");
}
