//! Agency copy in: documents in IPTC ninjs (1.x, 2.x, 3.x), NewsML-G2
//! (news items, packages and news messages) and RSS 2.0 / Atom read into
//! [`WireItem`]s, and the near-duplicate signatures that group one story
//! told by several agencies or in several versions ([`cluster`]).
//!
//! Nothing here does IO: the store keeps the items and the raw documents,
//! the app decides where documents come from. A document is read whole or
//! refused whole, with a reason that names the field (a JSON pointer) or
//! the line; no input makes a parser panic (see `fuzz/`).

pub mod cluster;
pub mod feed;
pub mod newsml;
pub mod ninjs;
mod text;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// The format a document came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Ninjs,
    NewsmlG2,
    Rss,
    Atom,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ninjs => "ninjs",
            Self::NewsmlG2 => "newsml_g2",
            Self::Rss => "rss",
            Self::Atom => "atom",
        }
    }
}

/// What an item is: the agencies' own vocabulary (ninjs `type`, NewsML-G2
/// `itemClass`), reduced to what the desk treats differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Text,
    Picture,
    Graphic,
    Video,
    Audio,
    /// A package: a story with its pictures, or a set of items.
    Composite,
    Event,
    Planning,
    Other,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Picture => "picture",
            Self::Graphic => "graphic",
            Self::Video => "video",
            Self::Audio => "audio",
            Self::Composite => "composite",
            Self::Event => "event",
            Self::Planning => "planning",
            Self::Other => "other",
        }
    }

    /// From ninjs `type` or the code of a NewsML-G2 `itemClass` (`ninat:text`).
    fn from_code(code: &str) -> Self {
        let code = code.rsplit([':', '/']).next().unwrap_or(code);
        match code.to_ascii_lowercase().as_str() {
            "text" => Self::Text,
            "picture" | "image" => Self::Picture,
            "graphic" => Self::Graphic,
            "video" => Self::Video,
            "audio" => Self::Audio,
            "composite" | "package" => Self::Composite,
            "event" => Self::Event,
            "planning" | "planneditem" => Self::Planning,
            _ => Self::Other,
        }
    }
}

/// Whether the agency lets the item be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PubStatus {
    Usable,
    /// Held back by the agency for now (a later version may release it).
    Withheld,
    /// Withdrawn: must not be used.
    Canceled,
}

impl PubStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Usable => "usable",
            Self::Withheld => "withheld",
            Self::Canceled => "canceled",
        }
    }

    /// ninjs `pubstatus` or a NewsML-G2 `pubStatus` code (`stat:usable`).
    fn from_code(code: &str) -> Self {
        let code = code.rsplit(':').next().unwrap_or(code);
        match code.to_ascii_lowercase().as_str() {
            "withheld" => Self::Withheld,
            "canceled" | "cancelled" => Self::Canceled,
            _ => Self::Usable,
        }
    }
}

/// A subject the agency filed the item under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    /// A code or URI (`medtop:04000000`), when given.
    pub code: Option<String>,
    pub name: Option<String>,
}

/// A picture that goes with a story.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Picture {
    /// Where the agency serves it (the largest rendition), or its id.
    pub uri: String,
    pub caption: Option<String>,
    pub credit: Option<String>,
}

/// One item of agency copy, as read from its document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WireItem {
    pub format: Format,
    /// The agency's identifier for the story across its versions.
    pub guid: String,
    /// The agency's version number, where the format has one (RSS and Atom
    /// do not: the store numbers their changed copies).
    pub version: Option<i64>,
    pub kind: ItemKind,
    pub headline: String,
    /// The body as the agency marked it up (HTML or XHTML, or text made
    /// into paragraphs); sanitised by whoever shows it.
    pub body_html: String,
    pub byline: Option<String>,
    /// Where the story was filed from.
    pub dateline: Option<String>,
    pub subjects: Vec<Subject>,
    /// 1 (flash) to 9 (lowest), where given.
    pub urgency: Option<u8>,
    /// BCP 47.
    pub language: Option<String>,
    /// Not to be published before this time.
    pub embargo: Option<Timestamp>,
    pub version_created: Option<Timestamp>,
    pub first_created: Option<Timestamp>,
    pub pub_status: PubStatus,
    pub pictures: Vec<Picture>,
    /// The agency as the document names it (`nprov:REUTERS`, a feed's title).
    pub provider: Option<String>,
    pub copyright: Option<String>,
    pub usage_terms: Option<String>,
    /// What was noticed while reading and tolerated (a NewsML-G2 document
    /// without its namespace).
    pub notes: Vec<String>,
}

impl WireItem {
    fn new(format: Format, guid: String) -> Self {
        Self {
            format,
            guid,
            version: None,
            kind: ItemKind::Text,
            headline: String::new(),
            body_html: String::new(),
            byline: None,
            dateline: None,
            subjects: Vec::new(),
            urgency: None,
            language: None,
            embargo: None,
            version_created: None,
            first_created: None,
            pub_status: PubStatus::Usable,
            pictures: Vec::new(),
            provider: None,
            copyright: None,
            usage_terms: None,
            notes: Vec::new(),
        }
    }

    /// The words of the headline and body, for clustering and search.
    pub fn plain_text(&self) -> String {
        let mut text = self.headline.clone();
        text.push('\n');
        text.push_str(&text::html_words(&self.body_html));
        text
    }
}

/// Why a document was refused: the field (a JSON pointer, an element) or
/// the line, and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub reason: String,
}

impl Rejected {
    fn new(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
        }
    }
}

impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for Rejected {}

/// The largest document read (a text story with its markup is a few
/// hundred kilobytes at most; a feed of them a few megabytes).
pub const MAX_DOCUMENT: usize = 16 << 20;

/// Reads a document in any of the formats, told apart by its first
/// character and, for XML, its root element. A ninjs collection (a JSON
/// array), a NewsML-G2 news message and a feed give several items.
pub fn read(document: &[u8]) -> Result<Vec<WireItem>, Rejected> {
    if document.len() > MAX_DOCUMENT {
        return Err(Rejected::new(format!(
            "the document is {} bytes; the limit is {MAX_DOCUMENT}",
            document.len()
        )));
    }
    let body = document.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(document);
    let mut items = match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{' | b'[') => ninjs::read(body),
        Some(b'<') => match newsml::root(body)? {
            newsml::Root::NewsMl => newsml::read(body),
            newsml::Root::Feed => feed::read(body),
        },
        Some(_) => Err(Rejected::new(
            "line 1: not JSON (ninjs) or XML (NewsML-G2, RSS, Atom)",
        )),
        None => Err(Rejected::new("the document is empty")),
    }?;
    for item in &mut items {
        // Cleaned first: a headline of control characters alone is none.
        clean(item);
        give_headline(item);
        check_language(item);
    }
    Ok(items)
}

/// The item's language as a registered BCP 47 tag in canonical form. One
/// the registry does not know (an agency's `english`, a mistyped code) is
/// dropped, and the notes say so: the story takes its edition's language.
fn check_language(item: &mut WireItem) {
    let Some(given) = item.language.take() else {
        return;
    };
    match dateline_core::language_tag(&given) {
        Ok(tag) => item.language = Some(tag),
        Err(refused) => item.notes.push(format!(
            "{}: the story takes the site's language",
            refused.reason
        )),
    }
}

/// An item's text as Dateline keeps all text (see
/// [`dateline_core::clean_text`]): agencies' encoders let control
/// characters through, and the desk, drafts and feeds are made of it.
fn clean(item: &mut WireItem) {
    let text = |s: &mut String| {
        if let std::borrow::Cow::Owned(clean) = dateline_core::clean_text(s) {
            *s = clean;
        }
    };
    for s in [&mut item.guid, &mut item.headline, &mut item.body_html] {
        text(s);
    }
    for s in [
        &mut item.byline,
        &mut item.dateline,
        &mut item.language,
        &mut item.provider,
        &mut item.copyright,
        &mut item.usage_terms,
    ]
    .into_iter()
    .flatten()
    {
        text(s);
    }
    for subject in &mut item.subjects {
        subject
            .code
            .iter_mut()
            .chain(subject.name.iter_mut())
            .for_each(text);
    }
    for picture in &mut item.pictures {
        text(&mut picture.uri);
        picture
            .caption
            .iter_mut()
            .chain(picture.credit.iter_mut())
            .for_each(text);
    }
}

/// Words a headline made from the body runs to.
const MADE_HEADLINE_WORDS: usize = 12;

/// An item the agency sent without a headline (a flash, a picture, a
/// careless feed) gets one, so that the desk has something to list and
/// link: the body's first words, else the guid. The notes say so.
fn give_headline(item: &mut WireItem) {
    if !item.headline.trim().is_empty() {
        return;
    }
    let words = text::html_words(&item.body_html);
    let mut words = words.split_whitespace();
    let first: Vec<&str> = words.by_ref().take(MADE_HEADLINE_WORDS).collect();
    item.headline = if first.is_empty() {
        item.guid.clone()
    } else if words.next().is_some() {
        format!("{}…", first.join(" "))
    } else {
        first.join(" ")
    };
    item.notes
        .push("it had no headline: the desk shows its first words (or its guid)".into());
}

/// An RFC 3339 time, or a date alone (read as its midnight UTC, as
/// agencies mean a day's embargo).
fn parse_time(value: &str) -> Option<Timestamp> {
    let value = value.trim();
    value.parse::<Timestamp>().ok().or_else(|| {
        value
            .parse::<jiff::civil::Date>()
            .ok()
            .and_then(|d| d.to_zoned_datetime(jiff::tz::TimeZone::UTC).ok())
            .map(|z| z.timestamp())
    })
}

/// An urgency in 1..=9 from a number as agencies write it.
fn urgency(value: f64) -> Option<u8> {
    (1.0..=9.0).contains(&value).then(|| value.round() as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_told_apart_and_nonsense_is_refused_with_a_reason() {
        for (input, reason) in [
            (&b""[..], "the document is empty"),
            (b"   \n ", "the document is empty"),
            (b"hello", "line 1: not JSON"),
        ] {
            let refused = read(input).unwrap_err();
            assert!(refused.reason.starts_with(reason), "{refused}");
        }
        let big = vec![b' '; MAX_DOCUMENT + 1];
        assert!(read(&big).unwrap_err().reason.contains("limit"));
    }

    #[test]
    fn a_language_is_kept_canonical_and_an_unknown_one_dropped_with_a_note() {
        let ninjs = |language: &str| {
            format!(
                r#"{{"uri": "urn:x:1", "headline": "H", "body_html": "<p>B</p>", "language": "{language}"}}"#
            )
        };
        let known = read(ninjs("hi-in").as_bytes()).unwrap();
        assert_eq!(known[0].language.as_deref(), Some("hi-IN"));
        assert!(known[0].notes.is_empty(), "{:?}", known[0].notes);
        let unknown = read(ninjs("english").as_bytes()).unwrap();
        assert_eq!(unknown[0].language, None);
        assert!(
            unknown[0].notes.iter().any(|n| n.contains("\"english\"")),
            "{:?}",
            unknown[0].notes
        );
    }

    #[test]
    fn an_item_without_a_headline_is_listed_by_its_first_words_or_its_guid() {
        let rss = |description: &str| {
            format!(
                "<rss version=\"2.0\"><channel><title>T</title><link>https://a.example/</link><description>d</description>\
                 <item><guid>urn:x:1</guid><description>{description}</description></item></channel></rss>"
            )
        };
        let long = read(rss("Floods cut the coastal highway near the port on Tuesday morning, officials said, closing it").as_bytes()).unwrap();
        assert_eq!(
            long[0].headline,
            "Floods cut the coastal highway near the port on Tuesday morning, officials…"
        );
        assert!(long[0].notes.iter().any(|n| n.contains("no headline")));
        let empty = read(rss("").as_bytes()).unwrap();
        assert_eq!(empty[0].headline, "urn:x:1");
        // A headline of control characters alone is none: cleaned away
        // before the fallback looks (JSON can carry them escaped).
        let ninjs = br#"{"uri": "urn:x:2", "headline": "\u0001\u0002",
            "body_html": "<p>Ferry\u0007 service resumes</p>"}"#;
        let controls = read(ninjs).unwrap();
        assert_eq!(controls[0].headline, "Ferry service resumes");
        assert!(controls[0].body_html.contains("Ferry service"));
    }

    #[test]
    fn times_are_instants_or_days() {
        assert_eq!(
            parse_time("2018-10-21T16:25:32-05:00").unwrap().to_string(),
            "2018-10-21T21:25:32Z"
        );
        assert_eq!(
            parse_time("2024-02-29").unwrap().to_string(),
            "2024-02-29T00:00:00Z"
        );
        assert_eq!(parse_time("February 29th"), None);
    }
}
