//! Measures search on a data directory with a synthetic corpus (made by
//! `dateline demo --articles N`, indexed by `dateline reindex`): latency of
//! a fixed mix of 1-, 2- and 3-word queries with and without filters, run
//! one at a time, and the quality of "More like this" as precision@5
//! against the corpus's known topic labels.
//!
//! `cargo run --release --example search -- DATA_DIR [QUERIES] [SAMPLES]`;
//! `bench/search.sh` runs it after building and indexing the corpus.

use std::{collections::HashMap, time::Instant};

use anyhow::Context;
use dateline::{
    config::Config,
    demo::synthetic::{NEWEST, Rng, common_words::GENERAL, vocabulary::LABELS},
    search::{INDEX_DIR, SearchIndex, SearchQuery},
    services::open_store,
};
use jiff::{SignedDuration, Timestamp};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let data: std::path::PathBuf = args
        .next()
        .context("usage: search DATA_DIR [QUERIES] [SAMPLES]")?
        .into();
    let queries: usize = args.next().map_or(Ok(2000), |a| a.parse())?;
    let samples: usize = args.next().map_or(Ok(500), |a| a.parse())?;
    let config = Config::load(&data)?;
    let store = open_store(&config, &data).await?;
    let index = SearchIndex::open(&data.join(INDEX_DIR), &config.site.language)?;
    anyhow::ensure!(
        index.position()?.is_some(),
        "no search index in {}: run `dateline reindex --data {}` first",
        data.display(),
        data.display()
    );
    let sections: HashMap<String, i64> = store
        .sections()
        .await?
        .into_iter()
        .map(|s| (s.slug, s.id.0))
        .collect();
    println!("articles indexed: {}", index.len());

    // The mix: for each word count, half without filters, half with a
    // section, a 90-day window or both.
    let newest: Timestamp = NEWEST.parse()?;
    // The corpus's own generator: the same mix on every run.
    let mut rng = Rng::new(7, 0);
    let mut mix = Vec::with_capacity(queries);
    for i in 0..queries {
        let words = 1 + i % 3;
        let filtered = (i / 3) % 2 == 1;
        let label = &LABELS[rng.below(LABELS.len())];
        let text: Vec<&str> = (0..words)
            .map(|w| {
                // Mostly the label's words, sometimes a common one.
                if w > 0 && rng.below(3) == 0 {
                    GENERAL[rng.below(GENERAL.len())]
                } else {
                    label.words[rng.below(label.words.len())]
                }
            })
            .collect();
        let mut query = SearchQuery {
            text: text.join(" "),
            limit: 10,
            ..Default::default()
        };
        if filtered {
            match rng.below(3) {
                0 => query.section = sections.get(label.section).copied(),
                1 => {
                    let back = SignedDuration::from_hours(24 * rng.below(3000) as i64);
                    let until = newest.checked_sub(back)?;
                    query.until = Some(until);
                    query.from = Some(until.checked_sub(SignedDuration::from_hours(24 * 90))?);
                }
                _ => {
                    query.section = sections.get(label.section).copied();
                    query.from = Some(newest.checked_sub(SignedDuration::from_hours(24 * 365))?);
                }
            }
        }
        mix.push((words, filtered, query));
    }

    // Warm the caches the way a running server's would be.
    for (_, _, query) in mix.iter().take(200) {
        index.search(query)?;
    }
    let mut timings: HashMap<(usize, bool), Vec<f64>> = HashMap::new();
    let mut all = Vec::with_capacity(queries);
    let mut found = 0_usize;
    for (words, filtered, query) in &mix {
        let started = Instant::now();
        let results = index.search(query)?;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        found += usize::from(!results.hits.is_empty());
        timings.entry((*words, *filtered)).or_default().push(ms);
        all.push(ms);
    }
    println!("query latency, one stream, {queries} queries ({found} with results):");
    println!(
        "{:<22} {:>8} {:>8} {:>8}",
        "kind", "p50 ms", "p99 ms", "max ms"
    );
    let mut kinds: Vec<_> = timings.keys().copied().collect();
    kinds.sort();
    for kind in kinds {
        let name = format!(
            "{} word{}{}",
            kind.0,
            if kind.0 == 1 { "" } else { "s" },
            if kind.1 { " + filters" } else { "" }
        );
        print_row(&name, timings.get_mut(&kind).expect("a kind measured"));
    }
    print_row("all", &mut all);

    // "More like this": the share of each sampled article's five
    // suggestions that carry its own topic label.
    let labels: HashMap<i64, String> = store
        .corpus_labels()
        .await?
        .into_iter()
        .map(|(id, l)| (id.0, l))
        .collect();
    let mut ids: Vec<i64> = labels.keys().copied().collect();
    ids.sort_unstable();
    let step = (ids.len() / samples.max(1)).max(1);
    let (mut hits, mut shown, mut measured) = (0_usize, 0_usize, 0_usize);
    let mut mlt_ms = Vec::new();
    for id in ids.iter().step_by(step).take(samples) {
        let document = store
            .index_document(dateline_core::ArticleId(*id))
            .await?
            .context("a published article")?;
        let started = Instant::now();
        let similar = index.more_like_this(&document, 5)?;
        mlt_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        measured += 1;
        shown += similar.len();
        hits += similar
            .iter()
            .filter(|s| labels.get(&s.0) == labels.get(id))
            .count();
    }
    println!(
        "more like this: {measured} articles, precision@5 = {:.3} ({hits} of {} suggestions share the label; {shown} shown)",
        hits as f64 / (5 * measured).max(1) as f64,
        5 * measured,
    );
    print_row("more like this", &mut mlt_ms);
    store.close().await;
    Ok(())
}

fn print_row(name: &str, ms: &mut [f64]) {
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() as f64 * q) as usize).min(ms.len() - 1)];
    println!(
        "{name:<22} {:>8.2} {:>8.2} {:>8.2}",
        at(0.50),
        at(0.99),
        ms[ms.len() - 1]
    );
}
