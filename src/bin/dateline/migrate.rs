use dateline::{config::Config, services::open_store};

use crate::DataDir;

pub async fn run(args: DataDir) -> anyhow::Result<()> {
    let config = Config::load(&args.data)?;
    let store = open_store(&config, &args.data).await?;
    println!("The {} database is up to date.", store.backend_name());
    store.close().await;
    Ok(())
}
