use std::{path::PathBuf, time::Instant};

use clap::{Args, Subcommand};
use dateline::{
    config::Config,
    import::{self, Context, MediaSource, Options},
    outbound::WireHttp,
    services::open_store,
};
use indicatif::{ProgressBar, ProgressStyle};

use crate::DataDir;

#[derive(Subcommand)]
pub enum ImportCommand {
    /// A WordPress export (Tools → Export in WordPress; WXR 1.0–1.2).
    Wordpress(ImportArgs),
    /// A Ghost export (Settings → Labs → Export in Ghost 2 to 6); members
    /// come with the newsletter consent Ghost recorded.
    Ghost(ImportArgs),
}

#[derive(Args)]
pub struct ImportArgs {
    /// The export file.
    file: PathBuf,
    /// Read the file and say what would be imported; store nothing.
    #[arg(long)]
    dry_run: bool,
    /// A copy of the old site's uploads folder (WordPress's
    /// `wp-content/uploads`, Ghost's `content/images`), where its pictures are.
    #[arg(long)]
    uploads: Option<PathBuf>,
    /// Fetch pictures not in `--uploads` from the old site (public
    /// addresses only, unless `wire.fetch_private_addresses` is set).
    #[arg(long)]
    fetch_media: bool,
    /// The old site's address: for WordPress, when links in its stories use
    /// another than the export's; for Ghost, whose export does not say, what
    /// its `__GHOST_URL__` links and pictures stand for.
    #[arg(long)]
    base_url: Option<url::Url>,
    /// Where to write the report of every skipped entry (default:
    /// `DATA/imports/<file>-<time>.txt`).
    #[arg(long)]
    report: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) data: DataDir,
}

pub async fn run(command: ImportCommand) -> anyhow::Result<()> {
    let (args, ghost) = match command {
        ImportCommand::Wordpress(args) => (args, false),
        ImportCommand::Ghost(args) => (args, true),
    };
    let data_dir = &args.data.data;
    let config = Config::load(data_dir)?;
    let store = open_store(&config, data_dir).await?;
    let blobs = dateline::media::Blobs::open(&config.media, data_dir)?;
    let fetch = if args.fetch_media {
        dateline::install_tls_provider();
        let client = reqwest::Client::builder()
            .user_agent(concat!("Dateline/", env!("CARGO_PKG_VERSION")))
            .timeout(std::time::Duration::from_secs(30));
        Some(WireHttp::new(client, config.wire.fetch_private_addresses)?)
    } else {
        None
    };
    let options = Options {
        dry_run: args.dry_run,
        media: MediaSource {
            uploads: args.uploads.clone(),
            fetch,
        },
        base_url: args.base_url.clone(),
    };
    let image_work = tokio::sync::Semaphore::new(2);
    let ctx = Context {
        store: &store,
        blobs: &blobs,
        config: &config,
        image_work: &image_work,
    };
    let started = Instant::now();
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} items, {per_sec}, {eta} left")
            .expect("a valid progress template"),
    );
    let mut progress = |p: import::Progress| {
        bar.set_length(p.total);
        bar.set_position(p.done);
    };
    let summary = if ghost {
        import::import_ghost(&ctx, &args.file, &options, &mut progress).await
    } else {
        import::import_wordpress(&ctx, &args.file, &options, &mut progress).await
    };
    bar.finish_and_clear();
    store.close().await;
    let summary = summary?;
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "{} {} in {elapsed:.1} s{}",
        if args.dry_run { "Read" } else { "Imported" },
        args.file.display(),
        if args.dry_run {
            " (dry run: nothing was stored)"
        } else {
            ""
        }
    );
    for line in summary.lines() {
        println!("  {line}");
    }
    let report = match args.report {
        Some(path) => path,
        None => {
            let stem = args
                .file
                .file_stem()
                .map_or_else(|| "import".into(), |s| s.to_string_lossy().into_owned());
            let at = jiff::Timestamp::now().strftime("%Y%m%d-%H%M%S");
            data_dir.join("imports").join(format!("{stem}-{at}.txt"))
        }
    };
    if let Some(dir) = report.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&report, summary.report())
        .map_err(|e| anyhow::anyhow!("cannot write the report {}: {e}", report.display()))?;
    println!("Report: {}", report.display());
    Ok(())
}
