//! The newsroom: staff sign-in and the admin pages.
//!
//! Every admin page needs a live staff session ([`Staff`]); every form that
//! changes something is an [`AdminForm`], which also checks the session's
//! CSRF token. What a role may do is asked of [`dateline_core::allows`],
//! through [`Staff::require`], and nowhere else.

pub(super) mod articles;
pub(super) mod audience;
pub(super) mod breaking;
pub(super) mod bylines;
pub(super) mod catalog;
pub(super) mod charts;
pub(super) mod confirm;
pub(super) mod dashboard;
pub(super) mod desk;
pub(super) mod detail_changes;
pub(super) mod details;
pub(super) mod diff;
pub(super) mod editor_page;
pub(super) mod editor_tools;
pub(super) mod fronts;
pub(super) mod headline_test;
pub(super) mod import;
pub(super) mod inbox;
pub(super) mod intake;
pub(super) mod live_entries;
pub(super) mod media;
pub(super) mod newsletters;
pub(super) mod notice;
pub(super) mod own_password;
pub(super) mod pages;
pub(super) mod password;
pub(super) mod people;
pub(super) mod picker;
pub(super) mod queue;
pub(super) mod review;
pub(super) mod revisions;
pub(super) mod sections;
pub(crate) mod session;
pub(super) mod setup;
pub(crate) mod sign_in;
pub(super) mod sources;
pub(super) mod tags;
pub(super) mod tokens;
pub(crate) mod topics;
pub(super) mod webhooks;
pub(super) mod wire;
pub(super) mod workflow;

pub use session::{AdminForm, SESSION_COOKIE, Staff};

/// Where a staff member signed in with a one-time password chooses their own.
pub const OWN_PASSWORD_PATH: &str = "/admin/password";
