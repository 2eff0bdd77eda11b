//! The job workers: run the store's due jobs (scheduled publishing,
//! renditions, WebSub pings, newsletter confirmations, webhook deliveries). Each node runs two, one at
//! a time each: one for quick jobs, one for media work, so that a batch of
//! renditions never delays a scheduled publication.
//!
//! A job is claimed with a lease, so a node that dies mid-job leaves it to be
//! claimed again once the lease runs out; every job is written to be safe to
//! run twice. With nothing due the worker sleeps until the next job's time,
//! at most [`IDLE`], or until this node enqueues something.

use std::time::Duration;

use anyhow::Context;
use dateline_core::{ArticleId, MediaId};
use dateline_store::{Job, Lane, PUBLISH_SCHEDULED_JOB, RENDITIONS_JOB};
use jiff::Timestamp;
use serde::Deserialize;
use tokio::task::JoinHandle;

use crate::app::AppState;

/// How long a claimed job is ours before another worker may take it.
const LEASE: Duration = Duration::from_secs(60);
/// The longest a worker sleeps: jobs enqueued by other nodes wait at most this.
const IDLE: Duration = Duration::from_secs(1);

pub fn spawn_worker(app: AppState) -> JoinHandle<()> {
    tokio::spawn(async move {
        tokio::join!(work(&app, Lane::Quick), work(&app, Lane::Media));
    })
}

async fn work(app: &AppState, lane: Lane) {
    loop {
        match app.store.claim_job_in(lane, Timestamp::now(), LEASE).await {
            Ok(Some(job)) => finish(app, &job, run(app, &job).await).await,
            Ok(None) => idle(app, lane).await,
            Err(e) => {
                tracing::error!(error = format!("{e:#}"), "cannot claim a job");
                tokio::time::sleep(IDLE).await;
            }
        }
    }
}

/// Runs `lane`'s due jobs here and now until none is due: for a caller that
/// needs their work done before it goes on (the tests' demo template makes
/// its pictures' renditions once, so no test server has to). How many ran.
pub async fn run_due(app: &AppState, lane: Lane) -> anyhow::Result<usize> {
    let mut ran = 0;
    while let Some(job) = app
        .store
        .claim_job_in(lane, Timestamp::now(), LEASE)
        .await?
    {
        finish(app, &job, run(app, &job).await).await;
        ran += 1;
    }
    Ok(ran)
}

async fn run(app: &AppState, job: &Job) -> anyhow::Result<()> {
    match job.kind.as_str() {
        PUBLISH_SCHEDULED_JOB => {
            #[derive(Deserialize)]
            struct Payload {
                article: i64,
                at: i64,
            }
            let p: Payload = serde_json::from_value(job.payload.clone())
                .context("a publish_scheduled job's payload")?;
            let at = Timestamp::from_microsecond(p.at)?;
            let published = app
                .store
                .publish_scheduled(ArticleId(p.article), at, Timestamp::now())
                .await?;
            tracing::info!(article = p.article, published, "scheduled publication");
            Ok(())
        }
        RENDITIONS_JOB => {
            #[derive(Deserialize)]
            struct Payload {
                media: i64,
            }
            let p: Payload = serde_json::from_value(job.payload.clone())
                .context("a media_renditions job's payload")?;
            crate::media::make_renditions(app, MediaId(p.media)).await
        }
        crate::websub::PING_JOB => crate::websub::ping(app, &job.payload).await,
        crate::webhooks::DELIVERY_JOB => {
            crate::webhooks::deliver(app, &job.payload, job.attempts).await
        }
        crate::web::admin::RESET_LINK_JOB => {
            crate::web::admin::send_reset_link(app, &job.payload).await
        }
        dateline_store::CONFIRM_SUBSCRIPTION_JOB => {
            crate::mail::confirm::send(app, &job.payload).await
        }
        other => anyhow::bail!("no worker knows jobs of kind {other:?}"),
    }
}

async fn finish(app: &AppState, job: &Job, outcome: anyhow::Result<()>) {
    let now = Timestamp::now();
    let recorded = match outcome {
        Ok(()) => app.store.complete_job(job, now).await,
        Err(e) => {
            let error = format!("{e:#}");
            tracing::warn!(job = job.id.0, kind = job.kind, error, "job failed");
            // 2, 4, 8 … seconds, at most an hour.
            let backoff = Duration::from_secs(2_u64.saturating_pow(job.attempts as u32).min(3600));
            let retry_at = now.checked_add(backoff).unwrap_or(now);
            app.store.retry_job(job, &error, retry_at, now).await
        }
    };
    if let Err(e) = recorded {
        tracing::error!(
            job = job.id.0,
            error = format!("{e:#}"),
            "cannot record a job's outcome"
        );
    }
}

async fn idle(app: &AppState, lane: Lane) {
    let now = Timestamp::now();
    let until_next = match app.store.next_job_due(now).await {
        Ok(Some(next)) => Duration::try_from(next.duration_since(now)).unwrap_or(IDLE),
        _ => IDLE,
    };
    tokio::select! {
        () = tokio::time::sleep(until_next.min(IDLE)) => {}
        () = enqueued(app, lane).notified() => {}
    }
}

fn enqueued(app: &AppState, lane: Lane) -> &tokio::sync::Notify {
    match lane {
        Lane::Media => &app.media_jobs_enqueued,
        Lane::Quick | Lane::Any => &app.jobs_enqueued,
    }
}
