//! Request parts read the API's way: a malformed one is an [`ApiError`]
//! naming the parameter, not axum's plain-text rejection.

use axum::{extract::FromRequestParts, http::request::Parts};
use serde::de::DeserializeOwned;

use super::ApiError;

/// The query string as `T`; unknown parameters are refused when `T` denies
/// unknown fields, so that a misspelt filter is not silently ignored.
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        serde_html_form::from_str(query)
            .map(ApiQuery)
            .map_err(|e| query_error(&e.to_string()))
    }
}

/// The parameter serde's message names (it quotes it in backticks), and
/// the message.
fn query_error(message: &str) -> ApiError {
    let field = message
        .split('`')
        .nth(1)
        .filter(|name| !name.is_empty())
        .unwrap_or("query");
    ApiError::invalid(field, format!("Query string: {message}."))
}

#[cfg(test)]
mod tests {
    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Params {
        limit: Option<u8>,
    }

    fn parse(query: &str) -> Result<Params, String> {
        serde_html_form::from_str::<Params>(query).map_err(|e| e.to_string())
    }

    #[test]
    fn errors_name_the_parameter() {
        let unknown = parse("secton=news").unwrap_err();
        assert!(unknown.contains("`secton`"), "{unknown}");
        let field = super::query_error(&unknown);
        assert!(
            format!("{field:?}").contains("field: \"secton\""),
            "{field:?}"
        );
        assert!(parse("limit=300").is_err());
        assert!(parse("limit=5").is_ok());
    }
}
