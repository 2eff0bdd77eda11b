use std::net::SocketAddr;

use clap::Args;
use dateline::{config::Config, demo, web, web::App};

use crate::DataDir;

#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub(crate) data: DataDir,
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
    if args.demo
        && let Some(seeded) =
            demo::seed_if_empty(&app.store, &app.blobs, jiff::Timestamp::now()).await?
    {
        // The demo's pictures are uploads: their renditions first, so that
        // the first page served shows them.
        let pictures = dateline::jobs::run_due(&app.services, dateline_store::Lane::Media).await?;
        tracing::info!(
            articles = seeded.articles,
            pages = seeded.pages,
            pictures,
            "demo site created"
        );
    }
    for source in app.store.sources().await? {
        let notice = source.notice.as_deref().unwrap_or_default();
        if let Some(problem) = dateline_core::notice_contradiction(source.rights, notice) {
            tracing::warn!(
                source = source.slug,
                "source {}: {problem}; the rights decide what goes out (Sources in the admin)",
                source.name
            );
        }
    }
    let addr = listener.local_addr()?;
    if app.store.admin_count().await? == 0 {
        // The link is the only way into setup (whoever can read this log
        // runs the server); it opens nothing once an admin exists.
        tracing::warn!(
            "no admin yet: create one at {}/admin/setup?token={} or run `dateline user add EMAIL --role admin`",
            app.config.site.base(),
            app.setup_token
        );
    }
    // Whether the database link is encrypted, so an operator can see that
    // `sslmode` took without reading the server's logs.
    let tls = app.store.connection_is_encrypted().await?;
    tracing::info!(%addr, backend = app.store.backend_name(), tls, "serving");
    println!(
        "Dateline is serving {} at http://{addr}/",
        app.config.site.name
    );
    web::serve(app, listener).await
}
