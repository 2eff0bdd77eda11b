//! News blocks inside an article's body: a picture from the library, an
//! embedded post or video, a pull quote, an "Also read" card and a "Key
//! points" box. The body stays Markdown; a block is a directive on a
//! paragraph of its own at the top level:
//!
//! ```text
//! ::figure{media=42 size=wide alt="Boats at dawn" caption="The first ferry" credit="Asha Rao"}
//! ::embed{url="https://www.youtube.com/watch?v=aqz-KE-bpKQ"}
//! ::pullquote{text="We are ready." by="The harbour master"}
//! ::also{article=17 title="Ferry fares to rise"}
//!
//! ::: keypoints
//!
//! - Buses every 15 minutes
//!
//! :::
//! ```
//!
//! Values are bare (`[A-Za-z0-9_.-]+`) or quoted, with `\"` and `\\` the
//! only escapes; nothing else is read. A line that is not exactly this
//! shape is ordinary text, and so is a well-shaped one whose parameters are
//! wrong (its [`Invalid`] says why, for the editor): a typed directive can
//! never become markup by accident. The editor's script reads and writes
//! the same grammar (`editor/src/directives.js`).

use crate::{ArticleId, Invalid, MediaId, embed::Embed};

/// One block, as its directive describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Picture(InlinePicture),
    Embed(Embed),
    PullQuote(PullQuote),
    AlsoRead(AlsoRead),
}

/// A picture from the library with this story's own words for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlinePicture {
    pub media: MediaId,
    pub size: FigureSize,
    pub alt: String,
    pub caption: String,
    pub credit: String,
}

/// How wide a picture in the story is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FigureSize {
    /// As wide as the text.
    #[default]
    Column,
    /// Wider than the text where the screen allows.
    Wide,
    /// The whole width of the screen.
    Full,
}

impl FigureSize {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Column => "column",
            Self::Wide => "wide",
            Self::Full => "full",
        }
    }

    fn parse(value: &str) -> Result<Self, Invalid> {
        match value {
            "column" => Ok(Self::Column),
            "wide" => Ok(Self::Wide),
            "full" => Ok(Self::Full),
            other => Err(Invalid::new(
                "body",
                format!("a picture's size is column, wide or full, not {other:?}"),
            )),
        }
    }
}

/// A quotation set apart from the text, with who said it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullQuote {
    pub text: String,
    pub by: String,
}

/// A link to another story, with its headline when the link was made (the
/// reader page shows the current one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlsoRead {
    pub article: ArticleId,
    pub title: String,
}

/// The container whose content is a box of key points.
pub const KEY_POINTS: &str = "keypoints";

/// What a top-level paragraph's source is, as far as blocks go.
#[derive(Debug, PartialEq, Eq)]
pub enum Directive {
    /// A leaf directive: the block, or why its parameters are refused.
    Leaf(Result<Block, Invalid>),
    /// `::: name`: a container opens.
    Open(String),
    /// `:::`: the open container closes.
    Close,
}

impl Directive {
    /// What `source` (a whole paragraph) is; `None`: ordinary text.
    pub fn read(source: &str) -> Option<Self> {
        let line = source.trim_end_matches([' ', '\t', '\r', '\n']);
        if line.contains('\n') {
            return None;
        }
        if let Some(rest) = line.strip_prefix(":::") {
            let name = rest.trim_matches([' ', '\t']);
            return if name.is_empty() {
                Some(Self::Close)
            } else {
                is_name(name).then(|| Self::Open(name.to_owned()))
            };
        }
        let rest = line.strip_prefix("::")?;
        let open = rest.find('{')?;
        let (name, params) = (&rest[..open], rest[open + 1..].strip_suffix('}')?);
        if !is_name(name) {
            return None;
        }
        let params = Params::read(params)?;
        Some(Self::Leaf(Block::from_params(name, &params)))
    }
}

impl Block {
    fn from_params(name: &str, params: &Params) -> Result<Self, Invalid> {
        Ok(match name {
            "figure" => {
                params.only(&["media", "size", "alt", "caption", "credit"])?;
                Self::Picture(InlinePicture {
                    media: MediaId(params.number("media")?),
                    size: match params.get("size") {
                        Some(size) => FigureSize::parse(size)?,
                        None => FigureSize::default(),
                    },
                    alt: params.text("alt"),
                    caption: params.text("caption"),
                    credit: params.text("credit"),
                })
            }
            "embed" => {
                params.only(&["url"])?;
                Self::Embed(Embed::recognise(params.required("url")?)?)
            }
            "pullquote" => {
                params.only(&["text", "by"])?;
                Self::PullQuote(PullQuote {
                    text: params.required("text")?.to_owned(),
                    by: params.text("by"),
                })
            }
            "also" => {
                params.only(&["article", "title"])?;
                Self::AlsoRead(AlsoRead {
                    article: ArticleId(params.number("article")?),
                    title: params.text("title"),
                })
            }
            other => {
                return Err(Invalid::new(
                    "body",
                    format!("there is no block called {other:?} (figure, embed, pullquote, also)"),
                ));
            }
        })
    }

    /// The block as its directive line, parameters in a fixed order and
    /// empty ones left out: the form the editor writes too.
    pub fn to_directive(&self) -> String {
        let mut line = String::new();
        let mut put = |key: &str, value: &str, quoted: bool| {
            if quoted && value.is_empty() {
                return;
            }
            line.push(' ');
            line.push_str(key);
            line.push('=');
            if quoted {
                line.push('"');
                for c in value.chars() {
                    match c {
                        '"' | '\\' => {
                            line.push('\\');
                            line.push(c);
                        }
                        '\n' | '\r' | '\t' => line.push(' '),
                        c => line.push(c),
                    }
                }
                line.push('"');
            } else {
                line.push_str(value);
            }
        };
        let name = match self {
            Self::Picture(f) => {
                put("media", &f.media.0.to_string(), false);
                put("size", f.size.as_str(), false);
                put("alt", &f.alt, true);
                put("caption", &f.caption, true);
                put("credit", &f.credit, true);
                "figure"
            }
            Self::Embed(e) => {
                put("url", &e.url, true);
                "embed"
            }
            Self::PullQuote(q) => {
                put("text", &q.text, true);
                put("by", &q.by, true);
                "pullquote"
            }
            Self::AlsoRead(a) => {
                put("article", &a.article.0.to_string(), false);
                put("title", &a.title, true);
                "also"
            }
        };
        format!("::{name}{{{}}}", line.trim_start())
    }

    /// The words a reader sees in the block, for search and snippets.
    pub fn words(&self) -> String {
        match self {
            Self::Picture(f) => f.caption.clone(),
            Self::PullQuote(q) => [q.text.as_str(), q.by.as_str()].join(" ").trim().to_owned(),
            Self::Embed(_) | Self::AlsoRead(_) => String::new(),
        }
    }
}

fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c == '-')
}

/// A directive's `key=value` pairs, in the order written.
struct Params(Vec<(String, String)>);

impl Params {
    /// `None` when the text is not pairs of the grammar: then the line is
    /// ordinary text.
    fn read(mut text: &str) -> Option<Self> {
        let mut pairs = Vec::new();
        loop {
            text = text.trim_start_matches(' ');
            if text.is_empty() {
                return Some(Self(pairs));
            }
            let eq = text.find('=')?;
            let key = &text[..eq];
            if !is_name(key) {
                return None;
            }
            text = &text[eq + 1..];
            let value;
            if let Some(quoted) = text.strip_prefix('"') {
                let mut unescaped = String::new();
                let mut chars = quoted.char_indices();
                let end = loop {
                    match chars.next()? {
                        (i, '"') => break i,
                        (_, '\\') => match chars.next()? {
                            (_, c @ ('"' | '\\')) => unescaped.push(c),
                            _ => return None,
                        },
                        (_, c) => unescaped.push(c),
                    }
                };
                value = unescaped;
                text = &quoted[end + 1..];
                if !(text.is_empty() || text.starts_with(' ')) {
                    return None;
                }
            } else {
                let end = text.find(' ').unwrap_or(text.len());
                let bare = &text[..end];
                let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-');
                if bare.is_empty() || !bare.chars().all(allowed) {
                    return None;
                }
                value = bare.to_owned();
                text = &text[end..];
            }
            pairs.push((key.to_owned(), value));
        }
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn text(&self, key: &str) -> String {
        self.get(key).unwrap_or_default().trim().to_owned()
    }

    fn required(&self, key: &str) -> Result<&str, Invalid> {
        self.get(key)
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| Invalid::new("body", format!("the block needs {key}=…")))
    }

    fn number(&self, key: &str) -> Result<i64, Invalid> {
        let value = self.required(key)?;
        value
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| Invalid::new("body", format!("{key}= takes a number, not {value:?}")))
    }

    fn only(&self, known: &[&str]) -> Result<(), Invalid> {
        let mut seen: Vec<&str> = Vec::new();
        for (key, _) in &self.0 {
            if !known.contains(&key.as_str()) {
                return Err(Invalid::new(
                    "body",
                    format!("{key}= is not one of {}", known.join(", ")),
                ));
            }
            if seen.contains(&key.as_str()) {
                return Err(Invalid::new("body", format!("{key}= is given twice")));
            }
            seen.push(key);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(line: &str) -> Result<Block, Invalid> {
        match Directive::read(line) {
            Some(Directive::Leaf(block)) => block,
            other => panic!("{line:?} read as {other:?}"),
        }
    }

    #[test]
    fn a_figure_reads_and_writes_the_same_line() {
        let line = r#"::figure{media=42 size=wide alt="Boats at dawn" caption="The \"first\" ferry" credit="Asha Rao"}"#;
        let Block::Picture(figure) = leaf(line).unwrap() else {
            panic!("not a figure")
        };
        assert_eq!(figure.media, MediaId(42));
        assert_eq!(figure.size, FigureSize::Wide);
        assert_eq!(figure.caption, "The \"first\" ferry");
        assert_eq!(Block::Picture(figure).to_directive(), line);
    }

    #[test]
    fn lines_not_of_the_grammar_are_text() {
        for line in [
            "::figure",
            "::figure{media=42",
            "::figure{media=\"42}",
            "::figure{media=4 2}",
            "::Figure{media=42}",
            "::figure{media=42} and more",
            "::figure{media=<b>}",
            "::figure{media=\"a\"b}",
            "::figure{media=\"a\\n\"}",
            "text ::figure{media=42}",
            "::figure{media=42}\n::figure{media=43}",
            ":::Key points",
        ] {
            assert_eq!(Directive::read(line), None, "{line:?}");
        }
    }

    #[test]
    fn wrong_parameters_say_what_is_wrong() {
        let why = |line| leaf(line).unwrap_err().reason;
        assert!(why("::figure{size=wide}").contains("media"));
        assert!(why("::figure{media=x}").contains("number"));
        assert!(why("::figure{media=4 size=huge}").contains("column, wide or full"));
        assert!(why("::figure{media=4 onload=x}").contains("onload"));
        assert!(why("::figure{media=4 media=5}").contains("twice"));
        assert!(why("::gallery{media=4}").contains("no block called"));
        assert!(why("::embed{url=\"https://evil.example/x\"}").contains("evil.example"));
    }

    #[test]
    fn containers_open_and_close() {
        assert_eq!(
            Directive::read("::: keypoints"),
            Some(Directive::Open("keypoints".into()))
        );
        assert_eq!(Directive::read(":::  \n"), Some(Directive::Close));
    }

    #[test]
    fn every_block_survives_writing_and_reading() {
        let blocks = [
            Block::PullQuote(PullQuote {
                text: "A \\ backslash and \"quotes\"".into(),
                by: String::new(),
            }),
            Block::AlsoRead(AlsoRead {
                article: ArticleId(7),
                title: "Fares {rise} = news".into(),
            }),
            Block::Embed(Embed::recognise("https://vimeo.com/76979871").unwrap()),
        ];
        for block in blocks {
            assert_eq!(leaf(&block.to_directive()).unwrap(), block);
        }
    }
}
