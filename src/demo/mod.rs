//! The demo site: original sample content (in `demo/` at the repository
//! root, embedded in the binary), generated lead images kept in the media
//! library as uploads are (renditions made by its job), and a synthetic
//! corpus of any size for measuring search and speed.

mod content;
mod images;
pub mod synthetic;

use std::{collections::HashMap, path::Path};

use anyhow::Context;
use dateline_core::{
    Body, Headline, LeadImage, MediaId, NewArticle, NewPage, NewPerson, NewSection, NewSource,
    NewTopic, PersonId, SectionId, Slug, SourceId, SourceRights, Text, TopicId,
};
use dateline_store::Store;
use jiff::Timestamp;

use crate::media::Blobs;

pub use content::DemoContent;

/// What seeding added.
#[derive(Debug, Default)]
pub struct Seeded {
    pub articles: usize,
    pub pages: usize,
}

/// Writes the demo's `dateline.toml` (site name, Asia/Kolkata, en-IN) into
/// `data_dir` unless one is there already.
pub fn write_config(data_dir: &Path) -> anyhow::Result<()> {
    let path = data_dir.join(crate::config::FILE_NAME);
    if path.exists() {
        return Ok(());
    }
    let demo = DemoContent::load()?;
    let c = &demo.site.config;
    let text = format!(
        "# Written by `dateline serve --demo`; edit freely.\n[site]\nname = {:?}\ntime_zone = {:?}\nlanguage = {:?}\n",
        c.name, c.time_zone, c.language
    );
    std::fs::create_dir_all(data_dir)?;
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// Whether the store holds no newsroom yet (no sections).
pub async fn is_empty(store: &Store) -> anyhow::Result<bool> {
    Ok(store.sections().await?.is_empty())
}

/// Seeds the demo newsroom if the store holds none: `None` if it did. Under
/// the store's setup lock, so that nodes started together on one empty
/// database seed it once (the others wait, then find it seeded).
pub async fn seed_if_empty(
    store: &Store,
    blobs: &Blobs,
    now: Timestamp,
) -> anyhow::Result<Option<Seeded>> {
    let _lock = store.setup_lock().await?;
    if !is_empty(store).await? {
        return Ok(None);
    }
    Ok(Some(seed(store, blobs, now).await?))
}

/// Fills an empty store with the demo newsroom, its articles, lead images
/// (kept in `blobs` and the media library, their renditions left to the
/// job) and footer pages.
pub async fn seed(store: &Store, blobs: &Blobs, now: Timestamp) -> anyhow::Result<Seeded> {
    let demo = DemoContent::load()?;
    let ids = seed_newsroom(store, &demo, blobs, now).await?;
    let mut files: Vec<_> = demo.articles.iter().collect();
    files.sort_by_key(|(_, a)| a.published);
    let mut batch = Vec::with_capacity(files.len());
    for (file, a) in &files {
        let article = demo_article(store, &ids, blobs, a, now)
            .await
            .with_context(|| file.clone())?;
        batch.push((article, a.published));
    }
    let imported = store.import_published_articles(&batch, now).await?;
    // Live blogs' entries, oldest first, each at its own time.
    for (id, (file, a)) in imported.iter().zip(&files) {
        let mut entries: Vec<_> = a.entries.iter().collect();
        entries.sort_by_key(|e| e.at);
        for e in entries {
            store
                .add_live_entry(
                    *id,
                    e.title.as_deref(),
                    &Body::from_markdown(&e.body),
                    None,
                    e.at,
                )
                .await
                .with_context(|| format!("{file}: the entry at {}", e.at))?;
        }
    }
    let articles = imported.len();

    for (file, p) in &demo.pages {
        let page = NewPage {
            slug: Slug::parse_top_level(&p.slug).with_context(|| file.clone())?,
            title: Text::parse("title", &p.title, 120).with_context(|| file.clone())?,
            body: Body::from_markdown(&p.body),
        };
        store.put_page(&page, now).await?;
    }
    seed_newsletters(store, now).await?;
    Ok(Seeded {
        articles,
        pages: demo.pages.len(),
    })
}

/// A morning digest of every section and breaking-news alerts.
async fn seed_newsletters(store: &Store, now: Timestamp) -> anyhow::Result<()> {
    use dateline_store::{NewNewsletter, NewsletterKind, NewsletterTemplate};
    for new in [
        NewNewsletter {
            slug: "morning-briefing".into(),
            name: "Morning Briefing".into(),
            description: "The stories that matter, every morning at seven.".into(),
            kind: NewsletterKind::Digest,
            send_time: Some("07:00".into()),
            max_stories: 10,
            by_default: true,
            template: NewsletterTemplate::Standard,
            section_ids: Vec::new(),
        },
        NewNewsletter {
            slug: "breaking-news".into(),
            name: "Breaking News".into(),
            description: "Big stories as they happen.".into(),
            kind: NewsletterKind::Alert,
            send_time: None,
            max_stories: 1,
            by_default: true,
            template: NewsletterTemplate::Headlines,
            section_ids: Vec::new(),
        },
    ] {
        store.save_newsletter(&new, now).await?;
    }
    Ok(())
}

/// Store ids of the demo's sections, sources, people and topics, by slug.
struct NewsroomIds {
    sections: HashMap<String, SectionId>,
    sources: HashMap<String, SourceId>,
    people: HashMap<String, PersonId>,
    topics: HashMap<String, TopicId>,
}

async fn seed_newsroom(
    store: &Store,
    demo: &DemoContent,
    blobs: &Blobs,
    now: Timestamp,
) -> anyhow::Result<NewsroomIds> {
    let site = &demo.site;
    let mut ids = NewsroomIds {
        sections: HashMap::new(),
        sources: HashMap::new(),
        people: HashMap::new(),
        topics: HashMap::new(),
    };
    for (position, s) in (1_i64..).zip(&site.section) {
        let new = NewSection {
            slug: Slug::parse_top_level(&s.slug)?,
            name: Text::parse("name", &s.name, 80)?,
            parent: None,
            position,
        };
        ids.sections
            .insert(s.slug.clone(), store.create_section(&new, now).await?);
    }
    for s in &site.source {
        let new = NewSource {
            slug: Slug::parse(&s.slug)?,
            name: Text::parse("name", &s.name, 120)?,
            notice: s.notice.clone(),
            rights: SourceRights {
                full_text_in_feeds: s.full_text_in_feeds,
                full_text_in_api: s.full_text_in_api,
                full_text_in_federation: s.full_text_in_federation,
            },
        };
        ids.sources
            .insert(s.slug.clone(), store.create_source(&new, now).await?);
    }
    for p in &site.person {
        let new = NewPerson {
            slug: Slug::parse(&p.slug)?,
            name: Text::parse("name", &p.name, 120)?,
            bio: p.bio.clone(),
            email: None,
        };
        ids.people
            .insert(p.slug.clone(), store.create_person(&new, now).await?);
    }
    for t in &site.topic {
        let image = picture(
            store,
            blobs,
            (format!("topic-{}", t.slug).as_str(), "topic"),
            (
                t.image_alt.as_str(),
                t.image_caption.as_str(),
                t.image_credit.as_str(),
            ),
            now,
        )
        .await?;
        let new = NewTopic {
            slug: Slug::parse(&t.slug)?,
            name: Text::parse("name", &t.name, 120)?,
            description: t.description.clone(),
            image: Some(image),
        };
        ids.topics
            .insert(t.slug.clone(), store.create_topic(&new, now).await?);
    }
    Ok(ids)
}

fn lookup<T: Copy>(map: &HashMap<String, T>, kind: &str, key: &str) -> anyhow::Result<T> {
    map.get(key)
        .copied()
        .with_context(|| format!("unknown {kind} {key:?}"))
}

/// Draws the demo picture `name` in `palette`'s colours and keeps it in
/// the media library with its alt text, caption and credit.
async fn picture(
    store: &Store,
    blobs: &Blobs,
    (name, palette): (&str, &str),
    (alt, caption, credit): (&str, &str, &str),
    now: Timestamp,
) -> anyhow::Result<MediaId> {
    let image = images::lead_image(name, palette);
    crate::media::add_own_picture(
        store,
        blobs,
        &image.jpeg,
        (image.width, image.height),
        (Text::parse("image_alt", alt, 300)?, caption, credit),
        now,
    )
    .await
    .with_context(|| format!("the demo picture {name}"))
}

/// Draws the article's lead image, stores it and its tags, and returns the
/// article ready to import.
async fn demo_article(
    store: &Store,
    ids: &NewsroomIds,
    blobs: &Blobs,
    a: &content::ArticleFile,
    now: Timestamp,
) -> anyhow::Result<NewArticle> {
    let media = picture(
        store,
        blobs,
        (a.slug.as_str(), a.section.as_str()),
        (
            a.image_alt.as_str(),
            a.image_caption.as_str(),
            a.image_credit.as_str(),
        ),
        now,
    )
    .await?;
    let mut tags = Vec::new();
    for tag in &a.tags {
        let name = Text::parse("tag", &tag_name(tag), 80)?;
        tags.push(store.ensure_tag(&Slug::parse(tag)?, &name).await?);
    }
    Ok(NewArticle {
        slug: Slug::parse(&a.slug)?,
        headline: Headline::parse(&a.headline)?,
        standfirst: a.standfirst.clone(),
        body: Body::from_markdown(&a.body),
        section: lookup(&ids.sections, "section", &a.section)?,
        source: Some(lookup(&ids.sources, "source", &a.source)?),
        authors: a
            .authors
            .iter()
            .map(|p| lookup(&ids.people, "person", p))
            .collect::<anyhow::Result<_>>()?,
        edited_by: Some(lookup(&ids.people, "person", &a.edited_by)?),
        place: Some(a.place.clone()),
        tags,
        topics: a
            .topics
            .iter()
            .map(|t| lookup(&ids.topics, "topic", t))
            .collect::<anyhow::Result<_>>()?,
        lead_image: Some(LeadImage {
            media,
            caption: None,
            credit: None,
        }),
        language: None,
        kind: a.kind,
        corpus_label: None,
    })
}

/// "road-safety" → "Road safety".
fn tag_name(slug: &str) -> String {
    let spaced = slug.replace('-', " ");
    let mut chars = spaced.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
