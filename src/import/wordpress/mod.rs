//! A WordPress export (WXR) moved in. Posts become stories (publish,
//! draft, pending, future, private → published, draft, in review,
//! scheduled, draft), pages static pages, categories sections (nested one
//! level, in the file's order; a post's first category is its section and
//! its others become tags), tags tags, authors bylines (people, who cannot
//! sign in), attachments pictures in the library, comments held. Every
//! address the old site had becomes a redirect.

use std::{collections::HashMap, fs::File, io::BufReader, path::Path};

use dateline_core::html_text;
use dateline_import::wxr::{Entry, Item, WxrReader};

use super::{
    Context, ImportError, Options, Progress, Summary,
    body::Attachment,
    pictures::Pictures,
    run::{Run, decoded, refused},
};

mod filing;
mod posts;

/// Changes when the mapping does, so a re-run redoes what it would now
/// make differently.
const MAPPING: &str = "wordpress 2";

/// What the first pass found.
struct Scan {
    site: String,
    items: u64,
    attachments: HashMap<u64, Attachment>,
}

fn open(file: &Path) -> Result<WxrReader<BufReader<File>>, ImportError> {
    let handle = File::open(file).map_err(|e| refused(file, format!("cannot open it: {e}")))?;
    WxrReader::open(BufReader::with_capacity(1 << 16, handle)).map_err(|e| refused(file, e))
}

/// Reads the whole file once: refuses it at the first fault, counts its
/// items and notes its attachments (a post may use one the file has
/// further on).
fn scan(file: &Path) -> Result<Scan, ImportError> {
    let mut reader = open(file)?;
    let mut scan = Scan {
        site: reader.channel().site_url().trim_end_matches('/').to_owned(),
        items: 0,
        attachments: HashMap::new(),
    };
    while let Some(entry) = reader.next_entry().map_err(|e| refused(file, e))? {
        if let Entry::Item(item) = entry {
            scan.items += 1;
            if item.post_type == "attachment"
                && let Some(id) = item.id
            {
                scan.attachments.insert(id, attachment_of(&item));
            }
        }
    }
    Ok(scan)
}

fn attachment_of(item: &Item) -> Attachment {
    Attachment {
        url: if item.attachment_url.is_empty() {
            item.guid.clone()
        } else {
            item.attachment_url.clone()
        },
        title: html_text(&item.title),
        alt: item
            .meta_value("_wp_attachment_image_alt")
            .unwrap_or_default()
            .to_owned(),
        caption: html_text(&item.excerpt),
        // Where WordPress's photo-credit plugins (Media Credit) keep it.
        credit: item
            .meta_value("_media_credit")
            .unwrap_or_default()
            .to_owned(),
        parent: item.parent,
    }
}

/// Imports the WordPress export `file` (see the module's comment).
pub async fn import_wordpress(
    ctx: &Context<'_>,
    file: &Path,
    options: &Options,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Summary, ImportError> {
    let owned = file.to_owned();
    let scan = tokio::task::spawn_blocking(move || scan(&owned))
        .await
        .map_err(anyhow::Error::from)??;
    let origin = format!("wordpress {}", scan.site);
    let mut old_sites = vec![scan.site.clone()];
    if let Some(base) = &options.base_url {
        old_sites.push(base.as_str().trim_end_matches('/').to_owned());
    }
    // Both schemes: an old site's links often mix them.
    for site in old_sites.clone() {
        if let Some(rest) = site.strip_prefix("https://") {
            old_sites.push(format!("http://{rest}"));
        } else if let Some(rest) = site.strip_prefix("http://") {
            old_sites.push(format!("https://{rest}"));
        }
    }
    let kinds = [
        "author",
        "category",
        "tag",
        "category_tag",
        "attachment",
        "post",
        "page",
    ];
    let mut run = Run::start(ctx, options, origin, &kinds).await?;
    let mut pictures = Pictures::new(
        ctx.library(),
        &options.media,
        ctx.config.media.max_upload_bytes,
    );
    run.site_feeds(&[
        "/feed",
        "/feed/rss2",
        "/feed/rss",
        "/feed/atom",
        "/feed/rdf",
        "/rss",
        "/?feed=rss2",
    ])
    .await?;
    let mut reader = open(file)?;
    let mut done = 0;
    progress(Progress {
        done,
        total: scan.items,
    });
    while let Some(entry) = reader.next_entry().map_err(|e| refused(file, e))? {
        match entry {
            Entry::Author(author) => run.author(&author).await?,
            Entry::Term(term) => run.term(&term).await?,
            Entry::Item(item) => {
                run.item(&item, &scan, &mut pictures, &old_sites).await?;
                done += 1;
                progress(Progress {
                    done,
                    total: scan.items,
                });
            }
        }
    }
    run.settle_sections().await?;
    run.flush().await?;
    run.pin_sticky().await?;
    Ok(run.summary)
}
