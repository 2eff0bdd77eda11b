//! Articles: writing them through the workflow, reading them for pages.

/// The columns `ImageColumns` reads, for statements that join `media m` to `articles a`.
macro_rules! image_columns {
    () => {
        "m.path as image_path, m.width as image_width, m.height as image_height,
        m.alt as image_alt, coalesce(a.lead_caption, m.caption) as image_caption,
        coalesce(a.lead_credit, m.credit) as image_credit"
    };
}

mod lists;
mod read;
mod related;
mod write;

pub use lists::ArticleList;
pub use read::ArticleLinks;
pub use related::Relation;
pub use write::ArticleText;
