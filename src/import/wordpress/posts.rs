//! Items of a WordPress export: posts as stories (in batches), pages as
//! static pages, attachments as pictures; WordPress's own kinds (menus,
//! templates, reusable blocks) are skipped with the reason.

use dateline_core::{
    ArticleKind, ArticleStatus, Body, LeadImage, NewArticle, NewPage, Slug, Text, html_text,
};
use dateline_import::wxr::Item;
use dateline_store::{HeldComment, ImportedArticle, OldAddress, Target};

use super::{MAPPING, Scan, attachment_of, decoded};
use crate::import::run::{BATCH, Run, digest_of};
use crate::import::{ImportError, body::Bodies, pictures::Pictures};

/// The story a post's status makes, and its label in the summary.
fn status_of(status: &str) -> Option<(ArticleStatus, &'static str)> {
    Some(match status {
        "publish" => (ArticleStatus::Published, "story (published)"),
        "draft" | "private" => (ArticleStatus::Draft, "story (draft)"),
        "pending" => (ArticleStatus::InReview, "story (in review)"),
        "future" => (ArticleStatus::Scheduled, "story (scheduled)"),
        _ => return None,
    })
}

impl Run<'_, '_> {
    pub(super) async fn item(
        &mut self,
        item: &Item,
        scan: &Scan,
        pictures: &mut Pictures<'_>,
        old_sites: &[String],
    ) -> Result<(), ImportError> {
        if !self.pending_sections.is_empty() {
            self.settle_sections().await?;
        }
        let what = format!(
            "{} {} {:?}",
            if item.post_type.is_empty() {
                "item"
            } else {
                &item.post_type
            },
            item.id
                .map_or_else(|| "without an id".to_owned(), |id| id.to_string()),
            item.title
        );
        let Some(key) = item
            .id
            .map(|id| id.to_string())
            .or_else(|| Some(item.guid.clone()).filter(|g| !g.is_empty()))
        else {
            self.summary
                .skip(what, item.line, "an item with neither a post id nor a guid");
            return Ok(());
        };
        match item.post_type.as_str() {
            "post" | "page" | "attachment"
                if item.status == "trash" || item.status == "auto-draft" =>
            {
                self.summary
                    .skip(what, item.line, format!("in WordPress's {}", item.status));
                Ok(())
            }
            "attachment" => self.attachment(item, &key, &what, pictures).await,
            "post" => {
                self.post(item, &key, &what, scan, pictures, old_sites)
                    .await
            }
            "page" => {
                self.page(item, &key, &what, scan, pictures, old_sites)
                    .await
            }
            other => {
                self.summary.skip(
                    what,
                    item.line,
                    format!(
                        "WordPress's own kind {:?} (menus, templates, blocks) is not carried over",
                        other
                    ),
                );
                Ok(())
            }
        }
    }

    async fn attachment(
        &mut self,
        item: &Item,
        key: &str,
        what: &str,
        pictures: &mut Pictures<'_>,
    ) -> Result<(), ImportError> {
        let digest = digest_of(&(MAPPING, strip_line(item)));
        if let Some(id) = self.unchanged("attachment", key, &digest) {
            self.summary
                .count("picture", dateline_store::Imported::Unchanged);
            if let Some(wp) = item.id {
                self.media.insert(wp, dateline_core::MediaId(id));
            }
            return Ok(());
        }
        let attachment = attachment_of(item);
        if !is_picture(&attachment.url) {
            self.summary.skip(
                what.to_owned(),
                item.line,
                "a file that is not a picture (the library keeps pictures; link to it from a story)",
            );
            return Ok(());
        }
        if self.options.dry_run {
            // Whether a file is found is known only by fetching it; that
            // there is nowhere to look is known now.
            match pictures.no_source() {
                Some(missing) => self.summary.skip(what.to_owned(), item.line, missing),
                None => self.would("picture", "attachment", key, &digest),
            }
            return Ok(());
        }
        let media = match pictures.keep(attachment.described()).await {
            Ok(media) => media,
            Err(reason) => {
                self.summary.skip(what.to_owned(), item.line, reason);
                return Ok(());
            }
        };
        let mut old = Vec::new();
        for address in [&item.link, &attachment.url, &item.guid] {
            old.extend(OldAddress::of(address, Target::Media));
        }
        if let Some(id) = item.id {
            old.extend(OldAddress::of(
                &format!("/?attachment_id={id}"),
                Target::Media,
            ));
            self.media.insert(id, media);
        }
        old.dedup();
        let imported = if self.keys.contains_key(&("attachment", key.to_owned())) {
            dateline_store::Imported::Updated
        } else {
            dateline_store::Imported::Added
        };
        self.ctx
            .store
            .remember_import(
                &self.key("attachment", key, digest),
                media.0,
                &old,
                self.now,
            )
            .await
            .map_err(anyhow::Error::from)?;
        self.note_written(&old, imported);
        self.summary.count("picture", imported);
        Ok(())
    }

    /// The old addresses of a post or page: its permalink, its guid when
    /// that is an address of the site, and WordPress's `?p=` form.
    fn addresses(item: &Item, target: Target, old_sites: &[String]) -> Vec<OldAddress> {
        let mut old = Vec::new();
        old.extend(OldAddress::of(&item.link, target));
        if old_sites
            .iter()
            .any(|site| item.guid.starts_with(site.as_str()))
        {
            old.extend(OldAddress::of(&item.guid, target));
        }
        if let Some(id) = item.id {
            let parameter = if target == Target::Page {
                "page_id"
            } else {
                "p"
            };
            old.extend(OldAddress::of(&format!("/?{parameter}={id}"), target));
        }
        old.dedup();
        old
    }

    async fn body(
        &mut self,
        item: &Item,
        scan: &Scan,
        pictures: &mut Pictures<'_>,
        old_sites: &[String],
    ) -> Body {
        let mut bodies = Bodies {
            pictures,
            attachments: &scan.attachments,
            old_sites,
        };
        let made = bodies.make(&item.content, item.id).await;
        for note in made.notes {
            self.summary.note(note);
        }
        Body::from_markdown(&made.markdown)
    }

    async fn post(
        &mut self,
        item: &Item,
        key: &str,
        what: &str,
        scan: &Scan,
        pictures: &mut Pictures<'_>,
        old_sites: &[String],
    ) -> Result<(), ImportError> {
        let Some((mut status, mut label)) = status_of(&item.status) else {
            self.summary.skip(
                what.to_owned(),
                item.line,
                format!("a post in the state {:?}", item.status),
            );
            return Ok(());
        };
        // Its text was not for everyone: it waits for an editor's decision.
        if !item.password.is_empty() && status == ArticleStatus::Published {
            self.summary.note(
                "password-protected posts are imported as drafts (a story is public or not)".into(),
            );
            (status, label) = (ArticleStatus::Draft, "story (draft)");
        }
        let digest = digest_of(&(MAPPING, strip_line(item)));
        if self.unchanged("post", key, &digest).is_some() {
            self.summary
                .count(label, dateline_store::Imported::Unchanged);
            return Ok(());
        }
        if self.options.dry_run {
            self.would(label, "post", key, &digest);
            self.summary.comments_held += item.comments.len() as u64;
            return Ok(());
        }
        let headline = self.headline(&item.title);
        let mut categories = item.terms_of("category");
        let section = match categories.next() {
            Some(first) => self.sections.get(&first.slug).map(|s| s.0),
            None => None,
        };
        let section = match section {
            Some(section) => section,
            None => self.uncategorized().await?,
        };
        let mut tags = Vec::new();
        let filed_as_tags: Vec<(String, String)> = categories
            .map(|c| (c.slug.clone(), c.name.clone()))
            .chain(
                item.terms_of("post_tag")
                    .map(|t| (t.slug.clone(), t.name.clone())),
            )
            .collect();
        for (slug, name) in filed_as_tags {
            if let Some(tag) = self.tag(&slug, &name, None, false, item.line).await?
                && !tags.contains(&tag)
            {
                tags.push(tag);
            }
        }
        let authors = self
            .person(&item.creator, item.line)
            .await?
            .into_iter()
            .collect();
        let lead_image = match item
            .meta_value("_thumbnail_id")
            .and_then(|id| id.trim().parse::<u64>().ok())
        {
            Some(id) => self.lead_image(id, scan, pictures).await,
            None => None,
        };
        let body = self.body(item, scan, pictures, old_sites).await;
        let slug = Slug::parse(&decoded(&item.name))
            .unwrap_or_else(|_| Slug::from_title(headline.as_str(), "story"));
        let at = match status {
            ArticleStatus::Scheduled | ArticleStatus::Published => item.published_at(),
            _ => None,
        };
        let article = NewArticle {
            slug,
            headline,
            standfirst: html_text(&item.excerpt),
            body,
            section,
            source: None,
            authors,
            edited_by: None,
            place: None,
            tags,
            topics: Vec::new(),
            lead_image,
            language: None,
            kind: ArticleKind::Standard,
            corpus_label: None,
        };
        let seo = |keys: [&str; 2]| {
            keys.iter()
                .find_map(|k| item.meta_value(k))
                .map(html_text)
                .filter(|v| !v.contains("%%") && !v.contains('%'))
        };
        if item.sticky && status == ArticleStatus::Published {
            self.sticky_keys.insert(key.to_owned());
        }
        let comments = comments_of(item);
        self.summary.comments_held += comments.len() as u64;
        let entry = ImportedArticle {
            key: self.key("post", key, digest),
            article,
            status,
            at,
            seo_title: seo(["_yoast_wpseo_title", "rank_math_title"]),
            seo_description: seo(["_yoast_wpseo_metadesc", "rank_math_description"]),
            old: Self::addresses(item, Target::Article, old_sites),
            comments,
        };
        self.batch.push((entry, label.to_owned()));
        if self.batch.len() >= BATCH {
            self.write_batch().await?;
        }
        Ok(())
    }

    async fn lead_image(
        &mut self,
        attachment: u64,
        scan: &Scan,
        pictures: &mut Pictures<'_>,
    ) -> Option<LeadImage> {
        let media = match self.media.get(&attachment) {
            Some(media) => *media,
            None => {
                let a = scan.attachments.get(&attachment)?;
                match pictures.keep(a.described()).await {
                    Ok(media) => media,
                    Err(reason) => {
                        self.summary.note(format!(
                            "a featured image was left out: {}: {reason}",
                            a.url
                        ));
                        return None;
                    }
                }
            }
        };
        let caption = scan
            .attachments
            .get(&attachment)
            .map(|a| a.caption.clone())
            .filter(|c| !c.is_empty());
        Some(LeadImage {
            media,
            caption,
            credit: None,
        })
    }

    async fn page(
        &mut self,
        item: &Item,
        key: &str,
        what: &str,
        scan: &Scan,
        pictures: &mut Pictures<'_>,
        old_sites: &[String],
    ) -> Result<(), ImportError> {
        if item.status != "publish" {
            self.summary.skip(
                what.to_owned(),
                item.line,
                format!(
                    "a page in the state {:?}: Dateline's pages are public",
                    item.status
                ),
            );
            return Ok(());
        }
        let digest = digest_of(&(MAPPING, strip_line(item)));
        if self.unchanged("page", key, &digest).is_some() {
            self.summary
                .count("page", dateline_store::Imported::Unchanged);
            return Ok(());
        }
        if self.options.dry_run {
            self.would("page", "page", key, &digest);
            return Ok(());
        }
        let title = self.headline(&item.title);
        let title = Text::parse("title", title.as_str(), 200).expect("a headline is a valid title");
        let slug = Slug::parse_top_level(&decoded(&item.name))
            .unwrap_or_else(|_| Slug::from_title(&format!("{} page", title.as_str()), "page"));
        let body = self.body(item, scan, pictures, old_sites).await;
        let page = NewPage { slug, title, body };
        let old = Self::addresses(item, Target::Page, old_sites);
        let (_, imported) = self
            .ctx
            .store
            .import_page(&self.key("page", key, digest), &page, &old, self.now)
            .await
            .map_err(anyhow::Error::from)?;
        self.note_written(&old, imported);
        self.summary.count("page", imported);
        Ok(())
    }
}

/// Whether an address names a picture the library can keep, by its
/// extension (a WXR does not give the type).
fn is_picture(url: &str) -> bool {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    [".jpg", ".jpeg", ".png", ".gif", ".webp"]
        .iter()
        .any(|e| path.ends_with(e))
}

/// The item without its place in the file, which does not change what it
/// is (a re-export with an item added above it must not redo the rest).
fn strip_line(item: &Item) -> Item {
    Item {
        line: 0,
        ..item.clone()
    }
}

fn comments_of(item: &Item) -> Vec<HeldComment> {
    item.comments
        .iter()
        .filter_map(|c| {
            Some(HeldComment {
                key: c.id?.to_string(),
                parent_key: c.parent.map(|p| p.to_string()),
                author_name: c.author.clone(),
                author_email: Some(c.author_email.clone()).filter(|e| !e.is_empty()),
                author_url: Some(c.author_url.clone()).filter(|u| !u.is_empty()),
                body: c.content.clone(),
                state: match c.approved.as_str() {
                    "1" => "approved",
                    "spam" => "spam",
                    "trash" => "trash",
                    _ => "pending",
                }
                .to_owned(),
                kind: if c.kind.is_empty() {
                    "comment".into()
                } else {
                    c.kind.clone()
                },
                posted_at: c.date_gmt,
            })
        })
        .collect()
}
