use super::*;

#[test]
fn classic_content_gets_paragraphs_and_line_breaks() {
    let converted = convert("First line\nsecond line\n\n\nA new paragraph.\n\n<h2>Head</h2>");
    assert_eq!(
        converted.html,
        "<p>First line<br>\nsecond line</p>\n\n<p>A new paragraph.</p>\n\n<h2>Head</h2>\n\n"
    );
    assert!(converted.placed.is_empty());
}

#[test]
fn a_caption_becomes_a_picture_with_its_words() {
    let converted = convert(
        "Before.\n\n[caption id=\"attachment_6\" align=\"alignright\" width=\"300\"]<a href=\"/x\"><img class=\"size-medium wp-image-6\" src=\"https://old.example/wp-content/uploads/2010/08/boat.jpg\" alt=\"A boat\" /></a> Boats &amp; more[/caption]\n\nAfter.",
    );
    assert_eq!(
        converted.placed,
        vec![Placed::Picture {
            src: "https://old.example/wp-content/uploads/2010/08/boat.jpg".into(),
            attachment: Some(6),
            alt: "A boat".into(),
            caption: "Boats & more".into(),
        }]
    );
    assert!(converted.html.contains(&format!("<p>{}</p>", marker(0))));
    assert!(converted.html.starts_with("<p>Before.</p>"));
    assert!(converted.html.trim_end().ends_with("<p>After.</p>"));
}

#[test]
fn galleries_embeds_and_files_are_placed_and_other_shortcodes_noted() {
    let converted = convert(
        "[gallery ids=\"3, 5,x,8\"]\n\n[embed]https://www.youtube.com/watch?v=aqz-KE-bpKQ[/embed]\n\n[audio mp3=\"https://old.example/a.mp3\"][/audio]\n\n[contact-form id=\"4\"] Text [sic].\n\nhttps://vimeo.com/22439234",
    );
    // In the order the shortcodes are read, not the text's: each marker
    // names its own.
    let expected = [
        Placed::Gallery {
            attachments: vec![3, 5, 8],
        },
        Placed::Embed {
            url: "https://www.youtube.com/watch?v=aqz-KE-bpKQ".into(),
        },
        Placed::File {
            url: "https://old.example/a.mp3".into(),
        },
        Placed::Embed {
            url: "https://vimeo.com/22439234".into(),
        },
    ];
    assert_eq!(
        converted.placed.len(),
        expected.len(),
        "{:?}",
        converted.placed
    );
    for placed in &expected {
        assert!(
            converted.placed.contains(placed),
            "{placed:?} in {:?}",
            converted.placed
        );
    }
    let gallery = converted
        .placed
        .iter()
        .position(|p| *p == expected[0])
        .unwrap();
    let vimeo = converted
        .placed
        .iter()
        .position(|p| *p == expected[3])
        .unwrap();
    let html = &converted.html;
    assert!(
        html.find(&marker(gallery)).unwrap() < html.find(&marker(vimeo)).unwrap(),
        "{html}"
    );
    assert_eq!(converted.notes, vec!["shortcode [contact-form] dropped"]);
    assert!(
        converted.html.contains("<p>Text [sic].</p>"),
        "{}",
        converted.html
    );
}

#[test]
fn block_markup_loses_its_comments_and_keeps_embeds_and_figures() {
    let converted = convert(concat!(
        "<!-- wp:paragraph -->\n<p>Hello <strong>world</strong>.</p>\n<!-- /wp:paragraph -->\n\n",
        "<!-- wp:image {\"id\":42,\"sizeSlug\":\"large\"} -->\n<figure class=\"wp-block-image size-large\"><img src=\"https://old.example/i.jpg\" alt=\"Rain\" class=\"wp-image-42\"/><figcaption>Monsoon rain</figcaption></figure>\n<!-- /wp:image -->\n\n",
        "<!-- wp:embed {\"url\":\"https://twitter.com/x/status/1\",\"type\":\"rich\"} -->\n<figure class=\"wp-block-embed\"><div>https://twitter.com/x/status/1</div></figure>\n<!-- /wp:embed -->\n\n",
        "<!-- wp:separator /-->"
    ));
    assert!(!converted.html.contains("wp:"), "{}", converted.html);
    assert!(
        converted
            .html
            .contains("<p>Hello <strong>world</strong>.</p>")
    );
    assert_eq!(
        converted.placed,
        vec![
            Placed::Embed {
                url: "https://twitter.com/x/status/1".into()
            },
            Placed::Picture {
                src: "https://old.example/i.jpg".into(),
                attachment: Some(42),
                alt: "Rain".into(),
                caption: "Monsoon rain".into(),
            },
        ]
    );
}

#[test]
fn a_stray_marker_in_the_content_is_taken_out() {
    let converted = convert(&format!("a{MARK}0{MARK}b"));
    assert_eq!(converted.html, "<p>a0b</p>\n\n");
}

#[test]
fn text_after_a_block_on_the_same_line_is_a_paragraph_of_its_own() {
    let converted = convert("<address>1 Harbour Road</address><strong>Next</strong> line");
    assert_eq!(
        converted.html,
        "<address>1 Harbour Road</address>\n\n<p><strong>Next</strong> line</p>\n\n"
    );
    let quoted = convert("<blockquote><p>Said.</p></blockquote>\nAfter.");
    assert_eq!(
        quoted.html,
        "<blockquote><p>Said.</p>\n\n</blockquote>\n\n<p>After.</p>\n\n"
    );
}
