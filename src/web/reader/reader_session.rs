//! Who a reader's request comes from: their session, and forms checked
//! against its token (or, before sign-in, against the double-submit one).

use axum::{
    extract::{FromRequestParts, Request},
    http::{HeaderMap, StatusCode, request::Parts},
    response::{IntoResponse, Redirect, Response},
};
use dateline_store::Reader;
use jiff::Timestamp;
use serde::{Deserialize, de::DeserializeOwned};

use super::account::READER_COOKIE;
use crate::{
    accounts::{same_secret, token_hash},
    web::{App, AppState},
    web::{
        AppError, Result,
        forms::{check_form_token, cookie, expired_form, read_form},
        private,
    },
};

/// The signed-in reader of a request.
pub struct SignedIn {
    pub reader: Reader,
    pub csrf_token: String,
    pub(super) token_hash: String,
}

impl SignedIn {
    async fn find(headers: &HeaderMap, app: &App) -> Result<Option<Self>> {
        let Some(token) = cookie(headers, READER_COOKIE) else {
            return Ok(None);
        };
        let token_hash = token_hash(token);
        Ok(app
            .store
            .reader_session(&token_hash, Timestamp::now())
            .await?
            .map(|s| Self {
                reader: s.reader,
                csrf_token: s.csrf_token,
                token_hash,
            }))
    }
}

/// A reader's form: their session, and the form checked against its token.
/// Without a session: the sign-in page.
pub struct ReaderForm<T> {
    pub signed_in: SignedIn,
    pub form: T,
}

#[derive(Deserialize, Default)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

impl<T: DeserializeOwned> axum::extract::FromRequest<AppState> for ReaderForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, app: &AppState) -> std::result::Result<Self, Response> {
        let (parts, body) = request.into_parts();
        let Some(signed_in) = SignedIn::find(&parts.headers, app)
            .await
            .map_err(IntoResponse::into_response)?
        else {
            return Err(private(Redirect::to("/account/sign-in").into_response()));
        };
        let form = (async {
            let bytes = read_form(&parts.headers, body).await?;
            let sent: CsrfField = crate::web::forms::form(&bytes).unwrap_or_default();
            if !same_secret(&sent.csrf, &signed_in.csrf_token) {
                return Err(expired_form());
            }
            parse(&bytes)
        })
        .await
        .map_err(IntoResponse::into_response)?;
        Ok(Self { signed_in, form })
    }
}

/// The optional signed-in reader, for pages that show either way.
pub struct MaybeSignedIn(pub Option<SignedIn>);

impl FromRequestParts<AppState> for MaybeSignedIn {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self> {
        Ok(Self(SignedIn::find(&parts.headers, app).await?))
    }
}

fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    crate::web::forms::form(bytes).map_err(|_| {
        AppError::refused(
            StatusCode::BAD_REQUEST,
            "Form not understood",
            "The form could not be read. Please send it again from our page.",
        )
    })
}

/// A form shown before sign-in: read, with its double-submit token checked.
pub(super) async fn public_form<T: DeserializeOwned>(request: Request) -> Result<(HeaderMap, T)> {
    let (parts, body) = request.into_parts();
    let bytes = read_form(&parts.headers, body).await?;
    let sent: CsrfField = crate::web::forms::form(&bytes).unwrap_or_default();
    check_form_token(&parts.headers, &sent.csrf)?;
    Ok((parts.headers, parse(&bytes)?))
}
