//! `dateline`: the one binary. Each subcommand lives in its own file.

mod backup;
mod config;
mod demo;
mod export;
mod import;
mod ingest;
mod migrate;
mod newsletter;
mod reindex;
mod serve;
mod user;

use std::{path::PathBuf, process::ExitCode};

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(name = "dateline", version, about = "A newsroom publishing platform")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the site.
    Serve(serve::ServeArgs),
    /// Bring the database schema up to date.
    Migrate(DataDir),
    /// Rebuild the search index from the database (with the server stopped).
    Reindex(DataDir),
    /// Back the site up into one archive (while it serves), or check one.
    Backup(backup::BackupArgs),
    /// Restore an archive into a new data directory, on SQLite or PostgreSQL.
    Restore(backup::RestoreArgs),
    /// Fill the data directory with the demo site and, optionally, synthetic articles.
    Demo(demo::DemoArgs),
    /// Take agency copy (ninjs, NewsML-G2, RSS, Atom) from files into the wire desk.
    Ingest(ingest::IngestArgs),
    /// Move a whole site in: its stories, pages, people, sections, tags and
    /// pictures, with every old address kept as a redirect.
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Move the site out: everything as a file another platform reads.
    #[command(subcommand)]
    Export(export::ExportCommand),
    /// Newsletter subscribers and issues.
    #[command(subcommand)]
    Newsletter(newsletter::NewsletterCommand),
    /// Manage staff accounts.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Inspect the configuration.
    #[command(subcommand)]
    Config(config::ConfigCommand),
}

impl Command {
    /// The data directory the command works in.
    fn data_dir(&self) -> &std::path::Path {
        let data = match self {
            Self::Serve(args) => &args.data,
            Self::Migrate(data) | Self::Reindex(data) => data,
            Self::Backup(args) => &args.data,
            Self::Restore(args) => &args.data,
            Self::Demo(args) => &args.data,
            Self::Ingest(args) => &args.data,
            Self::Import(
                import::ImportCommand::Wordpress(args) | import::ImportCommand::Ghost(args),
            ) => &args.data,
            Self::Export(export::ExportCommand::Wordpress(args)) => &args.data,
            Self::Newsletter(newsletter::NewsletterCommand::Import(args)) => &args.data,
            Self::Newsletter(newsletter::NewsletterCommand::Send(args)) => &args.data,
            Self::User(user::UserCommand::Add(args)) => &args.data,
            Self::Config(config::ConfigCommand::Check(data)) => data,
        };
        &data.data
    }
}

/// Where Dateline keeps its database, configuration, media and theme.
#[derive(Args, Clone)]
struct DataDir {
    /// The data directory.
    #[arg(long = "data", env = "DATELINE_DATA", default_value = "./data")]
    data: PathBuf,
}

/// mimalloc rather than glibc's malloc: rendering a page allocates and
/// frees thousands of small values across threads, and glibc spent a fifth
/// of an uncached render in malloc, free and `malloc_consolidate` (perf).
/// Uncached pages go 35-45 % faster with it (docs/benchmarks.md). Its
/// arenas are not committed eagerly (`.cargo/config.toml`), which would
/// nearly double the resident memory under load.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The log's own settings come from the configuration the command will
    // load (which reports its own errors, once logging is up).
    let log = dateline::config::Config::load(cli.command.data_dir())
        .map(|config| config.log.format)
        .unwrap_or_default();
    dateline::telemetry::init(log);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => return fail(&anyhow::Error::new(e).context("cannot start the async runtime")),
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Serve(args) => serve::run(args).await,
            Command::Migrate(args) => migrate::run(args).await,
            Command::Reindex(args) => reindex::run(args).await,
            Command::Backup(args) => backup::run(args).await,
            Command::Restore(args) => backup::run_restore(args).await,
            Command::Demo(args) => demo::run(args).await,
            Command::Ingest(args) => ingest::run(args).await,
            Command::Import(command) => import::run(command).await,
            Command::Export(command) => export::run(command).await,
            Command::Config(command) => config::run(command),
            Command::User(command) => user::run(command).await,
            Command::Newsletter(command) => newsletter::run(command).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A log shipper reads JSON lines only: the last word is one too.
        Err(e) if log == dateline::config::LogFormat::Json => {
            tracing::error!(error = format!("{e:#}"), "stopped");
            ExitCode::FAILURE
        }
        Err(e) => fail(&e),
    }
}

/// Prints the error and its causes on one line, for people and log lines alike.
fn fail(e: &anyhow::Error) -> ExitCode {
    let message = format!("{e:#}");
    eprintln!(
        "error: {}",
        message.split_whitespace().collect::<Vec<_>>().join(" ")
    );
    ExitCode::FAILURE
}
