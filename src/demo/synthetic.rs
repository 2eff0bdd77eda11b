//! A synthetic corpus: any number of plausible ~800-word articles, each with
//! a known topic label (kept in `corpus_label`) so that search and "more like
//! this" quality can be measured against it. The same seed always gives the
//! same corpus: article `i` is drawn from its own generator seeded by
//! `(seed, i)`, so generating in parallel changes nothing.

pub mod common_words;
pub mod vocabulary;

use std::sync::mpsc;

use anyhow::Context;
use common_words::{GENERAL, PLACES, ROLES};
use dateline_core::{Body, Headline, NewArticle, SectionId, Slug, TagId, Text};
use dateline_store::Store;
use jiff::{SignedDuration, Timestamp};
use vocabulary::{LABELS, Label};

/// Articles per transaction.
const BATCH: usize = 500;

/// SplitMix64: tiny, fast, and stable forever, which a seeded corpus needs
/// (a library generator may change its stream between versions).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64, index: u64) -> Self {
        let mut rng = Self(seed ^ index.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        rng.next();
        rng
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// One generated article, before it is tied to store ids.
pub struct Draft {
    pub label: &'static Label,
    pub headline: String,
    pub standfirst: String,
    pub markdown: String,
    pub place: &'static str,
    pub published: Timestamp,
}

/// The newest synthetic article's time; older ones step back from it.
pub const NEWEST: &str = "2026-10-31T12:00:00Z";

pub fn generate(seed: u64, index: u64) -> Draft {
    let mut rng = Rng::new(seed, index);
    let label = &LABELS[rng.below(LABELS.len())];
    let place = rng.pick(PLACES);
    let subject = rng.pick(label.words);
    let headline = format!(
        "{} {} {} in {place}",
        capitalise(rng.pick(label.words)),
        rng.pick(&[
            "talks", "plan", "row", "push", "report", "deal", "review", "surge"
        ]),
        rng.pick(&[
            "gathers pace",
            "draws scrutiny",
            "moves ahead",
            "hits hurdle",
            "takes shape",
            "sparks debate"
        ]),
    );
    let standfirst = format!(
        "{} and {} dominate the {subject} discussion as officials weigh the next steps.",
        capitalise(rng.pick(label.words)),
        rng.pick(label.words)
    );

    let mut md = String::with_capacity(5600);
    let paragraphs = 9 + rng.below(4);
    for p in 0..paragraphs {
        if p == paragraphs / 2 {
            md.push_str("## ");
            md.push_str(&capitalise(rng.pick(label.words)));
            md.push(' ');
            md.push_str(rng.pick(GENERAL));
            md.push_str("\n\n");
        }
        if p % 4 == 2 {
            md.push('"');
            sentence(&mut rng, label, &mut md, false);
            md.push_str("\" said ");
            md.push_str(rng.pick(ROLES));
            md.push_str(".\n\n");
            continue;
        }
        if p == 0 {
            md.push_str(place);
            md.push_str(" -- ");
        }
        for s in 0..(4 + rng.below(2)) {
            if s > 0 {
                md.push(' ');
            }
            sentence(&mut rng, label, &mut md, true);
        }
        md.push_str("\n\n");
    }
    // One paragraph per line, no blank line after the last: the form the
    // visual editor writes.
    md.truncate(md.trim_end().len());
    // Spread over the years before NEWEST, about 2.6 minutes apart, in index order.
    let newest: Timestamp = NEWEST.parse().expect("a valid constant instant");
    let published = newest - SignedDuration::from_secs((index * 157 + rng.next() % 60) as i64);
    Draft {
        label,
        headline,
        standfirst,
        markdown: md,
        place,
        published,
    }
}

/// Appends a sentence of 12–22 words: about a third from the label's own
/// vocabulary, the rest general newsroom words.
fn sentence(rng: &mut Rng, label: &Label, out: &mut String, full_stop: bool) {
    let words = 12 + rng.below(11);
    for w in 0..words {
        let word = if rng.below(3) == 0 {
            rng.pick(label.words)
        } else {
            rng.pick(GENERAL)
        };
        if w == 0 {
            out.push_str(&capitalise(word));
        } else {
            out.push(' ');
            out.push_str(word);
        }
        if w + 1 < words && w % 7 == 6 {
            out.push(',');
        }
    }
    if full_stop {
        out.push('.');
    }
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Ids the generated articles are filed under.
pub struct Targets {
    sections: Vec<(String, SectionId)>,
    tags: Vec<(&'static str, TagId)>,
}

impl Targets {
    /// Looks up the demo sections and makes one tag per label.
    pub async fn prepare(store: &Store) -> anyhow::Result<Self> {
        let sections = store
            .sections()
            .await?
            .into_iter()
            .map(|s| (s.slug, s.id))
            .collect();
        let mut tags = Vec::new();
        for label in LABELS {
            let slug = Slug::parse(label.name)?;
            let name = Text::parse("tag", &label.name.replace('-', " "), 80)?;
            tags.push((label.name, store.ensure_tag(&slug, &name).await?));
        }
        Ok(Self { sections, tags })
    }

    fn article(&self, draft: Draft) -> anyhow::Result<(NewArticle, Timestamp)> {
        let section = self
            .sections
            .iter()
            .find(|(slug, _)| slug == draft.label.section)
            .map(|(_, id)| *id)
            .with_context(|| {
                format!(
                    "the synthetic corpus needs the demo section {:?}",
                    draft.label.section
                )
            })?;
        let tag = self
            .tags
            .iter()
            .find(|(n, _)| *n == draft.label.name)
            .map(|(_, id)| *id);
        Ok((
            NewArticle {
                slug: Slug::from_title(&draft.headline, "article"),
                headline: Headline::parse(&draft.headline)?,
                standfirst: draft.standfirst,
                body: Body::from_markdown(&draft.markdown),
                section,
                source: None,
                authors: Vec::new(),
                edited_by: None,
                place: Some(draft.place.to_owned()),
                tags: tag.into_iter().collect(),
                topics: Vec::new(),
                lead_image: None,
                language: None,
                kind: dateline_core::ArticleKind::Standard,
                corpus_label: Some(draft.label.name.to_owned()),
            },
            draft.published,
        ))
    }
}

/// Generates `count` articles from `seed` on every core and stores them in
/// batches, in index order; `progress` is told how many are stored.
pub async fn add(
    store: &Store,
    count: u64,
    seed: u64,
    progress: impl Fn(u64),
) -> anyhow::Result<()> {
    let targets = std::sync::Arc::new(Targets::prepare(store).await?);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let batches = count.div_ceil(BATCH as u64);
    // Worker `w` makes batches w, w + workers, …; reading the channels in
    // turn puts the batches back in index order.
    let receivers: Vec<_> = (0..workers)
        .map(|w| {
            let (tx, rx) = mpsc::sync_channel::<anyhow::Result<Vec<(NewArticle, Timestamp)>>>(2);
            let targets = targets.clone();
            std::thread::spawn(move || {
                let mut batch_no = w as u64;
                while batch_no < batches {
                    let start = batch_no * BATCH as u64;
                    let end = (start + BATCH as u64).min(count);
                    let batch = (start..end)
                        .map(|i| targets.article(generate(seed, i)))
                        .collect();
                    if tx.send(batch).is_err() {
                        return;
                    }
                    batch_no += workers as u64;
                }
            });
            rx
        })
        .collect();
    let receivers = std::sync::Arc::new(std::sync::Mutex::new(receivers));
    let now = Timestamp::now();
    let mut stored = 0;
    for batch_no in 0..batches {
        let receivers = receivers.clone();
        let batch = tokio::task::spawn_blocking(move || {
            let receivers = receivers.lock().expect("receivers lock");
            receivers[(batch_no % workers as u64) as usize].recv()
        })
        .await?
        .context("a generator thread stopped")??;
        stored += batch.len() as u64;
        store.import_published_articles(&batch, now).await?;
        progress(stored);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_article() {
        let (a, b) = (generate(7, 123), generate(7, 123));
        assert_eq!(
            (a.headline, a.markdown, a.published),
            (b.headline, b.markdown, b.published)
        );
        assert_ne!(generate(7, 124).markdown, generate(7, 123).markdown);
        assert_ne!(generate(8, 123).markdown, generate(7, 123).markdown);
    }

    #[test]
    fn articles_run_to_about_eight_hundred_words() {
        let words: Vec<usize> = (0..50)
            .map(|i| generate(1, i).markdown.split_whitespace().count())
            .collect();
        let mean = words.iter().sum::<usize>() / words.len();
        assert!((650..=1000).contains(&mean), "mean {mean} words: {words:?}");
    }

    #[test]
    fn every_label_is_filed_in_a_demo_section() {
        let demo = super::super::DemoContent::load().unwrap();
        for label in LABELS {
            assert!(
                demo.site.section.iter().any(|s| s.slug == label.section),
                "{}",
                label.name
            );
            assert!(Slug::parse(label.name).is_ok());
        }
    }

    #[test]
    fn headlines_are_valid() {
        for i in 0..200 {
            let d = generate(3, i);
            assert!(Headline::parse(&d.headline).is_ok(), "{}", d.headline);
        }
    }
}
