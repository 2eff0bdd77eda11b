//! Text at the edge: every form a browser sends is read through [`form`],
//! so what reaches a handler is in Unicode's composed form and free of
//! control characters and noncharacters (see [`dateline_core::clean_text`]),
//! whichever field it came in.

use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    http::{StatusCode, header},
};
use serde::de::DeserializeOwned;

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

#[cfg(test)]
mod tests {
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
