use dateline_core::{Rendition, Renditions, Text};
use dateline_store::{JobKind, MakeRenditions, MediaFilter, NewUpload, Store, StoreError};

use crate::fixtures::at;

fn upload(sha: &str, alt: &str, caption: &str) -> NewUpload {
    NewUpload {
        sha256: sha.repeat(64 / sha.len()),
        original_key: format!("originals/{sha}/{sha}.jpg"),
        content_type: "image/jpeg".into(),
        width: 4000,
        height: 3000,
        byte_size: 2_000_000,
        alt: Text::parse("alt", alt, 500).unwrap(),
        caption: caption.into(),
        credit: "Staff photographer".into(),
    }
}

async fn pending_renditions_jobs(store: &Store, now: jiff::Timestamp) -> usize {
    let mut n = 0;
    while let Some(job) = store
        .claim_job_in(
            dateline_store::Lane::Media,
            now,
            std::time::Duration::from_secs(60),
        )
        .await
        .unwrap()
    {
        assert_eq!(job.kind, MakeRenditions::KIND);
        store.complete_job(&job, now).await.unwrap();
        n += 1;
    }
    n
}

pub async fn an_upload_is_kept_once_with_one_renditions_job_and_found_by_its_words(store: &Store) {
    let now = at("2026-11-12T09:00:00Z");
    let (id, created) = store
        .add_upload(
            &upload("ab", "Boats in a harbour", "Fishing boats at dawn"),
            now,
        )
        .await
        .unwrap();
    assert!(created);
    let (again, created) = store
        .add_upload(&upload("ab", "Other words", ""), now)
        .await
        .unwrap();
    assert_eq!(
        (again, created),
        (id, false),
        "the same bytes are the same item"
    );
    // Quick workers leave media work alone.
    assert!(
        store
            .claim_job_in(
                dateline_store::Lane::Quick,
                now,
                std::time::Duration::from_secs(60)
            )
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(pending_renditions_jobs(store, now).await, 1);

    let item = store.library_item(id).await.unwrap().unwrap();
    assert!(item.uploaded && item.renditions.is_none());
    let mut made = Renditions::default();
    made.full.push(Rendition {
        width: 320,
        height: 240,
        webp: "cd/cd.webp".into(),
        jpeg: "cd/cd.jpg".into(),
    });
    store.set_renditions(id, &made, now).await.unwrap();
    assert_eq!(
        store.library_item(id).await.unwrap().unwrap().renditions,
        Some(made)
    );

    let later = at("2026-11-14T09:00:00Z");
    store
        .add_upload(
            &upload("ef", "A cricket ground", "50% of seats empty"),
            later,
        )
        .await
        .unwrap();
    let find = |words: &str, from: Option<&str>| {
        let filter = MediaFilter {
            words: Some(words.into()),
            from: from.map(at),
            until: None,
        };
        async move {
            store
                .library(&filter, 10)
                .await
                .unwrap()
                .into_iter()
                .map(|i| i.alt)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(find("HARBOUR", None).await, ["Boats in a harbour"]);
    assert_eq!(
        find("dawn", None).await,
        ["Boats in a harbour"],
        "by caption"
    );
    assert_eq!(
        find("staff", None).await.len(),
        2,
        "by credit, newest first"
    );
    assert_eq!(
        find("50%", None).await,
        ["A cricket ground"],
        "% is literal"
    );
    assert_eq!(
        find("", Some("2026-11-13T00:00:00Z")).await,
        ["A cricket ground"]
    );

    // A new focus remakes the crops: a new job; the same focus, none.
    let alt = Text::parse("alt", "Boats at dawn", 500).unwrap();
    store
        .update_media(id, &alt, "New caption", "", (0.2, 0.5), now)
        .await
        .unwrap();
    store
        .update_media(id, &alt, "New caption", "", (0.2, 0.5), now)
        .await
        .unwrap();
    assert_eq!(pending_renditions_jobs(store, now).await, 1);
    // The first focus again: made again (a job per change, not per value).
    for (focus, when) in [
        ((0.5, 0.5), "2026-11-12T10:00:00Z"),
        ((0.2, 0.5), "2026-11-12T10:01:00Z"),
    ] {
        let later = at(when);
        store
            .update_media(id, &alt, "New caption", "", focus, later)
            .await
            .unwrap();
        assert_eq!(pending_renditions_jobs(store, later).await, 1);
    }
    assert!(matches!(
        store.update_media(id, &alt, "", "", (1.5, 0.5), now).await,
        Err(StoreError::Invalid(_))
    ));
    let item = store.library_item(id).await.unwrap().unwrap();
    assert_eq!((item.caption.as_str(), item.focal_x), ("New caption", 0.2));
}
