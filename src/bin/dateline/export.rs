use std::{io::BufWriter, path::PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};
use dateline::{config::Config, export, services::open_store};

use crate::DataDir;

#[derive(Subcommand)]
pub enum ExportCommand {
    /// A WordPress export (WXR 1.2) that WordPress's Tools → Import →
    /// WordPress reads: stories, pages, bylines, sections, tags, and the
    /// library's pictures by address.
    Wordpress(ExportArgs),
}

#[derive(Args)]
pub struct ExportArgs {
    /// The file to write (written whole or not at all).
    out: PathBuf,
    #[command(flatten)]
    pub(crate) data: DataDir,
}

pub async fn run(command: ExportCommand) -> anyhow::Result<()> {
    let ExportCommand::Wordpress(args) = command;
    let data_dir = &args.data.data;
    let config = Config::load(data_dir)?;
    let store = open_store(&config, data_dir).await?;
    // Written beside the target and renamed into place when whole.
    let dir = match args.out.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    };
    let partial = tempfile::NamedTempFile::new_in(&dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    let written = export::export_wordpress(&store, &config, BufWriter::new(partial)).await;
    store.close().await;
    let (out, exported) = written?;
    let partial = out.into_inner().map_err(|e| e.into_error())?;
    // On disk before it takes the name: whole, even after a crash.
    partial.as_file().sync_all()?;
    partial
        .persist(&args.out)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    println!("Exported to {}", args.out.display());
    for line in exported.lines() {
        println!("  {line}");
    }
    Ok(())
}
