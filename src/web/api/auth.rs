//! Who calls the admin API: the staff member whose personal access token is
//! in `Authorization: Bearer`, acting with their role narrowed to the
//! token's scopes. What that allows is asked of
//! [`dateline_core::token_allows`], through [`Caller::require`], nowhere else.

use axum::{
    extract::FromRequestParts,
    http::{HeaderMap, header, request::Parts},
};
use dateline_core::{Action, Scope, token_allows};
use dateline_store::User;
use jiff::Timestamp;

use super::ApiError;
use crate::{accounts::token_hash, web::AppState};

/// The security scheme's name in the OpenAPI document (utoipa's
/// `security(("token" = []))` takes only a literal, so it is written there).
pub const BEARER: &str = "token";

pub struct Caller {
    pub user: User,
    pub scopes: Vec<Scope>,
}

impl crate::newsroom::Actor for Caller {
    type Refusal = ApiError;
    fn user_id(&self) -> dateline_core::UserId {
        self.user.id
    }
    fn allows(&self, action: Action) -> bool {
        token_allows(self.user.role, &self.scopes, action)
    }
    fn require(&self, action: Action) -> Result<(), ApiError> {
        Caller::require(self, action)
    }
}

impl Caller {
    /// Refuses (403) what the owner's role or the token's scopes do not allow.
    pub fn require(&self, action: Action) -> Result<(), ApiError> {
        if token_allows(self.user.role, &self.scopes, action) {
            return Ok(());
        }
        let why = if dateline_core::allows(self.user.role, action) {
            "this token's scopes do not cover it".to_owned()
        } else {
            format!(
                "the token owner's role ({}) does not allow it",
                self.user.role
            )
        };
        Err(ApiError::forbidden(format!("Not allowed: {why}.")))
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, ApiError> {
        let token = bearer(&parts.headers)
            .ok_or_else(ApiError::unauthorized)?
            .ok_or_else(ApiError::invalid_token)?;
        let now = Timestamp::now();
        let grant = app
            .store
            .access_token_grant(&token_hash(token), now)
            .await?
            .ok_or_else(ApiError::invalid_token)?;
        if let Some(throttle) = &app.token_throttle {
            throttle
                .check(grant.token_id)
                .map_err(|wait| ApiError::rate_limited(wait, "this access token"))?;
        }
        if !app.token_uses.contains_key(&grant.token_id) {
            app.token_uses.insert(grant.token_id, ());
            app.store.note_access_token_use(grant.token_id, now).await?;
        }
        Ok(Self {
            user: grant.user,
            scopes: grant.scopes,
        })
    }
}

/// The token in `Authorization: Bearer`: `None` without the header,
/// `Some(None)` when it is there but holds no bearer token.
pub fn bearer(headers: &HeaderMap) -> Option<Option<&str>> {
    let header = headers.get(header::AUTHORIZATION)?;
    Some(
        header
            .to_str()
            .ok()
            .and_then(|v| {
                let (scheme, token) = v.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            })
            .filter(|t| !t.is_empty()),
    )
}
