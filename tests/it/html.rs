//! Pages are valid HTML by the W3C Nu checker (installed by
//! `../shared/tools/validators/install.sh`). Without it the test says it was
//! skipped, unless `DATELINE_REQUIRE_VALIDATORS=1` (as in CI).

use std::path::{Path, PathBuf};

use crate::support::TestServer;

const VNU_JAR: &str = "/opt/validators/node/node_modules/vnu-jar/build/dist/vnu.jar";

/// The shared tools: `DATELINE_SHARED`, else `../shared` beside the checkout.
fn validate_html_script() -> PathBuf {
    let shared = std::env::var_os("DATELINE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    shared.join("tools/validators/validate-html.sh")
}

fn validators_available() -> bool {
    let available = validate_html_script().exists() && Path::new(VNU_JAR).exists();
    if !available {
        assert!(
            std::env::var("DATELINE_REQUIRE_VALIDATORS").is_err(),
            "the validators are required but not installed: run ../shared/tools/validators/install.sh"
        );
        eprintln!(
            "SKIPPED: the W3C Nu HTML checker is not installed (../shared/tools/validators/install.sh)"
        );
    }
    available
}

#[tokio::test]
async fn home_section_article_tag_topic_author_and_footer_pages_are_valid_html() {
    if !validators_available() {
        return;
    }
    let server = TestServer::with_demo().await;
    let article = server.newest_article_path("news").await;
    let pages = dir_of_pages(
        &server,
        &[
            "/",
            "/news",
            &article,
            "/about",
            "/news?page=1",
            "/tag/monsoon",
            "/topic/monsoon-watch-2026",
            "/author/neha-iyer",
        ],
    )
    .await;
    let output = std::process::Command::new("bash")
        .arg(validate_html_script())
        .arg(pages.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the Nu checker found errors:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

async fn dir_of_pages(server: &TestServer, paths: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (i, path) in paths.iter().enumerate() {
        let html = server.page(path).await;
        std::fs::write(dir.path().join(format!("page-{i}.html")), html).unwrap();
    }
    // The 404 page too.
    let missing = server.get("/no-such-page").await.text().await.unwrap();
    std::fs::write(dir.path().join("not-found.html"), missing).unwrap();
    dir
}
