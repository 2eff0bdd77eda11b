//! A post's content as a story's body: WordPress's markup made plain HTML
//! (`dateline_import::wordpress_content`), links to the old site made
//! relative (its old addresses answer with redirects), converted to
//! Markdown by the cleaner agency copy goes through, and each placed
//! picture, gallery and embed written as the block the editor writes.

use std::collections::HashMap;

use dateline_core::{Block, Embed, FigureSize, InlinePicture, markdown_from_html};
use dateline_import::wordpress_content::{self, MARK, Placed};

use super::pictures::{Described, Pictures};

/// An attachment of the old site, as the first pass found it.
#[derive(Debug, Clone, Default)]
pub(super) struct Attachment {
    pub url: String,
    pub title: String,
    pub alt: String,
    pub caption: String,
    pub credit: String,
    pub parent: Option<u64>,
}

impl Attachment {
    pub fn described(&self) -> Described<'_> {
        Described {
            url: &self.url,
            alt: &self.alt,
            caption: &self.caption,
            title: &self.title,
            credit: &self.credit,
        }
    }
}

/// What making bodies needs from the run.
pub(super) struct Bodies<'p, 'a> {
    pub pictures: &'p mut Pictures<'a>,
    pub attachments: &'p HashMap<u64, Attachment>,
    /// The old site's addresses (`https://old.example`), for its links.
    pub old_sites: &'p [String],
}

/// The body made of `content`, with what was lost along the way.
pub(super) struct Made {
    pub markdown: String,
    pub notes: Vec<String>,
}

impl Bodies<'_, '_> {
    /// `content` of post `post` (its own attachments make a `[gallery]`
    /// without ids).
    pub async fn make(&mut self, content: &str, post: Option<u64>) -> Made {
        let converted = wordpress_content::convert(content);
        let mut notes = converted.notes;
        let mut html = converted.html;
        for site in self.old_sites {
            for quote in ['"', '\''] {
                html = html.replace(&format!("href={quote}{site}/"), &format!("href={quote}/"));
            }
        }
        let markdown = markdown_from_html(&html);
        let mut out = String::with_capacity(markdown.len());
        for line in markdown.lines() {
            let placed = line
                .trim()
                .strip_prefix(MARK)
                .and_then(|rest| rest.strip_suffix(MARK))
                .and_then(|n| n.parse::<usize>().ok())
                .and_then(|n| converted.placed.get(n));
            match placed {
                Some(placed) => {
                    for block in self.blocks(placed, post, &mut notes).await {
                        out.push_str(&block);
                        out.push_str("\n\n");
                    }
                }
                None if line.contains(MARK) => {
                    notes.push("a picture inside other text was left out".into());
                    out.extend(
                        line.split(MARK)
                            .enumerate()
                            .filter(|(i, _)| i % 2 == 0)
                            .map(|(_, s)| s),
                    );
                    out.push('\n');
                }
                None => {
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
        Made {
            markdown: out.trim().to_owned(),
            notes,
        }
    }

    async fn blocks(
        &mut self,
        placed: &Placed,
        post: Option<u64>,
        notes: &mut Vec<String>,
    ) -> Vec<String> {
        match placed {
            Placed::Picture {
                src,
                attachment,
                alt,
                caption,
            } => {
                let known = attachment.and_then(|id| self.attachments.get(&id)).cloned();
                // What the post says of the picture wins over what its
                // attachment says.
                let or = |own: &'_ str, attachment: &'_ str| -> String {
                    if own.is_empty() { attachment } else { own }.to_owned()
                };
                let described = match &known {
                    Some(a) => Attachment {
                        alt: or(alt, &a.alt),
                        caption: or(caption, &a.caption),
                        ..a.clone()
                    },
                    None => Attachment {
                        url: src.clone(),
                        alt: alt.clone(),
                        caption: caption.clone(),
                        ..Attachment::default()
                    },
                };
                self.figure(described.described(), notes)
                    .await
                    .into_iter()
                    .collect()
            }
            Placed::Gallery { attachments } => {
                let ids: Vec<u64> = if attachments.is_empty() {
                    let mut own: Vec<u64> = self
                        .attachments
                        .iter()
                        .filter(|(_, a)| a.parent.is_some() && a.parent == post)
                        .map(|(id, _)| *id)
                        .collect();
                    own.sort_unstable();
                    own
                } else {
                    attachments.clone()
                };
                let mut figures = Vec::new();
                for id in ids {
                    let Some(a) = self.attachments.get(&id).cloned() else {
                        notes.push(format!(
                            "a gallery names attachment {id}, which the file does not have"
                        ));
                        continue;
                    };
                    figures.extend(self.figure(a.described(), notes).await);
                }
                figures
            }
            Placed::Embed { url } => vec![match Embed::recognise(url) {
                Ok(embed) => Block::Embed(embed).to_directive(),
                Err(_) => format!("<{url}>"),
            }],
            Placed::File { url } => {
                let name = url.rsplit('/').next().unwrap_or(url);
                vec![format!("[{name}]({url})")]
            }
        }
    }

    async fn figure(
        &mut self,
        described: Described<'_>,
        notes: &mut Vec<String>,
    ) -> Option<String> {
        let (url, alt, caption) = (described.url, described.alt, described.caption);
        match self.pictures.keep(described).await {
            Ok(media) => Some(
                Block::Picture(InlinePicture {
                    media,
                    size: FigureSize::Column,
                    alt: alt.trim().to_owned(),
                    caption: caption.trim().to_owned(),
                    credit: String::new(),
                })
                .to_directive(),
            ),
            Err(reason) => {
                notes.push(format!(
                    "a picture in a story was left out: {url}: {reason}"
                ));
                None
            }
        }
    }
}
