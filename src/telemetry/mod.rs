//! What the node tells its operator: logs (`DATELINE_LOG` or `RUST_LOG`
//! picks what is logged, e.g. `DATELINE_LOG=dateline=debug`; `log.format`
//! how) and Prometheus metrics ([`prometheus`]).

pub mod prometheus;

use tracing_subscriber::{EnvFilter, fmt};

use crate::config::LogFormat;

pub fn init(format: LogFormat) {
    let filter = std::env::var("DATELINE_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "info,sqlx=warn".into());
    let filter = EnvFilter::try_new(&filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        // One object per line, the span's fields (request id, route) with
        // each event, as log shippers expect.
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .init(),
        LogFormat::Text => builder.init(),
    }
}
