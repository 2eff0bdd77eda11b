//! A WordPress export (WXR) moved in. Posts become stories (publish,
//! draft, pending, future, private → published, draft, in review,
//! scheduled, draft), pages static pages, categories sections (nested one
//! level, in the file's order; a post's first category is its section and
//! its others become tags), tags tags, authors bylines (people, who cannot
//! sign in), attachments pictures in the library, comments held. Every
//! address the old site had becomes a redirect.

use std::{collections::HashMap, fs::File, io::BufReader, path::Path};

use dateline_core::{MediaId, PersonId, SectionId, TagId, html_text};
use dateline_import::wxr::{Entry, Item, Term, WxrReader};
use dateline_store::{ImportKey, Imported, ImportedArticle, OldAddress, Target};
use jiff::Timestamp;
use sha2::{Digest, Sha256};

use super::{
    Context, ImportError, Options, Progress, Summary, body::Attachment, pictures::Pictures,
};

mod filing;
mod posts;

/// Posts written in one transaction.
const BATCH: usize = 250;
/// Changes when the mapping does, so a re-run redoes what it would now
/// make differently.
const MAPPING: &str = "wordpress 1";

/// What the first pass found.
struct Scan {
    site: String,
    items: u64,
    attachments: HashMap<u64, Attachment>,
}

fn refused(file: &Path, reason: impl std::fmt::Display) -> ImportError {
    ImportError::Refused {
        file: file.to_owned(),
        reason: reason.to_string(),
    }
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
    let mut keys = HashMap::new();
    for kind in [
        "author",
        "category",
        "tag",
        "category_tag",
        "attachment",
        "post",
        "page",
    ] {
        for (key, id, digest) in ctx
            .store
            .import_keys(&origin, kind)
            .await
            .map_err(anyhow::Error::from)?
        {
            keys.insert((kind, key), (id, digest));
        }
    }
    let mut pictures = Pictures::new(
        ctx.library(),
        &options.media,
        ctx.config.media.max_upload_bytes,
    );
    let mut run = Run {
        ctx,
        options,
        origin,
        keys,
        summary: Summary::default(),
        people: HashMap::new(),
        sections: HashMap::new(),
        pending_sections: Vec::new(),
        next_position: 0,
        tags: HashMap::new(),
        media: HashMap::new(),
        batch: Vec::new(),
        now: Timestamp::now(),
    };
    if !options.dry_run {
        run.site_feeds().await?;
    }
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
    Ok(run.summary)
}

/// One import pass: what it has made so far.
struct Run<'r, 'c> {
    ctx: &'r Context<'c>,
    options: &'r Options,
    origin: String,
    /// What earlier runs imported: (kind, key) → (row, digest).
    keys: HashMap<(&'static str, String), (i64, String)>,
    summary: Summary,
    /// By login.
    people: HashMap<String, PersonId>,
    /// By slug: the section, its parent, its path under `/category/`.
    sections: HashMap<String, (SectionId, Option<SectionId>, String)>,
    /// Categories whose parent comes later in the file.
    pending_sections: Vec<Term>,
    next_position: i64,
    /// By slug.
    tags: HashMap<String, TagId>,
    /// By attachment id.
    media: HashMap<u64, MediaId>,
    /// Posts waiting to be written, with their label in the summary.
    batch: Vec<(ImportedArticle, String)>,
    now: Timestamp,
}

impl Run<'_, '_> {
    fn key(&self, kind: &str, key: &str, digest: String) -> ImportKey {
        ImportKey {
            origin: self.origin.clone(),
            kind: kind.to_owned(),
            key: key.to_owned(),
            digest,
        }
    }

    /// What an earlier run made of (kind, key), if its source is the same.
    fn unchanged(&self, kind: &'static str, key: &str, digest: &str) -> Option<i64> {
        self.keys
            .get(&(kind, key.to_owned()))
            .filter(|(_, d)| d == digest)
            .map(|(id, _)| *id)
    }

    /// In a dry run: counts the entry as it would go, stores nothing.
    fn would(&mut self, label: &str, kind: &'static str, key: &str, digest: &str) {
        let imported = match self.keys.get(&(kind, key.to_owned())) {
            Some((_, d)) if d == digest => Imported::Unchanged,
            Some(_) => Imported::Updated,
            None => Imported::Added,
        };
        self.summary.count(label, imported);
    }

    async fn site_feeds(&mut self) -> Result<(), ImportError> {
        let old: Vec<OldAddress> = [
            "/feed",
            "/feed/rss2",
            "/feed/rss",
            "/feed/atom",
            "/feed/rdf",
            "/rss",
            "/?feed=rss2",
        ]
        .iter()
        .filter_map(|p| OldAddress::of(p, Target::Feed))
        .collect();
        self.summary.redirects += old.len() as u64;
        self.ctx
            .store
            .add_redirects(&old, self.now)
            .await
            .map_err(anyhow::Error::from)?;
        Ok(())
    }
}

/// A digest of what an entry is made from.
fn digest_of(value: &impl std::fmt::Debug) -> String {
    Sha256::digest(format!("{value:?}").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
