//! `dateline newsletter`: bring in subscribers from another platform, and
//! make an issue of a digest now.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use dateline::{accounts::new_token, config::Config, web::App};
use dateline_core::Email;

use crate::DataDir;

#[derive(Subcommand)]
pub enum NewsletterCommand {
    /// Add the addresses in FILE (one per line, or the first column of a
    /// CSV with an `email` header) as confirmed subscribers: people who
    /// consented elsewhere. Nothing is added if any line is not an address.
    Import(ImportArgs),
    /// Make an issue of a digest now, with what was published since its
    /// last issue; a running `dateline serve` sends it.
    Send(SendArgs),
}

#[derive(Args)]
pub struct ImportArgs {
    /// The file of addresses.
    file: PathBuf,
    /// The newsletters (short names) they subscribe to; default: those
    /// offered in the sign-up box.
    #[arg(long = "newsletter")]
    newsletters: Vec<String>,
    #[command(flatten)]
    pub(crate) data: DataDir,
}

#[derive(Args)]
pub struct SendArgs {
    /// The digest's short name.
    newsletter: String,
    #[command(flatten)]
    pub(crate) data: DataDir,
}

pub async fn run(command: NewsletterCommand) -> anyhow::Result<()> {
    match command {
        NewsletterCommand::Import(args) => import(args).await,
        NewsletterCommand::Send(args) => send(args).await,
    }
}

async fn open(data: &DataDir) -> anyhow::Result<std::sync::Arc<App>> {
    let config = Config::load(&data.data)?;
    App::open(config, data.data.clone()).await
}

async fn import(args: ImportArgs) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let addresses = parse_addresses(&text)
        .map_err(|(line, e)| anyhow::anyhow!("{}:{line}: {e}", args.file.display()))?;
    let app = open(&args.data).await?;
    let all = app.store.newsletters().await?;
    let newsletters: Vec<i64> = if args.newsletters.is_empty() {
        all.iter().filter(|n| n.by_default).map(|n| n.id).collect()
    } else {
        args.newsletters
            .iter()
            .map(|slug| {
                all.iter()
                    .find(|n| &n.slug == slug)
                    .map(|n| n.id)
                    .with_context(|| format!("no newsletter is called {slug:?}"))
            })
            .collect::<anyhow::Result<_>>()?
    };
    let with_tokens: Vec<(Email, String)> =
        addresses.into_iter().map(|a| (a, new_token())).collect();
    let added = app
        .store
        .import_subscribers(&with_tokens, &newsletters, jiff::Timestamp::now())
        .await?;
    println!(
        "{} addresses read, {added} new subscribers, {} already known.",
        with_tokens.len(),
        with_tokens.len() as u64 - added
    );
    app.store.close().await;
    Ok(())
}

/// The addresses of a file, or the first bad line (1-based) and why.
fn parse_addresses(text: &str) -> Result<Vec<Email>, (usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let first = line
            .split(',')
            .next()
            .unwrap_or_default()
            .trim()
            .trim_matches('"');
        if first.is_empty() || (n == 0 && first.eq_ignore_ascii_case("email")) {
            continue;
        }
        out.push(Email::parse(first).map_err(|e| (n + 1, e.reason))?);
    }
    Ok(out)
}

async fn send(args: SendArgs) -> anyhow::Result<()> {
    let app = open(&args.data).await?;
    let newsletter = app
        .store
        .newsletters()
        .await?
        .into_iter()
        .find(|n| n.slug == args.newsletter)
        .with_context(|| format!("no newsletter is called {:?}", args.newsletter))?;
    anyhow::ensure!(
        newsletter.kind == dateline_store::NewsletterKind::Digest,
        "{} is an alert newsletter: alerts are sent from an article's page",
        newsletter.slug
    );
    match dateline::mail::digest::send_digest_now(&app, &newsletter).await? {
        Some(made) => println!(
            "Issue {} of {} made: {} messages to send.",
            made.issue, newsletter.slug, made.deliveries
        ),
        None => println!(
            "Nothing was published since the last issue of {}: no issue made.",
            newsletter.slug
        ),
    }
    app.store.close().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_addresses;

    #[test]
    fn a_header_and_blank_lines_are_skipped_and_a_bad_line_is_named() {
        let ok = parse_addresses("email,name\nA@Example.org,A\n\nb@example.org\n").unwrap();
        assert_eq!(ok.len(), 2);
        let (line, reason) = parse_addresses("a@example.org\nnot an address\n").unwrap_err();
        assert_eq!(line, 2);
        assert!(reason.contains("not an email address"), "{reason}");
    }
}
