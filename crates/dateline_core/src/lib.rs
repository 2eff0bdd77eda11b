//! Dateline's domain: the types the newsroom, the store and the web agree on.
//!
//! Values of these types are valid by construction: a [`Slug`] is always a
//! lowercase hyphenated slug, a [`Headline`] is never empty, an
//! [`ArticleStatus`] only moves along [`ArticleStatus::can_become`]. Nothing
//! here does IO.

mod access;
mod blocks;
mod body;
mod email;
mod embed;
mod error;
mod ids;
mod language;
mod model;
mod rights;
mod romanize;
mod slug;
mod text;
mod workflow;

pub use access::{Action, Ownership, Role, Scope, allows, token_allows};
pub use blocks::{AlsoRead, Block, Directive, FigureSize, InlinePicture, KEY_POINTS, PullQuote};
pub use body::{
    BlockHtml, Body, Portable, block_problems, blocks_in, caption, escape, html_text,
    markdown_from_html, plain_text, portable_html, render_markdown, render_markdown_with, sanitise,
};
pub use email::Email;
pub use embed::{Embed, Provider};
pub use error::Invalid;
pub use ids::{ArticleId, MediaId, PageId, PersonId, SectionId, SourceId, TagId, TopicId, UserId};
pub use language::language_tag;
pub use model::*;
pub use rights::{Carriage, Outlet, SourceRights, carriage, notice_contradiction};
pub use romanize::to_latin;
pub use slug::Slug;
pub use text::{Headline, Text, clean_text, is_forbidden_char, xml_document};
pub use workflow::ArticleStatus;
