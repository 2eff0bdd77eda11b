//! Forms and cookies, for the newsroom's pages and the readers' alike.
//!
//! Text at the edge: every form a browser sends is read through [`form`],
//! so what reaches a handler is in Unicode's composed form and free of
//! control characters and noncharacters (see [`dateline_core::clean_text`]),
//! whichever field it came in.

use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
};
use serde::de::DeserializeOwned;

use crate::{
    accounts::{new_token, same_secret},
    web::{AppError, AppState, Result, private},
};

/// axum's `Form` for the forms readers send without a session, read
/// through [`form`]: what the handler gets is clean. Staff forms have
/// `AdminForm`, which reads them the same way.
pub struct CleanForm<T>(pub T);

/// Why a [`CleanForm`] could not be read.
#[derive(Debug)]
pub enum FormRefusal {
    /// Larger than the route's body limit.
    TooLarge,
    /// Not `application/x-www-form-urlencoded`, or not the fields expected.
    Unreadable,
}

impl FormRefusal {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Unreadable => StatusCode::BAD_REQUEST,
        }
    }
}

/// Handlers take `Result<CleanForm<T>, FormRefusal>` and word the refusal
/// for their page; used bare, it is a plain-text status.
impl axum::response::IntoResponse for FormRefusal {
    fn into_response(self) -> axum::response::Response {
        (self.status(), "The form could not be read.\n").into_response()
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for CleanForm<T> {
    type Rejection = FormRefusal;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_urlencoded(request.headers()) {
            return Err(FormRefusal::Unreadable);
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|e| match e.status() {
                StatusCode::PAYLOAD_TOO_LARGE => FormRefusal::TooLarge,
                _ => FormRefusal::Unreadable,
            })?;
        form(&bytes)
            .map(CleanForm)
            .map_err(|_| FormRefusal::Unreadable)
    }
}

/// An `application/x-www-form-urlencoded` body as `T`, every name and
/// value cleaned first. Browsers send what was pasted into a field as it
/// was, form feeds and all: those are dropped rather than refused, as a
/// word processor would.
pub fn form<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_html_form::de::Error> {
    let pairs = url::form_urlencoded::parse(bytes);
    let clean = pairs.clone().all(|(k, v)| is_clean(&k) && is_clean(&v));
    if clean {
        return serde_html_form::from_bytes(bytes);
    }
    let mut cleaned = url::form_urlencoded::Serializer::new(String::with_capacity(bytes.len()));
    for (name, value) in pairs {
        cleaned.append_pair(
            &dateline_core::clean_text(&name),
            &dateline_core::clean_text(&value),
        );
    }
    serde_html_form::from_str(&cleaned.finish())
}

/// Whether a request says its body is an HTML form's.
pub fn is_urlencoded(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

fn is_clean(s: &str) -> bool {
    matches!(dateline_core::clean_text(s), std::borrow::Cow::Borrowed(_))
}

/// The most a form sent with a session may carry.
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

/// The body of a URL-encoded form, at most [`MAX_FORM_BYTES`].
pub async fn read_form(headers: &HeaderMap, body: axum::body::Body) -> Result<Bytes> {
    if !is_urlencoded(headers) {
        return Err(AppError::refused(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Unreadable form",
            "Forms must be sent as application/x-www-form-urlencoded.",
        ));
    }
    axum::body::to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| {
            AppError::refused(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Form too large",
                format!("A form may carry at most {} MB.", MAX_FORM_BYTES >> 20),
            )
        })
}

/// The refusal for a form without this session's token: a forgery, or a
/// page left open across a sign-out.
pub fn expired_form() -> AppError {
    AppError::refused(
        StatusCode::FORBIDDEN,
        "Form expired",
        "This form is out of date or was not sent from this site. Go back, reload the page and try again.",
    )
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(k, v)| (k == name).then_some(v))
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Secure when the site is
/// served over https; `max_age` 0 deletes the cookie.
pub fn set_cookie(app: &AppState, name: &str, value: &str, max_age_secs: i64) -> HeaderValue {
    let secure = if app.config.site.base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
    ))
    .expect("cookie names and hex tokens are valid header text")
}

/// A cookie that scripts may read: a flag, never a secret (the masthead's
/// "Your account" for a signed-in reader, on pages cached for everyone).
pub fn flag_cookie(app: &AppState, name: &str, on: bool, max_age_secs: i64) -> HeaderValue {
    let secure = if app.config.site.base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let (value, age) = if on { ("1", max_age_secs) } else { ("", 0) };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; SameSite=Lax; Max-Age={age}{secure}"
    ))
    .expect("flag cookies are valid header text")
}

/// The double-submit cookie of the forms shown before sign-in (signing in,
/// resetting a password): the form must echo it, which a page of another
/// site cannot do.
pub const SIGN_IN_COOKIE: &str = "dateline_sign_in";

/// Refuses a pre-sign-in form whose token does not echo its cookie.
pub fn check_form_token(headers: &axum::http::HeaderMap, sent: &str) -> Result<()> {
    let expected = cookie(headers, SIGN_IN_COOKIE).unwrap_or_default();
    if expected.is_empty() || !same_secret(sent, expected) {
        return Err(expired_form());
    }
    Ok(())
}

/// A fresh token for a pre-sign-in form, and the cookie that carries it.
pub fn new_form_token(app: &AppState) -> (String, HeaderValue) {
    let token = new_token();
    let cookie = set_cookie(app, SIGN_IN_COOKIE, &token, 3600);
    (token, cookie)
}

/// A pre-sign-in page rendered by `render` with a fresh form token, and the
/// cookie the token must echo.
pub fn with_form_token(
    app: &AppState,
    status: StatusCode,
    render: impl FnOnce(&str) -> std::result::Result<String, minijinja::Error>,
) -> Result<Response> {
    let (csrf, cookie) = new_form_token(app);
    let html = render(&csrf)?;
    let mut response = private((status, Html(html)).into_response());
    response.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(response)
}

#[cfg(test)]
mod tests {
    #[test]
    fn cookies_are_found_by_exact_name() {
        use axum::http::{HeaderMap, header};
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, "a=1; dateline_session=abc".parse().unwrap());
        headers.append(header::COOKIE, "x_dateline_session=evil".parse().unwrap());
        assert_eq!(super::cookie(&headers, "dateline_session"), Some("abc"));
        assert_eq!(super::cookie(&headers, "a"), Some("1"));
        assert_eq!(super::cookie(&headers, "missing"), None);
    }

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Form {
        name: String,
        tags: Vec<String>,
    }

    #[test]
    fn fields_arrive_without_controls_and_composed() {
        let form: Form =
            super::form(b"name=Ann%00e%01%C2%85&tags=Cafe%CC%81&tags=a%EF%BF%BEb").unwrap();
        assert_eq!(
            form,
            Form {
                name: "Anne".into(),
                tags: vec!["Caf\u{e9}".into(), "ab".into()],
            }
        );
    }
}
