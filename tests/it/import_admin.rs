//! Moving a site in from the admin: an admin uploads an export, a job
//! imports it with its progress on the run's page, a dry run's upload is
//! imported for real from its report, and what is not an export, too big,
//! sent without the form's token or by someone not an admin is refused
//! with nothing kept.

use std::time::Duration;

use dateline::import::Digest;
use dateline_core::Role;
use dateline_store::{ImportRun, ImportRunId, RunState};

use crate::{
    admin::get_with,
    import::{Export, THEME_DATA, census, import_data},
    media::post_form_data,
    newsroom::{Session, session},
    support::{TestServer, eventually},
};

/// A run of the theme test data takes a few seconds; a busy machine gets
/// slack.
const RUN_WITHIN: Duration = Duration::from_secs(120);

async fn upload(
    server: &TestServer,
    who: &Session,
    options: &[(&str, &str)],
    (name, bytes): (&str, &[u8]),
) -> reqwest::Response {
    let mut fields = vec![("csrf", who.csrf.as_str())];
    fields.extend_from_slice(options);
    post_form_data(
        server,
        "/admin/import",
        &who.cookie,
        &fields,
        (name, "application/octet-stream", bytes),
    )
    .await
}

/// Presses "Import it for real" on the dry run `dry`.
async fn for_real(server: &TestServer, who: &Session, dry: ImportRunId) -> reqwest::Response {
    crate::admin::post(
        server,
        &format!("/admin/import/{}/import", dry.0),
        &who.cookie,
        crate::support::encode(&[("csrf", &who.csrf)]),
    )
    .await
}

async fn run_page(server: &TestServer, who: &Session, run: ImportRunId) -> String {
    let page = get_with(server, &format!("/admin/import/{}", run.0), &who.cookie).await;
    page.text().await.unwrap()
}

fn run_id(response: &reqwest::Response) -> ImportRunId {
    assert_eq!(response.status(), 303, "the upload was taken");
    let location = response.headers()["location"].to_str().unwrap();
    let id = location.strip_prefix("/admin/import/").unwrap();
    ImportRunId(id.parse().unwrap())
}

async fn ended(server: &TestServer, id: ImportRunId) -> ImportRun {
    let store = &server.app.store;
    eventually(RUN_WITHIN, || async {
        store.import_run(id).await.unwrap().unwrap().state.ended()
    })
    .await;
    store.import_run(id).await.unwrap().unwrap()
}

/// Uploads waiting in the blob store.
fn waiting_uploads(server: &TestServer) -> usize {
    std::fs::read_dir(server.app.data_dir.join("blobs/imports"))
        .map(|d| d.count())
        .unwrap_or(0)
}

#[tokio::test]
async fn an_admin_uploads_a_dry_run_then_imports_it_for_real() {
    let server = TestServer::with_demo().await;
    let admin = session(&server, Role::Admin).await;
    let xml = std::fs::read_to_string(import_data(THEME_DATA)).unwrap();
    let export = Export {
        doc: roxmltree::Document::parse(&xml).unwrap(),
    };
    let origin = "wordpress https://wpthemetestdata.wordpress.com";

    let page = get_with(&server, "/admin/import", &admin.cookie).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("enctype=\"multipart/form-data\""), "{html}");

    let head = server.app.store.last_change_seq().await.unwrap();
    let sent = upload(
        &server,
        &admin,
        &[("dry_run", "1")],
        ("themeunittestdata.wordpress.xml", xml.as_bytes()),
    )
    .await;
    let dry = run_id(&sent);
    // It has a page of its own.
    let html = run_page(&server, &admin, dry).await;
    assert!(
        html.contains("Import of themeunittestdata.wordpress.xml"),
        "{html}"
    );
    let run = ended(&server, dry).await;
    assert_eq!(run.state, RunState::Done, "{:?}", run.error);
    assert_eq!(
        server.app.store.last_change_seq().await.unwrap(),
        head,
        "a dry run stores nothing"
    );
    assert!(census(&server, origin).await.is_empty());
    let published = export.expected()[&("post", "published")];
    let digest: Digest = serde_json::from_str(&run.summary.unwrap()).unwrap();
    assert_eq!(
        digest.counts["story (published)"].added as i64, published,
        "{digest:?}"
    );
    let html = run_page(&server, &admin, dry).await;
    assert!(
        !html.contains("http-equiv=\"refresh\""),
        "an ended run stays put"
    );
    assert!(html.contains("Import it for real"), "{html}");
    let report = get_with(
        &server,
        &format!("/admin/import/{}/report", dry.0),
        &admin.cookie,
    )
    .await;
    assert_eq!(report.status(), 200);
    assert!(
        report.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert!(report.text().await.unwrap().contains("Skipped entries"));

    // For real, from the same upload.
    let real = run_id(&for_real(&server, &admin, dry).await);
    assert_ne!(real, dry);
    // A second click goes to the run the first started.
    assert_eq!(run_id(&for_real(&server, &admin, dry).await), real);
    let run = ended(&server, real).await;
    assert_eq!(run.state, RunState::Done, "{:?}", run.error);
    assert_eq!(run.done, run.total);
    let found = census(&server, origin).await;
    for kind in ["post", "page", "category", "tag", "author"] {
        for ((k, state), n) in export.expected().iter().filter(|((k, _), _)| *k == kind) {
            let got = found
                .get(&(k.to_string(), state.to_string()))
                .copied()
                .unwrap_or_default();
            assert_eq!(got, *n, "{k} {state}: {found:?}");
        }
    }
    assert_eq!(waiting_uploads(&server), 0, "the upload is let go");
}

#[tokio::test]
async fn what_is_not_an_export_or_not_allowed_is_refused_and_nothing_kept() {
    // Past one part of the upload (5 MiB), so a refused one has reached
    // the disk and must be taken back.
    let server = TestServer::with_demo_and(|config| config.media.max_import_bytes = 6 << 20).await;
    let admin = session(&server, Role::Admin).await;
    let editor = session(&server, Role::Editor).await;
    let store = &server.app.store;

    // Not a WordPress or Ghost export at all.
    let png = upload(&server, &admin, &[], ("photo.png", b"\x89PNG\r\n")).await;
    assert_eq!(png.status(), 415);
    assert!(png.text().await.unwrap().contains("not a WordPress export"));
    // Over the limit.
    let big = format!("<rss>{}</rss>", " ".repeat(8 << 20));
    let too_big = upload(&server, &admin, &[], ("big.xml", big.as_bytes())).await;
    assert_eq!(too_big.status(), 413);
    assert!(too_big.text().await.unwrap().contains("dateline import"));
    // An address that is not one.
    let bad_base = upload(
        &server,
        &admin,
        &[("base_url", "not an address")],
        ("site.json", b"{}"),
    )
    .await;
    assert_eq!(bad_base.status(), 422);
    // Without the form's token, or from an editor.
    let forged = post_form_data(
        &server,
        "/admin/import",
        &admin.cookie,
        &[("csrf", "0000")],
        ("site.xml", "application/xml", b"<rss/>"),
    )
    .await;
    assert_eq!(forged.status(), 403);
    let editors = upload(&server, &editor, &[], ("site.xml", b"<rss/>")).await;
    assert_eq!(editors.status(), 403);
    assert_eq!(
        get_with(&server, "/admin/import", &editor.cookie)
            .await
            .status(),
        403
    );
    assert!(store.import_runs(10).await.unwrap().is_empty());
    assert_eq!(waiting_uploads(&server), 0);

    // An export that breaks is refused by its run, naming the place.
    let broken = "<?xml version=\"1.0\"?>\n<rss version=\"2.0\">\n<channel>\n<title>x</wrong>";
    let sent = upload(&server, &admin, &[], ("broken.xml", broken.as_bytes())).await;
    let run = ended(&server, run_id(&sent)).await;
    assert_eq!(run.state, RunState::Refused);
    let error = run.error.unwrap();
    assert!(error.starts_with("broken.xml: "), "{error}");
    assert!(error.contains("line 4"), "{error}");
    assert_eq!(waiting_uploads(&server), 0);
}
