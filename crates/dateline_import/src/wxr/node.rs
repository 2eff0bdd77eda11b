//! One entry of the export (an author, a term, an item) as a small tree,
//! built while it is read and dropped once it is turned into its type.

/// Whose element it is, by namespace URI (any WXR version's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ns {
    /// RSS's own elements: no namespace.
    Rss,
    Wp,
    Excerpt,
    Content,
    Dc,
    Other,
}

impl Ns {
    pub(crate) fn of(uri: Option<&str>) -> Self {
        let Some(uri) = uri else { return Self::Rss };
        let uri = uri
            .trim_start_matches("https://")
            .trim_start_matches("http://");
        if let Some(rest) = uri.strip_prefix("wordpress.org/export/") {
            if rest.ends_with("excerpt/") {
                Self::Excerpt
            } else {
                Self::Wp
            }
        } else if uri == "purl.org/rss/1.0/modules/content/" {
            Self::Content
        } else if uri == "purl.org/dc/elements/1.1/" {
            Self::Dc
        } else {
            Self::Other
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub ns: Ns,
    pub name: String,
    pub attributes: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Node>,
    pub line: u64,
}

impl Node {
    pub(crate) fn new(ns: Ns, name: String, line: u64) -> Self {
        Self {
            ns,
            name,
            attributes: Vec::new(),
            text: String::new(),
            children: Vec::new(),
            line,
        }
    }

    pub(crate) fn is(&self, ns: Ns, name: &str) -> bool {
        self.ns == ns && self.name == name
    }

    /// The first child so named.
    pub(crate) fn child(&self, ns: Ns, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.is(ns, name))
    }

    pub(crate) fn children_named<'a>(
        &'a self,
        ns: Ns,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.is(ns, name))
    }

    /// A child's text as written (content keeps its blank lines).
    pub(crate) fn raw(&self, ns: Ns, name: &str) -> String {
        self.child(ns, name)
            .map(|c| c.text.clone())
            .unwrap_or_default()
    }

    /// A child's text without the whitespace around it.
    pub(crate) fn text(&self, ns: Ns, name: &str) -> String {
        self.child(ns, name)
            .map(|c| c.text.trim().to_owned())
            .unwrap_or_default()
    }

    pub(crate) fn number(&self, ns: Ns, name: &str) -> Option<u64> {
        self.child(ns, name)
            .and_then(|c| c.text.trim().parse().ok())
    }

    pub(crate) fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// `wp:postmeta`, `wp:termmeta` and `wp:commentmeta` pairs.
    pub(crate) fn meta(&self, element: &str) -> Vec<(String, String)> {
        self.children_named(Ns::Wp, element)
            .map(|m| (m.text(Ns::Wp, "meta_key"), m.raw(Ns::Wp, "meta_value")))
            .collect()
    }
}
