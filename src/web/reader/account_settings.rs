//! What a signed-in reader changes in their account: password, address
//! (verified by a mailed link), deletion, and the newsletter subscription.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use dateline_core::Email;
use dateline_store::LinkPurpose;
use jiff::Timestamp;
use serde::Deserialize;

use super::account::{
    LinkExtra, Nothing, READER_COOKIE, SIGNED_IN_FLAG, View, account_page, mail_link, mail_needed,
    page, with_cookies,
};
use super::reader_session::{ReaderForm, SignedIn};
use crate::{
    accounts::{check_new_password, hash_password, new_token, verify_password},
    web::AppState,
    web::{
        Result,
        forms::{flag_cookie, set_cookie},
        private,
        throttle::sign_in_throttled,
    },
};

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
}

/// Checks the account's current password (if it has one), throttled like
/// signing in. `Err` holds the answer to give.
async fn check_current(
    app: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
    signed_in: &SignedIn,
    current: String,
) -> Result<std::result::Result<(), Response>> {
    if let Some(refusal) = sign_in_throttled(app, headers, peer, &signed_in.reader.email) {
        return Ok(Err(refusal));
    }
    let Some((_, Some(hash))) = app
        .store
        .reader_credentials(&signed_in.reader.email)
        .await?
    else {
        // No password: the session alone vouches for the reader.
        return Ok(Ok(()));
    };
    if verify_password(current, hash).await {
        Ok(Ok(()))
    } else {
        Ok(Err(account_page(
            app,
            signed_in,
            None,
            Some("Your current password is not right.".into()),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await?))
    }
}

/// `POST /account/password`: sets (or changes) the password; every other
/// session of the account ends.
pub async fn change_password(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ReaderForm { signed_in, form }: ReaderForm<PasswordForm>,
) -> Result<Response> {
    if let Err(answer) = check_current(&app, &headers, peer, &signed_in, form.current).await? {
        return Ok(answer);
    }
    if let Err(e) = check_new_password(&form.password) {
        let error = Some(format!("New password: {}", e.reason));
        return account_page(
            &app,
            &signed_in,
            None,
            error,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let hash = hash_password(form.password).await?;
    app.store
        .set_reader_password(
            signed_in.reader.id,
            &hash,
            &signed_in.token_hash,
            Timestamp::now(),
        )
        .await?;
    Ok(private(Redirect::to("/account?password=1").into_response()))
}

#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    current: String,
}

/// `POST /account/email`: a link to the new address; the account moves
/// when it is used.
pub async fn change_email(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ReaderForm { signed_in, form }: ReaderForm<EmailForm>,
) -> Result<Response> {
    mail_needed(&app)?;
    if let Err(answer) = check_current(&app, &headers, peer, &signed_in, form.current).await? {
        return Ok(answer);
    }
    let refuse = |text: &str| {
        account_page(
            &app,
            &signed_in,
            None,
            Some(text.to_owned()),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let Ok(email) = Email::parse(&form.email) else {
        return refuse("That is not an email address we can send to.").await;
    };
    let new_email = email.as_str().to_lowercase();
    if new_email == signed_in.reader.email {
        return refuse("That is the address your account has already.").await;
    }
    let extra = LinkExtra {
        new_email: Some(&new_email),
        ..LinkExtra::default()
    };
    mail_link(
        &app,
        signed_in.reader.id,
        &new_email,
        LinkPurpose::Email,
        extra,
    )
    .await?;
    Ok(private(Redirect::to("/account?email=1").into_response()))
}

#[derive(Deserialize)]
pub struct DeleteForm {
    /// The word "delete", typed: no account goes by a slip of the mouse.
    #[serde(default)]
    confirm: String,
}

/// `POST /account/delete`: the account and its personal data go.
pub async fn delete(
    State(app): State<AppState>,
    ReaderForm { signed_in, form }: ReaderForm<DeleteForm>,
) -> Result<Response> {
    if !form.confirm.trim().eq_ignore_ascii_case("delete") {
        return account_page(
            &app,
            &signed_in,
            None,
            Some("To delete your account, type the word delete in the box.".into()),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    app.store.delete_reader(signed_in.reader.id).await?;
    tracing::info!(reader = signed_in.reader.id, "reader account deleted");
    let response = page(&app, View::Deleted, StatusCode::OK).await?;
    Ok(with_cookies(
        response,
        [
            set_cookie(&app, READER_COOKIE, "", 0),
            flag_cookie(&app, SIGNED_IN_FLAG, false, 0),
        ],
    ))
}

/// `POST /account/newsletters`: the account's address subscribes (it is
/// verified, so at once) to the newsletters offered by default; then the
/// preferences page.
pub async fn subscribe(
    State(app): State<AppState>,
    ReaderForm { signed_in, .. }: ReaderForm<Nothing>,
) -> Result<Response> {
    let offered = super::newsletter::offered_by_default(&app).await?;
    let token = app
        .store
        .subscribe_reader(
            signed_in.reader.id,
            &offered,
            &new_token(),
            Timestamp::now(),
        )
        .await?;
    Ok(private(
        Redirect::to(&format!("/newsletter/preferences/{token}")).into_response(),
    ))
}
