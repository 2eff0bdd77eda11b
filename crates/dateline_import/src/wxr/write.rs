//! Writing a WXR 1.2 file, the format WordPress's Tools → Import →
//! WordPress reads: the same [`Channel`], [`Author`], [`Term`] and [`Item`]
//! values the reader gives, written one at a time, so an export of any
//! size is written in constant memory. What goes in comes back out of
//! [`super::WxrReader`] equal (the round trip is tested).
//!
//! WordPress's importer wants authors and terms before the items that name
//! them, and a category's parent before the category: the caller writes
//! them in that order.

use std::io::Write;

use quick_xml::{
    Writer,
    events::{BytesCData, BytesDecl, BytesEnd, BytesStart, BytesText, Event},
};

use super::{Author, Channel, Comment, Item, Term};

/// The namespaces WordPress's own exporter declares, with its prefixes:
/// its importer finds elements by these prefixes as well as by URI.
const NAMESPACES: [(&str, &str); 5] = [
    ("xmlns:excerpt", "http://wordpress.org/export/1.2/excerpt/"),
    ("xmlns:content", "http://purl.org/rss/1.0/modules/content/"),
    ("xmlns:wfw", "http://wellformedweb.org/CommentAPI/"),
    ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
    ("xmlns:wp", "http://wordpress.org/export/1.2/"),
];

/// Writes a WXR file entry by entry (see the module's comment).
pub struct WxrWriter<W: Write> {
    xml: Writer<W>,
}

impl<W: Write> WxrWriter<W> {
    /// Writes the header: the root, the channel and its description of the
    /// site. `generator` names what wrote the file.
    pub fn start(out: W, channel: &Channel, generator: &str) -> std::io::Result<Self> {
        let mut xml = Writer::new_with_indent(out, b'\t', 1);
        xml.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        let mut rss = BytesStart::new("rss");
        rss.push_attribute(("version", "2.0"));
        for namespace in NAMESPACES {
            rss.push_attribute(namespace);
        }
        xml.write_event(Event::Start(rss))?;
        xml.write_event(Event::Start(BytesStart::new("channel")))?;
        let mut this = Self { xml };
        this.text("title", &channel.title)?;
        this.text("link", &channel.link)?;
        this.text("description", "")?;
        this.text("language", &channel.language)?;
        this.text("wp:wxr_version", "1.2")?;
        this.text("wp:base_site_url", &channel.base_site_url)?;
        this.text("wp:base_blog_url", &channel.base_blog_url)?;
        this.text("generator", generator)?;
        Ok(this)
    }

    pub fn author(&mut self, author: &Author) -> std::io::Result<()> {
        self.open("wp:author")?;
        if let Some(id) = author.id {
            self.text("wp:author_id", &id.to_string())?;
        }
        self.cdata("wp:author_login", &author.login)?;
        self.cdata("wp:author_email", &author.email)?;
        self.cdata("wp:author_display_name", &author.display_name)?;
        self.cdata("wp:author_first_name", &author.first_name)?;
        self.cdata("wp:author_last_name", &author.last_name)?;
        if !author.description.is_empty() {
            self.cdata("wp:author_description", &author.description)?;
        }
        self.close("wp:author")
    }

    /// A category, a tag, or a term of another taxonomy, each in the
    /// element WordPress writes for it.
    pub fn term(&mut self, term: &Term) -> std::io::Result<()> {
        let (element, fields) = match term.taxonomy.as_str() {
            "category" => (
                "wp:category",
                [
                    "wp:category_nicename",
                    "wp:category_parent",
                    "wp:cat_name",
                    "wp:category_description",
                ],
            ),
            "post_tag" => (
                "wp:tag",
                ["wp:tag_slug", "", "wp:tag_name", "wp:tag_description"],
            ),
            _ => (
                "wp:term",
                [
                    "wp:term_slug",
                    "wp:term_parent",
                    "wp:term_name",
                    "wp:term_description",
                ],
            ),
        };
        self.open(element)?;
        if let Some(id) = term.id {
            self.text("wp:term_id", &id.to_string())?;
        }
        if element == "wp:term" {
            self.cdata("wp:term_taxonomy", &term.taxonomy)?;
        }
        let [slug, parent, name, description] = fields;
        self.cdata(slug, &term.slug)?;
        if !parent.is_empty() {
            self.cdata(parent, &term.parent)?;
        }
        self.cdata(name, &term.name)?;
        if !term.description.is_empty() {
            self.cdata(description, &term.description)?;
        }
        self.close(element)
    }

    pub fn item(&mut self, item: &Item) -> std::io::Result<()> {
        self.open("item")?;
        self.text("title", &item.title)?;
        self.text("link", &item.link)?;
        self.text("pubDate", &item.pub_date)?;
        self.cdata("dc:creator", &item.creator)?;
        let mut guid = BytesStart::new("guid");
        guid.push_attribute(("isPermaLink", "false"));
        self.xml.write_event(Event::Start(guid))?;
        self.xml
            .write_event(Event::Text(BytesText::new(&xml_chars(&item.guid))))?;
        self.xml.write_event(Event::End(BytesEnd::new("guid")))?;
        self.text("description", "")?;
        self.cdata("content:encoded", &item.content)?;
        self.cdata("excerpt:encoded", &item.excerpt)?;
        let number = |n: Option<u64>| n.unwrap_or_default().to_string();
        self.text("wp:post_id", &number(item.id))?;
        self.cdata("wp:post_date", &item.date)?;
        self.cdata("wp:post_date_gmt", &item.date_gmt)?;
        self.cdata("wp:post_modified_gmt", &item.modified_gmt)?;
        self.cdata("wp:comment_status", &item.comment_status)?;
        self.cdata("wp:ping_status", "closed")?;
        self.cdata("wp:post_name", &item.name)?;
        self.cdata("wp:status", &item.status)?;
        self.text("wp:post_parent", &number(item.parent))?;
        self.text("wp:menu_order", &item.menu_order.to_string())?;
        self.cdata("wp:post_type", &item.post_type)?;
        self.cdata("wp:post_password", &item.password)?;
        self.text("wp:is_sticky", if item.sticky { "1" } else { "0" })?;
        if !item.attachment_url.is_empty() {
            self.cdata("wp:attachment_url", &item.attachment_url)?;
        }
        for term in &item.terms {
            let mut category = BytesStart::new("category");
            category.push_attribute(("domain", term.domain.as_str()));
            category.push_attribute(("nicename", xml_chars(&term.slug).as_ref()));
            self.xml.write_event(Event::Start(category))?;
            self.cdata_content(&term.name)?;
            self.xml
                .write_event(Event::End(BytesEnd::new("category")))?;
        }
        for (key, value) in &item.meta {
            self.open("wp:postmeta")?;
            self.cdata("wp:meta_key", key)?;
            self.cdata("wp:meta_value", value)?;
            self.close("wp:postmeta")?;
        }
        for comment in &item.comments {
            self.comment(comment)?;
        }
        self.close("item")
    }

    fn comment(&mut self, comment: &Comment) -> std::io::Result<()> {
        let number = |n: Option<u64>| n.unwrap_or_default().to_string();
        self.open("wp:comment")?;
        self.text("wp:comment_id", &number(comment.id))?;
        self.cdata("wp:comment_author", &comment.author)?;
        self.cdata("wp:comment_author_email", &comment.author_email)?;
        self.cdata("wp:comment_author_url", &comment.author_url)?;
        let date = comment
            .date_gmt
            .map(|at| at.strftime("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_default();
        // A comment's local time is not kept (only its instant): UTC
        // stands for both.
        self.cdata("wp:comment_date", &date)?;
        self.cdata("wp:comment_date_gmt", &date)?;
        self.cdata("wp:comment_content", &comment.content)?;
        self.cdata("wp:comment_approved", &comment.approved)?;
        self.cdata("wp:comment_type", &comment.kind)?;
        self.text("wp:comment_parent", &number(comment.parent))?;
        self.close("wp:comment")
    }

    /// Closes the channel and the root; the writer, flushed by the caller.
    pub fn finish(mut self) -> std::io::Result<W> {
        self.xml.write_event(Event::End(BytesEnd::new("channel")))?;
        self.xml.write_event(Event::End(BytesEnd::new("rss")))?;
        self.xml.get_mut().write_all(b"\n")?;
        Ok(self.xml.into_inner())
    }

    fn open(&mut self, name: &str) -> std::io::Result<()> {
        self.xml.write_event(Event::Start(BytesStart::new(name)))
    }

    fn close(&mut self, name: &str) -> std::io::Result<()> {
        self.xml.write_event(Event::End(BytesEnd::new(name)))
    }

    /// An element holding `value` as escaped text.
    fn text(&mut self, name: &str, value: &str) -> std::io::Result<()> {
        self.xml
            .create_element(name)
            .write_text_content(BytesText::new(&xml_chars(value)))?;
        Ok(())
    }

    /// An element holding `value` as CDATA, as WordPress writes text that
    /// may hold markup.
    fn cdata(&mut self, name: &str, value: &str) -> std::io::Result<()> {
        self.open(name)?;
        self.cdata_content(value)?;
        self.close(name)
    }

    /// `value` as CDATA sections, split where it holds `]]>` (which ends a
    /// section and cannot be escaped inside one). At least one section,
    /// even for an empty value: the writer indents only after elements,
    /// so an element left without content would close on a new line, and
    /// WordPress's parsers do not trim what they read.
    fn cdata_content(&mut self, value: &str) -> std::io::Result<()> {
        let value = xml_chars(value);
        for section in BytesCData::escaped(&value) {
            self.xml.write_event(Event::CData(section))?;
        }
        Ok(())
    }
}

/// `s` without the characters XML 1.0 cannot hold (controls other than
/// tab and line ends, lone surrogates cannot occur in a `str`, U+FFFE/F).
fn xml_chars(s: &str) -> std::borrow::Cow<'_, str> {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
    };
    if s.chars().all(allowed) {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(s.chars().filter(|&c| allowed(c)).collect())
    }
}
