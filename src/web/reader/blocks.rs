//! The blocks in a story as its reader page shows them: pictures from the
//! library with their renditions, embeds as placeholders that ask nothing
//! of the provider until the reader chooses to load them, "Also read" as a
//! card with the story's current headline. The theme's `block.html` makes
//! each one; the stored body keeps the portable form for feeds, the API
//! and newsletters.

use std::collections::HashMap;

use dateline_core::{ArticleCard, ArticleId, Block, BlockHtml, MediaId, portable_html};
use dateline_store::LibraryItem;
use serde::Serialize;

use crate::web::{App, Result};

/// What the blocks of one body refer to, read once for the page.
pub struct ReaderBlocks<'a> {
    app: &'a App,
    pictures: HashMap<MediaId, LibraryItem>,
    cards: HashMap<ArticleId, ArticleCard>,
}

impl<'a> ReaderBlocks<'a> {
    /// Reads the pictures and stories `markdown`'s blocks name.
    pub async fn load(app: &'a App, markdown: &str) -> Result<Self> {
        let blocks = dateline_core::blocks_in(markdown);
        let mut pictures = HashMap::new();
        let mut stories = Vec::new();
        for block in &blocks {
            match block {
                Block::Picture(p) if !pictures.contains_key(&p.media) => {
                    if let Some(item) = app.store.library_item(p.media).await? {
                        pictures.insert(p.media, item);
                    }
                }
                Block::AlsoRead(a) => stories.push(a.article),
                _ => {}
            }
        }
        let cards = app
            .store
            .cards(&stories)
            .await?
            .into_iter()
            .map(|card| (card.id, card))
            .collect();
        Ok(Self {
            app,
            pictures,
            cards,
        })
    }

    /// The articles the blocks link to, for the page's cache keys.
    pub fn cards(&self) -> impl Iterator<Item = &ArticleCard> {
        self.cards.values()
    }
}

/// What `block.html` is given.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum Shown<'a> {
    Picture {
        item: &'a LibraryItem,
        size: &'static str,
        alt: &'a str,
        caption: &'a str,
        credit: &'a str,
    },
    Embed {
        provider: &'static str,
        key: &'static str,
        url: &'a str,
        player: &'a str,
    },
    Also {
        story: &'a ArticleCard,
    },
}

impl BlockHtml for ReaderBlocks<'_> {
    fn block(&self, block: &Block) -> String {
        let shown = match block {
            // Gone from the library, or an upload whose renditions are not
            // made yet (the page is purged when they are): the words stay.
            Block::Picture(p) => match self
                .pictures
                .get(&p.media)
                .filter(|item| !item.uploaded || item.renditions.is_some())
            {
                Some(item) => Shown::Picture {
                    item,
                    size: p.size.as_str(),
                    alt: &p.alt,
                    caption: &p.caption,
                    credit: &p.credit,
                },
                None => return portable_html(block, None),
            },
            Block::Embed(e) => Shown::Embed {
                provider: e.provider.name(),
                key: e.provider.key(),
                url: &e.url,
                player: &e.player,
            },
            // A story no longer published is not offered.
            Block::AlsoRead(a) => match self.cards.get(&a.article) {
                Some(story) => Shown::Also { story },
                None => return String::new(),
            },
            Block::PullQuote(_) => return portable_html(block, None),
        };
        self.app
            .templates
            .render("block.html", &shown)
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "block.html failed; the portable form is shown");
                portable_html(block, None)
            })
    }
}

/// Whether `markdown` may hold blocks (a cheap test before reading them).
pub fn may_have_blocks(markdown: &str) -> bool {
    markdown.starts_with("::") || markdown.contains("\n::")
}
