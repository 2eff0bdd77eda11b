use std::time::Instant;

use clap::Args;
use dateline::{config::Config, demo, services::open_store};
use indicatif::{ProgressBar, ProgressStyle};

use crate::DataDir;

#[derive(Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub(crate) data: DataDir,
    /// How many synthetic articles to add (about 800 words each).
    #[arg(long, default_value_t = 0)]
    articles: u64,
    /// The seed of the synthetic corpus: the same seed gives the same articles.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

pub async fn run(args: DemoArgs) -> anyhow::Result<()> {
    let data_dir = args.data.data;
    demo::write_config(&data_dir)?;
    let config = Config::load(&data_dir)?;
    let store = open_store(&config, &data_dir).await?;
    // The pictures' renditions are made by `serve`'s media job.
    let blobs = dateline::media::Blobs::open(&config.media, &data_dir)?;
    if let Some(seeded) = demo::seed_if_empty(&store, &blobs, jiff::Timestamp::now()).await? {
        println!(
            "Created the demo site: {} articles, {} pages.",
            seeded.articles, seeded.pages
        );
    }
    if args.articles > 0 {
        let started = Instant::now();
        let bar = ProgressBar::new(args.articles).with_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} articles, {per_sec}, {eta} left")
                .expect("a valid progress template"),
        );
        demo::synthetic::add(&store, args.articles, args.seed, |n| bar.set_position(n)).await?;
        bar.finish();
        println!(
            "Added {} synthetic articles (seed {}) in {:.1} s.",
            args.articles,
            args.seed,
            started.elapsed().as_secs_f64()
        );
    }
    store.close().await;
    Ok(())
}
