//! Reader pages in a real browser (Debian's Chromium): axe finds no
//! accessibility violations, every page fits a 320 px screen with its images
//! sized, and Lighthouse scores the article page at 0.95 or more in every
//! category.

use crate::support::{TestServer, installed, validator, validators_available};

/// Every kind of reader page.
pub(crate) async fn reader_pages(server: &TestServer) -> Vec<String> {
    let article = server.newest_article_path("news").await;
    let token = crate::support::subscriber(server, "reader@example.org").await;
    vec![
        "/".to_owned(),
        "/newsletter/check-inbox".to_owned(),
        "/account/sign-in".to_owned(),
        "/account/sign-up".to_owned(),
        format!("/newsletter/preferences/{token}"),
        format!("/newsletter/unsubscribe/{token}"),
        "/news".to_owned(),
        format!("{article}/print"),
        article,
        crate::live_blogs::demo_live_blog(server).await,
        "/tag/monsoon".to_owned(),
        "/topic/monsoon-watch-2026".to_owned(),
        "/author/neha-iyer".to_owned(),
        "/about".to_owned(),
        "/feedback".to_owned(),
        "/search?q=monsoon".to_owned(),
        "/search?q=zzqxv&section=news".to_owned(),
        "/most-read".to_owned(),
        "/no-such-page".to_owned(),
        // The newsroom's sign-in page.
        "/admin/sign-in".to_owned(),
    ]
}

#[tokio::test]
async fn reader_pages_have_no_accessibility_violations() {
    if !validators_available() {
        return;
    }
    let server = TestServer::with_demo().await;
    let urls: Vec<String> = reader_pages(&server)
        .await
        .into_iter()
        .map(|path| format!("{}{path}", server.base))
        .collect();
    // One browser for every page (axe.sh takes them all).
    let output = tokio::process::Command::new("bash")
        .arg(validator("axe.sh"))
        .args(&urls)
        .output()
        .await
        .unwrap();
    let report = String::from_utf8_lossy(&output.stderr);
    let (clean, failures): (Vec<&str>, Vec<&str>) = report
        .lines()
        .partition(|line| line.contains("\"violations\":0,"));
    assert!(
        output.status.success() && failures.is_empty() && clean.len() == urls.len(),
        "axe ({} of {} pages clean):\n{report}",
        clean.len(),
        urls.len()
    );
}

/// Lighthouse (mobile) on the home page and an article: every category at
/// 0.95 or more, and the picture that paints last is not lazy-loaded.
#[tokio::test]
async fn the_home_and_article_pages_score_well_in_lighthouse() {
    if !validators_available() {
        return;
    }
    let server = TestServer::with_demo().await;
    let article = server.newest_article_path("news").await;
    let reports = tempfile::tempdir().unwrap();
    for (name, path) in [("home", "/"), ("article", article.as_str())] {
        let report = reports.path().join(format!("{name}.json"));
        let output = tokio::process::Command::new("bash")
            .arg(validator("lighthouse.sh"))
            .arg(format!("{}{path}", server.base))
            .arg(&report)
            .output()
            .await
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "lighthouse failed on {path}: {stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let scores: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
        println!("{name}: {scores}");
        for category in ["performance", "accessibility", "best-practices", "seo"] {
            let score = scores[category].as_f64().unwrap_or(0.0);
            assert!(score >= 0.95, "{path}: {category}: {score} (all: {scores})");
        }
        let report: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
        let lazy = &report["audits"]["lcp-lazy-loaded"]["score"];
        assert!(
            lazy.as_f64() != Some(0.0),
            "{path}: the LCP picture is lazy-loaded"
        );
    }
}

#[tokio::test]
async fn reader_pages_fit_a_320_pixel_screen_and_size_their_images() {
    if !validators_available() {
        return;
    }
    let server = TestServer::with_demo().await;
    let urls: Vec<String> = reader_pages(&server)
        .await
        .iter()
        .map(|path| format!("{}{path}", server.base))
        .collect();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/narrow.js");
    let output = tokio::process::Command::new("node")
        .env("NODE_PATH", installed("node/node_modules"))
        .arg(script)
        .arg("320")
        .args(&urls)
        .output()
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "pages too wide for 320 px or images without width/height:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The newsroom issue's day of news, driven through the admin UI in
/// Chromium by `tests/browser/newsroom.js` (see there for the steps).
#[tokio::test]
async fn a_story_goes_from_a_new_contributor_to_readers_through_the_admin_ui() {
    use crate::admin::{PASSWORD, add_staff};
    if !validators_available() {
        return;
    }
    let server = TestServer::with_demo().await;
    add_staff(&server, "admin@example.org", dateline_core::Role::Admin).await;
    add_staff(&server, "editor@example.org", dateline_core::Role::Editor).await;
    let tz = &server.app.config.site.time_zone;
    run_journey(
        "newsroom.js",
        &[
            ("BASE", server.base.as_ref()),
            ("ADMIN_EMAIL", "admin@example.org".as_ref()),
            ("EDITOR_EMAIL", "editor@example.org".as_ref()),
            ("PASSWORD", PASSWORD.as_ref()),
            ("SITE_TZ", tz.as_ref()),
        ],
    )
    .await;
}

/// A phone (360 CSS px, one device pixel each) gets the lead image as WebP
/// at the width its `srcset` names for the screen: `tests/browser/picture.js`
/// records what Chromium fetched.
#[tokio::test]
async fn a_phone_fetches_the_lead_image_as_webp_at_its_width() {
    use crate::{
        media::{upload, uploaded_id, with_renditions},
        newsroom::session,
    };
    use dateline_core::{ArticleStatus, LeadImage, Role};
    if !validators_available() {
        return;
    }
    let server = TestServer::with_demo().await;
    let editor = session(&server, Role::Editor).await;
    let photo = crate::media::large_photo();
    let id = uploaded_id(
        &upload(
            &server,
            &editor,
            &photo,
            "big.jpg",
            "image/jpeg",
            "A wide street",
        )
        .await,
    );
    let item = with_renditions(&server, id).await;
    let store = &server.app.store;
    let article = crate::support::draft(store, editor.user.unwrap(), "Street repairs begin").await;
    let lead = LeadImage {
        media: id,
        caption: None,
        credit: None,
    };
    store
        .set_lead_image(
            article,
            Some(&lead),
            editor.user.unwrap(),
            jiff::Timestamp::now(),
        )
        .await
        .unwrap();
    crate::support::move_to(store, article, ArticleStatus::Published).await;
    // The narrowest rendition at least 360 px wide.
    let expected = item
        .renditions
        .unwrap()
        .full
        .into_iter()
        .find(|r| r.width >= 360)
        .unwrap();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/picture.js");
    let output = tokio::process::Command::new("node")
        .env("NODE_PATH", installed("node/node_modules"))
        .env(
            "URL",
            format!("{}/news/street-repairs-begin-{article}", server.base),
        )
        .env("EXPECT", format!("/img/{}", expected.webp))
        .arg(script)
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    eprintln!("{stdout} (the original: {} bytes)", photo.len());
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A reader has the demo's live blog open in Chromium; an editor posts an
/// entry through the editor's form; the entry shows at the top of the
/// reader's page within 2 s, without a reload (`tests/browser/liveblog.js`).
#[tokio::test]
async fn a_live_blog_shows_an_editors_new_edited_and_deleted_entries_without_reloading() {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
    if !validators_available() {
        return;
    }
    let server = TestServer::with_demo().await;
    let editor = crate::newsroom::session(&server, dateline_core::Role::Editor).await;
    let path = crate::live_blogs::demo_live_blog(&server).await;
    let id = path.rsplit('-').next().unwrap().to_owned();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/liveblog.js");
    let mut browser = tokio::process::Command::new("node")
        .env("NODE_PATH", installed("node/node_modules"))
        .arg(script)
        .arg(format!("{}{path}", server.base))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut said = tokio::io::BufReader::new(browser.stdout.take().unwrap()).lines();
    let first = tokio::time::timeout(std::time::Duration::from_secs(60), said.next_line())
        .await
        .expect("the page connects to the live stream")
        .unwrap();
    assert_eq!(first.as_deref(), Some("ready"));
    let mut stdin = browser.stdin.take().unwrap();

    // Each command goes to the browser, which starts its clock, before the
    // editor acts: the time covers the whole way from the editor's form.
    let mut step = async |command: String, form: &str, fields: &[(&str, &str)]| {
        stdin
            .write_all(format!("{command}\n").as_bytes())
            .await
            .unwrap();
        stdin.flush().await.unwrap();
        let mut fields = fields.to_vec();
        fields.push(("csrf", &editor.csrf));
        let posted = crate::admin::post(
            &server,
            form,
            &editor.cookie,
            crate::support::encode(&fields),
        )
        .await;
        assert_eq!(posted.status(), 303, "{command}");
        let report = said.next_line().await.unwrap().unwrap_or_default();
        eprintln!("{report}");
        let report: serde_json::Value = serde_json::from_str(&report).unwrap();
        assert_eq!(report["ok"], true, "{command}: {report}");
        report
    };

    let text = "Water has entered the ground floor of the general hospital";
    let entries = format!("/admin/articles/{id}/entries");
    let added = step(
        format!("appear {text}"),
        &entries,
        &[("title", "Hospital flooded"), ("body", text)],
    )
    .await;
    // The pushed entry's time reads as the ones the server wrote.
    let (shown, next) = (
        added["time"].as_str().unwrap(),
        added["next_time"].as_str().unwrap(),
    );
    // "December 6, 2026 15:50 IST": month, day, year, time, zone.
    let reads_like_the_site = |t: &str| {
        let parts: Vec<&str> = t.split(' ').collect();
        matches!(parts.as_slice(), [month, day, year, time, zone]
            if month.chars().all(char::is_alphabetic)
                && day.trim_end_matches(',').parse::<u8>().is_ok()
                && year.len() == 4
                && time.len() == 5 && time.as_bytes()[2] == b':'
                && zone.chars().all(|c| c.is_ascii_uppercase()))
    };
    assert!(
        reads_like_the_site(shown) && reads_like_the_site(next),
        "{shown} | {next}"
    );

    let entry = server
        .app
        .store
        .live_entries(dateline_core::ArticleId(id.parse().unwrap()))
        .await
        .unwrap()[0]
        .id;
    let fixed = "Pumps are clearing the ground floor of the general hospital";
    step(
        format!("change {entry} {fixed}"),
        &format!("{entries}/{entry}"),
        &[("title", "Hospital flooded"), ("body", fixed)],
    )
    .await;
    step(
        format!("gone {entry}"),
        &format!("{entries}/{entry}/delete"),
        &[("confirmed", "yes")],
    )
    .await;
    drop(stdin);
    let status = browser.wait().await.unwrap();
    assert!(status.success(), "the browser reported a failure");
}

/// The editor as an editor works in it (`tests/browser/editor.js`): from
/// an empty editor to a published story with a dropped-in picture in at
/// most 10 actions besides typing, every field restored after the page is
/// closed unsaved, and the journey again with the keyboard alone.
#[tokio::test]
async fn an_editor_publishes_a_story_with_a_picture_in_ten_actions_and_loses_nothing() {
    use crate::admin::{PASSWORD, add_staff};
    if !validators_available() {
        return;
    }
    let server = TestServer::with_demo().await;
    add_staff(&server, "editor@example.org", dateline_core::Role::Editor).await;
    let photos = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/media");
    let (photo, other) = (photos.join("orientation-1.jpg"), photos.join("photo.png"));
    run_journey(
        "editor.js",
        &[
            ("BASE", server.base.as_ref()),
            ("EDITOR_EMAIL", "editor@example.org".as_ref()),
            ("PASSWORD", PASSWORD.as_ref()),
            ("PHOTO", photo.as_os_str()),
            ("OTHER_PHOTO", other.as_os_str()),
        ],
    )
    .await;
}

/// Every newsroom page as a contributor and an admin see it, at 1280 and 390 px
/// (`tests/browser/admin_pages.js`): no axe violations, nothing wider than
/// a phone.
#[tokio::test]
async fn newsroom_pages_are_accessible_for_every_role_on_desktops_and_phones() {
    use crate::admin::{PASSWORD, add_staff};
    use dateline_core::Role;
    if !validators_available() {
        return;
    }
    let server = TestServer::with_demo().await;
    let paths = crate::html::newsroom_pages(&server).await;
    let mut emails = Vec::new();
    // The two ends of the roles: a contributor sees the fewest pages and
    // controls, an admin every one (each role between sees a subset of
    // the admin's controls on the same templates). Each axe run costs
    // seconds; all four roles took the longest test of the suite.
    for role in [Role::Contributor, Role::Admin] {
        // Not `{role}@example.org`: the pages' own set-up signs in as that.
        let email = format!("{}.desk@example.org", role.as_str());
        add_staff(&server, &email, role).await;
        emails.push(email);
    }
    let (emails, paths) = (
        serde_json::to_string(&emails).unwrap(),
        serde_json::to_string(&paths).unwrap(),
    );
    run_journey(
        "admin_pages.js",
        &[
            ("BASE", server.base.as_ref()),
            ("PASSWORD", PASSWORD.as_ref()),
            ("EMAILS", emails.as_ref()),
            ("PATHS", paths.as_ref()),
        ],
    )
    .await;
}

/// Runs `tests/browser/{script}` in Node (Playwright on Debian's Chromium,
/// axe at `AXE`) with `env`; asserts it exits 0, and shows its step log.
pub(crate) async fn run_journey(script: &str, env: &[(&str, &std::ffi::OsStr)]) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser")
        .join(script);
    let output = tokio::process::Command::new("node")
        .env("NODE_PATH", installed("node/node_modules"))
        .env("AXE", installed("node/node_modules/axe-core/axe.min.js"))
        .envs(env.iter().copied())
        .arg(path)
        .output()
        .await
        .unwrap();
    // The steps and their timings, for whoever reads the test log.
    eprintln!("{}", String::from_utf8_lossy(&output.stdout));
    assert!(
        output.status.success(),
        "{script} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
