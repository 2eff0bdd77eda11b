//! Logging. `DATELINE_LOG` (or `RUST_LOG`) picks what is logged, e.g.
//! `DATELINE_LOG=dateline=debug`; `DATELINE_LOG_FORMAT=json` switches to JSON lines.

use tracing_subscriber::{EnvFilter, fmt};

pub fn init() {
    let filter = std::env::var("DATELINE_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "info,sqlx=warn".into());
    let filter = EnvFilter::try_new(&filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if std::env::var("DATELINE_LOG_FORMAT").is_ok_and(|f| f == "json") {
        builder.json().init();
    } else {
        builder.init();
    }
}
