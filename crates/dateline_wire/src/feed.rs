//! RSS 2.0 (and 0.9x/1.0) and Atom entries, read by feed-rs. A feed has no
//! version numbers: the store numbers an entry's changed copies.

use feed_rs::model::{Entry, Feed, FeedType, Text};

use crate::{Format, ItemKind, Picture, Rejected, Subject, WireItem, text::paragraphs};

pub fn read(bytes: &[u8]) -> Result<Vec<WireItem>, Rejected> {
    declaration_first(bytes)?;
    let feed = feed_rs::parser::Builder::new()
        .sanitize_content(false)
        .build()
        .parse(bytes)
        .map_err(|e| Rejected::new(format!("not a valid RSS or Atom feed: {e}")))?;
    let format = match feed.feed_type {
        FeedType::Atom => Format::Atom,
        _ => Format::Rss,
    };
    Ok(feed
        .entries
        .iter()
        .map(|entry| item(&feed, entry, format))
        .collect())
}

/// A feed's time (chrono's, as feed-rs gives it) as ours.
macro_rules! timestamp {
    ($at:expr) => {
        $at.and_then(|at| {
            let nanos = i32::try_from(at.timestamp_subsec_nanos()).ok()?;
            jiff::Timestamp::new(at.timestamp(), nanos).ok()
        })
    };
}

/// HTML for a text construct: as is when it is HTML, else paragraphs.
fn html(text: &Text) -> String {
    if text.content_type.subty() == "html" || text.content_type.subty() == "xhtml+xml" {
        text.content.trim().to_owned()
    } else {
        paragraphs(&text.content)
    }
}

/// Refuses a document that is not well-formed to quick-xml, or has an XML
/// declaration anywhere but at its start: feed-rs would switch decoders
/// there, which its reader does not allow once under way (it panics; found
/// by fuzzing).
fn declaration_first(bytes: &[u8]) -> Result<(), Rejected> {
    let text = std::str::from_utf8(bytes).map_err(|_| Rejected::new("not UTF-8"))?;
    let mut reader = quick_xml::reader::NsReader::from_str(text);
    let mut first = true;
    loop {
        let position = reader.buffer_position();
        match reader.read_event() {
            Ok(quick_xml::events::Event::Decl(_)) if !first => {
                return Err(crate::newsml::at_line(
                    text,
                    position,
                    "an XML declaration may only open the document",
                ));
            }
            Ok(quick_xml::events::Event::Eof) => return Ok(()),
            // feed-rs reads with the same quick-xml and its strictness: what
            // stops this reader would stop it, unless it reads on (it did,
            // into a late declaration, in a fuzzed document).
            Err(e) => {
                return Err(crate::newsml::at_line(
                    text,
                    reader.error_position(),
                    &e.to_string(),
                ));
            }
            Ok(_) => first = false,
        }
    }
}

fn item(feed: &Feed, entry: &Entry, format: Format) -> WireItem {
    let mut item = WireItem::new(format, entry.id.trim().to_owned());
    item.kind = ItemKind::Text;
    item.headline = entry
        .title
        .as_ref()
        .map(|t| t.content.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    item.body_html = match (&entry.content, &entry.summary) {
        (Some(content), _)
            if content
                .body
                .as_deref()
                .is_some_and(|b| !b.trim().is_empty()) =>
        {
            let body = content.body.as_deref().unwrap_or_default();
            if content.content_type.subty() == "plain" {
                paragraphs(body)
            } else {
                body.trim().to_owned()
            }
        }
        (_, Some(summary)) => html(summary),
        _ => String::new(),
    };
    let authors: Vec<&str> = entry
        .authors
        .iter()
        .filter_map(|p| p.name.as_deref())
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    item.byline = (!authors.is_empty()).then(|| authors.join(", "));
    item.subjects = entry
        .categories
        .iter()
        .map(|c| Subject {
            code: Some(c.term.clone()).filter(|t| !t.trim().is_empty()),
            name: c.label.clone(),
        })
        .filter(|s| s.code.is_some() || s.name.is_some())
        .collect();
    item.language = entry.language.clone().or_else(|| feed.language.clone());
    item.first_created = timestamp!(entry.published);
    item.version_created = timestamp!(entry.updated).or(item.first_created);
    item.provider = feed.title.as_ref().map(|t| t.content.clone());
    item.copyright = entry
        .rights
        .as_ref()
        .or(feed.rights.as_ref())
        .map(|r| r.content.clone());
    item.pictures = entry
        .media
        .iter()
        .flat_map(|m| {
            m.content
                .iter()
                .filter(|c| c.content_type.as_ref().is_none_or(|t| t.ty() == "image"))
                .filter_map(|c| c.url.as_ref())
                .map(|url| Picture {
                    uri: url.to_string(),
                    caption: m
                        .description
                        .as_ref()
                        .or(m.title.as_ref())
                        .map(|t| t.content.clone()),
                    credit: m.credits.first().map(|c| c.entity.clone()),
                })
        })
        .collect();
    item
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss_and_atom_entries_become_items() {
        let rss = br#"<?xml version="1.0"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Example Wire</title>
<item><guid>urn:ex:1</guid><title>Bus fares  rise</title><description>&lt;p&gt;Fares rise by &lt;b&gt;5%&lt;/b&gt;.&lt;/p&gt;</description>
<category>transport</category><pubDate>Fri, 20 Nov 2026 04:00:00 GMT</pubDate>
<media:content url="https://x.example/bus.jpg" medium="image" type="image/jpeg"><media:description>A bus.</media:description><media:credit>Staff</media:credit></media:content>
</item></channel></rss>"#;
        let items = crate::read(rss).unwrap();
        let item = &items[0];
        assert_eq!((item.format, item.guid.as_str()), (Format::Rss, "urn:ex:1"));
        assert_eq!(item.headline, "Bus fares rise");
        assert!(item.body_html.contains("<b>5%</b>"), "{}", item.body_html);
        assert_eq!(item.provider.as_deref(), Some("Example Wire"));
        assert_eq!(
            item.first_created.unwrap().to_string(),
            "2026-11-20T04:00:00Z"
        );
        assert_eq!(item.pictures[0].uri, "https://x.example/bus.jpg");
        assert_eq!(item.pictures[0].credit.as_deref(), Some("Staff"));

        let atom = br#"<feed xmlns="http://www.w3.org/2005/Atom"><title>Desk</title><id>urn:f</id>
<updated>2026-11-20T04:00:00Z</updated><entry><id>urn:ex:2</id><title>Dam gates open</title>
<updated>2026-11-20T05:00:00Z</updated><author><name>R. Iyer</name></author>
<content type="text">Water released.</content></entry></feed>"#;
        let item = crate::read(atom).unwrap().remove(0);
        assert_eq!(
            (item.format, item.byline.as_deref()),
            (Format::Atom, Some("R. Iyer"))
        );
        assert_eq!(item.body_html, "<p>Water released.</p>\n");
        assert!(crate::read(b"<rss><channel><item>").is_err());
        // Found by fuzzing: a declaration after the root made feed-rs panic.
        let late = crate::read(b"<feed>\n<?xml version=\"1.0\" encoding=\"UTF-16\"?></feed>");
        assert_eq!(
            late.unwrap_err().reason,
            "line 2: an XML declaration may only open the document"
        );
    }
}
