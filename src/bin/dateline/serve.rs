use std::net::SocketAddr;

use clap::Args;
use dateline::{app::App, config::Config, demo, web};

use crate::DataDir;

#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    data: DataDir,
    /// The address to listen on (overrides server.listen).
    #[arg(long)]
    listen: Option<SocketAddr>,
    /// On an empty data directory, start with the demo site.
    #[arg(long)]
    demo: bool,
}

pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    let data_dir = args.data.data;
    if args.demo {
        demo::write_config(&data_dir)?;
    }
    let mut config = Config::load(&data_dir)?;
    config.apply_listen(args.listen);
    let listener = web::bind(config.server.listen).await?;
    let app = App::open(config, data_dir).await?;
    if args.demo && demo::is_empty(&app.store).await? {
        let seeded = demo::seed(&app.store, &app.media_dir(), jiff::Timestamp::now()).await?;
        tracing::info!(
            articles = seeded.articles,
            pages = seeded.pages,
            "demo site created"
        );
    }
    let addr = listener.local_addr()?;
    if app.store.admin_count().await? == 0 {
        // The link is how an operator without a shell on a loopback
        // browser reaches setup; it opens nothing once an admin exists.
        tracing::warn!(
            "no admin yet: create one at {}/admin/setup?token={} (or open /admin/setup on this machine), or run `dateline user add EMAIL --role admin`",
            app.config.site.base(),
            app.setup_token
        );
    }
    tracing::info!(%addr, backend = app.store.backend_name(), "serving");
    println!(
        "Dateline is serving {} at http://{addr}/",
        app.config.site.name
    );
    web::serve(app, listener).await
}
