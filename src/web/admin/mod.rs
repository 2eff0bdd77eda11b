//! The newsroom: staff sign-in and the admin pages.
//!
//! Every admin page needs a live staff session ([`Staff`]); every form that
//! changes something is an [`AdminForm`], which also checks the session's
//! CSRF token. What a role may do is asked of [`dateline_core::allows`],
//! through [`Staff::require`], and nowhere else.

mod articles;
mod bylines;
mod catalog;
mod confirm;
mod dashboard;
pub(crate) mod details;
mod diff;
mod editor_tools;
mod inbox;
mod intake;
mod live_entries;
mod media;
mod newsletters;
mod own_password;
mod pages;
mod password;
mod people;
mod revisions;
mod sections;
pub(crate) mod session;
mod setup;
pub(crate) mod sign_in;
mod sources;
mod tags;
mod tokens;
pub(crate) mod topics;
mod webhooks;
mod wire;

pub(crate) use articles::{TextForm, checked_text};
use axum::{
    Router,
    extract::DefaultBodyLimit,
    routing::{get, post},
};
pub use password::{RESET_LINK_JOB, send_reset_link};
pub use session::{AdminForm, SESSION_COOKIE, Staff};

use crate::app::AppState;

/// Where a staff member signed in with a one-time password chooses their own.
pub const OWN_PASSWORD_PATH: &str = "/admin/password";

/// The admin's routes; an upload may be `max_upload_bytes` (and its form).
pub fn routes(max_upload_bytes: usize) -> Router<AppState> {
    let router = Router::new();
    let router = catalog::routes::<sections::Sections>(router);
    let router = catalog::routes::<sources::Sources>(router);
    let router = catalog::routes::<bylines::Bylines>(router);
    let router = catalog::routes::<topics::Topics>(router);
    let router = catalog::routes::<pages::Pages>(router);
    router
        .route("/admin/topics/{id}/articles", post(topics::change_order))
        .route("/admin/sources/{id}/intake", get(intake::show_intake))
        .route(
            "/admin/sources/{id}/push-token",
            post(intake::change_push_token),
        )
        .route("/admin/sources/{id}/feed", post(intake::save_feed))
        .route("/admin/sources/{id}/feed/check", post(intake::check_feed))
        .route("/admin/pages/{id}/delete", post(pages::delete_page))
        .route("/admin/tags", get(tags::show_tags))
        .route(
            "/admin/tags/{id}",
            get(tags::show_tag).post(tags::rename_tag),
        )
        .route("/admin/tags/{id}/delete", post(tags::delete_tag))
        .route(
            "/admin/tokens",
            get(tokens::show_tokens).post(tokens::make_token),
        )
        .route("/admin/tokens/{id}/revoke", post(tokens::revoke_token))
        .route(
            "/admin/webhooks",
            get(webhooks::show_webhooks).post(webhooks::make_webhook),
        )
        .route("/admin/webhooks/{id}", get(webhooks::show_log))
        .route(
            "/admin/webhooks/{id}/delete",
            post(webhooks::delete_webhook),
        )
        .route("/admin/wire", get(wire::show_desk))
        .route("/admin/wire/{id}", get(wire::show_item))
        .route("/admin/wire/{id}/use", post(wire::use_item))
        .route("/admin/wire/{id}/ignore", post(wire::ignore_item))
        .route("/admin/wire/{id}/restore", post(wire::restore_item))
        .route("/admin/feedback", get(inbox::show_inbox))
        .route(
            "/admin/newsletters",
            get(newsletters::show_newsletters).post(newsletters::save_newsletter),
        )
        .route("/admin/newsletters/{id}/send", post(newsletters::send_now))
        .route(
            "/admin/newsletters/{id}/test",
            post(newsletters::send_now_test),
        )
        .route(
            "/admin/newsletters/subscribers.csv",
            get(newsletters::export_subscribers),
        )
        .route("/admin/articles/{id}/alert", post(newsletters::send_alert))
        .route(
            "/admin/articles/{id}/alert/test",
            post(newsletters::send_alert_test),
        )
        .route(
            "/admin/media",
            get(media::show_library)
                .post(media::upload)
                .layer(DefaultBodyLimit::max(
                    max_upload_bytes.saturating_add(64 << 10),
                )),
        )
        .route(
            "/admin/media/{id}",
            get(media::show_item).post(media::update_item),
        )
        .route("/admin", get(dashboard::show_dashboard))
        .route(
            "/admin/sign-in",
            get(sign_in::show_sign_in).post(sign_in::sign_in),
        )
        .route("/admin/sign-out", post(sign_in::sign_out))
        .route("/admin/articles", post(articles::create))
        .route("/admin/articles/new", get(articles::show_new))
        .route("/admin/articles/lookup", get(editor_tools::lookup))
        .route(
            "/admin/articles/{id}",
            get(articles::show_editor).post(articles::save),
        )
        .route("/admin/articles/{id}/status", post(articles::change_status))
        .route(
            "/admin/articles/{id}/entries",
            post(live_entries::add_entry),
        )
        .route(
            "/admin/articles/{id}/entries/{entry}",
            post(live_entries::edit_entry),
        )
        .route(
            "/admin/articles/{id}/entries/{entry}/delete",
            post(live_entries::delete_entry),
        )
        .route("/admin/articles/{id}/schedule", post(articles::schedule))
        .route(
            "/admin/articles/{id}/preview",
            get(editor_tools::show_preview),
        )
        .route(
            "/admin/articles/{id}/lead-image",
            post(editor_tools::set_lead_image),
        )
        .route(
            "/admin/articles/{id}/corrections",
            post(editor_tools::add_correction),
        )
        .route(
            "/admin/people",
            get(people::show_people).post(people::add_person),
        )
        .route("/admin/audit", get(people::show_audit))
        .route(
            OWN_PASSWORD_PATH,
            get(own_password::show_own_password).post(own_password::set_own_password),
        )
        .route("/admin/articles/{id}/autosave", post(revisions::autosave))
        .route(
            "/admin/articles/{id}/autosave/discard",
            post(revisions::discard_autosave),
        )
        .route(
            "/admin/articles/{id}/revisions/{number}/restore",
            post(revisions::restore_revision),
        )
        .route("/admin/markdown", post(editor_tools::render_markdown))
        .route("/admin/setup", get(setup::show_setup).post(setup::set_up))
        .route(
            "/admin/password-reset",
            get(password::show_ask).post(password::ask),
        )
        .route(
            "/admin/password-reset/{token}",
            get(password::show_choose).post(password::choose),
        )
        .route(
            "/admin/articles/{id}/revisions",
            get(revisions::show_revisions),
        )
}
