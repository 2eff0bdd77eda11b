//! Whole sites moving in and out: a WordPress export (WXR) or a Ghost
//! export (JSON) read as a stream of entries, so memory does not grow with
//! the file; WordPress post content (classic HTML with shortcodes, or block
//! markup) made into plain HTML for the body cleaner; and a WXR written
//! entry by entry for a site moving out. No IO beyond the reader or writer
//! it is given; the app maps the entries onto the newsroom (`src/import/`,
//! `src/export.rs`).

pub mod ghost;
pub mod position;
pub mod wordpress_content;
pub mod wxr;

pub use position::{LineCounter, ReadError};
