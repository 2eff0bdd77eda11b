//! Blocks in rendered bodies: where they go, what stays text, and that the
//! sanitiser still has the last word on everything else.

use super::*;

#[test]
fn blocks_take_the_place_of_their_paragraphs() {
    let html = render_markdown(concat!(
        "Intro.\n\n",
        "::pullquote{text=\"We are <ready>\" by=\"The harbour master\"}\n\n",
        "::embed{url=\"https://youtu.be/aqz-KE-bpKQ\"}\n\n",
        "::also{article=17 title=\"Ferry fares to rise\"}\n\n",
        "::figure{media=4 size=wide caption=\"Dawn\" credit=\"Asha Rao\"}\n\n",
        "Outro.\n",
    ));
    assert_eq!(
        html,
        concat!(
            "<p>Intro.</p>\n",
            r#"<figure class="pull-quote"><blockquote><p>We are &lt;ready&gt;</p></blockquote><figcaption>The harbour master</figcaption></figure>"#,
            "\n",
            r#"<p class="embed-link"><a href="https://youtu.be/aqz-KE-bpKQ" rel="noopener noreferrer">YouTube: https://youtu.be/aqz-KE-bpKQ</a></p>"#,
            "\n",
            r#"<p class="also-read">Also read: <a href="/article/story-17">Ferry fares to rise</a></p>"#,
            "\n",
            r#"<figure class="figure figure-wide"><figcaption>Dawn <span class="credit">Asha Rao</span></figcaption></figure>"#,
            "\n<p>Outro.</p>\n",
        )
    );
}

#[test]
fn a_key_points_box_holds_what_is_between_its_lines() {
    let html = render_markdown(
        "::: keypoints\n\n- Buses every *15* minutes\n- <script>x()</script>Fares stay\n\n:::\n\nAfter.",
    );
    assert!(
        html.starts_with(r#"<aside class="key-points"><h2>Key points</h2>"#),
        "{html}"
    );
    assert!(html.contains("<em>15</em>"), "{html}");
    assert!(!html.contains("<script"), "{html}");
    assert!(html.contains("</aside>\n<p>After.</p>"), "{html}");
    // Without its close, the open line is only text.
    let html = render_markdown("::: keypoints\n\n- one");
    assert!(html.starts_with("<p>::: keypoints</p>"), "{html}");
}

#[test]
fn directives_that_are_not_blocks_stay_text() {
    for line in [
        "::figure{media=x}",
        "::embed{url=\"https://evil.example/x\"}",
        "::figure{media=4 onload=\"alert(1)\"}",
        "::pullquote{text=\"<img src=x onerror=alert(1)>\"",
        "> ::figure{media=4}",
        "- ::figure{media=4}",
        "Text\n::figure{media=4}",
        "\\::figure{media=4}",
    ] {
        let html = render_markdown(line);
        assert!(!html.contains("<figure"), "{line:?}: {html}");
        assert!(!html.contains("onerror"), "{line:?}: {html}");
        assert!(html.contains("::"), "{line:?} is shown as typed: {html}");
    }
}

#[test]
fn the_block_marker_cannot_be_typed() {
    let html = render_markdown("\u{E000}0\u{E000}\n\n::pullquote{text=\"Real\"}");
    assert_eq!(html.matches("pull-quote").count(), 1, "{html}");
    assert!(!html.contains('\u{E000}'), "{html}");
}

#[test]
fn plain_text_has_the_words_readers_see_in_blocks() {
    let text = plain_text(
        "Intro.\n\n::figure{media=4 caption=\"Boats at dawn\"}\n\n::also{article=3 title=\"Old\"}\n\n~~gone~~ | a |",
    );
    assert_eq!(text, "Intro.\n\nBoats at dawn\n\ngone | a |");
}

proptest::proptest! {
    /// Whatever the body, rendering finishes, and no handler or script
    /// gets through, blocks or not.
    #[test]
    fn rendering_any_text_is_safe(
        lines in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::string::string_regex("::[a-z]{1,9}\\{[a-z =\"<>\\\\/.:0-9]{0,40}\\}").unwrap(),
                proptest::string::string_regex(":::( keypoints)?").unwrap(),
                proptest::string::string_regex("[-*> #]{0,3}[a-z<>=\"'/ ]{0,30}").unwrap(),
                proptest::strategy::Just("<script>alert(1)</script>".to_owned()),
                proptest::strategy::Just("::figure{media=1 alt=\"\\\" onerror=alert(1)\"}".to_owned()),
            ],
            0..12,
        )
    ) {
        let markdown = lines.join("\n\n");
        let html = render_markdown(&markdown);
        proptest::prop_assert!(!html.contains("<script"), "{}", html);
        proptest::prop_assert!(!html.contains(" onerror="), "{}", html);
        let _ = plain_text(&markdown);
    }
}

#[test]
fn a_bad_block_is_named_with_its_line() {
    let problems =
        block_problems("Intro.\n\n::embed{url=\"https://evil.example/v/1\"}\n\n::figure{media=2}");
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0]
            .reason
            .starts_with("line 3: \"evil.example\" cannot be embedded"),
        "{}",
        problems[0].reason
    );
}
