//! An import killed halfway (SIGKILL, no chance to tidy up) and run again
//! ends as one never stopped; a run after that changes nothing.

use std::{collections::HashMap, fmt::Write, path::Path, process::Command};

use dateline_store::Store;

const ORIGIN: &str = "wordpress https://old.example";

/// A WordPress export of `posts` posts in five categories, with tags,
/// three authors and a comment each; the text is made up here.
pub fn synthetic_wxr(posts: usize) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:excerpt=\"http://wordpress.org/export/1.2/excerpt/\" \
         xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
         xmlns:wp=\"http://wordpress.org/export/1.2/\">\n<channel>\n<title>Old Example</title>\n<link>https://old.example</link>\n\
         <wp:wxr_version>1.2</wp:wxr_version>\n<wp:base_site_url>https://old.example</wp:base_site_url>\n\
         <wp:base_blog_url>https://old.example</wp:base_blog_url>\n",
    );
    for author in ["asha", "ben", "chen"] {
        let _ = writeln!(
            xml,
            "<wp:author><wp:author_login>{author}</wp:author_login><wp:author_display_name><![CDATA[{author}]]></wp:author_display_name></wp:author>"
        );
    }
    for section in ["city", "state", "nation", "world", "sport"] {
        let _ = writeln!(
            xml,
            "<wp:category><wp:category_nicename>{section}</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[{section}]]></wp:cat_name></wp:category>"
        );
    }
    for n in 1..=posts {
        let section = ["city", "state", "nation", "world", "sport"][n % 5];
        let author = ["asha", "ben", "chen"][n % 3];
        let _ = writeln!(
            xml,
            "<item><title>Story number {n} about the {section}</title><link>https://old.example/2024/05/story-{n}/</link>\
             <dc:creator>{author}</dc:creator><guid isPermaLink=\"false\">https://old.example/?p={n}</guid>\
             <content:encoded><![CDATA[First paragraph of story {n}.\n\nSecond paragraph with <strong>words</strong> and a <a href=\"https://old.example/2024/05/story-{m}/\">link</a>.]]></content:encoded>\
             <excerpt:encoded><![CDATA[Summary {n}]]></excerpt:encoded><wp:post_id>{n}</wp:post_id>\
             <wp:post_date_gmt>2024-05-{day:02} 10:00:00</wp:post_date_gmt><wp:post_name>story-{n}</wp:post_name>\
             <wp:status>publish</wp:status><wp:post_type>post</wp:post_type>\
             <category domain=\"category\" nicename=\"{section}\"><![CDATA[{section}]]></category>\
             <category domain=\"post_tag\" nicename=\"tag-{t}\"><![CDATA[Tag {t}]]></category>\
             <wp:comment><wp:comment_id>{n}</wp:comment_id><wp:comment_author>Reader</wp:comment_author>\
             <wp:comment_content><![CDATA[Well said.]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment></item>",
            m = n.saturating_sub(1).max(1),
            day = 1 + n % 28,
            t = n % 40,
        );
    }
    xml.push_str("</channel>\n</rss>\n");
    xml
}

fn import(file: &Path, data: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dateline"));
    command
        .args(["import", "wordpress"])
        .arg(file)
        .arg("--data")
        .arg(data)
        .env_remove("DATELINE_DATA")
        .env("DATELINE_LOG", "off")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    command
}

/// What the site in `data` holds from the old site; nothing while the
/// import is still making its database.
async fn census(data: &Path) -> HashMap<(String, String), i64> {
    let Ok(store) = Store::open(None, data).await else {
        return HashMap::new();
    };
    let found = store
        .import_census(ORIGIN)
        .await
        .map(|rows| {
            rows.into_iter()
                .map(|(kind, state, n)| ((kind, state), n))
                .collect()
        })
        .unwrap_or_default();
    store.close().await;
    found
}

#[tokio::test]
async fn an_import_killed_halfway_finishes_on_the_next_run() {
    const POSTS: usize = 6000;
    let export = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(export.path(), synthetic_wxr(POSTS)).unwrap();

    let whole = tempfile::tempdir().unwrap();
    assert!(
        import(export.path(), whole.path())
            .status()
            .unwrap()
            .success()
    );
    let expected = census(whole.path()).await;
    assert_eq!(
        expected[&("post".to_owned(), "published".to_owned())],
        POSTS as i64
    );

    let broken = tempfile::tempdir().unwrap();
    let mut child = import(export.path(), broken.path()).spawn().unwrap();
    // Killed once its first batch is in, long before its last.
    let posts = loop {
        let found = census(broken.path()).await;
        let posts = found
            .get(&("post".to_owned(), "published".to_owned()))
            .copied()
            .unwrap_or_default();
        if posts > 0 {
            child.kill().unwrap();
            child.wait().unwrap();
            break census(broken.path()).await[&("post".to_owned(), "published".to_owned())];
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import ended before it was killed"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    };
    assert!(
        posts < POSTS as i64,
        "killed halfway: {posts} of {POSTS} in"
    );

    assert!(
        import(export.path(), broken.path())
            .status()
            .unwrap()
            .success()
    );
    assert_eq!(census(broken.path()).await, expected);

    let store = Store::open(None, broken.path()).await.unwrap();
    let head = store.last_change_seq().await.unwrap();
    store.close().await;
    assert!(
        import(export.path(), broken.path())
            .status()
            .unwrap()
            .success()
    );
    let store = Store::open(None, broken.path()).await.unwrap();
    assert_eq!(
        store.last_change_seq().await.unwrap(),
        head,
        "a third run logs nothing"
    );
}
