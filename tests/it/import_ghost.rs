//! Moving a Ghost site in: counts against the export read as plain JSON,
//! members with the consent Ghost recorded, old addresses that move, and
//! a re-run that changes nothing.

use std::collections::HashMap;

use dateline::import::{self, MediaSource, Options};

use crate::{
    import::{assert_only_renditions_logged, assert_unchanged, census, context, import_data},
    support::{TestServer, eventually},
};

#[tokio::test]
async fn a_ghost_site_arrives_with_its_members_consent_and_old_addresses() {
    let server = TestServer::with_demo().await;
    let store = &server.app.store;
    let file = import_data("ghost/dateline-ghost5.json");
    // Counted from the file as plain JSON, not by the importer's reader.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let data = &json["db"][0]["data"];
    let rows = |table: &str| data[table].as_array().cloned().unwrap_or_default();
    let posts = |status: &str, public: bool| {
        rows("posts")
            .iter()
            .filter(|p| {
                p["type"] == "post"
                    && p["status"] == status
                    && (p["visibility"] == "public") == public
            })
            .count() as i64
    };
    let subscribed: std::collections::BTreeSet<&str> = data["members_newsletters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["member_id"].as_str().unwrap())
        .collect();
    let members = rows("members").len() as i64;
    let internal = rows("tags")
        .iter()
        .filter(|t| t["visibility"] == "internal")
        .count() as i64;

    let uploads = tempfile::tempdir().unwrap();
    for (n, name) in ["2024/11/pier.jpg", "2024/11/ferry.jpg"].iter().enumerate() {
        let path = uploads.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        image::RgbImage::from_pixel(40, 30, image::Rgb([n as u8 * 90, 60, 120]))
            .save(&path)
            .unwrap();
    }
    let options = Options {
        media: MediaSource {
            uploads: Some(uploads.path().to_owned()),
            fetch: None,
        },
        ..Options::default()
    };
    let summary = import::import_ghost(&context(&server), &file, &options, &mut |_| {})
        .await
        .unwrap();
    let origin = "ghost Harbour Town News";
    let found = census(&server, origin).await;
    let get = |kind: &str, state: &str| {
        found
            .get(&(kind.to_owned(), state.to_owned()))
            .copied()
            .unwrap_or_default()
    };
    assert_eq!(
        get("post", "published"),
        posts("published", true),
        "{found:?}"
    );
    assert_eq!(
        get("post", "draft"),
        posts("draft", true) + posts("published", false)
    );
    assert_eq!(get("post", "scheduled"), posts("scheduled", true));
    assert_eq!(
        get("page", ""),
        rows("posts").iter().filter(|p| p["type"] == "page").count() as i64
    );
    assert_eq!(get("author", ""), rows("users").len() as i64);
    assert_eq!(
        get("tag", "") + get("category_tag", ""),
        rows("tags").len() as i64 - internal
    );
    assert!(
        summary
            .skipped
            .iter()
            .any(|s| s.reason.contains("newsletter only"))
    );
    assert!(summary.notes.iter().any(|n| n.contains("code injection")));

    // Consent as Ghost recorded it: nobody opted in by the import.
    let states: HashMap<String, i64> = store
        .imported_subscribers(origin)
        .await
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(
        states.get("confirmed").copied().unwrap_or_default(),
        subscribed.len() as i64
    );
    assert_eq!(
        states.get("unsubscribed").copied().unwrap_or_default(),
        members - subscribed.len() as i64
    );
    assert!(!states.contains_key("pending"));

    let head = store.last_change_seq().await.unwrap();
    let ctx = context(&server);
    let again = import::import_ghost(&ctx, &file, &options, &mut |_| {})
        .await
        .unwrap();
    assert_unchanged(&again);
    assert_only_renditions_logged(&server, head).await;

    for address in [
        "/harbour-ferry-resumes/",
        "/tide-tables/",
        "/tag/city/",
        "/tag/transport/",
        "/author/meera/",
        "/rss/",
    ] {
        let moved = server.get(address).await;
        assert_eq!(moved.status(), 301, "{address}");
        let location = moved.headers()["location"].to_str().unwrap().to_owned();
        assert_eq!(
            server.get(&location).await.status(),
            200,
            "{address} → {location}"
        );
    }
    let story = server.get("/harbour-ferry-resumes/").await.headers()["location"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        server
            .page(&story)
            .await
            .contains("The first <strong>ferry</strong>")
    );
    // The picture in the story, with its caption, once its renditions are made.
    assert!(
        !summary.notes.iter().any(|n| n.contains("left out")),
        "{:?}",
        summary.notes
    );
    eventually(std::time::Duration::from_secs(30), || async {
        server.page(&story).await.contains("Passengers boarding")
    })
    .await;

    // Ghost's own fixtures import too.
    for name in ["ghost/ghost.json", "ghost/ghost-flat.json"] {
        let summary =
            import::import_ghost(&ctx, &import_data(name), &Options::default(), &mut |_| {})
                .await
                .unwrap();
        assert!(
            summary.total("story (published)") >= 1,
            "{name}: {:?}",
            summary.counts
        );
    }
    let old = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        old.path(),
        r#"{"db":[{"meta":{"version":"1.25.0"},"data":{"posts":[{"id":"1"}]}}]}"#,
    )
    .unwrap();
    let refused = import::import_ghost(&ctx, old.path(), &Options::default(), &mut |_| {})
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("Ghost 2 to 6"), "{refused}");
}
