//! WordPress eXtended RSS (WXR 1.0–1.2), the file WordPress's Tools → Export
//! writes, read as a stream of quick-xml events: the channel's header
//! first ([`WxrReader::open`] refuses a file that is not an export of a
//! known version before anything is read from its entries), then one
//! [`Entry`] at a time, each built as a small tree and dropped when
//! returned. Elements are told apart by namespace URI, so a prefix bound
//! to another namespace is not mistaken for WordPress's, whatever the
//! version in the URI. No DTD is read and no entity is expanded beyond
//! XML's own; an unknown one refuses the file at its place.

mod entries;
mod node;
mod write;

use std::io::BufRead;

use quick_xml::{
    XmlVersion,
    events::{BytesStart, Event},
    name::ResolveResult,
    reader::NsReader,
};

pub use self::entries::{Author, Channel, Comment, Entry, Item, ItemTerm, Term};
use self::node::{Node, Ns};
pub use self::write::WxrWriter;
use crate::{LineCounter, ReadError};

/// Deeper than any export nests; a bound on the tree of one entry.
const MAX_DEPTH: usize = 64;
/// The versions WordPress has written (1.0 since 2.1, 1.2 since 3.1).
pub const VERSIONS: [&str; 3] = ["1.0", "1.1", "1.2"];

/// Reads a WXR file entry by entry (see the module's comment).
pub struct WxrReader<R> {
    xml: NsReader<LineCounter<R>>,
    buf: Vec<u8>,
    channel: Channel,
    /// The entry being read and its open elements, outermost first.
    open: Vec<Node>,
    /// Element depth in the document: 1 is `<rss>`, 3 an entry.
    depth: usize,
    /// An empty element (`<a/>`) was given as opened; its close is next.
    pending_close: bool,
}

impl<R: BufRead> WxrReader<R> {
    /// Reads the header up to the first entry and checks that this is a
    /// WordPress export of a version WordPress wrote.
    pub fn open(reader: R) -> Result<Self, ReadError> {
        let mut this = Self {
            xml: NsReader::from_reader(LineCounter::new(reader)),
            buf: Vec::new(),
            channel: Channel::default(),
            open: Vec::new(),
            depth: 0,
            pending_close: false,
        };
        let mut header = Node::new(Ns::Rss, "channel".into(), 0);
        loop {
            match this.step()? {
                Step::Opened(node) => {
                    this.depth += 1;
                    match this.depth {
                        1 if !node.is(Ns::Rss, "rss") => {
                            return Err(error_at(
                                node.line,
                                format!(
                                    "this is not a WordPress export: its root element is <{}>, not <rss>",
                                    node.name
                                ),
                            ));
                        }
                        2 if !node.is(Ns::Rss, "channel") => {
                            return Err(error_at(
                                node.line,
                                format!(
                                    "this is not a WordPress export: <rss> holds <{}> where its <channel> should be",
                                    node.name
                                ),
                            ));
                        }
                        1 | 2 => {}
                        3 if Entry::is_entry(&node) => {
                            this.open.push(node);
                            break;
                        }
                        depth if depth > MAX_DEPTH => {
                            return Err(error_at(node.line, "elements nest too deep"));
                        }
                        _ => this.open.push(node),
                    }
                }
                Step::Text(text) => this.add_text(&text),
                Step::Closed => {
                    this.depth -= 1;
                    if this.depth == 1 {
                        // The channel ended without a single entry.
                        break;
                    }
                    if let Some(node) = this.close() {
                        header.children.push(node);
                    }
                }
                Step::Eof => {
                    return Err(ReadError::whole(if this.depth == 0 {
                        "this is not a WordPress export: the file has no XML elements".to_owned()
                    } else {
                        "the file ends before its channel does".to_owned()
                    }));
                }
            }
        }
        this.channel = Channel::of(&header);
        match this.channel.version.as_str() {
            "" => Err(ReadError::whole(
                "this does not appear to be a WordPress export: it has no WXR version (<wp:wxr_version>)",
            )),
            v if VERSIONS.contains(&v) => Ok(this),
            v => Err(ReadError::at(
                header
                    .child(Ns::Wp, "wxr_version")
                    .map_or((0, 0), |n| (n.line, 1)),
                format!(
                    "WXR version {v:?} is not one WordPress writes (1.0, 1.1 and 1.2 are read)"
                ),
            )),
        }
    }

    pub fn channel(&self) -> &Channel {
        &self.channel
    }

    /// Bytes of the file read so far (for progress).
    pub fn bytes_read(&self) -> u64 {
        self.xml.get_ref().consumed()
    }

    /// The next author, term or item; `None` at the end of the file.
    pub fn next_entry(&mut self) -> Result<Option<Entry>, ReadError> {
        loop {
            // An entry opened by `open` is already on the stack.
            match self.step()? {
                Step::Opened(node) => {
                    self.depth += 1;
                    if self.depth > MAX_DEPTH {
                        return Err(error_at(node.line, "elements nest too deep"));
                    }
                    if self.depth >= 3 {
                        self.open.push(node);
                    }
                }
                Step::Text(text) => self.add_text(&text),
                Step::Closed => {
                    self.depth -= 1;
                    if let Some(node) = self.close()
                        && let Some(entry) = Entry::of(&node)
                    {
                        return Ok(Some(entry));
                    }
                }
                Step::Eof => {
                    return match self.open.first() {
                        Some(node) => Err(ReadError::whole(format!(
                            "the file ends inside the <{}> that starts on line {}",
                            node.name, node.line
                        ))),
                        None => Ok(None),
                    };
                }
            }
        }
    }

    /// The next event that matters, with entities resolved.
    fn step(&mut self) -> Result<Step, ReadError> {
        if std::mem::take(&mut self.pending_close) {
            return Ok(Step::Closed);
        }
        loop {
            self.buf.clear();
            let start = self.xml.buffer_position();
            let (ns, event) = match self.xml.read_resolved_event_into(&mut self.buf) {
                Ok((ns, event)) => (resolved(&ns), event),
                Err(e) => {
                    let place = self.xml.get_ref().place(self.xml.error_position());
                    return Err(ReadError::at(place, e.to_string()));
                }
            };
            let line = self.xml.get_ref().place(start).0;
            return Ok(match event {
                Event::Start(e) => Step::Opened(node(ns, &e, line)?),
                Event::Empty(e) => {
                    // Read as an element that opens and closes at once.
                    let node = node(ns, &e, line)?;
                    self.pending_close = true;
                    Step::Opened(node)
                }
                Event::End(_) => Step::Closed,
                Event::Text(t) => Step::Text(t.xml10_content().into_owned()),
                Event::CData(t) => Step::Text(t.xml10_content().into_owned()),
                Event::GeneralRef(r) => {
                    let text = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        Ok(None) => match quick_xml::escape::resolve_predefined_entity(&r) {
                            Some(s) => s.to_owned(),
                            None => {
                                return Err(error_at(line, format!("unknown entity &{};", &*r)));
                            }
                        },
                        Err(e) => return Err(error_at(line, e.to_string())),
                    };
                    Step::Text(text)
                }
                Event::Eof => Step::Eof,
                _ => continue,
            });
        }
    }

    fn add_text(&mut self, text: &str) {
        if let Some(node) = self.open.last_mut() {
            node.text.push_str(text);
        }
    }

    /// Closes the innermost open node: into its parent, or, for the
    /// outermost, handed back.
    fn close(&mut self) -> Option<Node> {
        let node = self.open.pop()?;
        match self.open.last_mut() {
            Some(parent) => {
                parent.children.push(node);
                None
            }
            None => Some(node),
        }
    }
}

/// An element as a node, its attributes unescaped.
fn node(ns: Ns, e: &BytesStart, line: u64) -> Result<Node, ReadError> {
    let local = e.local_name();
    let name: &str = local.as_ref();
    let name = name.to_owned();
    let mut node = Node::new(ns, name, line);
    for attribute in e.attributes() {
        let attribute = attribute.map_err(|err| error_at(line, err.to_string()))?;
        let value = attribute
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|err| error_at(line, err.to_string()))?;
        let key = attribute.key.local_name();
        let key: &str = key.as_ref();
        node.attributes.push((key.to_owned(), value.into_owned()));
    }
    Ok(node)
}

fn error_at(line: u64, message: impl Into<String>) -> ReadError {
    ReadError::at((line, 1), message)
}

enum Step {
    Opened(Node),
    Text(String),
    Closed,
    Eof,
}

fn resolved(ns: &ResolveResult) -> Ns {
    match ns {
        ResolveResult::Bound(uri) => Ns::of(Some(uri.as_ref())),
        ResolveResult::Unbound => Ns::of(None),
        ResolveResult::Unknown(_) => Ns::Other,
    }
}
