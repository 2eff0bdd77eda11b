//! Articles: writing them through the workflow, reading them for pages.

mod read;
mod write;

pub use read::ArticleList;
