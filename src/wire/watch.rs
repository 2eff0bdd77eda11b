//! Watched folders: agency files dropped into a source's folder (by FTP,
//! rsync, a shared disk) are taken in, then moved to `done/`, or to
//! `failed/` with a `NAME.reason` file beside them saying why.
//!
//! A file is taken once its size and modification time are the same on two
//! looks in a row, so one still being written is left until it is whole.
//! Names starting with a dot are never taken (the usual way to write a file
//! and rename it when complete). Each node watches the folders its own
//! configuration names.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::Arc,
    time::{Duration, SystemTime},
};

use dateline_core::SourceId;
use jiff::Timestamp;

use super::{Intake, source, take};
use crate::services::Services;

/// Starts watching the configured folders; `None` when there are none.
pub async fn start(app: Arc<Services>) -> anyhow::Result<Option<tokio::task::JoinHandle<()>>> {
    if app.config.wire.watch.is_empty() {
        return Ok(None);
    }
    let mut folders = Vec::new();
    for (slug, dir) in &app.config.wire.watch {
        let source = source(&app.store, slug)
            .await
            .map_err(|e| anyhow::anyhow!("wire.watch.{slug}: {e}"))?;
        for sub in ["done", "failed"] {
            std::fs::create_dir_all(dir.join(sub))
                .map_err(|e| anyhow::anyhow!("wire.watch.{slug}: {}: {e}", dir.display()))?;
        }
        folders.push((source.id, dir.clone()));
    }
    let every = Duration::from_millis(app.config.wire.scan_millis);
    Ok(Some(tokio::spawn(async move {
        let mut seen = HashMap::new();
        loop {
            for (source, dir) in &folders {
                if let Err(e) = scan(&app, *source, dir, &mut seen).await {
                    tracing::warn!(folder = %dir.display(), error = format!("{e:#}"), "cannot read a wire folder");
                }
            }
            tokio::time::sleep(every).await;
        }
    })))
}

/// What a file looked like last time: its size and modification time.
type Seen = HashMap<PathBuf, (u64, Option<SystemTime>)>;

async fn scan(app: &Services, source: SourceId, dir: &Path, seen: &mut Seen) -> anyhow::Result<()> {
    let mut entries = tokio::fs::read_dir(dir).await?;
    while let Some(entry) = entries.next_entry().await? {
        let path = entry.path();
        let metadata = entry.metadata().await?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !metadata.is_file() || name.starts_with('.') {
            continue;
        }
        let now = (metadata.len(), metadata.modified().ok());
        if seen.insert(path.clone(), now) != Some(now) {
            continue; // new or still changing: looked at again next time
        }
        seen.remove(&path);
        let bytes = tokio::fs::read(&path).await?;
        // A store error leaves the file where it is, to be tried again.
        let intake = take(&app.store, source, &name, &bytes, Timestamp::now()).await?;
        match &intake {
            Intake::Stored(_) => {
                tracing::info!(file = %path.display(), "wire folder: {}", intake.summary());
                move_to(&path, &dir.join("done"), &name).await?;
            }
            Intake::Rejected(reason) => {
                tracing::warn!(file = %path.display(), "wire folder: rejected: {reason}");
                let moved = move_to(&path, &dir.join("failed"), &name).await?;
                let mut note = moved.into_os_string();
                note.push(".reason");
                tokio::fs::write(note, format!("{reason}\n")).await?;
            }
        }
    }
    // Forget files that went away without being taken.
    seen.retain(|path, _| path.exists());
    Ok(())
}

/// Moves `path` into `folder` as `name`, or `name` with the time in front
/// when a file of that name is there already; the new path.
async fn move_to(path: &Path, folder: &Path, name: &str) -> anyhow::Result<PathBuf> {
    let mut target = folder.join(name);
    if tokio::fs::try_exists(&target).await? {
        target = folder.join(format!("{}-{name}", Timestamp::now().as_millisecond()));
    }
    tokio::fs::rename(path, &target).await?;
    Ok(target)
}
