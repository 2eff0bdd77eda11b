use dateline_core::{Email, Role, Text, UserId};
use dateline_store::{NewSession, NewUser, Store, StoreError};
use jiff::ToSpan;

use crate::fixtures::at;

fn new_user(email: &str, role: Role) -> NewUser {
    NewUser {
        email: Email::parse(email).unwrap(),
        name: Text::parse("name", "Meera Iyer", 200).unwrap(),
        role,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        must_change_password: false,
    }
}

fn new_session(token: &str, user_id: UserId, expires: &str) -> NewSession {
    NewSession {
        token_hash: token.into(),
        user_id,
        csrf_token: format!("csrf-{token}"),
        expires_at: at(expires),
    }
}

pub async fn an_address_has_one_account_in_any_case(store: &Store) {
    let now = at("2026-11-10T09:00:00Z");
    let id = store
        .create_user(&new_user("Meera@Example.org", Role::Editor), now)
        .await
        .unwrap();
    let again = store
        .create_user(&new_user("meera@EXAMPLE.org", Role::Admin), now)
        .await;
    assert!(
        matches!(again, Err(StoreError::Conflict { .. })),
        "{again:?}"
    );
    let found = store
        .credentials("MEERA@example.ORG")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.user.id, id);
    assert_eq!(found.user.role, Role::Editor);
    assert_eq!(found.user.email, "Meera@example.org");
    assert!(found.password_hash.unwrap().starts_with("$argon2id$"));
    assert!(
        store
            .credentials("nobody@example.org")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(store.admin_count().await.unwrap(), 0);
    store.set_role(id, Role::Admin).await.unwrap();
    assert_eq!(store.admin_count().await.unwrap(), 1);
    assert_eq!(store.users().await.unwrap().len(), 1);
}

pub async fn a_session_lives_until_it_expires_or_ends(store: &Store) {
    let now = at("2026-11-10T09:00:00Z");
    let id = store
        .create_user(&new_user("asha@example.org", Role::Contributor), now)
        .await
        .unwrap();
    store
        .create_session(&new_session("t1", id, "2026-11-10T10:00:00Z"), now)
        .await
        .unwrap();
    store
        .create_session(&new_session("t2", id, "2026-11-10T10:00:00Z"), now)
        .await
        .unwrap();
    let session = store.session("t1", now).await.unwrap().unwrap();
    assert_eq!(session.user.id, id);
    assert_eq!(session.csrf_token, "csrf-t1");
    assert!(store.session("unknown", now).await.unwrap().is_none());

    let later = now.checked_add(2.hours()).unwrap();
    assert!(
        store.session("t1", later).await.unwrap().is_none(),
        "expired"
    );

    store.end_session("t1").await.unwrap();
    assert!(store.session("t1", now).await.unwrap().is_none(), "ended");
    assert!(
        store.session("t2", now).await.unwrap().is_some(),
        "others live on"
    );
    assert_eq!(store.purge_expired_sessions(later).await.unwrap(), 1);
}

pub async fn a_new_password_ends_every_session(store: &Store) {
    let now = at("2026-11-10T09:00:00Z");
    let id = store
        .create_user(&new_user("asha@example.org", Role::Author), now)
        .await
        .unwrap();
    for token in ["a", "b"] {
        store
            .create_session(&new_session(token, id, "2026-11-11T09:00:00Z"), now)
            .await
            .unwrap();
    }
    store.set_password(id, "$argon2id$new", now).await.unwrap();
    for token in ["a", "b"] {
        assert!(store.session(token, now).await.unwrap().is_none());
    }
    let found = store
        .credentials("asha@example.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.password_hash.as_deref(), Some("$argon2id$new"));
    assert!(matches!(
        store.set_password(UserId(9999), "x", now).await,
        Err(StoreError::NotFound)
    ));
}

pub async fn a_reset_link_works_once_before_it_expires_and_ends_every_session(store: &Store) {
    let now = at("2026-11-10T09:00:00Z");
    let id = store
        .create_user(&new_user("asha@example.org", Role::Author), now)
        .await
        .unwrap();
    store
        .create_session(&new_session("s1", id, "2026-11-11T09:00:00Z"), now)
        .await
        .unwrap();
    let expires = now.checked_add(1.hours()).unwrap();
    store
        .create_password_reset("r1", id, expires, now)
        .await
        .unwrap();
    store
        .create_password_reset("r2", id, expires, now)
        .await
        .unwrap();
    assert_eq!(
        store
            .password_reset_user("r1", now)
            .await
            .unwrap()
            .unwrap()
            .id,
        id
    );
    assert!(
        store
            .password_reset_user("nope", now)
            .await
            .unwrap()
            .is_none()
    );

    let late = expires.checked_add(1.seconds()).unwrap();
    assert!(
        store
            .password_reset_user("r2", late)
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    assert_eq!(
        store
            .reset_password("r2", "$argon2id$late", late)
            .await
            .unwrap(),
        None
    );

    assert_eq!(
        store
            .reset_password("r1", "$argon2id$new", now)
            .await
            .unwrap(),
        Some(id)
    );
    assert_eq!(
        store
            .reset_password("r1", "$argon2id$again", now)
            .await
            .unwrap(),
        None,
        "used"
    );
    let found = store
        .credentials("asha@example.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.password_hash.as_deref(), Some("$argon2id$new"));
    assert!(
        store.session("s1", now).await.unwrap().is_none(),
        "sessions ended"
    );
}

pub async fn a_token_grants_its_scopes_until_it_expires_or_is_revoked(store: &Store) {
    use dateline_core::Scope;
    use dateline_store::NewAccessToken;
    let now = at("2026-11-10T09:00:00Z");
    let owner = store
        .create_user(&new_user("ravi@example.org", Role::Editor), now)
        .await
        .unwrap();
    let other = store
        .create_user(&new_user("lata@example.org", Role::Author), now)
        .await
        .unwrap();
    let token = |hash: &str, expires: Option<&str>| NewAccessToken {
        user_id: owner,
        name: format!("token {hash}"),
        token_hash: hash.into(),
        prefix: hash.chars().take(4).collect(),
        scopes: vec![Scope::ArticlesWrite, Scope::MediaWrite],
        expires_at: expires.map(at),
    };
    let lasting = store
        .create_access_token(&token("hash-a", None), now)
        .await
        .unwrap();
    store
        .create_access_token(&token("hash-b", Some("2026-11-11T09:00:00Z")), now)
        .await
        .unwrap();
    // One secret, one token.
    let again = store.create_access_token(&token("hash-a", None), now).await;
    assert!(
        matches!(again, Err(StoreError::Conflict { .. })),
        "{again:?}"
    );

    let grant = store
        .access_token_grant("hash-a", now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((grant.token_id, grant.user.id), (lasting, owner));
    assert_eq!(grant.user.role, Role::Editor);
    assert_eq!(grant.scopes, [Scope::ArticlesWrite, Scope::MediaWrite]);
    assert!(
        store
            .access_token_grant("nope", now)
            .await
            .unwrap()
            .is_none()
    );

    // Expiry.
    let later = at("2026-11-12T09:00:00Z");
    assert!(
        store
            .access_token_grant("hash-b", now)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .access_token_grant("hash-b", later)
            .await
            .unwrap()
            .is_none()
    );

    // Uses are noted at most once a minute.
    store.note_access_token_use(lasting, now).await.unwrap();
    store
        .note_access_token_use(lasting, at("2026-11-10T09:00:30Z"))
        .await
        .unwrap();
    let listed = store.access_tokens(owner).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[1].id, lasting, "newest first");
    assert_eq!(listed[1].last_used_at, Some(now));
    assert!(store.access_tokens(other).await.unwrap().is_empty());

    // Only its owner revokes it, once; then it grants nothing.
    assert!(matches!(
        store.revoke_access_token(other, lasting, later).await,
        Err(StoreError::NotFound)
    ));
    store
        .revoke_access_token(owner, lasting, later)
        .await
        .unwrap();
    assert!(matches!(
        store.revoke_access_token(owner, lasting, later).await,
        Err(StoreError::NotFound)
    ));
    assert!(
        store
            .access_token_grant("hash-a", now)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store.access_tokens(owner).await.unwrap()[1].revoked_at,
        Some(later)
    );
}

pub async fn a_webhook_keeps_its_attempts_newest_first_until_it_is_deleted(store: &Store) {
    use dateline_store::{NewWebhook, WebhookAttempt};
    let now = at("2026-11-10T09:00:00Z");
    let new = NewWebhook {
        name: "Partner".into(),
        url: "https://partner.example/hook".into(),
        secret: "whsec_x".into(),
        events: vec!["published".into(), "unpublished".into()],
    };
    let id = store.create_webhook(&new, now).await.unwrap();
    let hook = store.webhook(id).await.unwrap().unwrap();
    assert!(hook.wants("published") && !hook.wants("updated"));
    assert_eq!((hook.last_attempt_at, hook.last_delivered), (None, None));
    for (attempt, status) in [(1, Some(500)), (2, None), (3, Some(204))] {
        let record = WebhookAttempt {
            change_seq: 42,
            event: "article.published".into(),
            article_id: 7,
            attempt,
            at: now + jiff::SignedDuration::from_secs(attempt),
            status,
            error: status.is_none().then(|| "connection refused".to_owned()),
            duration_ms: 12,
        };
        store.record_webhook_attempt(id, &record).await.unwrap();
    }
    let log = store.webhook_attempts(id, 10).await.unwrap();
    let seen: Vec<(i64, Option<i64>, bool)> = log
        .iter()
        .map(|a| (a.attempt, a.status, a.delivered()))
        .collect();
    assert_eq!(
        seen,
        [
            (3, Some(204), true),
            (2, None, false),
            (1, Some(500), false)
        ]
    );
    let listed = store.webhooks().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].last_delivered, Some(true));
    assert_eq!(listed[0].secret, "whsec_x");
    store.delete_webhook(id).await.unwrap();
    assert!(store.webhook(id).await.unwrap().is_none());
    assert!(store.webhook_attempts(id, 10).await.unwrap().is_empty());
    assert!(matches!(
        store.delete_webhook(id).await,
        Err(StoreError::NotFound)
    ));
}
