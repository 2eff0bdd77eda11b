//! The job workers: run the store's due jobs (scheduled publishing, front
//! pages' pins and the breaking-news strip ending, renditions, WebSub
//! pings, newsletter confirmations, webhook deliveries, imports uploaded
//! in the admin). Each node runs two, one at a time each: one for quick
//! jobs, one for media work (renditions, imports), so that a batch of
//! renditions never delays a scheduled publication.
//!
//! A job is claimed with a lease, renewed while it runs, so a node that
//! dies mid-job leaves it to be claimed again once the lease runs out; every job is written to be safe to
//! run twice. With nothing due the worker sleeps until the next job's time,
//! at most [`IDLE`], or until a job is enqueued (the store wakes it).

use std::{sync::Arc, time::Duration};

use dateline_core::{ArticleId, MediaId};
use dateline_store::{
    BreakingEnds, ConfirmSubscription, Front, FrontPinEnds, Job, JobKind, Lane, MakeRenditions,
    PublishScheduled, Topic,
};
use jiff::Timestamp;
use tokio::task::JoinHandle;
use tracing::Instrument;

use crate::services::Services;

/// How long a claimed job is ours before another worker may take it.
const LEASE: Duration = Duration::from_secs(60);
/// The longest a worker sleeps with nothing due: enqueued jobs wake it at
/// once (other nodes' too, on PostgreSQL), so this only bounds how late a
/// lost wake-up is made good.
const IDLE: Duration = Duration::from_secs(30);
/// How long a worker waits after the store failed it.
const RETRY: Duration = Duration::from_secs(1);

pub fn spawn_worker(app: Arc<Services>) -> JoinHandle<()> {
    tokio::spawn(async move {
        note_unknown_kinds(&app).await;
        tokio::join!(work(&app, Lane::Quick), work(&app, Lane::Media));
    })
}

async fn work(app: &Services, lane: Lane) {
    // Marked changed by every job enqueued from now on, on any node.
    let mut enqueued = app.store.wakeup(Topic::Jobs);
    loop {
        let claimed = app
            .store
            .claim_job_of(lane, Some(&KINDS), Timestamp::now(), LEASE)
            .await;
        match claimed {
            Ok(Some(job)) => run_and_record(app, &job).await,
            Ok(None) => idle(app, &mut enqueued).await,
            Err(e) => {
                tracing::error!(error = format!("{e:#}"), "cannot claim a job");
                tokio::time::sleep(RETRY).await;
            }
        }
    }
}

/// Runs `lane`'s due jobs here and now until none is due: for a caller that
/// needs their work done before it goes on (the tests' demo template makes
/// its pictures' renditions once, so no test server has to). How many ran.
pub async fn run_due(app: &Services, lane: Lane) -> anyhow::Result<usize> {
    let mut ran = 0;
    while let Some(job) = app
        .store
        .claim_job_of(lane, Some(&KINDS), Timestamp::now(), LEASE)
        .await?
    {
        run_and_record(app, &job).await;
        ran += 1;
    }
    Ok(ran)
}

/// Runs `job` and records how it went, in a span naming it: every log
/// line the job writes says which job and which attempt it is.
async fn run_and_record(app: &Services, job: &Job) {
    let span = tracing::info_span!("job", id = job.id.0, kind = %job.kind, attempt = job.attempts);
    async {
        match holding_lease(app, job, run(app, job)).await {
            Some(outcome) => finish(app, job, outcome).await,
            None => {
                tracing::warn!("the job was taken over by another worker: leaving it to that one")
            }
        }
    }
    .instrument(span)
    .await;
}

/// Every kind this version runs. Jobs of other kinds (enqueued by a newer
/// version, during a rolling upgrade) are left in the table for a worker
/// that knows them, and named in the log when the worker starts.
pub const KINDS: [&str; 11] = [
    PublishScheduled::KIND,
    FrontPinEnds::KIND,
    BreakingEnds::KIND,
    MakeRenditions::KIND,
    ConfirmSubscription::KIND,
    dateline_store::BackupSite::KIND,
    crate::websub::Ping::KIND,
    crate::webhooks::DeliveryJob::KIND,
    crate::mail::staff_reset::ResetLink::KIND,
    dateline_store::ReviewMail::KIND,
    dateline_store::RunImport::KIND,
];

async fn run(app: &Services, job: &Job) -> anyhow::Result<()> {
    match job.kind.as_str() {
        PublishScheduled::KIND => {
            let p: PublishScheduled = job.payload_as()?;
            let at = Timestamp::from_microsecond(p.at)?;
            let published = app
                .store
                .publish_scheduled(ArticleId(p.article), at, Timestamp::now())
                .await?;
            tracing::info!(article = p.article, published, "scheduled publication");
            Ok(())
        }
        FrontPinEnds::KIND => {
            let p: FrontPinEnds = job.payload_as()?;
            let front = Front::from_i64(p.front);
            app.store
                .note_front_changed(front, Timestamp::now())
                .await?;
            Ok(())
        }
        BreakingEnds::KIND => {
            let p: BreakingEnds = job.payload_as()?;
            app.store
                .note_breaking_ended(p.id, Timestamp::now())
                .await?;
            Ok(())
        }
        MakeRenditions::KIND => {
            let p: MakeRenditions = job.payload_as()?;
            crate::media::make_renditions(app, MediaId(p.media)).await
        }
        ConfirmSubscription::KIND => crate::mail::confirm::send(app, job.payload_as()?).await,
        crate::websub::Ping::KIND => crate::websub::ping(app, job.payload_as()?).await,
        crate::webhooks::DeliveryJob::KIND => {
            crate::webhooks::deliver(app, job.payload_as()?, job.attempts).await
        }
        crate::mail::staff_reset::ResetLink::KIND => {
            crate::mail::staff_reset::send_reset_link(app, job.payload_as()?).await
        }
        dateline_store::ReviewMail::KIND => crate::mail::review::send(app, job.payload_as()?).await,
        dateline_store::RunImport::KIND => {
            crate::import::uploaded::run(app, job, job.payload_as()?).await
        }
        dateline_store::BackupSite::KIND => {
            crate::backup::schedule::run(app, job.payload_as()?).await
        }
        other => anyhow::bail!("no worker knows jobs of kind {other:?}"),
    }
}

/// Names the pending jobs of kinds this version does not run.
async fn note_unknown_kinds(app: &Services) {
    match app.store.pending_job_kinds().await {
        Ok(kinds) => {
            for (kind, count) in kinds.iter().filter(|(k, _)| !KINDS.contains(&k.as_str())) {
                tracing::warn!(
                    kind,
                    count,
                    "jobs of a kind this version does not run are left for one that does"
                );
            }
        }
        Err(e) => tracing::warn!(error = format!("{e:#}"), "cannot count pending jobs"),
    }
}

async fn finish(app: &Services, job: &Job, outcome: anyhow::Result<()>) {
    let now = Timestamp::now();
    let ended = match &outcome {
        Ok(()) => "completed",
        Err(_) if job.attempts >= job.max_attempts => "failed",
        Err(_) => "retried",
    };
    let recorded = match outcome {
        Ok(()) => app.store.complete_job(job, now).await,
        Err(e) => {
            let error = format!("{e:#}");
            tracing::warn!(error, "job failed");
            // 2, 4, 8 … seconds, at most an hour.
            let backoff = Duration::from_secs(2_u64.saturating_pow(job.attempts as u32).min(3600));
            let retry_at = now.checked_add(backoff).unwrap_or(now);
            app.store.retry_job(job, &error, retry_at, now).await
        }
    };
    match recorded {
        // Counted by the worker whose record stood: a job another worker
        // took over (its lease ran out) is counted once, by that worker.
        Ok(true) => {
            let kind = KINDS.iter().find(|k| **k == job.kind).copied();
            metrics::counter!("dateline_jobs_finished_total",
                "kind" => kind.unwrap_or("other"), "outcome" => ended)
            .increment(1);
        }
        Ok(false) => {}
        Err(e) => tracing::error!(
            job = job.id.0,
            error = format!("{e:#}"),
            "cannot record a job's outcome"
        ),
    }
}

/// How often a job still running renews its lease: well within one, so a
/// slow moment does not lose it.
const RENEW_EVERY: Duration = Duration::from_secs(10);

/// Runs `work`, `job`'s work, renewing the job's lease while it runs (an
/// import or a backup outlasts one). `None` when another worker took the
/// job over all the same (this node stalled past the lease): `work` is
/// dropped unfinished and the job left to that worker.
async fn holding_lease<T>(
    app: &Services,
    job: &Job,
    work: impl std::future::Future<Output = T>,
) -> Option<T> {
    let renew = async {
        let start = tokio::time::Instant::now() + RENEW_EVERY;
        let mut tick = tokio::time::interval_at(start, RENEW_EVERY);
        loop {
            tick.tick().await;
            match app.store.renew_job(job, Timestamp::now(), LEASE).await {
                Ok(true) => {}
                Ok(false) => return,
                Err(e) => tracing::warn!(error = format!("{e:#}"), "cannot renew a job's lease"),
            }
        }
    };
    tokio::select! {
        done = work => Some(done),
        () = renew => None,
    }
}

/// Sleeps until the next job is due or one is enqueued, at most [`IDLE`].
async fn idle(app: &Services, enqueued: &mut tokio::sync::watch::Receiver<()>) {
    let next = app.store.next_job_due(Timestamp::now()).await;
    crate::follow::sleep_until_due(next, enqueued, IDLE).await;
}
