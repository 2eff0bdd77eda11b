//! The newsroom's rules for articles, written once for both doors into it
//! (the admin pages and the admin API):
//!
//! - [`rules`]: who may edit, move, correct and own an article, asked of
//!   [`dateline_core::allows`] through an [`Actor`] (a staff session or an
//!   API token);
//! - [`edit`]: an edit of an article's text and details as either door
//!   reads it ([`ArticleEdit`]: typed ids and lists, not yet checked), the
//!   one check that turns it into what the store writes, and the writes;
//! - [`queue`]: the review queue's count, kept per node;
//! - [`headline_tests`]: starting a test of headlines, and deciding it.

pub mod edit;
pub mod fields;
pub mod headline_tests;
pub mod queue;
pub mod rules;

pub use edit::{ArticleEdit, Checked, Choices, DetailsEdit, EditCheck, Pick};
pub use fields::{optional_text, related_line};
pub use queue::ReviewQueue;
pub use rules::{
    Actor, NoSuchArticle, REVIEW, article_state, curates, editable, movable, ownership,
};
