//! One NewsML-G2 item as it is read: its fields, its body copied from
//! inline XHTML or NITF, its package members and picture.

use quick_xml::{XmlVersion, events::BytesStart};

use super::at_line;
use crate::{
    Format, ItemKind, Picture, PubStatus, Rejected, Subject, WireItem, parse_time,
    text::{escape, paragraphs},
    urgency,
};

/// An item being read.
pub(super) struct Draft {
    pub(super) item: WireItem,
    pub(super) package: bool,
    /// A package's members, by guid.
    pub(super) members: Vec<String>,
    /// The element stack from the item down.
    pub(super) path: Vec<String>,
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
    pub(super) fn new(
        e: &BytesStart,
        local: &str,
        text: &str,
        position: u64,
    ) -> Result<Self, Rejected> {
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

    pub(super) fn start(
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

    pub(super) fn text(&mut self, s: &str) {
        if self.inline_xml.is_some() {
            if self.copying() {
                self.item.body_html.push_str(&escape(s));
            }
        } else {
            self.text.push_str(s);
        }
    }

    pub(super) fn end(&mut self, text: &str, position: u64) -> Result<(), Rejected> {
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

    pub(super) fn finish(mut self) -> WireItem {
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
pub(super) fn attribute(
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
