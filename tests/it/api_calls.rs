//! Calls to the API as a client makes them: a staff member's token, a
//! method and path, a JSON body; the status and the JSON answer.

use dateline_core::{Role, Scope, UserId};
use dateline_store::NewAccessToken;
use serde_json::Value;

use crate::{admin::add_staff, support::TestServer};

/// A staff member with `role` (a new account per email) and a token of
/// theirs with `scopes`.
pub(crate) async fn token_for(
    server: &TestServer,
    email: &str,
    role: Role,
    scopes: &[Scope],
) -> (UserId, String) {
    let user = add_staff(server, email, role).await;
    let (secret, prefix) = dateline::accounts::new_access_token();
    let new = NewAccessToken {
        user_id: user,
        name: "test".into(),
        token_hash: dateline::accounts::token_hash(&secret),
        prefix,
        scopes: scopes.to_vec(),
        expires_at: None,
    };
    server
        .app
        .store
        .create_access_token(&new, jiff::Timestamp::now())
        .await
        .unwrap();
    (user, secret)
}

/// `method path` with the token and a JSON body; the status and the JSON
/// answer (`Null` for none).
pub(crate) async fn call(
    server: &TestServer,
    method: &str,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = server
        .client
        .request(method.parse().unwrap(), format!("{}{path}", server.base))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    answer(request.send().await.unwrap()).await
}

/// `POST path` with the token and `body` as it is, sent as JSON (for bodies
/// no [`Value`] can hold); the status and the JSON answer.
pub(crate) async fn post_raw(
    server: &TestServer,
    path: &str,
    token: &str,
    body: impl Into<reqwest::Body>,
) -> (u16, Value) {
    let response = server
        .client
        .post(format!("{}{path}", server.base))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    answer(response).await
}

/// The status of `response` and its JSON body (`Null` for none).
pub(crate) async fn answer(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let json = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{status} {text}: {e}"))
    };
    (status, json)
}
