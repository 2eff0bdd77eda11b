//! Reader accounts: sign-up with a password or none, verification of the
//! address, sign-in by password or by a mailed link, sign-out, password
//! reset, change of address and password, deletion, and the account's
//! newsletter subscription.
//!
//! The security is the staff accounts' (`web::admin::sign_in`): Argon2id,
//! the same throttles per network address and per account, a double-submit
//! token on forms shown before sign-in and the session's token on the
//! others, a new session at every sign-in. Forms that take an address
//! answer alike whether or not it has an account; account mail to one
//! address is throttled (`App::account_mail`), so the forms cannot flood a
//! mailbox. Every link is used once, by a button (mail scanners follow
//! links), and signs its user in: it proves they read the mailbox.
//!
//! Sessions and the form extractors are in `reader_session`; what a
//! signed-in reader changes, in `account_settings`.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, Path, Request, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Redirect, Response},
};
use dateline_core::Email;
use dateline_store::{LinkPurpose, NewReaderLink, Reader, ReaderSignUp, StoreError};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::{
    Chrome,
    reader_session::{MaybeSignedIn, ReaderForm, SignedIn, public_form},
};
use crate::{
    accounts::{
        check_new_password, dummy_hash, hash_password, new_token, token_hash, verify_password,
    },
    web::{App, AppState},
    web::{
        AppError, Result,
        forms::{cookie, flag_cookie, new_form_token, set_cookie},
        private,
        throttle::sign_in_throttled,
    },
};

pub const READER_COOKIE: &str = "dateline_reader";
/// Set beside the session cookie, for scripts: a reader is signed in.
pub const SIGNED_IN_FLAG: &str = "dateline_signed_in";
/// How long a reader stays signed in.
const SESSION_DAYS: i64 = 30;

/// The template's views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(super) enum View {
    SignIn,
    SignUp,
    CheckInbox,
    Reset,
    /// A mailed link's button (and, for a reset, the new password).
    Link,
    Account,
    Deleted,
    /// A link that is unknown, used or expired.
    Invalid,
}

impl View {
    fn title(self) -> &'static str {
        match self {
            Self::SignIn => "Sign in",
            Self::SignUp => "Create an account",
            Self::CheckInbox => "Check your inbox",
            Self::Reset => "Reset your password",
            Self::Link => "One more step",
            Self::Account => "Your account",
            Self::Deleted => "Your account is deleted",
            Self::Invalid => "This link does not work",
        }
    }
}

#[derive(Serialize)]
struct AccountPage<'a> {
    chrome: Chrome,
    view: View,
    title: &'static str,
    csrf: String,
    reader: Option<&'a Reader>,
    purpose: Option<LinkPurpose>,
    token: &'a str,
    email: &'a str,
    error: Option<String>,
    notice: Option<&'a str>,
}

impl<'a> AccountPage<'a> {
    async fn new(app: &App, view: View) -> Result<Self> {
        Ok(Self {
            chrome: Chrome::load(app).await?,
            view,
            title: view.title(),
            csrf: String::new(),
            reader: None,
            purpose: None,
            token: "",
            email: "",
            error: None,
            notice: None,
        })
    }

    /// The page, never stored by a cache. Pages shown before sign-in get a
    /// fresh double-submit token for their forms.
    fn respond(mut self, app: &AppState, status: StatusCode) -> Result<Response> {
        let mut cookies = Vec::new();
        if self.reader.is_none() {
            let (token, cookie) = new_form_token(app);
            self.csrf = token;
            cookies.push(cookie);
        }
        let html = app.templates.render("account.html", &self)?;
        Ok(with_cookies(
            private((status, Html(html)).into_response()),
            cookies,
        ))
    }
}

pub(super) fn with_cookies(
    mut response: Response,
    cookies: impl IntoIterator<Item = HeaderValue>,
) -> Response {
    for cookie in cookies {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

pub(super) async fn page(app: &AppState, view: View, status: StatusCode) -> Result<Response> {
    AccountPage::new(app, view).await?.respond(app, status)
}

async fn form_error(
    app: &AppState,
    view: View,
    email: &str,
    status: StatusCode,
    error: impl Into<String>,
) -> Result<Response> {
    let mut page = AccountPage::new(app, view).await?;
    page.email = email;
    page.error = Some(error.into());
    page.respond(app, status)
}

/// Signs `reader` in: a new session (any old one of this browser ends),
/// then their account page.
async fn start_session(app: &AppState, headers: &HeaderMap, reader: &Reader) -> Result<Response> {
    if let Some(old) = cookie(headers, READER_COOKIE) {
        app.store.end_reader_session(&token_hash(old)).await?;
    }
    let token = new_token();
    let now = Timestamp::now();
    let expires_at = now
        .checked_add(SignedDuration::from_hours(SESSION_DAYS * 24))
        .map_err(|e| AppError::Internal(e.into()))?;
    app.store
        .create_reader_session(
            &token_hash(&token),
            reader.id,
            &new_token(),
            expires_at,
            now,
        )
        .await?;
    tracing::info!(reader = reader.id, "reader signed in");
    Ok(with_cookies(
        private(Redirect::to("/account").into_response()),
        [
            set_cookie(app, READER_COOKIE, &token, SESSION_DAYS * 86_400),
            flag_cookie(app, SIGNED_IN_FLAG, true, SESSION_DAYS * 86_400),
        ],
    ))
}

/// Mails reader `id` a link for `purpose` (to `to`), unless that address
/// has had its allowance of account mail; the answer is the same.
pub(super) async fn mail_link(
    app: &AppState,
    id: i64,
    to: &str,
    purpose: LinkPurpose,
    extra: LinkExtra<'_>,
) -> Result<()> {
    let now = Timestamp::now();
    if app.account_mail.check(to.to_owned()).is_err() {
        tracing::warn!(reader = id, "account mail throttled");
        return Ok(());
    }
    let hours = match purpose {
        LinkPurpose::SignIn | LinkPurpose::Reset => 1,
        LinkPurpose::Verify | LinkPurpose::Email => 24,
    };
    let token = new_token();
    let hash = token_hash(&token);
    app.store
        .add_reader_link(
            &NewReaderLink {
                token_hash: &hash,
                reader_id: id,
                purpose,
                new_email: extra.new_email,
                password_hash: extra.password_hash,
                expires_at: now
                    .checked_add(SignedDuration::from_hours(hours))
                    .map_err(|e| AppError::Internal(e.into()))?,
            },
            now,
        )
        .await?;
    #[derive(Serialize)]
    struct LinkMail {
        purpose: LinkPurpose,
        url: String,
        hours: i64,
        registered: bool,
    }
    let text = app.templates.render(
        "mail/account.txt",
        LinkMail {
            purpose,
            url: format!("{}/account/link/{token}", app.config.site.base()),
            hours,
            registered: extra.registered,
        },
    )?;
    let subject = match purpose {
        LinkPurpose::Verify => format!("Confirm your {} account", app.config.site.name),
        LinkPurpose::SignIn => format!("Sign in to {}", app.config.site.name),
        LinkPurpose::Reset => format!("Reset your {} password", app.config.site.name),
        LinkPurpose::Email => format!("Confirm your new address for {}", app.config.site.name),
    };
    if let Err(e) = app.mailer.send_text(to, &subject, text).await {
        tracing::error!(
            reader = id,
            error = format!("{e:#}"),
            "cannot send an account mail"
        );
        return Err(AppError::refused(
            StatusCode::SERVICE_UNAVAILABLE,
            "Mail not sent",
            "The message could not be sent just now. Please try again in a few minutes.",
        ));
    }
    Ok(())
}

#[derive(Default)]
pub(super) struct LinkExtra<'a> {
    pub(super) new_email: Option<&'a str>,
    pub(super) password_hash: Option<&'a str>,
    /// A sign-in link sent because someone tried to open an account for an
    /// address that has one.
    pub(super) registered: bool,
}

pub(super) fn mail_needed(app: &App) -> Result<()> {
    if app.mailer.is_configured() {
        Ok(())
    } else {
        Err(AppError::refused(
            StatusCode::SERVICE_UNAVAILABLE,
            "Accounts unavailable",
            "This site cannot send mail yet, so accounts cannot be opened or used. Please try again later.",
        ))
    }
}

/// `GET /account`: the account, or the way to sign in.
pub async fn show_account(
    State(app): State<AppState>,
    MaybeSignedIn(signed_in): MaybeSignedIn,
    request: Request,
) -> Result<Response> {
    let Some(signed_in) = signed_in else {
        return Ok(private(Redirect::to("/account/sign-in").into_response()));
    };
    let notice = match request.uri().query() {
        Some("password=1") => Some("Your password is changed; your other sign-ins have ended."),
        Some("email=1") => {
            Some("A link is on its way to the new address: follow it to move your account there.")
        }
        _ => None,
    };
    account_page(&app, &signed_in, notice, None, StatusCode::OK).await
}

pub(super) async fn account_page(
    app: &AppState,
    signed_in: &SignedIn,
    notice: Option<&str>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response> {
    let mut page = AccountPage::new(app, View::Account).await?;
    page.reader = Some(&signed_in.reader);
    page.csrf = signed_in.csrf_token.clone();
    page.notice = notice;
    page.error = error;
    page.respond(app, status)
}

/// `GET /account/sign-in`.
pub async fn show_sign_in(
    State(app): State<AppState>,
    MaybeSignedIn(signed_in): MaybeSignedIn,
) -> Result<Response> {
    if signed_in.is_some() {
        return Ok(private(Redirect::to("/account").into_response()));
    }
    page(&app, View::SignIn, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    /// The "email me a link" button.
    #[serde(default)]
    link: Option<String>,
}

/// `POST /account/sign-in`: by password, or a link by mail.
pub async fn sign_in(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Result<Response> {
    let (headers, form): (_, SignInForm) = public_form(request).await?;
    if let Some(refusal) = sign_in_throttled(&app, &headers, peer, &form.email) {
        return Ok(refusal);
    }
    let found = app.store.reader_credentials(&form.email).await?;
    if form.link.is_some() {
        mail_needed(&app)?;
        if let Some((reader, _)) = &found {
            mail_link(
                &app,
                reader.id,
                &reader.email,
                LinkPurpose::SignIn,
                LinkExtra::default(),
            )
            .await?;
        }
        return page(&app, View::CheckInbox, StatusCode::OK).await;
    }
    let hash = match found.as_ref().and_then(|(_, hash)| hash.clone()) {
        Some(hash) => hash,
        None => dummy_hash().await.to_owned(),
    };
    let matches = verify_password(form.password, hash).await;
    match found {
        Some((reader, Some(_))) if matches => start_session(&app, &headers, &reader).await,
        _ => {
            form_error(
                &app,
                View::SignIn,
                &form.email,
                StatusCode::UNAUTHORIZED,
                "That email address and password do not match an account. No password? Ask for a link instead.",
            )
            .await
        }
    }
}

/// `GET /account/sign-up`.
pub async fn show_sign_up(
    State(app): State<AppState>,
    MaybeSignedIn(signed_in): MaybeSignedIn,
) -> Result<Response> {
    if signed_in.is_some() {
        return Ok(private(Redirect::to("/account").into_response()));
    }
    page(&app, View::SignUp, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct SignUpForm {
    #[serde(default)]
    email: String,
    /// Empty: the account signs in by mailed links.
    #[serde(default)]
    password: String,
    /// Hidden from people; a robot that fills every field fills it.
    #[serde(default)]
    website: String,
}

/// `POST /account/sign-up`: always "check your inbox" for a good address,
/// whether it had an account (its owner gets a sign-in link) or not (a
/// verification link, carrying the chosen password).
pub async fn sign_up(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Result<Response> {
    let (headers, form): (_, SignUpForm) = public_form(request).await?;
    let client = crate::web::throttle::client_address(&headers, &app.config.server, peer);
    if let Err(wait) = app.signup_throttle.check(client) {
        return Ok(crate::web::throttle::refusal(
            wait,
            "Please wait",
            "Too many sign-ups from here in a short time. Please wait {wait} and try again.",
        ));
    }
    if !form.website.is_empty() {
        return page(&app, View::CheckInbox, StatusCode::OK).await;
    }
    let Ok(email) = Email::parse(&form.email) else {
        return form_error(
            &app,
            View::SignUp,
            &form.email,
            StatusCode::UNPROCESSABLE_ENTITY,
            "That is not an email address we can send to. Please check it and try again.",
        )
        .await;
    };
    let password_hash = if form.password.is_empty() {
        None
    } else if let Err(e) = check_new_password(&form.password) {
        return form_error(
            &app,
            View::SignUp,
            &form.email,
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("Password: {}", e.reason),
        )
        .await;
    } else {
        Some(hash_password(form.password).await?)
    };
    mail_needed(&app)?;
    let to = email.as_str().to_lowercase();
    match app.store.sign_up_reader(&email, Timestamp::now()).await? {
        ReaderSignUp::Created(id)
        | ReaderSignUp::Exists {
            id,
            verified: false,
        } => {
            let extra = LinkExtra {
                password_hash: password_hash.as_deref(),
                ..LinkExtra::default()
            };
            mail_link(&app, id, &to, LinkPurpose::Verify, extra).await?;
        }
        ReaderSignUp::Exists { id, verified: true } => {
            let extra = LinkExtra {
                registered: true,
                ..LinkExtra::default()
            };
            mail_link(&app, id, &to, LinkPurpose::SignIn, extra).await?;
        }
    }
    page(&app, View::CheckInbox, StatusCode::OK).await
}

/// `GET /account/reset`.
pub async fn show_reset(State(app): State<AppState>) -> Result<Response> {
    page(&app, View::Reset, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    email: String,
}

/// `POST /account/reset`: a reset link, if the address has an account.
pub async fn reset(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Result<Response> {
    let (headers, form): (_, ResetForm) = public_form(request).await?;
    mail_needed(&app)?;
    if let Some(refusal) = sign_in_throttled(&app, &headers, peer, &form.email) {
        return Ok(refusal);
    }
    if let Some((reader, _)) = app.store.reader_credentials(&form.email).await? {
        mail_link(
            &app,
            reader.id,
            &reader.email,
            LinkPurpose::Reset,
            LinkExtra::default(),
        )
        .await?;
    }
    page(&app, View::CheckInbox, StatusCode::OK).await
}

/// `GET /account/link/{token}`: the link's button.
pub async fn show_link(State(app): State<AppState>, Path(token): Path<String>) -> Result<Response> {
    let Some(link) = app
        .store
        .reader_link(&token_hash(&token), Timestamp::now())
        .await?
    else {
        return page(&app, View::Invalid, StatusCode::GONE).await;
    };
    let mut page = AccountPage::new(&app, View::Link).await?;
    page.purpose = Some(link.purpose);
    page.token = &token;
    page.email = link.new_email.as_deref().unwrap_or_default();
    page.respond(&app, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct LinkForm {
    /// A reset link's new password.
    #[serde(default)]
    password: String,
}

/// `POST /account/link/{token}`: uses the link and signs its user in.
pub async fn use_link(
    State(app): State<AppState>,
    Path(token): Path<String>,
    request: Request,
) -> Result<Response> {
    let (headers, form): (_, LinkForm) = public_form(request).await?;
    let hash = token_hash(&token);
    let now = Timestamp::now();
    let Some(link) = app.store.reader_link(&hash, now).await? else {
        return page(&app, View::Invalid, StatusCode::GONE).await;
    };
    let password_hash = if link.purpose == LinkPurpose::Reset {
        if let Err(e) = check_new_password(&form.password) {
            let mut page = AccountPage::new(&app, View::Link).await?;
            page.purpose = Some(link.purpose);
            page.token = &token;
            page.error = Some(format!("Password: {}", e.reason));
            return page.respond(&app, StatusCode::UNPROCESSABLE_ENTITY);
        }
        Some(hash_password(form.password).await?)
    } else {
        None
    };
    match app
        .store
        .use_reader_link(&hash, link.purpose, password_hash.as_deref(), now)
        .await
    {
        Ok(Some(reader)) => start_session(&app, &headers, &reader).await,
        Ok(None) => page(&app, View::Invalid, StatusCode::GONE).await,
        Err(StoreError::Conflict { .. }) => Err(AppError::refused(
            StatusCode::CONFLICT,
            "Address in use",
            "Another account has this address now, so yours cannot move to it.",
        )),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct Nothing {}

/// `POST /account/sign-out`.
pub async fn sign_out(State(app): State<AppState>, form: ReaderForm<Nothing>) -> Result<Response> {
    app.store
        .end_reader_session(&form.signed_in.token_hash)
        .await?;
    Ok(with_cookies(
        private(Redirect::to("/").into_response()),
        [
            set_cookie(&app, READER_COOKIE, "", 0),
            flag_cookie(&app, SIGNED_IN_FLAG, false, 0),
        ],
    ))
}
