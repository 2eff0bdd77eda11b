//! Imports started from the admin (`/admin/import`): the uploaded export
//! waits in the blob store, so whichever node's worker takes the job can
//! reach it; the job copies it to a file of its own, imports it as
//! `dateline import` does, writes its progress to the run's row (holding
//! its lease) as it goes, and records the summary and the report at the
//! end. A retried job goes on where the last try stopped, as a re-run
//! import does.

use std::time::Duration;

use dateline_store::{ImportRunId, Job, RunImport, RunState};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{Context, ImportError, MediaSource, Options, Progress, Summary};
use crate::services::Services;

/// How often a running import's progress is written and its lease held.
const TICK: Duration = Duration::from_secs(1);
/// As long as the worker's own lease: held from each tick.
const LEASE: Duration = Duration::from_secs(60);

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

/// Runs the import of `task`'s run (the job `job`).
pub async fn run(app: &Services, job: &Job, task: RunImport) -> anyhow::Result<()> {
    let id = ImportRunId(task.run);
    let Some(run) = app.store.import_run(id).await? else {
        return Ok(());
    };
    if run.state.ended() {
        return Ok(());
    }
    let chosen: RunOptions = serde_json::from_str(&run.options)?;
    let store = &app.store;
    store
        .note_import_progress(id, RunState::Reading, 0, 0, Timestamp::now())
        .await?;
    let work_dir = app.data_dir.join("imports");
    tokio::fs::create_dir_all(&work_dir).await?;
    let file = tempfile::Builder::new()
        .prefix("upload-")
        .tempfile_in(&work_dir)?;
    let mut copy = tokio::fs::File::from_std(file.reopen()?);
    if !app.blobs.copy_to(&run.blob_key, &mut copy).await? {
        let error =
            "the uploaded file is no longer there (an earlier run took it); upload it again";
        store
            .finish_import_run(
                id,
                RunState::Failed,
                None,
                None,
                Some(error),
                Timestamp::now(),
            )
            .await?;
        return Ok(());
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
    let (progress, mut seen) = tokio::sync::watch::channel(None::<Progress>);
    let mut report = move |p: Progress| {
        progress.send_replace(Some(p));
    };
    let import = async {
        if run.platform == "ghost" {
            super::import_ghost(&ctx, file.path(), &options, &mut report).await
        } else {
            super::import_wordpress(&ctx, file.path(), &options, &mut report).await
        }
    };
    let keep_up = async {
        let mut tick = tokio::time::interval(TICK);
        loop {
            tick.tick().await;
            let now = Timestamp::now();
            let at = *seen.borrow_and_update();
            if let Some(p) = at {
                let (done, total) = (p.done as i64, p.total as i64);
                if let Err(e) = store
                    .note_import_progress(id, RunState::Importing, done, total, now)
                    .await
                {
                    tracing::warn!(error = format!("{e:#}"), "cannot note an import's progress");
                }
            }
            if !store.renew_job(job, now, LEASE).await.unwrap_or(true) {
                tracing::warn!("the import's job was claimed by another worker");
            }
        }
    };
    let outcome = tokio::select! {
        outcome = import => outcome,
        () = keep_up => unreachable!("keeps time until the import ends"),
    };
    drop(file);
    finish(app, job, &run, chosen.dry_run, outcome).await
}

/// Records how the run ended and, unless a dry run's upload may still be
/// imported for real, lets its upload go.
async fn finish(
    app: &Services,
    job: &Job,
    run: &dateline_store::ImportRun,
    dry_run: bool,
    outcome: Result<Summary, ImportError>,
) -> anyhow::Result<()> {
    let now = Timestamp::now();
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
