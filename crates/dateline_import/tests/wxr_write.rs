//! The WXR writer: what it writes reads back equal, for WordPress's own
//! test exports and for text that XML makes awkward.

use std::{fs::File, io::BufReader, path::PathBuf};

use dateline_import::wxr::{Author, Channel, Entry, Item, ItemTerm, Term, WxrReader, WxrWriter};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// Every entry of a file, without the lines they were read at.
fn entries<R: std::io::BufRead>(reader: R) -> (Channel, Vec<Entry>) {
    let mut reader = WxrReader::open(reader).unwrap();
    let channel = reader.channel().clone();
    let mut all = Vec::new();
    while let Some(mut entry) = reader.next_entry().unwrap() {
        match &mut entry {
            Entry::Author(a) => a.line = 0,
            Entry::Term(t) => t.line = 0,
            Entry::Item(i) => i.line = 0,
        }
        all.push(entry);
    }
    (channel, all)
}

fn write(channel: &Channel, entries: &[Entry]) -> Vec<u8> {
    let mut writer = WxrWriter::start(Vec::new(), channel, "test").unwrap();
    for entry in entries {
        match entry {
            Entry::Author(a) => writer.author(a).unwrap(),
            Entry::Term(t) => writer.term(t).unwrap(),
            Entry::Item(i) => writer.item(i).unwrap(),
        }
    }
    writer.finish().unwrap()
}

#[test]
fn wordpress_test_exports_read_back_equal() {
    for name in [
        "wordpress-theme-test-data/themeunittestdata.wordpress.xml",
        "wordpress-theme-test-data/64-block-test-data.xml",
        "wordpress-importer/valid-wxr-1.1.xml",
        "wordpress-importer/small-export.xml",
        "wordpress-importer/crazy-cdata.xml",
        "wordpress-importer/cdata-edge.xml",
        "wordpress-importer/wxr-utf-8-challenges.xml",
    ] {
        let (channel, read) = entries(BufReader::new(File::open(data(name)).unwrap()));
        assert!(!read.is_empty(), "{name}");
        let written = write(&channel, &read);
        let (channel_again, read_again) = entries(written.as_slice());
        assert_eq!(channel_again.site_url(), channel.site_url(), "{name}");
        assert_eq!(channel_again.version, "1.2", "{name}");
        assert_eq!(read_again.len(), read.len(), "{name}");
        for (again, first) in read_again.iter().zip(&read) {
            assert_eq!(again, first, "{name}");
        }
    }
}

#[test]
fn awkward_text_survives_and_what_xml_cannot_hold_is_left_out() {
    let channel = Channel {
        title: "Tom & Jerry's <Daily>".into(),
        link: "https://example.org".into(),
        base_site_url: "https://example.org".into(),
        base_blog_url: "https://example.org".into(),
        language: "en-IN".into(),
        ..Channel::default()
    };
    let item = Item {
        title: "A < B & \"C\"".into(),
        link: "https://example.org/a?b=1&c=2".into(),
        creator: "desk".into(),
        guid: "https://example.org/?p=7".into(),
        content: "<p>End of a CDATA: ]]> and again ]]]]>></p>\n<p>नमस्ते</p>".into(),
        excerpt: "bell\u{7} gone".into(),
        id: Some(7),
        name: "a-b-c".into(),
        status: "publish".into(),
        post_type: "post".into(),
        terms: vec![ItemTerm {
            domain: "category".into(),
            slug: "news&views".into(),
            name: "News ]]> Views".into(),
        }],
        meta: vec![("_yoast_wpseo_title".into(), "Title <b>".into())],
        ..Item::default()
    };
    let sent = vec![
        Entry::Author(Author {
            login: "desk".into(),
            display_name: "The Desk".into(),
            ..Author::default()
        }),
        Entry::Term(Term {
            taxonomy: "category".into(),
            slug: "news&views".into(),
            name: "News ]]> Views".into(),
            ..Term::default()
        }),
        Entry::Item(Box::new(item.clone())),
    ];
    let written = write(&channel, &sent);
    let (channel_again, again) = entries(written.as_slice());
    assert_eq!(channel_again.title, channel.title);
    let Entry::Item(read) = &again[2] else {
        panic!("the item comes back third: {again:?}")
    };
    assert_eq!(read.content, item.content);
    assert_eq!(read.excerpt, "bell gone");
    assert_eq!(read.title, item.title);
    assert_eq!(read.link, item.link);
    assert_eq!(read.terms, item.terms);
    assert_eq!(read.meta, item.meta);
    assert_eq!(again[1], sent[1]);

    // WordPress's parsers take an element's text as it is: no value may
    // gain the indentation around it.
    let xml = String::from_utf8(written).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    for leaf in doc
        .descendants()
        .filter(|n| n.is_element() && !n.children().any(|c| c.is_element()))
    {
        let text: String = leaf.children().filter_map(|c| c.text()).collect();
        assert_eq!(text.trim(), text, "<{}>", leaf.tag_name().name());
    }
}
