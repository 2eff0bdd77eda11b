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
        Ok(ApiJson(parse(&bytes)?))
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
/// column (a lone surrogate escape among them); a string with a forbidden
/// character, or JSON of the wrong shape, `422 invalid_fields` naming the
/// field by its path.
fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut json: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| malformed(&e))?;
    clean_strings(&mut json, &mut String::new())?;
    shape(json)
}

/// Every string of `json` in Unicode's composed form; one with a control
/// character or a noncharacter is refused (`422`, naming its field): an
/// API client sending them has a bug of its own to hear about, and they
/// would make the site's feeds malformed. `path` is where `json` sits.
fn clean_strings(json: &mut serde_json::Value, path: &mut String) -> Result<(), ApiError> {
    use serde_json::Value;
    match json {
        Value::String(text) => {
            if let Some(c) = text.chars().find(|c| dateline_core::is_forbidden_char(*c)) {
                let field = if path.is_empty() {
                    "body"
                } else {
                    path.as_str()
                };
                return Err(ApiError::invalid_fields([(
                    field.to_owned(),
                    format!(
                        "must not contain control characters or noncharacters (found U+{:04X})",
                        c as u32
                    ),
                )]));
            }
            if let std::borrow::Cow::Owned(composed) = dateline_core::clean_text(text) {
                *text = composed;
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                clean_strings(item, path)?;
                path.truncate(len);
            }
        }
        Value::Object(fields) => {
            for (name, value) in fields.iter_mut() {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(name);
                clean_strings(value, path)?;
                path.truncate(len);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
    Ok(())
}

/// `json` as `T`: JSON of the wrong shape (a wrong type, a missing or
/// unknown field) is `422 invalid_fields` naming the field by its path.
fn shape<T: DeserializeOwned>(json: serde_json::Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(json).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        ApiError::invalid_fields([(field_path(&path, &inner.to_string()), data_message(&inner))])
    })
}

fn malformed(e: &serde_json::Error) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_json",
        format!("The body is not JSON: {e}."),
    )
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
    fn controls_are_refused_by_field_and_text_is_composed() {
        let refused = refusal(r#"{"headline": "x\u0000y"}"#);
        assert_eq!(refused["fields"][0]["field"], "headline", "{refused}");
        let refused = refusal(r#"{"headline": "A", "related": [], "lead": {"media": "\ufffe"}}"#);
        assert_eq!(refused["fields"][0]["field"], "lead.media", "{refused}");
        let lone = refusal(r#"{"headline": "\ud800"}"#);
        assert_eq!(lone["code"], "invalid_json", "{lone}");
        let composed: Article = parse(r#"{"headline": "Cafe\u0301"}"#.as_bytes()).unwrap();
        assert_eq!(composed.headline, "Caf\u{e9}");
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
