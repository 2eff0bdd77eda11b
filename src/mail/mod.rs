//! Mail the services send: newsletter composition, the sender that works
//! through an issue's deliveries, confirmations, password-reset links and
//! reviewers' notices of submitted stories, all over [`crate::mailer`].

pub mod compose;
pub mod confirm;
pub mod digest;
pub mod review;
pub mod sender;
pub mod staff_reset;

pub use crate::mailer::Mailer;
