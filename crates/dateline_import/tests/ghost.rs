//! The Ghost reader against Ghost's own import fixtures and a Ghost 5
//! export written for these tests (tests/data/ghost, with notices).

use std::{fs::File, path::PathBuf};

use dateline_import::ghost::{self, Entry};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/ghost")
        .join(name)
}

fn entries(name: &str) -> Vec<Entry> {
    let mut all = Vec::new();
    ghost::read_entries(File::open(data(name)).unwrap(), |e| {
        all.push(e);
        Ok(())
    })
    .unwrap();
    all
}

#[test]
fn both_layouts_of_ghosts_fixtures_read() {
    let nested = ghost::read_header(File::open(data("ghost.json")).unwrap()).unwrap();
    assert_eq!(
        (nested.posts, nested.tags.len(), nested.users.len()),
        (3, 2, 2)
    );
    assert_eq!(nested.settings["title"], "My Ghost Site");
    let flat = ghost::read_header(File::open(data("ghost-flat.json")).unwrap()).unwrap();
    assert_eq!(flat.posts, 1);
    assert_eq!(entries("ghost.json").len(), 3);
}

#[test]
fn relations_come_in_their_order_and_members_with_their_newsletters() {
    let header = ghost::read_header(File::open(data("dateline-ghost5.json")).unwrap()).unwrap();
    assert_eq!(header.version, "5.96.0");
    assert_eq!(
        header.post_tags["65a000000000000000000001"],
        ["t1", "t2", "t3"]
    );
    assert_eq!(
        header.post_authors["65a000000000000000000001"],
        ["u1", "u2"]
    );
    assert_eq!(header.members, 3);
    assert!(header.has_member_newsletters);
    assert_eq!(header.member_newsletters["mem2"], ["n1", "n2"]);
    assert!(!header.member_newsletters.contains_key("mem3"));
    assert!(
        header
            .tags
            .iter()
            .find(|t| t.id == "t3")
            .unwrap()
            .is_internal()
    );
    let all = entries("dateline-ghost5.json");
    let posts = all.iter().filter(|e| matches!(e, Entry::Post(_))).count();
    assert_eq!((posts, all.len() - posts), (8, 3));
}

#[test]
fn other_versions_and_broken_files_are_refused_with_the_reason() {
    let old = r#"{"db":[{"meta":{"version":"1.25.0"},"data":{"posts":[]}}]}"#;
    let refused = ghost::read_header(old.as_bytes()).unwrap_err();
    assert!(refused.message.contains("\"1.25.0\""), "{refused}");
    assert!(refused.message.contains("Ghost 2 to 6"), "{refused}");
    let none = ghost::read_header(r#"{"data":{"posts":[]}}"#.as_bytes()).unwrap_err();
    assert!(none.message.contains("not a Ghost export"), "{none}");
    let broken =
        "{\"db\":[{\"meta\":{\"version\":\"5.0.0\"},\n\"data\":{\"posts\":[{\"id\": }]}}]}";
    let error = ghost::read_header(broken.as_bytes()).unwrap_err();
    assert_eq!(error.line, 2, "{error}");
    assert!(
        error.column > 1 && !error.message.contains(" at line "),
        "{error}"
    );
    let wrong = ghost::read_header(
        r#"{"db":[{"meta":{"version":"5.0.0"},"data":{"tags":[{"id":1}]}}]}"#.as_bytes(),
    );
    assert!(wrong.unwrap_err().message.contains("tags"));
}
