//! Whole sites moving in: a WordPress export (WXR) or a Ghost export (JSON)
//! read as a stream of entries, so memory does not grow with the file, and
//! WordPress post content (classic HTML with shortcodes, or block markup)
//! made into plain HTML for the body cleaner. No IO beyond the reader it is
//! given; the app maps the entries onto the newsroom (`src/import/`).

pub mod ghost;
pub mod position;
pub mod wordpress_content;
pub mod wxr;

pub use position::{LineCounter, ReadError};
