use std::path::PathBuf;

use clap::Args;
use dateline::{backup, config::Config, services::Services};

use crate::DataDir;

#[derive(Args)]
pub struct BackupArgs {
    /// The archive to write (written whole or not at all); with --verify,
    /// the archive to check.
    archive: PathBuf,
    /// Check an archive instead of making one: every file's size and
    /// SHA-256 against its manifest, every table's rows counted.
    #[arg(long)]
    verify: bool,
    #[command(flatten)]
    pub(crate) data: DataDir,
}

#[derive(Args)]
pub struct RestoreArgs {
    /// The archive `dateline backup` made.
    archive: PathBuf,
    /// Restore into this PostgreSQL database (it must hold no site)
    /// instead of SQLite in the data directory.
    #[arg(long)]
    database_url: Option<String>,
    /// The new data directory (it must be empty or not exist).
    #[command(flatten)]
    pub(crate) data: DataDir,
}

pub async fn run(args: BackupArgs) -> anyhow::Result<()> {
    if args.verify {
        let manifest = backup::verify(&args.archive).await?;
        println!("{} is whole:", args.archive.display());
        describe(&manifest);
        return Ok(());
    }
    let data_dir = &args.data.data;
    let config = Config::load(data_dir)?;
    let services = Services::open(config, data_dir.clone()).await?;
    let made = backup::backup(&services, data_dir, &args.archive).await;
    services.store.close().await;
    let manifest = made?;
    println!("Backed up to {}:", args.archive.display());
    describe(&manifest);
    Ok(())
}

pub async fn run_restore(args: RestoreArgs) -> anyhow::Result<()> {
    let data_dir = &args.data.data;
    let manifest = backup::restore(&args.archive, data_dir, args.database_url.as_deref()).await?;
    println!(
        "Restored {} ({} backup of {}) into {}:",
        manifest.header.site,
        manifest.header.backend,
        manifest.header.made_at,
        data_dir.display()
    );
    describe(&manifest);
    for key in &manifest.header.secrets_removed {
        println!("  set {key} again in dateline.toml: backups leave secrets out");
    }
    Ok(())
}

fn describe(manifest: &backup::Manifest) {
    let rows = |table: &str| manifest.tables.get(table).copied().unwrap_or_default();
    println!(
        "  made {} by Dateline {} from {}",
        manifest.header.made_at, manifest.header.made_by, manifest.header.backend
    );
    println!(
        "  {} articles, {} pictures, {} staff, {} subscribers; {} tables, {} rows",
        rows("articles"),
        rows("media"),
        rows("users"),
        rows("subscribers"),
        manifest.tables.len(),
        manifest.tables.values().sum::<u64>()
    );
    match &manifest.header.bucket {
        None => println!("  {} media and theme files", manifest.files()),
        Some(bucket) => println!(
            "  media in the bucket {bucket} ({} keys listed)",
            manifest.bucket_keys
        ),
    }
}
