//! Mail the services send: newsletter composition, the sender that works
//! through an issue's deliveries, confirmations and password-reset links,
//! all over [`crate::mailer`].

pub mod compose;
pub mod confirm;
pub mod digest;
pub mod sender;
pub mod staff_reset;

pub use crate::mailer::Mailer;
