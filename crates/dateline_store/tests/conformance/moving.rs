//! Sites moving in and out: an import uploaded in the admin is one run
//! with one job, keeps its progress and report, and holds its job's lease
//! while it works; an export reads every story and picture in id order,
//! with its bylines and tags, a batch at a time.

use std::time::Duration;

use dateline_core::{ArticleId, MediaId};
use dateline_store::{Lane, NewImportRun, RunImport, RunState, Store, jobs::JobKind};
use jiff::SignedDuration;

use crate::fixtures::{article, at, editor, newsroom};

pub async fn an_uploaded_import_is_one_job_that_keeps_its_progress_and_report(store: &Store) {
    let now = at("2026-12-07T09:00:00Z");
    let admin = editor(store).await;
    let new = NewImportRun {
        platform: "wordpress",
        file_name: "site.xml".into(),
        blob_key: "imports/abc".into(),
        byte_size: 2048,
        options: r#"{"dry_run":true}"#.into(),
        started_by: Some(admin),
        source_run: None,
    };
    let id = store.create_import_run(&new, now).await.unwrap();
    let run = store.import_run(id).await.unwrap().unwrap();
    assert_eq!(run.state, RunState::Waiting);
    assert_eq!(run.started_by.as_deref(), Some("Desk"));

    // Its job runs in the media lane, never beside scheduled publication.
    assert!(
        store
            .claim_job_of(Lane::Quick, None, now, Duration::from_secs(60))
            .await
            .unwrap()
            .is_none()
    );
    let lease = Duration::from_secs(60);
    let job = store
        .claim_job_of(Lane::Media, None, now, lease)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.kind, RunImport::KIND);
    assert_eq!(job.payload_as::<RunImport>().unwrap().run, id.0);

    // Working past one lease, it holds the job by renewing it.
    let later = now + SignedDuration::from_secs(50);
    assert!(store.renew_job(&job, later, lease).await.unwrap());
    let past_first_lease = now + SignedDuration::from_secs(90);
    assert!(
        store
            .claim_job_of(Lane::Media, None, past_first_lease, lease)
            .await
            .unwrap()
            .is_none(),
        "a renewed job is not claimed again"
    );

    // Once another worker has taken the job over, renewing fails.
    let taken_at = past_first_lease + SignedDuration::from_secs(60);
    let taken = store
        .claim_job_of(Lane::Media, None, taken_at, lease)
        .await
        .unwrap()
        .expect("the lease ran out unrenewed");
    assert!(!store.renew_job(&job, taken_at, lease).await.unwrap());
    assert!(store.renew_job(&taken, taken_at, lease).await.unwrap());

    store
        .note_import_progress(id, RunState::Importing, 40, 100, later)
        .await
        .unwrap();
    let run = store.import_run(id).await.unwrap().unwrap();
    assert_eq!(
        (run.state, run.done, run.total),
        (RunState::Importing, 40, 100)
    );
    assert_eq!(run.started_at, Some(later));
    assert_eq!(store.import_run_report(id).await.unwrap(), None);

    let end = now + SignedDuration::from_secs(120);
    store
        .finish_import_run(
            id,
            RunState::Done,
            Some("post: 1 added"),
            Some("report"),
            None,
            end,
        )
        .await
        .unwrap();
    // An ended run stays as it ended.
    store
        .note_import_progress(id, RunState::Importing, 50, 100, end)
        .await
        .unwrap();
    let run = store.import_run(id).await.unwrap().unwrap();
    assert_eq!((run.state, run.done), (RunState::Done, 40));
    assert_eq!(run.finished_at, Some(end));
    assert_eq!(run.summary.as_deref(), Some("post: 1 added"));
    assert_eq!(
        store.import_run_report(id).await.unwrap().as_deref(),
        Some("report")
    );
    let second = store.create_import_run(&new, end).await.unwrap();
    let listed: Vec<_> = store
        .import_runs(10)
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(listed, [second, id], "newest first");
    // A dry run is imported for real once, however often it is asked.
    let for_real = NewImportRun {
        source_run: Some(id),
        ..new.clone()
    };
    let real = store.create_import_run(&for_real, end).await.unwrap();
    assert_eq!(store.create_import_run(&for_real, end).await.unwrap(), real);
    assert_eq!(store.import_runs(10).await.unwrap().len(), 3);
}

pub async fn an_export_reads_every_story_in_id_order_with_its_bylines_and_tags(store: &Store) {
    let room = newsroom(store).await;
    let when = at("2026-12-07T09:00:00Z");
    let batch: Vec<_> = ["One", "Two", "Three"]
        .iter()
        .map(|h| (article(&room, h), when))
        .collect();
    let ids = store.import_published_articles(&batch, when).await.unwrap();
    let first = store.exported_articles(ArticleId(0), 2).await.unwrap();
    assert_eq!(
        first
            .iter()
            .map(|a| a.headline.as_str())
            .collect::<Vec<_>>(),
        ["One", "Two"]
    );
    let rest = store.exported_articles(first[1].id, 2).await.unwrap();
    assert_eq!(rest.len(), 1);
    let story = store.article(ids[2]).await.unwrap().unwrap();
    let exported = &rest[0];
    assert_eq!(exported.id, ids[2]);
    assert_eq!(exported.section_slug, story.section.slug);
    assert_eq!(
        exported.authors,
        story
            .authors
            .iter()
            .map(|a| a.slug.clone())
            .collect::<Vec<_>>()
    );
    assert_eq!(
        exported.tags,
        story
            .tags
            .iter()
            .map(|t| (t.slug.clone(), t.name.clone()))
            .collect::<Vec<_>>()
    );
    assert_eq!(exported.first_published_at, Some(when));
    assert_eq!(exported.lead_media.is_some(), story.lead_image.is_some());
    let pictures = store.exported_pictures(MediaId(0), 100).await.unwrap();
    if let Some(lead) = exported.lead_media {
        assert!(pictures.iter().any(|p| p.id == lead));
    }
    assert!(pictures.windows(2).all(|w| w[0].id.0 < w[1].id.0));
}

pub async fn a_snapshot_loads_only_into_a_database_without_a_site_or_a_newer_schema(store: &Store) {
    let carried = store.carried_migrations();
    let newest = *carried.last().unwrap();
    let older = &carried[..carried.len() - 1];
    let refused = store.prepare_load(older).await.unwrap_err().to_string();
    assert!(
        refused.contains(&format!("migration {newest}")),
        "a schema newer than the snapshot's: {refused}"
    );
    store.prepare_load(&carried).await.unwrap();
    crate::fixtures::editor(store).await;
    let refused = store.prepare_load(&carried).await.unwrap_err().to_string();
    assert!(refused.contains("already holds a site"), "{refused}");
    let refused = store.begin_load().await.err().unwrap().to_string();
    assert!(refused.contains("already holds a site"), "{refused}");
}
