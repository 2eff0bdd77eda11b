//! Backups on a schedule (`backup.every`): each period's backup is one job
//! (keyed by the period, so however many nodes enqueue it, one is made),
//! run in the media lane; `backup.keep` archives are kept.

use std::{sync::Arc, time::Duration};

use anyhow::Context;
use dateline_store::{BackupRecord, BackupSite, NewJob};
use jiff::Timestamp;
use tokio::task::JoinHandle;

use crate::services::Services;

/// Scheduled archives are named `dateline-YYYYMMDD-HHMMSS.tar` after
/// their period's start (UTC), so their names sort by age and a retried
/// job replaces its own attempt's file.
const PREFIX: &str = "dateline-";
/// How soon a scheduler that could not enqueue its period's job tries
/// again (the database was away).
const ENQUEUE_RETRY: Duration = Duration::from_secs(60);

/// Enqueues each period's backup as the period starts, until aborted;
/// `None` without a schedule.
pub fn spawn_scheduler(app: Arc<Services>) -> Option<JoinHandle<()>> {
    let period = app.config.backup.period()?.as_secs().max(1) as i64;
    Some(tokio::spawn(async move {
        loop {
            let now = Timestamp::now().as_second();
            let slot = now / period;
            let due = Timestamp::from_second(slot * period).unwrap_or(Timestamp::UNIX_EPOCH);
            let job = NewJob::of(
                &BackupSite { slot },
                due,
                Some(format!("backup:{period}:{slot}")),
            );
            let next_slot = Duration::from_secs(((slot + 1) * period - now).max(1) as u64);
            let wait = match app.store.enqueue_job(&job, Timestamp::now()).await {
                Ok(_) => next_slot,
                Err(e) => {
                    tracing::warn!(
                        error = format!("{e:#}"),
                        "cannot enqueue the scheduled backup"
                    );
                    next_slot.min(ENQUEUE_RETRY)
                }
            };
            tokio::time::sleep(wait).await;
        }
    }))
}

/// The job: makes the period's archive in `backup.dir`, records how it
/// went for the dashboard, and deletes the oldest beyond `backup.keep`.
pub async fn run(app: &Services, task: BackupSite) -> anyhow::Result<()> {
    let config = &app.config.backup;
    let dir = app.data_dir.join(&config.dir);
    std::fs::create_dir_all(&dir)?;
    let period = config.period().map_or(1, |p| p.as_secs().max(1) as i64);
    let slot_start = Timestamp::from_second(task.slot.saturating_mul(period))?;
    let path = dir.join(format!(
        "{PREFIX}{}.tar",
        slot_start.strftime("%Y%m%d-%H%M%S")
    ));
    let started_at = Timestamp::now();
    let made = super::backup(app, &app.data_dir, &path).await;
    let byte_size = match &made {
        Ok(_) => std::fs::metadata(&path).ok().map(|m| m.len() as i64),
        Err(_) => None,
    };
    let record = BackupRecord {
        slot: task.slot,
        path: path.display().to_string(),
        byte_size,
        articles: made
            .as_ref()
            .ok()
            .and_then(|m| m.tables.get("articles"))
            .map(|n| *n as i64),
        error: made.as_ref().err().map(|e| format!("{e:#}")),
        started_at,
        finished_at: Timestamp::now(),
    };
    // The archive, once made, stands whatever happens to its bookkeeping:
    // failing the job here would only make another.
    if let Err(e) = app.store.record_backup(&record).await {
        tracing::warn!(
            error = format!("{e:#}"),
            "cannot record the backup for the dashboard"
        );
    }
    made?;
    if let Err(e) = prune(&dir, config.keep as usize) {
        tracing::warn!(
            error = format!("{e:#}"),
            "cannot delete old scheduled backups"
        );
    }
    Ok(())
}

/// Deletes the oldest scheduled archives in `dir` beyond the newest `keep`.
/// Another node sharing the folder may have deleted one already.
fn prune(dir: &std::path::Path, keep: usize) -> anyhow::Result<()> {
    let mut archives: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(".tar"))
        })
        .collect();
    archives.sort();
    let old = archives.len().saturating_sub(keep);
    for path in &archives[..old] {
        match std::fs::remove_file(path) {
            Ok(()) => tracing::info!(path = %path.display(), "an old scheduled backup deleted"),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("{}", path.display())),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_newest_archives_are_kept_and_nothing_else_is_touched() {
        let dir = tempfile::tempdir().unwrap();
        let names = [
            "dateline-20261201-000000.tar",
            "dateline-20261202-000000.tar",
            "dateline-20261203-000000.tar",
            "site-by-hand.tar",
        ];
        for name in names {
            std::fs::write(dir.path().join(name), b"").unwrap();
        }
        super::prune(dir.path(), 2).unwrap();
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left, names[1..]);
    }
}
