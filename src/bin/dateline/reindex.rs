use std::time::Instant;

use dateline::{
    config::Config,
    search::{INDEX_DIR, SearchIndex, indexer},
    services::open_store,
};
use dateline_store::ArticleList;
use indicatif::{ProgressBar, ProgressStyle};

use crate::DataDir;

/// Rebuilds this node's search index from the store. The server must not
/// be running on the same data directory: the index has one writer.
pub async fn run(args: DataDir) -> anyhow::Result<()> {
    let config = Config::load(&args.data)?;
    let store = open_store(&config, &args.data).await?;
    let dir = args.data.join(INDEX_DIR);
    let index = SearchIndex::open(&dir, &config.site.language)?;
    anyhow::ensure!(
        !index.is_read_only(),
        "{}: another process keeps this search index: stop `dateline serve` on this data directory first",
        dir.display()
    );
    let index = std::sync::Arc::new(index);
    let total = store.count_published_articles(ArticleList::All).await?;
    let started = Instant::now();
    let bar = ProgressBar::new(total.max(0) as u64).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} articles, {per_sec}, {eta} left")
            .expect("a valid progress template"),
    );
    let seq = indexer::rebuild(&store, &index, |n| bar.set_position(n)).await?;
    bar.finish();
    println!(
        "Indexed {} published articles in {:.1} s (change log at {seq}).",
        index.len(),
        started.elapsed().as_secs_f64()
    );
    store.close().await;
    Ok(())
}
