//! Imports started from the admin (`/admin/import`): the uploaded export
//! waits in the blob store, so whichever node's worker takes the job can
//! reach it; the job copies it to a file of its own, imports it as
//! `dateline import` does, writes its progress to the run's row as it
//! goes, and records the summary and the report at the end. A retried job
//! goes on where the last try stopped, as a re-run import does.

use std::time::Duration;

use dateline_store::{ImportRun, ImportRunId, Job, RunImport, RunState};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{Context, ImportError, MediaSource, Options, Progress, Summary};
use crate::services::Services;

/// How often a running import's progress is written.
const TICK: Duration = Duration::from_secs(1);

/// What the admin chose for a run (kept as the run's `options`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RunOptions {
    pub dry_run: bool,
    /// Fetch pictures from the old site (public addresses only, unless
    /// `wire.fetch_private_addresses` is set).
    pub fetch_media: bool,
    pub base_url: Option<String>,
}

/// A new blob key for an upload to wait under.
pub fn upload_key() -> String {
    format!("imports/{}", crate::accounts::new_token())
}

/// Runs the import of `task`'s run (the job `job`, whose lease the worker
/// holds while it runs; should another worker take it over all the same,
/// this one is stopped and leaves the run to it). Every way the run can
/// end is recorded on it.
pub async fn run(app: &Services, job: &Job, task: RunImport) -> anyhow::Result<()> {
    let id = ImportRunId(task.run);
    let Some(run) = app.store.import_run(id).await? else {
        return Ok(());
    };
    if run.state.ended() {
        return Ok(());
    }
    let store = &app.store;
    let (progress, mut seen) = tokio::sync::watch::channel(None::<Progress>);
    let note_progress = async {
        let mut tick = tokio::time::interval(TICK);
        loop {
            tick.tick().await;
            let Some(p) = *seen.borrow_and_update() else {
                continue;
            };
            let (done, total) = (p.done as i64, p.total as i64);
            if let Err(e) = store
                .note_import_progress(id, RunState::Importing, done, total, Timestamp::now())
                .await
            {
                tracing::warn!(error = format!("{e:#}"), "cannot note an import's progress");
            }
        }
    };
    let outcome = tokio::select! {
        outcome = import(app, &run, progress) => outcome,
        _ = note_progress => unreachable!("it notes progress until dropped"),
    };
    finish(app, job, &run, outcome).await
}

/// The import itself: the upload copied to a file of this node (deleted
/// when done), then read as the command reads it.
async fn import(
    app: &Services,
    run: &ImportRun,
    progress: tokio::sync::watch::Sender<Option<Progress>>,
) -> Result<Summary, ImportError> {
    let chosen: RunOptions = serde_json::from_str(&run.options).map_err(anyhow::Error::from)?;
    let store = &app.store;
    store
        .note_import_progress(run.id, RunState::Reading, 0, 0, Timestamp::now())
        .await
        .map_err(anyhow::Error::from)?;
    let work_dir = app.data_dir.join("imports");
    tokio::fs::create_dir_all(&work_dir)
        .await
        .map_err(anyhow::Error::from)?;
    let file = tempfile::Builder::new()
        .prefix("upload-")
        .tempfile_in(&work_dir)
        .map_err(anyhow::Error::from)?;
    let mut copy = tokio::fs::File::from_std(file.reopen().map_err(anyhow::Error::from)?);
    if !app.blobs.copy_to(&run.blob_key, &mut copy).await? {
        return Err(ImportError::Refused {
            file: run.file_name.clone().into(),
            reason:
                "the uploaded file is no longer there (another run of it took it); upload it again"
                    .into(),
        });
    }
    drop(copy);
    let options = Options {
        dry_run: chosen.dry_run,
        media: MediaSource {
            uploads: None,
            fetch: chosen.fetch_media.then(|| app.wire_http.clone()),
        },
        base_url: chosen
            .base_url
            .as_deref()
            .and_then(|u| url::Url::parse(u).ok()),
    };
    let ctx = Context {
        store,
        blobs: &app.blobs,
        config: &app.config,
        image_work: &app.image_work,
    };
    let mut report = move |p: Progress| {
        progress.send_replace(Some(p));
    };
    if run.platform == "ghost" {
        super::import_ghost(&ctx, file.path(), &options, &mut report).await
    } else {
        super::import_wordpress(&ctx, file.path(), &options, &mut report).await
    }
}

/// Records how the run ended and, unless a dry run's upload may still be
/// imported for real, lets its upload go.
async fn finish(
    app: &Services,
    job: &Job,
    run: &ImportRun,
    outcome: Result<Summary, ImportError>,
) -> anyhow::Result<()> {
    let now = Timestamp::now();
    let dry_run = serde_json::from_str::<RunOptions>(&run.options).is_ok_and(|o| o.dry_run);
    let store = &app.store;
    match outcome {
        Ok(summary) => {
            let digest = serde_json::to_string(&summary.digest())?;
            store
                .finish_import_run(
                    run.id,
                    RunState::Done,
                    Some(&digest),
                    Some(&summary.report()),
                    None,
                    now,
                )
                .await?;
            if !dry_run {
                app.blobs.delete(&run.blob_key).await?;
            }
            Ok(())
        }
        Err(ImportError::Refused { reason, .. }) => {
            let error = format!("{}: {reason}", run.file_name);
            store
                .finish_import_run(run.id, RunState::Refused, None, None, Some(&error), now)
                .await?;
            app.blobs.delete(&run.blob_key).await
        }
        Err(ImportError::Failed(e)) => {
            let last = job.attempts >= job.max_attempts;
            let error = format!("{e:#}");
            let (state, said) = if last {
                (RunState::Failed, error.clone())
            } else {
                (
                    RunState::Waiting,
                    format!("{error} (it will try again, going on where it stopped)"),
                )
            };
            store
                .finish_import_run(run.id, state, None, None, Some(&said), now)
                .await?;
            if last {
                app.blobs.delete(&run.blob_key).await?;
                // Recorded on the run: the job itself is done.
                return Ok(());
            }
            Err(e)
        }
    }
}
