//! The WXR reader against WordPress's own test exports (tests/data, with
//! their notices), checked against what WordPress's importer tests expect
//! of the same files.

use std::{fs::File, io::BufReader, path::PathBuf};

use dateline_import::{
    ReadError,
    wxr::{Author, Entry, Item, Term, WxrReader},
};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

struct Read {
    site: String,
    authors: Vec<Author>,
    terms: Vec<Term>,
    items: Vec<Item>,
}

fn read(name: &str) -> Result<Read, ReadError> {
    let file = File::open(data(name)).unwrap();
    let mut reader = WxrReader::open(BufReader::with_capacity(512, file))?;
    let mut read = Read {
        site: reader.channel().site_url().to_owned(),
        authors: Vec::new(),
        terms: Vec::new(),
        items: Vec::new(),
    };
    while let Some(entry) = reader.next_entry()? {
        match entry {
            Entry::Author(a) => read.authors.push(a),
            Entry::Term(t) => read.terms.push(t),
            Entry::Item(i) => read.items.push(*i),
        }
    }
    Ok(read)
}

#[test]
fn version_1_1_reads_as_wordpress_reads_it() {
    let r = read("wordpress-importer/valid-wxr-1.1.xml").unwrap();
    assert_eq!(r.site, "http://localhost/");
    let john = r.authors.iter().find(|a| a.login == "john").unwrap();
    assert_eq!(
        (john.id, john.email.as_str(), john.name().as_str()),
        (Some(2), "johndoe@example.org", "John Doe")
    );
    let alpha = &r.terms[0];
    assert_eq!(
        (
            alpha.id,
            alpha.taxonomy.as_str(),
            alpha.slug.as_str(),
            alpha.description.as_str()
        ),
        (Some(3), "category", "alpha", "The alpha category")
    );
    assert!(
        r.terms
            .iter()
            .any(|t| t.taxonomy == "post_tag" && t.slug == "clippable" && t.name == "Clippable")
    );
    assert!(
        r.terms
            .iter()
            .any(|t| t.taxonomy == "post_tax" && t.slug == "bieup")
    );
    assert_eq!(r.items.len(), 2);
    let terms: Vec<(&str, &str)> = r.items[0]
        .terms
        .iter()
        .map(|t| (t.domain.as_str(), t.slug.as_str()))
        .collect();
    assert_eq!(
        terms,
        [
            ("category", "alpha"),
            ("post_tag", "clippable"),
            ("post_tax", "bieup")
        ]
    );
    assert_eq!(
        r.items[1].meta,
        [("_wp_page_template".to_owned(), "default".to_owned())]
    );
}

#[test]
fn version_1_0_reads_its_tags_by_their_old_name() {
    let r = read("wordpress-importer/valid-wxr-1.0.xml").unwrap();
    assert_eq!(r.site, "http://localhost/");
    assert_eq!(r.items.len(), 6);
    let tags: Vec<&str> = r.items[2]
        .terms_of("post_tag")
        .map(|t| t.slug.as_str())
        .collect();
    assert_eq!(tags, ["news", "roar"]);
    let categories: Vec<&str> = r.items[3]
        .terms_of("category")
        .map(|t| t.slug.as_str())
        .collect();
    assert_eq!(categories, ["child"]);
}

#[test]
fn content_keeps_its_blank_lines_and_cdata_its_closing_sequence() {
    let r = read("wordpress-importer/post-content-blank-lines.xml").unwrap();
    assert_eq!(r.items[0].content.matches('\n').count(), 3);
    let r = read("wordpress-importer/crazy-cdata-escaped.xml").unwrap();
    let post = &r.items[0];
    assert_eq!(post.content, "Content with nested <![CDATA[ tags ]]> :)");
    assert!(
        post.meta
            .contains(&("Closing CDATA".to_owned(), "]]>".to_owned()))
    );
    let r = read("wordpress-importer/multiple-cdata.xml").unwrap();
    assert_eq!(r.items[0].content, "line oneline twoline three");
}

#[test]
fn terms_written_in_any_layout_are_all_found() {
    let r = read("wordpress-importer/term-formats.xml").unwrap();
    let count = |taxonomy: &str| r.terms.iter().filter(|t| t.taxonomy == taxonomy).count();
    assert_eq!((count("category"), count("post_tag")), (2, 3));
    assert_eq!(r.terms.len(), 7);
    assert!(r.items.is_empty() && r.authors.is_empty());
}

#[test]
fn only_wordpress_namespaces_count() {
    let r = read("wordpress-importer/namespace-edge-cases.xml").unwrap();
    let logins: Vec<&str> = r.authors.iter().map(|a| a.login.as_str()).collect();
    assert_eq!(logins, ["real_user", "version_conflict"]);
    let mixed = &r.items[0];
    assert_eq!(mixed.id, Some(1));
    assert_eq!(
        mixed.meta,
        [("normal_key".to_owned(), "normal_value".to_owned())]
    );
    assert_eq!(r.items[1].id, Some(2), "a default namespace of WordPress's");
}

#[test]
fn files_that_are_not_exports_are_refused_with_the_reason() {
    let missing = read("wordpress-importer/missing-version-tag.xml")
        .err()
        .unwrap();
    assert!(missing.message.contains("no WXR version"), "{missing}");
    let invalid = read("wordpress-importer/invalid-version-tag.xml")
        .err()
        .unwrap();
    assert_eq!(invalid.line, 33, "{invalid}");
    assert!(invalid.message.contains("\"abc\""), "{invalid}");
    let malformed = read("wordpress-importer/malformed.xml").err().unwrap();
    assert!(
        malformed.message.contains("<notachanneltag>"),
        "{malformed}"
    );
}

#[test]
fn broken_xml_is_placed_by_line_and_column() {
    let text = "<rss><channel>\n<wp:wxr_version xmlns:wp=\"http://wordpress.org/export/1.2/\">1.2</wp:wxr_version>\n<item><title>One</title></item>\n<item><title>Two</tilte></item></channel></rss>";
    let mut reader = WxrReader::open(text.as_bytes()).unwrap();
    assert!(matches!(reader.next_entry(), Ok(Some(Entry::Item(_)))));
    let error = reader.next_entry().unwrap_err();
    assert_eq!(error.line, 4, "{error}");
    assert!(error.column > 1, "{error}");
    assert!(error.to_string().starts_with("line 4, column "), "{error}");
}

#[test]
fn the_theme_test_data_reads_whole() {
    let r = read("wordpress-theme-test-data/themeunittestdata.wordpress.xml").unwrap();
    assert_eq!(r.items.len(), 186);
    assert_eq!(r.authors.len(), 2);
    assert_eq!(r.site, "https://wpthemetestdata.wordpress.com");
    let sticky = r.items.iter().filter(|i| i.sticky).count();
    assert!(sticky >= 1);
    let with_comments = r.items.iter().filter(|i| !i.comments.is_empty()).count();
    assert!(with_comments >= 1);
    for name in ["64-block-test-data.xml", "theme-preview.xml"] {
        let r = read(&format!("wordpress-theme-test-data/{name}")).unwrap();
        assert!(!r.items.is_empty(), "{name}");
    }
}

#[test]
fn every_importer_fixture_reads_or_is_refused_without_panic() {
    let dir = data("wordpress-importer");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "xml") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            match read(&format!("wordpress-importer/{name}")) {
                Ok(_) => {}
                Err(e) => assert!(
                    [
                        "malformed.xml",
                        "missing-version-tag.xml",
                        "invalid-version-tag.xml",
                        "crazy-cdata.xml"
                    ]
                    .contains(&name.as_str()),
                    "{name}: {e}"
                ),
            }
        }
    }
}
