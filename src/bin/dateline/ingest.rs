use std::path::PathBuf;

use clap::Args;
use dateline::{config::Config, services::open_store, wire};

use crate::DataDir;

#[derive(Args)]
pub struct IngestArgs {
    /// The wire source the files come from (its slug, as in the admin's
    /// Sources).
    #[arg(long)]
    source: String,
    /// Documents in ninjs (JSON), NewsML-G2, RSS or Atom (XML).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) data: DataDir,
}

/// Reads each file as agency copy from the source and stores it: one line
/// per file, ingested or rejected with the reason. Fails if any file was
/// rejected (the others are stored all the same).
pub async fn run(args: IngestArgs) -> anyhow::Result<()> {
    let config = Config::load(&args.data.data)?;
    let store = open_store(&config, &args.data.data).await?;
    let source = wire::source(&store, &args.source).await?;
    let mut rejected = 0;
    for path in &args.files {
        let shown = path.display();
        let line = match std::fs::read(path) {
            Err(e) => {
                rejected += 1;
                format!("rejected: cannot read it: {e}")
            }
            Ok(bytes) => {
                let name = path
                    .file_name()
                    .map_or_else(|| shown.to_string(), |n| n.to_string_lossy().into_owned());
                let intake =
                    wire::take(&store, source.id, &name, &bytes, jiff::Timestamp::now()).await?;
                if matches!(intake, wire::Intake::Rejected(_)) {
                    rejected += 1;
                }
                intake.summary()
            }
        };
        println!("{shown}: {line}");
    }
    store.close().await;
    anyhow::ensure!(
        rejected == 0,
        "{rejected} of {} files rejected",
        args.files.len()
    );
    Ok(())
}
