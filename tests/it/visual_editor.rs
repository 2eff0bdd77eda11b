//! The visual editor keeps the stored text: every demo body and a thousand
//! synthetic ones, read into its document and written back in Chromium,
//! come out byte for byte; pasted documents keep their structure and
//! nothing else; its script stays off reader pages.

use dateline_core::ArticleId;

use crate::support::{TestServer, validators_available};

const SYNTHETIC: u64 = 1000;

fn bundle() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/visual-editor.js")
}

#[tokio::test]
async fn every_demo_body_and_a_thousand_synthetic_ones_come_back_byte_for_byte() {
    if !validators_available() {
        return;
    }
    let server = TestServer::with_demo().await;
    let mut corpus = Vec::new();
    // The demo's articles have the first numbers.
    for id in 1..=100 {
        if let Some(revision) = server
            .app
            .store
            .latest_revision(ArticleId(id))
            .await
            .unwrap()
        {
            corpus.push(revision.body_markdown);
        }
    }
    assert!(corpus.len() >= 41, "every demo article: {}", corpus.len());
    corpus.extend((0..SYNTHETIC).map(|i| dateline::demo::synthetic::generate(7, i).markdown));
    let file = tempfile::NamedTempFile::with_suffix(".json").unwrap();
    std::fs::write(file.path(), serde_json::to_vec(&corpus).unwrap()).unwrap();
    crate::browser::run_journey(
        "roundtrip.js",
        &[
            ("CORPUS", file.path().as_os_str()),
            ("BUNDLE", bundle().as_os_str()),
        ],
    )
    .await;
}

/// `tests/browser/writing.js`: a story written with every toolbar action
/// and block, published, and its reader page checked.
#[tokio::test]
async fn a_story_written_with_every_block_reads_well_and_asks_no_other_site() {
    use crate::admin::{PASSWORD, add_staff};
    if !validators_available() {
        return;
    }
    let server = TestServer::with_demo().await;
    add_staff(
        &server,
        "writer.desk@example.org",
        dateline_core::Role::Editor,
    )
    .await;
    let also = server.newest_article_path("news").await;
    let also = dateline_core::article_id_from_segment(also.rsplit('/').next().unwrap()).unwrap();
    let headline = server
        .app
        .store
        .article(also)
        .await
        .unwrap()
        .unwrap()
        .headline;
    // Three words of it, as someone remembering the story would type.
    let words = headline
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    let also = also.0.to_string();
    let photo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/media/orientation-1.jpg");
    crate::browser::run_journey(
        "writing.js",
        &[
            ("BASE", server.base.as_ref()),
            ("EDITOR_EMAIL", "writer.desk@example.org".as_ref()),
            ("PASSWORD", PASSWORD.as_ref()),
            ("ALSO", also.as_ref()),
            ("ALSO_WORDS", words.as_ref()),
            ("PHOTO", photo.as_os_str()),
        ],
    )
    .await;
}

/// Pastes `tests/fixtures/paste/{only}.html` (all of them, and a story
/// taken from the wire, when `only` is empty) into the visual editor.
async fn paste(only: &str) {
    if !validators_available() {
        return;
    }
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/paste");
    crate::browser::run_journey(
        "paste.js",
        &[
            ("FIXTURES", fixtures.as_os_str()),
            ("BUNDLE", bundle().as_os_str()),
            ("ONLY", only.as_ref()),
        ],
    )
    .await;
}

#[tokio::test]
async fn text_pasted_from_word_keeps_only_its_structure() {
    paste("word").await;
}

#[tokio::test]
async fn text_pasted_from_google_docs_keeps_only_its_structure() {
    paste("gdocs").await;
}

#[tokio::test]
async fn text_pasted_from_libreoffice_keeps_only_its_structure() {
    paste("libreoffice").await;
}

#[tokio::test]
async fn a_story_taken_from_the_wire_is_read_through_the_paste_cleaner() {
    paste("").await;
}

#[tokio::test]
async fn the_editor_script_is_absent_from_reader_pages_and_small() {
    let server = TestServer::with_demo().await;
    for path in ["/", "/news", &server.newest_article_path("news").await] {
        let html = server.page(path).await;
        assert!(!html.contains("visual-editor"), "{path} loads the editor");
    }
    let size = std::fs::metadata(bundle()).unwrap().len();
    assert!(size < 400_000, "the built editor is {size} bytes");
}
