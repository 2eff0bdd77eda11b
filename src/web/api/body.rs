//! Request bodies read the API's way: the wrong content type, too many
//! bytes, malformed JSON and JSON of the wrong shape each get their own
//! [`ApiError`], naming the field where there is one.

use axum::{
    body::{Body, Bytes},
    extract::{FromRequest, Request},
    http::{HeaderMap, StatusCode, header},
};
use serde::de::DeserializeOwned;

use super::ApiError;

/// The largest JSON body the API reads: an article's text and details.
pub const MAX_JSON_BYTES: usize = 2 * 1024 * 1024;

/// A JSON body as `T`.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, _: &S) -> Result<Self, ApiError> {
        let (parts, body) = request.into_parts();
        let is_json = content_type(&parts.headers).is_some_and(|t| {
            let t = t.split(';').next().unwrap_or_default().trim();
            t.eq_ignore_ascii_case("application/json") || t.ends_with("+json")
        });
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Send the body as JSON, with `Content-Type: application/json`.",
            ));
        }
        let bytes = read_body(body, MAX_JSON_BYTES).await?;
        let value = parse(&bytes)?;
        if has_nul_escape(&bytes) {
            // Text with NUL in it is no one's copy, and PostgreSQL refuses it.
            return Err(ApiError::invalid_fields([(
                "body".to_owned(),
                "strings may not contain the NUL character (\\u0000)".to_owned(),
            )]));
        }
        Ok(ApiJson(value))
    }
}

pub fn content_type(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
}

/// The body, at most `limit` bytes (`413` past it).
pub async fn read_body(body: Body, limit: usize) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, limit).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("The body may be at most {limit} bytes."),
        )
    })
}

/// `bytes` as `T`: malformed JSON is `400 invalid_json` with its line and
/// column; JSON of the wrong shape (a wrong type, a missing or unknown
/// field) is `422 invalid_fields` naming the field by its path.
fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut reader = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut reader).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => ApiError::invalid_fields([(
                field_path(&path, &inner.to_string()),
                data_message(&inner),
            )]),
            _ => malformed(&inner),
        }
    })?;
    reader.end().map_err(|e| malformed(&e))?;
    Ok(value)
}

fn malformed(e: &serde_json::Error) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_json",
        format!("The body is not JSON: {e}."),
    )
}

/// Whether JSON text (already parsed, so well-formed) has a `\u0000`
/// escape: a `u0000` after an odd run of backslashes.
fn has_nul_escape(json: &[u8]) -> bool {
    json.windows(5).enumerate().any(|(at, w)| {
        w == b"u0000" && json[..at].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1
    })
}

/// The path of the field `message` is about: serde names a missing or
/// unknown field in backticks; the path ends at it (unknown) or at the
/// object that lacks it (missing).
fn field_path(path: &str, message: &str) -> String {
    let named = (message.starts_with("unknown field") || message.starts_with("missing field"))
        .then(|| message.split('`').nth(1))
        .flatten();
    match (path, named) {
        (".", Some(name)) => name.to_owned(),
        (path, Some(name)) if path != name && !path.ends_with(&format!(".{name}")) => {
            format!("{path}.{name}")
        }
        (".", None) => "body".to_owned(),
        (path, _) => path.to_owned(),
    }
}

/// serde's message without its "at line 1 column 20" (the field says where).
fn data_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Article {
        headline: String,
        #[serde(default)]
        related: Vec<i64>,
        #[serde(default)]
        lead: Option<Lead>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Lead {
        media: i64,
    }

    fn refusal(body: &str) -> serde_json::Value {
        let e = parse::<Article>(body.as_bytes()).unwrap_err();
        serde_json::to_value(&e).unwrap()
    }

    #[test]
    fn nul_escapes_are_found_and_escaped_backslashes_are_not() {
        assert!(has_nul_escape(br#"{"a": "x\u0000y"}"#));
        assert!(has_nul_escape(br#"{"a": "\\\u0000"}"#));
        assert!(!has_nul_escape(br#"{"a": "\\u0000"}"#));
        assert!(!has_nul_escape(br#"{"a": "u0000"}"#));
    }

    #[test]
    fn each_kind_of_bad_body_names_what_is_wrong() {
        assert!(parse::<Article>(br#"{"headline": "A"}"#).is_ok());
        for (body, code, field) in [
            (r#"{"headline": "A""#, "invalid_json", None),
            (r#"{"headline": "A"} trailing"#, "invalid_json", None),
            ("", "invalid_json", None),
            (r#"{"headline": 5}"#, "invalid_fields", Some("headline")),
            (
                r#"{"headline": "A", "hedline": "B"}"#,
                "invalid_fields",
                Some("hedline"),
            ),
            (r#"{}"#, "invalid_fields", Some("headline")),
            (
                r#"{"headline": "A", "related": [1, "x"]}"#,
                "invalid_fields",
                Some("related[1]"),
            ),
            (
                r#"{"headline": "A", "lead": {"media": "x"}}"#,
                "invalid_fields",
                Some("lead.media"),
            ),
            (
                r#"{"headline": "A", "lead": {}}"#,
                "invalid_fields",
                Some("lead.media"),
            ),
            (r#""text""#, "invalid_fields", Some("body")),
        ] {
            let e = refusal(body);
            assert_eq!(e["code"], code, "{body}: {e}");
            assert_eq!(e["fields"][0]["field"].as_str(), field, "{body}: {e}");
        }
    }
}
