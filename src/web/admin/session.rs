//! Staff sessions: the cookie, the extractor that finds its session, and the
//! form extractor that checks its CSRF token.

use axum::{
    extract::{FromRequest, FromRequestParts, Request},
    http::{StatusCode, header, request::Parts},
    response::Response,
};
use dateline_core::{Action, allows};
use dateline_store::User;
use jiff::Timestamp;
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::{
    accounts::{same_secret, token_hash},
    newsroom::REVIEW,
    web::AppState,
    web::{
        AppError, Result,
        forms::{cookie, expired_form, read_form, set_cookie},
    },
};

pub const SESSION_COOKIE: &str = "dateline_session";
/// How long a sign-in lasts: a working day and the night after it.
pub const SESSION_HOURS: i64 = 20;
/// A signed-in staff member, for handlers of admin pages. Without a live
/// session the request is answered with the sign-in page.
pub struct Staff {
    pub user: User,
    pub csrf_token: String,
    pub token_hash: String,
    /// What the change that led here did, to say on the page.
    pub notice: Option<super::notice::Notice>,
    /// For those who publish others' work: how many articles wait for
    /// review (shown beside "Review queue" on every page).
    pub in_review: Option<i64>,
}

/// What templates show of the signed-in staff member.
#[derive(Serialize)]
pub struct StaffView {
    pub name: String,
    pub role: &'static str,
    pub csrf: String,
    pub notice: Option<super::notice::Notice>,
    pub in_review: Option<i64>,
}

impl crate::newsroom::Actor for Staff {
    type Refusal = AppError;
    fn user_id(&self) -> dateline_core::UserId {
        self.user.id
    }
    fn allows(&self, action: Action) -> bool {
        Staff::allows(self, action)
    }
    fn require(&self, action: Action) -> Result<()> {
        Staff::require(self, action)
    }
}

impl Staff {
    /// Refuses (403) what the staff member's role does not allow.
    pub fn require(&self, action: Action) -> Result<()> {
        if allows(self.user.role, action) {
            Ok(())
        } else {
            Err(AppError::refused(
                StatusCode::FORBIDDEN,
                "Not allowed",
                format!(
                    "Your role ({}) does not allow this. Ask an editor or an admin.",
                    self.user.role
                ),
            ))
        }
    }

    /// Whether the staff member's role allows `action` (for what a page offers).
    pub fn allows(&self, action: Action) -> bool {
        allows(self.user.role, action)
    }

    /// Which articles of the newsroom's list this staff member may open,
    /// from the roles' rules (`None`: all): a list shows nothing its
    /// reader would be refused.
    pub fn desk_visibility(&self) -> Option<dateline_store::DeskVisibility> {
        use dateline_core::{ArticleStatus, Ownership};
        let may = |ownership| {
            ArticleStatus::ALL
                .into_iter()
                .filter(|status| self.allows(Action::EditArticle(ownership, *status)))
                .collect::<Vec<_>>()
        };
        let any = may(Ownership::Others);
        (any.len() < ArticleStatus::ALL.len()).then(|| dateline_store::DeskVisibility {
            user: self.user.id,
            own: may(Ownership::Own),
            any,
        })
    }

    /// The staff member signed in on this request, if any.
    pub async fn signed_in(parts: &mut Parts, app: &AppState) -> Result<Option<Self>> {
        match Self::from_request_parts(parts, app).await {
            Ok(staff) => Ok(Some(staff)),
            Err(AppError::SignInRequired) => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub fn view(&self) -> StaffView {
        StaffView {
            name: self.user.name.clone(),
            role: self.user.role.as_str(),
            csrf: self.csrf_token.clone(),
            notice: self.notice,
            in_review: self.in_review,
        }
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self> {
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or(AppError::SignInRequired)?;
        let token_hash = token_hash(token);
        let session = app
            .store
            .session(&token_hash, Timestamp::now())
            .await?
            .ok_or(AppError::SignInRequired)?;
        // Checked here, where every admin page and form finds its staff
        // member: a one-time password opens nothing but the page that
        // replaces it (and signing out).
        if session.user.must_change_password
            && ![super::OWN_PASSWORD_PATH, "/admin/sign-out"].contains(&parts.uri.path())
        {
            return Err(AppError::PasswordChangeRequired);
        }
        let in_review = if allows(session.user.role, REVIEW) {
            Some(app.review_queue().await?.count())
        } else {
            None
        };
        Ok(Self {
            in_review,
            user: session.user,
            csrf_token: session.csrf_token,
            token_hash,
            notice: super::notice::Notice::from_query(parts.uri.query()),
        })
    }
}

/// A form sent by a signed-in staff member, with the session's CSRF token
/// in its `csrf` field. A missing or wrong token is refused (403) before the
/// form is read.
pub struct AdminForm<T> {
    pub staff: Staff,
    pub form: T,
}

#[derive(Deserialize, Default)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

impl<T: DeserializeOwned> FromRequest<AppState> for AdminForm<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, app: &AppState) -> Result<Self> {
        let (mut parts, body) = request.into_parts();
        let staff = Staff::from_request_parts(&mut parts, app).await?;
        let bytes = read_form(&parts.headers, body).await?;
        let sent: CsrfField = crate::web::forms::form(&bytes).unwrap_or_default();
        if !same_secret(&sent.csrf, &staff.csrf_token) {
            return Err(expired_form());
        }
        let form = crate::web::forms::form(&bytes).map_err(|e| {
            AppError::refused(
                StatusCode::BAD_REQUEST,
                "Unreadable form",
                format!("The form could not be read: {e}."),
            )
        })?;
        Ok(Self { staff, form })
    }
}

/// Reads the first field of a form with a file (`multipart/form-data`),
/// which must be the session's CSRF token: a form that starts with
/// anything else, or sends a wrong token, is refused (403) before a byte
/// of its file is read.
pub async fn check_csrf_first(
    multipart: &mut axum::extract::Multipart,
    staff: &Staff,
) -> Result<()> {
    let first = multipart.next_field().await.map_err(unreadable_upload)?;
    let Some(field) = first.filter(|f| f.name() == Some("csrf")) else {
        return Err(expired_form());
    };
    let sent = field.text().await.map_err(unreadable_upload)?;
    if !same_secret(&sent, &staff.csrf_token) {
        return Err(expired_form());
    }
    Ok(())
}

/// A form with a file that could not be read (cut off, malformed, over
/// the route's limit), with the reason.
pub fn unreadable_upload(e: axum::extract::multipart::MultipartError) -> AppError {
    AppError::refused(e.status(), "Upload not received", e.body_text())
}

/// Starts a new session for `user` and answers with a redirect to `to`
/// that sets its cookie (signing in, setting up, choosing a password).
pub async fn start_session(
    app: &AppState,
    user: dateline_core::UserId,
    to: &str,
) -> Result<Response> {
    use axum::response::{IntoResponse, Redirect};
    use jiff::ToSpan;
    let token = crate::accounts::new_token();
    let now = Timestamp::now();
    let expires_at = now
        .checked_add(SESSION_HOURS.hours())
        .map_err(|e| AppError::Internal(e.into()))?;
    app.store
        .create_session(
            &dateline_store::NewSession {
                token_hash: token_hash(&token),
                user_id: user,
                csrf_token: crate::accounts::new_token(),
                expires_at,
            },
            now,
        )
        .await?;
    let mut response = private(Redirect::to(to).into_response());
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(app, SESSION_COOKIE, &token, SESSION_HOURS * 3600),
    );
    Ok(response)
}

/// An admin page: `template` rendered with `context`, private to its reader.
pub fn admin_page(
    app: &crate::web::App,
    template: &str,
    status: StatusCode,
    context: impl Serialize,
) -> Result<Response> {
    use axum::response::{Html, IntoResponse};
    let html = app.templates.render(template, context)?;
    Ok(private((status, Html(html)).into_response()))
}

/// After a change, `path` again (303, so a reload does not repeat it).
pub fn see_other(path: &str) -> Response {
    use axum::response::{IntoResponse, Redirect};
    private(Redirect::to(path).into_response())
}

pub use crate::web::private;
