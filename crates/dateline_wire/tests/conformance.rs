//! The real files in `tests/data/`: IPTC's ninjs conformance suite
//! and examples (several from agencies), the NewsML-G2 Guidelines' listings
//! and conformance files, and agency samples. Every document is either read
//! or refused with a reason, as the folder it sits in says.

use std::path::{Path, PathBuf};

use dateline_wire::{ItemKind, WireItem, read};

/// The IPTC files in `tests/data/` (see its LICENSE-NOTE.md).
fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// The files under `dir` (recursively) whose names end in `ext`, sorted.
fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == ext) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn read_file(path: &Path) -> Result<Vec<WireItem>, String> {
    read(&std::fs::read(path).unwrap()).map_err(|e| e.reason)
}

#[test]
fn ninjs_should_pass_documents_ingest_and_should_fail_ones_are_refused_with_a_reason() {
    let data = testdata();
    let suite = data.join("ninjs/validation/test_suite");
    let (mut passed, mut refused) = (0, 0);
    let mut wrong = Vec::new();
    for path in files(&suite, "json") {
        let name = path.strip_prefix(&suite).unwrap().display().to_string();
        if name.starts_with("GeoJSON") {
            continue;
        }
        match (name.contains("/should_pass/"), read_file(&path)) {
            (true, Ok(items)) if !items.is_empty() => passed += 1,
            (false, Err(reason)) if !reason.is_empty() => {
                eprintln!("{name}: {reason}");
                refused += 1;
            }
            (_, outcome) => wrong.push(format!("{name}: {outcome:?}")),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(
        (passed, refused),
        (43, 15),
        "every file of the suite was read"
    );
}

#[test]
fn every_ninjs_example_ingests() {
    let data = testdata();
    let ninjs = data.join("ninjs");
    let mut read_ok = 0;
    for dir in ["examples", "documentation/includes/examples"] {
        for path in files(&ninjs.join(dir), "json") {
            let name = path.strip_prefix(&ninjs).unwrap().display().to_string();
            let outcome = read_file(&path);
            if name.contains("schema-extension/")
                || name.contains("not-valid/")
                || name.contains("3.0/collection/")
            {
                // An extension's own properties are not ninjs, and the event
                // timeline sample's documents use dates and events in a shape
                // no ninjs schema allows (IPTC's own schemas refuse them too):
                // refused, naming the fields.
                let reason = outcome.expect_err(&name);
                assert!(reason.contains("not valid ninjs"), "{name}: {reason}");
                continue;
            }
            let items = outcome.unwrap_or_else(|reason| panic!("{name}: {reason}"));
            // Some guideline examples show renditions or bodies alone.
            let has_headline = std::fs::read_to_string(&path)
                .unwrap()
                .contains("\"headline");
            for item in &items {
                assert!(!item.guid.is_empty(), "{name}");
                if item.kind == ItemKind::Text && has_headline {
                    assert!(
                        !item.headline.is_empty(),
                        "{name}: a text without a headline"
                    );
                }
            }
            read_ok += 1;
        }
    }
    assert!(read_ok >= 60, "{read_ok} examples");
}

#[test]
fn agency_ninjs_examples_keep_their_story() {
    let data = testdata();
    let dpa = read_file(&data.join("ninjs/examples/3.0/dpa_text.json"))
        .unwrap()
        .remove(0);
    assert_eq!(dpa.kind, ItemKind::Text);
    assert!(
        !dpa.headline.is_empty() && dpa.body_html.len() > 200,
        "{dpa:?}"
    );
    let ap = read_file(&data.join("ninjs/examples/2.1/ap_image.json"))
        .unwrap()
        .remove(0);
    assert_eq!(ap.kind, ItemKind::Picture);
    assert!(
        !ap.pictures.is_empty(),
        "a picture item carries its picture"
    );
    let tt = read_file(&data.join("ninjs/examples/3.0/tt_text_image_3.json"))
        .unwrap()
        .remove(0);
    assert!(
        !tt.pictures.is_empty(),
        "TT's text comes with its image: {tt:?}"
    );
    // A collection (a JSON array) gives each of its documents.
    let two = format!(
        "[{}, {}]",
        std::fs::read_to_string(data.join("ninjs/examples/3.0/dpa_text.json")).unwrap(),
        std::fs::read_to_string(data.join("ninjs/examples/3.0/ntb_text.json")).unwrap()
    );
    assert_eq!(read(two.as_bytes()).unwrap().len(), 2);
}

/// The NewsML-G2 Guidelines' listings: news items and packages are read;
/// concept, knowledge, catalog and planning items and bare fragments are
/// refused, saying why.
#[test]
fn newsml_g2_listings_are_read_or_refused_with_a_reason() {
    let data = testdata();
    let examples = data.join("newsml-g2/examples");
    let mut texts = 0;
    for path in files(&examples, "xml") {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let raw = std::fs::read_to_string(&path).unwrap();
        let news = ["<newsItem", "<packageItem", "<newsMessage"]
            .iter()
            .any(|root| first_element(&raw).starts_with(root));
        match read_file(&path) {
            Ok(items) => {
                assert!(news, "{name} is not news but was read");
                for item in items.iter().filter(|i| i.kind == ItemKind::Text) {
                    // LISTING_29 shows a hop history and leaves its
                    // metadata and content out.
                    if raw.contains("<headline") {
                        assert!(!item.headline.is_empty(), "{name}: no headline");
                    }
                    texts += 1;
                }
            }
            // LISTING_24 abbreviates its items (`<packageItem>` without a
            // guid, "....." for the news items): refused for that.
            Err(reason) if name.starts_with("LISTING_24") => {
                assert_eq!(reason, "line 21: <packageItem> has no guid");
            }
            Err(reason) => {
                assert!(!news, "{name}: {reason}");
                assert!(reason.starts_with("line "), "{name}: {reason}");
            }
        }
    }
    assert!(texts >= 5, "{texts} text items");
}

/// The first element of an XML document (after its declaration and
/// comments), for telling which listings are items.
fn first_element(xml: &str) -> &str {
    let mut rest = xml;
    loop {
        let at = rest.find('<').unwrap();
        rest = &rest[at..];
        if rest.starts_with("<?") {
            rest = &rest[rest.find("?>").unwrap() + 2..];
        } else if rest.starts_with("<!--") {
            rest = &rest[rest.find("-->").unwrap() + 3..];
        } else {
            return rest;
        }
    }
}

#[test]
fn complete_newsml_g2_text_items_ingest_with_headline_and_body() {
    let data = testdata();
    let examples = data.join("newsml-g2/examples");
    // The listings whose story is there whole (LISTING_1 and LISTING_27
    // leave the body out, LISTING_29 everything but its hop history).
    for (file, headline) in [
        ("LISTING_2_NewsML-G2_Text_Document.xml", "Fed to halt QE"),
        (
            "LISTING_22_Sports_story_in_NewsML-G2NITF.xml",
            "Preview: Arizona Diamondbacks",
        ),
    ] {
        let items = read_file(&examples.join(file)).unwrap_or_else(|r| panic!("{file}: {r}"));
        let item = items.iter().find(|i| i.kind == ItemKind::Text).unwrap();
        assert!(
            item.headline.contains(headline) && !item.headline.is_empty(),
            "{file}"
        );
        assert!(item.body_html.contains("<p>"), "{file}: {}", item.body_html);
        assert!(
            item.version.is_some() && item.version_created.is_some(),
            "{file}"
        );
    }
    // LISTING_1's inlineXML holds only comments: the item is read, bodiless.
    let one = read_file(&examples.join("LISTING_1_A_NewsML-G2_News_Item.xml"))
        .unwrap()
        .remove(0);
    assert_eq!(one.headline, "Fed to halt QE to avert \"bubble\"");
    assert_eq!(one.embargo.unwrap().to_string(), "2018-10-23T12:00:00Z");
    assert_eq!(one.dateline.as_deref(), Some("Berlin"));
    assert_eq!(one.byline.as_deref(), Some("Meredith Jameson"));
}

#[test]
fn tts_message_without_a_namespace_is_read_by_its_names_and_says_so() {
    let data = testdata();
    let items = read_file(&data.join("ninjs/tools/xslt/TT_newsmlg2_sample.xml")).unwrap();
    let text = items
        .iter()
        .find(|i| i.kind == ItemKind::Text)
        .expect("TT's text item");
    assert!(
        !text.headline.is_empty() && !text.body_html.is_empty(),
        "{text:?}"
    );
    assert!(
        text.notes.iter().any(|n| n.contains("no namespace")),
        "{:?}",
        text.notes
    );
    assert_eq!(text.language.as_deref(), Some("sv"));
    assert!(
        !text.pictures.is_empty(),
        "the package's image goes with the text"
    );
}

#[test]
fn other_agency_formats_are_refused_with_a_reason() {
    let data = testdata();
    for file in [
        "ninjs/tools/xslt/afp.com_newsml1.2_sample.xml",
        "ninjs/tools/xslt/NTB_nitf_sample.xml",
        "ninjs/examples/NewsML/businesswire-newsml-20130605006126.xml",
    ] {
        let reason = read_file(&data.join(file)).unwrap_err();
        assert!(
            reason.contains("is not NewsML-G2, RSS or Atom"),
            "{file}: {reason}"
        );
    }
}

/// Inputs that once made a parser panic (`tests/crashes/`): each is read
/// or refused now.
#[test]
fn fuzzer_findings_are_refused_not_panicked_on() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/crashes");
    let found = files(&dir, "xml");
    assert!(found.len() >= 2);
    for path in found {
        let reason = read_file(&path).expect_err("not a document");
        assert!(reason.starts_with("line "), "{}: {reason}", path.display());
    }
}
