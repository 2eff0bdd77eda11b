//! NewsML-G2: a `newsItem`, a `packageItem`, or a `newsMessage` carrying
//! several, read as a stream of XML events (no tree is built, no entity is
//! expanded: a DTD's are never read, and an unknown one refuses the
//! document).
//!
//! Documents in NewsML-G2's namespace are read as the standard says. A
//! document whose root is a NewsML-G2 element without any namespace (TT's
//! feed is one) is read by its element names, and each item notes that it
//! was. A root in another namespace, and concept, planning, knowledge and
//! catalog items (which are not news), are refused with the reason.
//!
//! The pictures of a message's package go with its text items; a package
//! whose members are all in the message is not an item of its own.

use std::collections::HashMap;

use quick_xml::{
    events::Event,
    name::{Namespace, ResolveResult},
    reader::NsReader,
};

use self::draft::Draft;
use crate::{ItemKind, Picture, Rejected, WireItem};

mod draft;

pub const NAR: &str = "http://iptc.org/std/nar/2006-10-01/";
/// Deeper than any real document; a bound on the element stack.
const MAX_DEPTH: usize = 256;

/// What kind of XML document it is, by its root element.
pub enum Root {
    NewsMl,
    Feed,
}

/// Tells NewsML-G2 from RSS and Atom by the root element; refuses others.
pub fn root(bytes: &[u8]) -> Result<Root, Rejected> {
    let text = utf8(bytes)?;
    let mut reader = NsReader::from_str(text);
    loop {
        let event = reader
            .read_event()
            .map_err(|e| at_line(text, reader.error_position(), &e.to_string()))?;
        match event {
            Event::Start(e) | Event::Empty(e) => {
                let (ns, local) = reader.resolver().resolve_element(e.name());
                let local: &str = local.as_ref();
                return match (local, &ns) {
                    ("rss" | "RDF", _) => Ok(Root::Feed),
                    ("feed", _) => Ok(Root::Feed),
                    ("newsMessage" | "newsItem" | "packageItem", ResolveResult::Unbound) => {
                        Ok(Root::NewsMl)
                    }
                    (
                        "newsMessage" | "newsItem" | "packageItem",
                        ResolveResult::Bound(Namespace(uri)),
                    ) if *uri == NAR => Ok(Root::NewsMl),
                    (
                        "conceptItem" | "planningItem" | "knowledgeItem" | "catalogItem"
                        | "catalog",
                        _,
                    ) => Err(Rejected::new(format!(
                        "line {}: <{local}> is not news; Dateline reads newsItem, packageItem and newsMessage",
                        line_of(text, reader.buffer_position())
                    ))),
                    (_, ResolveResult::Bound(Namespace(uri))) => Err(Rejected::new(format!(
                        "line {}: the root <{local}> is in the namespace {uri}, not NewsML-G2's ({NAR}), RSS or Atom",
                        line_of(text, reader.buffer_position())
                    ))),
                    _ => Err(Rejected::new(format!(
                        "line {}: the root <{local}> is not NewsML-G2, RSS or Atom",
                        line_of(text, reader.buffer_position())
                    ))),
                };
            }
            Event::Eof => return Err(Rejected::new("the document has no root element")),
            _ => {}
        }
    }
}

fn utf8(bytes: &[u8]) -> Result<&str, Rejected> {
    std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        Rejected::new(format!("line {line}: not UTF-8"))
    })
}

fn line_of(text: &str, position: u64) -> usize {
    let end = usize::try_from(position)
        .unwrap_or(usize::MAX)
        .min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

pub(crate) fn at_line(text: &str, position: u64, reason: &str) -> Rejected {
    Rejected::new(format!("line {}: {reason}", line_of(text, position)))
}

/// The items of a NewsML-G2 document (see the module's comment).
pub fn read(bytes: &[u8]) -> Result<Vec<WireItem>, Rejected> {
    let text = utf8(bytes)?;
    let mut reader = NsReader::from_str(text);
    let mut depth = 0usize;
    let mut tolerated = false;
    let mut current: Option<Draft> = None;
    let mut items: Vec<Draft> = Vec::new();
    loop {
        let position = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|e| at_line(text, reader.error_position(), &e.to_string()))?;
        let empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(e) | Event::Empty(e) => {
                let (ns, local) = reader.resolver().resolve_element(e.name());
                let local: &str = local.as_ref();
                if depth == 0 {
                    tolerated = matches!(ns, ResolveResult::Unbound);
                }
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(at_line(text, position, "elements nest too deep"));
                }
                match current.as_mut() {
                    Some(draft) => draft.start(&e, local, text, position)?,
                    None if matches!(local, "newsItem" | "packageItem") => {
                        current = Some(Draft::new(&e, local, text, position)?);
                    }
                    None => {}
                }
                if empty {
                    end(&mut current, &mut items, &mut depth, text, position)?;
                }
            }
            Event::End(_) => end(&mut current, &mut items, &mut depth, text, position)?,
            Event::Text(t) => {
                if let Some(draft) = current.as_mut() {
                    draft.text(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(draft) = current.as_mut() {
                    draft.text(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => quick_xml::escape::resolve_predefined_entity(&r)
                        .map(str::to_owned)
                        .ok_or_else(|| {
                            at_line(text, position, &format!("unknown entity &{};", &*r))
                        })?,
                    Err(e) => return Err(at_line(text, position, &e.to_string())),
                };
                if let Some(draft) = current.as_mut() {
                    draft.text(&resolved);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(open) = current {
        return Err(Rejected::new(format!(
            "the document ends inside the item {}",
            open.item.guid
        )));
    }
    let mut items = link_packages(items);
    if items.is_empty() {
        return Err(Rejected::new(
            "the document holds no newsItem or packageItem",
        ));
    }
    if tolerated {
        for item in &mut items {
            item.notes.push(
                "the document has no namespace; read as NewsML-G2 by its element names".into(),
            );
        }
    }
    Ok(items)
}

/// Closes the innermost open element; an item ends with its own element.
fn end(
    current: &mut Option<Draft>,
    items: &mut Vec<Draft>,
    depth: &mut usize,
    text: &str,
    position: u64,
) -> Result<(), Rejected> {
    *depth = depth.saturating_sub(1);
    let Some(draft) = current.as_mut() else {
        return Ok(());
    };
    if draft.path.is_empty() {
        items.extend(current.take());
        return Ok(());
    }
    draft.end(text, position)
}

/// Pictures of a package go with its text items; a package whose members
/// are all in the document is dropped (its items stand for it).
fn link_packages(drafts: Vec<Draft>) -> Vec<WireItem> {
    let (packages, drafts): (Vec<Draft>, Vec<Draft>) = drafts.into_iter().partition(|d| d.package);
    let mut items: Vec<WireItem> = drafts.into_iter().map(Draft::finish).collect();
    let index: HashMap<String, usize> = items
        .iter()
        .enumerate()
        .map(|(i, item)| (item.guid.clone(), i))
        .collect();
    let mut kept = Vec::new();
    for package in packages {
        let members: Vec<usize> = package
            .members
            .iter()
            .filter_map(|guid| index.get(guid).copied())
            .collect();
        let pictures: Vec<Picture> = members
            .iter()
            .flat_map(|i| match items[*i].kind {
                ItemKind::Picture | ItemKind::Graphic => items[*i].pictures.clone(),
                _ => Vec::new(),
            })
            .collect();
        for i in &members {
            if items[*i].kind == ItemKind::Text {
                items[*i].pictures.extend(pictures.iter().cloned());
            }
        }
        if members.len() < package.members.len() || package.members.is_empty() {
            kept.push(package.finish());
        }
    }
    items.extend(kept);
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    const ITEM: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:example:1" version="3" xml:lang="en">
  <itemMeta><itemClass qcode="ninat:text"/><provider qcode="nprov:EXAMPLE"/>
    <versionCreated>2026-11-20T10:00:00+05:30</versionCreated>
    <embargoed>2026-11-21T00:00:00Z</embargoed><pubStatus qcode="stat:usable"/></itemMeta>
  <contentMeta><urgency>2</urgency><located><name>Kochi</name></located>
    <subject qcode="medtop:04000000"><name>economy &amp; finance</name></subject>
    <headline>Port traffic &lt;up&gt; 12%</headline><by>Staff Reporter</by></contentMeta>
  <contentSet><inlineXML contenttype="application/xhtml+xml">
    <html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head>
    <body><p>Cargo rose <em>sharply</em>.</p><p onclick="x">Second &#8212; line.</p></body></html>
  </inlineXML></contentSet>
</newsItem>"#;

    #[test]
    fn a_news_item_is_read_with_its_fields_and_body() {
        let item = read(ITEM.as_bytes()).unwrap().remove(0);
        assert_eq!(
            (item.guid.as_str(), item.version),
            ("urn:example:1", Some(3))
        );
        assert_eq!(item.headline, "Port traffic <up> 12%");
        assert_eq!(
            item.body_html,
            "<p>Cargo rose <em>sharply</em>.</p><p>Second \u{2014} line.</p>"
        );
        assert_eq!(
            item.version_created.unwrap().to_string(),
            "2026-11-20T04:30:00Z"
        );
        assert_eq!(item.embargo.unwrap().to_string(), "2026-11-21T00:00:00Z");
        assert_eq!(
            (item.urgency, item.dateline.as_deref()),
            (Some(2), Some("Kochi"))
        );
        assert_eq!(item.subjects[0].name.as_deref(), Some("economy & finance"));
        assert_eq!(item.byline.as_deref(), Some("Staff Reporter"));
        assert!(item.notes.is_empty());
    }

    #[test]
    fn broken_documents_are_refused_with_their_line() {
        for (doc, reason) in [
            (
                "<newsItem xmlns=\"http://iptc.org/std/nar/2006-10-01/\">\n<x/></newsItem>",
                "line 1: <newsItem> has no guid",
            ),
            (
                "<newsItem guid=\"a\">\n<headline>x</wrong></newsItem>",
                "line 2:",
            ),
            (
                "<newsItem guid=\"a\" version=\"two\"/>",
                "version \"two\" is not a number",
            ),
            (
                "<newsItem guid=\"a\">\n\n<headline>&bomb;</headline></newsItem>",
                "line 3: unknown entity &bomb;",
            ),
            (
                "<newsItem guid=\"a\"><itemMeta><embargoed>soon</embargoed></itemMeta></newsItem>",
                "\"soon\" is not a date",
            ),
            (
                "<newsItem guid=\"a\"><contentMeta>",
                "ends inside the item a",
            ),
            ("<newsMessage/>", "holds no newsItem"),
        ] {
            let refused = read(doc.as_bytes()).unwrap_err();
            assert!(refused.reason.contains(reason), "{doc}: {refused}");
        }
        for (doc, reason) in [
            ("<conceptItem guid=\"a\"/>", "is not news"),
            (
                "<x:newsItem xmlns:x=\"urn:other\"/>",
                "in the namespace urn:other",
            ),
            ("<html/>", "not NewsML-G2, RSS or Atom"),
        ] {
            let refused = root(doc.as_bytes()).err().unwrap();
            assert!(refused.reason.contains(reason), "{doc}: {refused}");
        }
    }
}
