use std::path::Path;

use anyhow::{Context, bail};

/// Reads the configuration file if there is one, and checks that it is
/// TOML, so that a mistake is reported with its line and column.
pub(super) fn read_checked(path: &Path) -> anyhow::Result<Option<String>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    if let Err(e) = text.parse::<toml::Table>() {
        let (line, column) = e
            .span()
            .map_or((1, 1), |span| line_and_column(&text, span.start));
        let message = e.message().split_whitespace().collect::<Vec<_>>().join(" ");
        bail!("{}:{line}:{column}: {message}", path.display());
    }
    Ok(Some(text))
}

fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}
