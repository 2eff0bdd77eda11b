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
    XmlVersion,
    events::{BytesStart, Event},
    name::{Namespace, ResolveResult},
    reader::NsReader,
};

use crate::{
    Format, ItemKind, Picture, PubStatus, Rejected, Subject, WireItem, parse_time,
    text::{escape, paragraphs},
    urgency,
};

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

/// An item being read.
struct Draft {
    item: WireItem,
    package: bool,
    /// A package's members, by guid.
    members: Vec<String>,
    /// The element stack from the item down.
    path: Vec<String>,
    /// Where a body is being copied: the depth of its `inlineXML`.
    inline_xml: Option<usize>,
    /// Inside a part of an inline document that is not body text
    /// (a NITF `body.head`, an XHTML `head`): the depth it began at.
    skipping: Option<usize>,
    inline_data: bool,
    /// The widest `remoteContent` (a picture's file).
    remote: Option<(u64, String)>,
    creator: Option<String>,
    description: Option<String>,
    credit: Option<String>,
    slugline: Option<String>,
    /// Text of the leaf element being read.
    text: String,
}

/// Elements of inline XHTML or NITF that carry no body text.
const NOT_BODY: &[&str] = &[
    "head",
    "title",
    "meta",
    "style",
    "script",
    "body.head",
    "body.end",
    "docdata",
    "pubdata",
];

/// Inline NITF and XHTML elements and what they are in HTML (`None`:
/// left out, their text kept).
fn html_name(local: &str) -> Option<&str> {
    match local {
        "hl1" => Some("h2"),
        "hl2" => Some("h3"),
        "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "ul" | "ol" | "li" | "em" | "strong"
        | "b" | "i" | "a" | "blockquote" | "table" | "tr" | "td" | "th" | "thead" | "tbody"
        | "br" | "q" | "sub" | "sup" => Some(local),
        _ => None,
    }
}

impl Draft {
    fn new(e: &BytesStart, local: &str, text: &str, position: u64) -> Result<Self, Rejected> {
        let attr = |name: &str| attribute(e, name, text, position);
        let guid = attr("guid")?
            .filter(|g| !g.trim().is_empty())
            .ok_or_else(|| at_line(text, position, &format!("<{local}> has no guid")))?;
        let mut item = WireItem::new(Format::NewsmlG2, guid.trim().to_owned());
        item.version =
            match attr("version")? {
                Some(v) => Some(v.trim().parse().map_err(|_| {
                    at_line(text, position, &format!("version {v:?} is not a number"))
                })?),
                None => None,
            };
        item.language = attr("xml:lang")?;
        let package = local == "packageItem";
        if package {
            item.kind = ItemKind::Composite;
        }
        Ok(Self {
            item,
            package,
            members: Vec::new(),
            path: Vec::new(),
            inline_xml: None,
            skipping: None,
            inline_data: false,
            remote: None,
            creator: None,
            description: None,
            credit: None,
            slugline: None,
            text: String::new(),
        })
    }

    fn parent(&self) -> Option<&str> {
        self.path.iter().rev().nth(1).map(String::as_str)
    }

    fn copying(&self) -> bool {
        self.inline_xml.is_some() && self.skipping.is_none()
    }

    fn start(
        &mut self,
        e: &BytesStart,
        local: &str,
        text: &str,
        position: u64,
    ) -> Result<(), Rejected> {
        self.path.push(local.to_owned());
        let depth = self.path.len();
        if self.inline_xml.is_some() {
            if self.skipping.is_none() && NOT_BODY.contains(&local) {
                self.skipping = Some(depth);
            }
            if self.copying()
                && let Some(name) = html_name(local)
            {
                self.item.body_html.push('<');
                self.item.body_html.push_str(name);
                if name == "a"
                    && let Some(href) = attribute(e, "href", text, position)?
                {
                    self.item.body_html.push_str(" href=\"");
                    self.item.body_html.push_str(&escape(&href));
                    self.item.body_html.push('"');
                }
                self.item.body_html.push('>');
            }
            return Ok(());
        }
        self.text.clear();
        let attr = |name: &str| attribute(e, name, text, position);
        match (self.parent(), local) {
            (Some("itemMeta"), "itemClass") if !self.package => {
                if let Some(code) = attr("qcode")? {
                    self.item.kind = ItemKind::from_code(&code);
                }
            }
            (Some("itemMeta"), "provider") => {
                self.item.provider = attr("qcode")?.or(attr("literal")?)
            }
            (Some("itemMeta"), "pubStatus") => {
                if let Some(code) = attr("qcode")? {
                    self.item.pub_status = PubStatus::from_code(&code);
                }
            }
            (Some("contentMeta"), "language") => {
                if let Some(tag) = attr("tag")? {
                    self.item.language = Some(tag);
                }
            }
            (Some("contentMeta"), "subject") => self.item.subjects.push(Subject {
                code: attr("qcode")?.or(attr("uri")?),
                name: None,
            }),
            (_, "itemRef") if self.package => {
                if let Some(id) = attr("residref")? {
                    self.members.push(id);
                }
            }
            (Some("contentSet"), "inlineXML") => self.inline_xml = Some(depth),
            (Some("contentSet"), "inlineData") => self.inline_data = true,
            (Some("contentSet"), "remoteContent") => {
                if let Some(href) = attr("href")? {
                    let width = attr("width")?.and_then(|w| w.parse().ok()).unwrap_or(0);
                    if self.remote.as_ref().is_none_or(|(w, _)| width > *w) {
                        self.remote = Some((width, href));
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn text(&mut self, s: &str) {
        if self.inline_xml.is_some() {
            if self.copying() {
                self.item.body_html.push_str(&escape(s));
            }
        } else {
            self.text.push_str(s);
        }
    }

    fn end(&mut self, text: &str, position: u64) -> Result<(), Rejected> {
        let depth = self.path.len();
        let local = self.path.pop().unwrap_or_default();
        if let Some(start) = self.inline_xml {
            if depth == start {
                self.inline_xml = None;
            } else {
                if self.copying()
                    && let Some(name) = html_name(&local)
                    && name != "br"
                {
                    self.item.body_html.push_str("</");
                    self.item.body_html.push_str(name);
                    self.item.body_html.push('>');
                }
                if self.skipping == Some(depth) {
                    self.skipping = None;
                }
            }
            return Ok(());
        }
        let value = std::mem::take(&mut self.text);
        let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
        let set = |slot: &mut Option<String>| {
            if slot.is_none() && !value.is_empty() {
                *slot = Some(value.clone());
            }
        };
        let time = |name: &str| {
            parse_time(&value).ok_or_else(|| {
                at_line(
                    text,
                    position,
                    &format!("<{name}> {value:?} is not a date and time"),
                )
            })
        };
        // `path` no longer holds `local`: its last element is the parent.
        match (self.path.last().map(String::as_str), local.as_str()) {
            (Some("itemMeta"), "versionCreated") => {
                self.item.version_created = Some(time("versionCreated")?)
            }
            (Some("itemMeta"), "firstCreated") => {
                self.item.first_created = Some(time("firstCreated")?)
            }
            (Some("itemMeta"), "embargoed") => self.item.embargo = Some(time("embargoed")?),
            (Some("contentMeta"), "contentCreated") if self.item.first_created.is_none() => {
                self.item.first_created = Some(time("contentCreated")?);
            }
            (Some("contentMeta"), "urgency") => {
                self.item.urgency = value.parse::<f64>().ok().and_then(urgency);
            }
            (Some("contentMeta"), "headline") if self.item.headline.is_empty() => {
                self.item.headline = value
            }
            (Some("contentMeta"), "by") => set(&mut self.item.byline),
            (Some("contentMeta"), "dateline") => set(&mut self.item.dateline),
            (Some("contentMeta"), "slugline") => set(&mut self.slugline),
            (Some("contentMeta"), "description") => set(&mut self.description),
            (Some("contentMeta"), "creditline") => set(&mut self.credit),
            (Some("located"), "name") => set(&mut self.item.dateline),
            (Some("creator"), "name") => set(&mut self.creator),
            (Some("subject"), "name") => {
                if let Some(subject) = self.item.subjects.last_mut()
                    && subject.name.is_none()
                    && !value.is_empty()
                {
                    subject.name = Some(value);
                }
            }
            (Some("provider"), "name") => set(&mut self.item.provider),
            (Some("rightsInfo"), "copyrightNotice") => set(&mut self.item.copyright),
            (Some("rightsInfo"), "usageTerms") => set(&mut self.item.usage_terms),
            (Some("copyrightHolder"), "name") if self.item.copyright.is_none() => {
                self.item.copyright = Some(format!("© {value}"));
            }
            (Some("contentSet"), "inlineData") => {
                self.inline_data = false;
                if self.item.body_html.is_empty() {
                    self.item.body_html = paragraphs(&value);
                }
            }
            (Some("itemRef"), "title") if self.package && self.item.headline.is_empty() => {
                self.item.headline = value;
            }
            _ => {}
        }
        Ok(())
    }

    fn finish(mut self) -> WireItem {
        let item = &mut self.item;
        item.subjects
            .retain(|s| s.code.is_some() || s.name.is_some());
        if item.byline.is_none() {
            item.byline = self.creator.take();
        }
        if item.headline.is_empty() {
            item.headline = self.slugline.take().unwrap_or_default();
        }
        item.body_html = item.body_html.trim().to_owned();
        if matches!(item.kind, ItemKind::Picture | ItemKind::Graphic) {
            item.pictures.push(Picture {
                uri: self
                    .remote
                    .take()
                    .map_or_else(|| item.guid.clone(), |(_, href)| href),
                caption: self
                    .description
                    .take()
                    .or_else(|| Some(item.headline.clone()).filter(|h| !h.is_empty())),
                credit: self.credit.take().or_else(|| item.byline.clone()),
            });
        }
        self.item
    }
}

/// An attribute's value with its entities read, by its qualified name.
fn attribute(
    e: &BytesStart,
    name: &str,
    text: &str,
    position: u64,
) -> Result<Option<String>, Rejected> {
    let attr = e
        .try_get_attribute(name)
        .map_err(|err| at_line(text, position, &err.to_string()))?;
    attr.map(|a| {
        a.normalized_value(XmlVersion::Implicit1_0)
            .map(|v| v.trim().to_owned())
            .map_err(|err| at_line(text, position, &format!("attribute {name}: {err}")))
    })
    .transpose()
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
