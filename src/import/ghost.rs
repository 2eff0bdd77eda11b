//! A Ghost export moved in. Posts become stories (published, draft,
//! scheduled; members-only ones drafts, newsletter-only ones skipped),
//! pages static pages, each post's primary tag its section and its other
//! public tags tags (`#internal` tags dropped), authors bylines, feature
//! images lead pictures, members newsletter subscribers with the consent
//! Ghost recorded, newsletters newsletters. Code injection is not carried
//! (a note says so). Ghost's addresses (`/slug/`, `/tag/…`, `/author/…`,
//! `/rss/`) become redirects.

use std::{collections::HashMap, fs::File, path::Path};

use dateline_core::{
    ArticleKind, ArticleStatus, Body, Email, LeadImage, NewArticle, NewPage, NewPerson, NewSection,
    PersonId, SectionId, Slug, Text, html_text,
};
use dateline_import::ghost::{self, Entry, Header, Member, Post};
use dateline_store::{Filing, ImportedArticle, ImportedMember, NewNewsletter, OldAddress, Target};

use super::{
    Context, ImportError, Options, Progress, Summary,
    body::Bodies,
    pictures::{Described, Pictures},
    run::{BATCH, Run, digest_of, refused},
};

const MAPPING: &str = "ghost 1";

/// Imports the Ghost export `file` (see the module's comment).
pub async fn import_ghost(
    ctx: &Context<'_>,
    file: &Path,
    options: &Options,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Summary, ImportError> {
    let owned = file.to_owned();
    let header = tokio::task::spawn_blocking(move || {
        let handle =
            File::open(&owned).map_err(|e| refused(&owned, format!("cannot open it: {e}")))?;
        ghost::read_header(handle).map_err(|e| refused(&owned, e))
    })
    .await
    .map_err(anyhow::Error::from)??;
    // Ghost's export does not say where the site was: its address, when
    // given, else its title, names it.
    let site = match &options.base_url {
        Some(base) => base.as_str().trim_end_matches('/').to_owned(),
        None => header.settings.get("title").cloned().unwrap_or_default(),
    };
    let kinds = [
        "author",
        "category",
        "tag",
        "post",
        "page",
        "member",
        "newsletter",
    ];
    let mut run = Run::start(ctx, options, format!("ghost {site}"), &kinds).await?;
    let mut pictures = Pictures::new(
        ctx.library(),
        &options.media,
        ctx.config.media.max_upload_bytes,
    );
    for (key, value) in &header.settings {
        if key.starts_with("codeinjection") && !value.trim().is_empty() {
            run.summary.note(
                "the site's code injection is not carried over (add what it did to the theme)"
                    .into(),
            );
        }
    }
    run.site_feeds(&["/rss"]).await?;
    let ghost = Ghost::file(&mut run, &header).await?;
    let total = header.posts + header.members;
    let mut done = 0;
    progress(Progress { done, total });

    // The second pass reads on a blocking thread and hands each entry over.
    let (send, mut receive) = tokio::sync::mpsc::channel::<Entry>(64);
    let owned = file.to_owned();
    let reading = tokio::task::spawn_blocking(move || {
        let handle =
            File::open(&owned).map_err(|e| refused(&owned, format!("cannot open it: {e}")))?;
        ghost::read_entries(handle, |entry| {
            send.blocking_send(entry)
                .map_err(|_| "the import stopped".to_owned())
        })
        .map_err(|e| refused(&owned, e))
    });
    let mut members = Vec::new();
    while let Some(entry) = receive.recv().await {
        match entry {
            Entry::Post(post) => ghost.post(&mut run, &post, &mut pictures).await?,
            Entry::Member(member) => {
                if let Some(member) = ghost.member(&mut run, &member) {
                    members.push(member);
                }
                if members.len() >= BATCH {
                    write_members(&mut run, std::mem::take(&mut members)).await?;
                }
            }
        }
        done += 1;
        progress(Progress { done, total });
    }
    reading.await.map_err(anyhow::Error::from)??;
    write_members(&mut run, members).await?;
    run.flush().await?;
    Ok(run.summary)
}

/// What the first pass made of the small tables.
struct Ghost<'h> {
    header: &'h Header,
    /// Tag id → its tag, for the ones readers see.
    tags: HashMap<&'h str, &'h ghost::Tag>,
    /// Author id → byline.
    people: HashMap<&'h str, PersonId>,
    /// Tag id → section, for tags that are a post's primary tag.
    sections: HashMap<&'h str, SectionId>,
    /// Ghost newsletter id → Dateline's.
    newsletters: HashMap<&'h str, i64>,
}

impl<'h> Ghost<'h> {
    /// Files authors, tags and newsletters.
    async fn file(run: &mut Run<'_, '_>, header: &'h Header) -> Result<Ghost<'h>, ImportError> {
        let mut ghost = Ghost {
            header,
            tags: header
                .tags
                .iter()
                .filter(|t| !t.is_internal())
                .map(|t| (t.id.as_str(), t))
                .collect(),
            people: HashMap::new(),
            sections: HashMap::new(),
            newsletters: HashMap::new(),
        };
        for user in &header.users {
            if let Some(person) = author(run, user).await? {
                ghost.people.insert(&user.id, person);
            }
        }
        let primary: std::collections::HashSet<&str> = header
            .post_tags
            .values()
            .filter_map(|ids| ids.iter().find(|id| ghost.tags.contains_key(id.as_str())))
            .map(String::as_str)
            .collect();
        for tag in header.tags.iter() {
            if tag.is_internal() {
                run.summary
                    .note("internal tags (#…) are not carried over".into());
                continue;
            }
            let section = primary.contains(tag.id.as_str());
            if section && let Some(id) = section_of(run, tag).await? {
                ghost.sections.insert(&tag.id, id);
            }
            run.tag(&tag.slug, &tag.name, None, !section, 0).await?;
        }
        let existing = run
            .ctx
            .store
            .newsletters()
            .await
            .map_err(anyhow::Error::from)?;
        for newsletter in &header.newsletters {
            let id = match existing.iter().find(|n| n.slug == newsletter.slug) {
                Some(n) => n.id,
                None if run.options.dry_run => 0,
                None => {
                    let new = NewNewsletter {
                        slug: newsletter.slug.clone(),
                        name: newsletter.name.clone(),
                        description: String::new(),
                        kind: dateline_store::NewsletterKind::Digest,
                        send_time: Some("07:00".into()),
                        max_stories: 10,
                        by_default: false,
                        template: dateline_store::NewsletterTemplate::Standard,
                        section_ids: Vec::new(),
                    };
                    let id = run
                        .ctx
                        .store
                        .save_newsletter(&new, run.now)
                        .await
                        .map_err(anyhow::Error::from)?;
                    run.summary
                        .count("newsletter", dateline_store::Imported::Added);
                    id
                }
            };
            ghost.newsletters.insert(&newsletter.id, id);
        }
        Ok(ghost)
    }
}

impl Ghost<'_> {
    async fn post(
        &self,
        run: &mut Run<'_, '_>,
        post: &Post,
        pictures: &mut Pictures<'_>,
    ) -> Result<(), ImportError> {
        let page = post.kind.as_deref() == Some("page");
        let title = post.title.clone().unwrap_or_default();
        let what = format!(
            "{} {} {title:?}",
            if page { "page" } else { "post" },
            post.id
        );
        let public = matches!(post.visibility.as_deref(), None | Some("public"));
        let (status, label) = match (page, post.status.as_str(), public) {
            (true, "published", _) => (ArticleStatus::Published, "page"),
            (true, state, _) => {
                run.summary.skip(
                    what,
                    0,
                    format!("a page in the state {state:?}: Dateline's pages are public"),
                );
                return Ok(());
            }
            (false, "published", true) => (ArticleStatus::Published, "story (published)"),
            (false, "published", false) => {
                run.summary.note(
                    "members-only posts are imported as drafts (a story is public or not)".into(),
                );
                (ArticleStatus::Draft, "story (draft)")
            }
            (false, "draft", _) => (ArticleStatus::Draft, "story (draft)"),
            (false, "scheduled", _) => (ArticleStatus::Scheduled, "story (scheduled)"),
            (false, "sent", _) => {
                run.summary.skip(
                    what,
                    0,
                    "sent as a newsletter only: it was never on the site",
                );
                return Ok(());
            }
            (false, state, _) => {
                run.summary
                    .skip(what, 0, format!("a post in the state {state:?}"));
                return Ok(());
            }
        };
        let kind = if page { "page" } else { "post" };
        let header = self.header;
        let digest = digest_of(&(
            MAPPING,
            post,
            header.post_tags.get(&post.id),
            header.post_authors.get(&post.id),
            header.post_meta.get(&post.id),
        ));
        if run.unchanged(kind, &post.id, &digest).is_some() {
            run.summary
                .count(label, dateline_store::Imported::Unchanged);
            return Ok(());
        }
        if run.options.dry_run {
            run.would(label, kind, &post.id, &digest);
            return Ok(());
        }
        if [&post.codeinjection_head, &post.codeinjection_foot]
            .iter()
            .any(|c| c.as_deref().is_some_and(|c| !c.trim().is_empty()))
        {
            run.summary
                .note("posts' code injection is not carried over".into());
        }
        let base = run.options.base_url.as_ref().map_or(String::new(), |b| {
            b.as_str().trim_end_matches('/').to_owned()
        });
        let resolve = |s: &str| s.replace("__GHOST_URL__", &base);
        let html = [
            post.html.clone(),
            post.lexical.as_deref().and_then(ghost::lexical_html),
            post.mobiledoc.as_deref().and_then(ghost::mobiledoc_html),
        ]
        .into_iter()
        .flatten()
        .find(|h| !h.trim().is_empty())
        .unwrap_or_default();
        let old_sites: Vec<String> = Some(base.clone())
            .filter(|b| !b.is_empty())
            .into_iter()
            .collect();
        let attachments = HashMap::new();
        let made = Bodies {
            pictures,
            attachments: &attachments,
            old_sites: &old_sites,
        }
        .make(&resolve(&html), None)
        .await;
        for note in made.notes {
            run.summary.note(note);
        }
        let body = Body::from_markdown(&made.markdown);
        let headline = run.headline(&title);
        let slug =
            Slug::parse(&post.slug).unwrap_or_else(|_| Slug::from_title(headline.as_str(), kind));
        let old = OldAddress::of(
            &format!("/{}", post.slug),
            if page { Target::Page } else { Target::Article },
        );
        if page {
            let title =
                Text::parse("title", headline.as_str(), 200).expect("a headline is a valid title");
            let slug = Slug::parse_top_level(slug.as_str())
                .unwrap_or_else(|_| Slug::from_title(&format!("{} page", title.as_str()), "page"));
            let old: Vec<OldAddress> = old.into_iter().collect();
            let key = run.key("page", &post.id, digest);
            let (_, imported) = run
                .ctx
                .store
                .import_page(&key, &NewPage { slug, title, body }, &old, run.now)
                .await
                .map_err(anyhow::Error::from)?;
            run.note_written(&old, imported);
            run.summary.count("page", imported);
            return Ok(());
        }
        let tag_ids = header.post_tags.get(&post.id).cloned().unwrap_or_default();
        let public_tags: Vec<&ghost::Tag> = tag_ids
            .iter()
            .filter_map(|id| self.tags.get(id.as_str()).copied())
            .collect();
        let section = match public_tags
            .first()
            .and_then(|t| self.sections.get(t.id.as_str()))
        {
            Some(section) => *section,
            None => run.uncategorized().await?,
        };
        let mut tags = Vec::new();
        for tag in public_tags.iter().skip(1) {
            if let Some(id) = run.tags.get(&tag.slug) {
                tags.push(*id);
            }
        }
        let authors = header
            .post_authors
            .get(&post.id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.people.get(id.as_str()).copied())
            .collect();
        let meta = header.post_meta.get(&post.id);
        let lead_image = match post
            .feature_image
            .as_deref()
            .map(resolve)
            .filter(|u| !u.is_empty())
        {
            Some(url) => {
                let alt = meta
                    .and_then(|m| m.feature_image_alt.clone())
                    .unwrap_or_default();
                let caption = meta
                    .and_then(|m| m.feature_image_caption.clone())
                    .map(|c| html_text(&c))
                    .unwrap_or_default();
                let described = Described {
                    url: &url,
                    alt: &alt,
                    caption: &caption,
                    title: &title,
                    credit: "",
                };
                match pictures.keep(described).await {
                    Ok(media) => Some(LeadImage {
                        media,
                        caption: Some(caption).filter(|c| !c.is_empty()),
                        credit: None,
                    }),
                    Err(reason) => {
                        run.summary
                            .note(format!("a feature image was left out: {url}: {reason}"));
                        None
                    }
                }
            }
            None => None,
        };
        let at = post
            .published_at
            .as_deref()
            .and_then(|t| t.parse::<jiff::Timestamp>().ok())
            .filter(|_| matches!(status, ArticleStatus::Published | ArticleStatus::Scheduled));
        let seo = |pick: fn(&ghost::PostMeta) -> Option<&String>| {
            meta.and_then(pick)
                .map(|v| html_text(v))
                .filter(|v| !v.is_empty())
        };
        let entry = ImportedArticle {
            key: run.key("post", &post.id, digest),
            article: NewArticle {
                slug,
                headline,
                standfirst: post
                    .custom_excerpt
                    .as_deref()
                    .map(html_text)
                    .unwrap_or_default(),
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
            },
            status,
            at,
            seo_title: seo(|m| m.meta_title.as_ref()),
            seo_description: seo(|m| m.meta_description.as_ref()),
            old: old.into_iter().collect(),
            comments: Vec::new(),
        };
        run.batch.push((entry, label.to_owned()));
        if run.batch.len() >= BATCH {
            run.write_batch().await?;
        }
        Ok(())
    }

    /// A member as a subscriber with the consent Ghost recorded: the
    /// newsletters they receive (Ghost 5 and later), or Ghost 4's one
    /// switch (then the site's default newsletters); none is unsubscribed.
    fn member(&self, run: &mut Run<'_, '_>, member: &Member) -> Option<ImportedMember> {
        let Ok(email) = Email::parse(member.email.trim()) else {
            run.summary
                .skip(format!("member {}", member.id), 0, "not an email address");
            return None;
        };
        let newsletters: Vec<i64> = if self.header.has_member_newsletters {
            self.header
                .member_newsletters
                .get(&member.id)
                .into_iter()
                .flatten()
                .filter_map(|id| self.newsletters.get(id.as_str()).copied())
                .collect()
        } else if member.subscribed == Some(true) {
            self.newsletters.values().copied().collect()
        } else {
            Vec::new()
        };
        let label = label_of(&newsletters);
        let digest = digest_of(&(MAPPING, &member.email, &newsletters, member.subscribed));
        if run.unchanged("member", &member.id, &digest).is_some() {
            run.summary
                .count(label, dateline_store::Imported::Unchanged);
            return None;
        }
        if run.options.dry_run {
            run.would(label, "member", &member.id, &digest);
            return None;
        }
        Some(ImportedMember {
            key: run.key("member", &member.id, digest),
            email,
            token: crate::accounts::new_token(),
            newsletters,
            joined_at: member.created_at.as_deref().and_then(|t| t.parse().ok()),
        })
    }
}

fn label_of(newsletters: &[i64]) -> &'static str {
    if newsletters.is_empty() {
        "subscriber (unsubscribed)"
    } else {
        "subscriber (subscribed)"
    }
}

async fn write_members(
    run: &mut Run<'_, '_>,
    batch: Vec<ImportedMember>,
) -> Result<(), ImportError> {
    if batch.is_empty() {
        return Ok(());
    }
    let done = run
        .ctx
        .store
        .import_members(&batch, run.now)
        .await
        .map_err(anyhow::Error::from)?;
    for (member, imported) in batch.iter().zip(done) {
        run.summary.count(label_of(&member.newsletters), imported);
    }
    Ok(())
}

async fn author(
    run: &mut Run<'_, '_>,
    user: &ghost::User,
) -> Result<Option<PersonId>, ImportError> {
    let Ok(name) = Text::parse("name", user.name.trim(), 100) else {
        run.summary.skip(
            format!("author {:?}", user.slug),
            0,
            "a name that is empty or longer than 100 characters",
        );
        return Ok(None);
    };
    let bio = user.bio.clone().unwrap_or_default();
    let digest = digest_of(&(name.as_str(), &bio));
    if run.options.dry_run {
        run.would("byline", "author", &user.id, &digest);
        return Ok(Some(PersonId(0)));
    }
    let slug =
        Slug::parse(&user.slug).unwrap_or_else(|_| Slug::from_title(name.as_str(), "author"));
    let old: Vec<OldAddress> = OldAddress::of(&format!("/author/{}", user.slug), Target::Person)
        .into_iter()
        .collect();
    let filing = Filing::Person(NewPerson {
        slug,
        name,
        bio: html_text(&bio),
        email: None,
    });
    let key = run.key("author", &user.id, digest);
    let id = run.file("byline", &key, &filing, &old).await?;
    Ok(Some(PersonId(id)))
}

/// A primary tag as a section, with its old addresses.
async fn section_of(
    run: &mut Run<'_, '_>,
    tag: &ghost::Tag,
) -> Result<Option<SectionId>, ImportError> {
    let digest = digest_of(&(&tag.name, &tag.description));
    if run.options.dry_run {
        run.would("section", "category", &tag.id, &digest);
        return Ok(Some(SectionId(0)));
    }
    let Ok(name) = Text::parse("name", tag.name.trim(), 100) else {
        run.summary.skip(
            format!("tag {:?}", tag.slug),
            0,
            "a name that is empty or longer than 100 characters",
        );
        return Ok(None);
    };
    let slug = Slug::parse_top_level(&tag.slug)
        .or_else(|_| Slug::parse_top_level(&format!("{}-section", tag.slug)))
        .unwrap_or_else(|_| Slug::from_title(name.as_str(), "section"));
    let position = run.next_position;
    run.next_position += 1;
    let filing = Filing::Section(NewSection {
        slug,
        name,
        parent: None,
        position,
    });
    let mut old = Vec::new();
    old.extend(OldAddress::of(
        &format!("/tag/{}", tag.slug),
        Target::Section,
    ));
    old.extend(OldAddress::of(
        &format!("/tag/{}/rss", tag.slug),
        Target::SectionFeed,
    ));
    let key = run.key("category", &tag.id, digest);
    let id = run.file("section", &key, &filing, &old).await?;
    run.sections
        .insert(tag.slug.clone(), (SectionId(id), None, tag.slug.clone()));
    Ok(Some(SectionId(id)))
}
