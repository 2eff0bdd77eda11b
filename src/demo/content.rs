//! Reading the demo's content files: TOML front matter between `+++` lines,
//! then Markdown.

use anyhow::{Context, bail};
use dateline_core::ArticleKind;
use jiff::Timestamp;
use serde::Deserialize;

#[derive(rust_embed::RustEmbed)]
#[folder = "demo/"]
struct DemoFiles;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteFile {
    pub config: SiteDefaults,
    pub section: Vec<SectionEntry>,
    pub source: Vec<SourceEntry>,
    pub person: Vec<PersonEntry>,
    pub topic: Vec<TopicEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteDefaults {
    pub name: String,
    pub time_zone: String,
    pub language: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionEntry {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceEntry {
    pub slug: String,
    pub name: String,
    pub notice: Option<String>,
    pub full_text_in_feeds: bool,
    pub full_text_in_api: bool,
    pub full_text_in_federation: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonEntry {
    pub slug: String,
    pub name: String,
    pub bio: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicEntry {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub image_alt: String,
    pub image_caption: String,
    pub image_credit: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleFile {
    pub slug: String,
    pub section: String,
    pub headline: String,
    pub standfirst: String,
    pub source: String,
    pub authors: Vec<String>,
    pub edited_by: String,
    pub place: String,
    pub tags: Vec<String>,
    #[serde(default)]
    pub topics: Vec<String>,
    pub published: Timestamp,
    pub image_alt: String,
    pub image_caption: String,
    pub image_credit: String,
    #[serde(default)]
    pub kind: ArticleKind,
    /// A live blog's entries, in any order.
    #[serde(default)]
    pub entries: Vec<EntryFile>,
    #[serde(skip)]
    pub body: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryFile {
    pub at: Timestamp,
    pub title: Option<String>,
    pub body: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageFile {
    pub slug: String,
    pub title: String,
    #[serde(skip)]
    pub body: String,
}

/// The whole demo, each article and page with the file it came from.
pub struct DemoContent {
    pub site: SiteFile,
    pub articles: Vec<(String, ArticleFile)>,
    pub pages: Vec<(String, PageFile)>,
}

/// The reference's footer order; pages not named here follow.
const FOOTER_ORDER: &[&str] = &[
    "about",
    "privacy",
    "terms",
    "grievances",
    "advertise",
    "feedback",
    "disclaimer",
];

impl DemoContent {
    pub fn load() -> anyhow::Result<Self> {
        let site_text = embedded("site.toml")?;
        let site: SiteFile = toml::from_str(&site_text)
            .map_err(|e| anyhow::anyhow!("demo/site.toml: {}", e.message()))?;
        let mut articles = Vec::new();
        let mut pages = Vec::new();
        let mut names: Vec<_> = DemoFiles::iter().collect();
        names.sort();
        for name in names {
            let shown = format!("demo/{name}");
            if name.starts_with("articles/") && name.ends_with(".md") {
                let (mut article, body): (ArticleFile, _) = parse(&shown, &embedded(&name)?)?;
                article.body = body;
                articles.push((shown, article));
            } else if name.starts_with("pages/") && name.ends_with(".md") {
                let (mut page, body): (PageFile, _) = parse(&shown, &embedded(&name)?)?;
                page.body = body;
                pages.push((shown, page));
            }
        }
        pages.sort_by_key(|(_, p)| {
            FOOTER_ORDER
                .iter()
                .position(|s| *s == p.slug)
                .unwrap_or(usize::MAX)
        });
        Ok(Self {
            site,
            articles,
            pages,
        })
    }
}

fn embedded(name: &str) -> anyhow::Result<String> {
    let file =
        DemoFiles::get(name).with_context(|| format!("demo/{name} is missing from the binary"))?;
    String::from_utf8(file.data.into_owned()).with_context(|| format!("demo/{name} is not UTF-8"))
}

/// Splits `+++`-fenced TOML front matter from the Markdown after it. Errors
/// name the file and the line.
pub fn parse<T: serde::de::DeserializeOwned>(
    file: &str,
    text: &str,
) -> anyhow::Result<(T, String)> {
    let Some(rest) = text.strip_prefix("+++\n") else {
        bail!("{file}:1: expected front matter starting with a `+++` line");
    };
    let Some(end) = rest
        .find("\n+++\n")
        .or_else(|| rest.strip_suffix("\n+++").map(|r| r.len()))
    else {
        bail!("{file}: the front matter has no closing `+++` line");
    };
    let front = &rest[..end];
    let body = rest.get(end + 5..).unwrap_or_default().trim().to_owned();
    let value = toml::from_str(front).map_err(|e| {
        let line = e
            .span()
            .map_or(0, |s| front[..s.start].matches('\n').count())
            + 2;
        anyhow::anyhow!("{file}:{line}: {}", e.message())
    })?;
    Ok((value, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_source_has_rights_its_notice_agrees_with() {
        let demo = DemoContent::load().unwrap();
        for source in &demo.site.source {
            let rights = dateline_core::SourceRights {
                full_text_in_feeds: source.full_text_in_feeds,
                full_text_in_api: source.full_text_in_api,
                full_text_in_federation: source.full_text_in_federation,
            };
            let notice = source.notice.as_deref().unwrap_or_default();
            assert_eq!(
                dateline_core::notice_contradiction(rights, notice),
                None,
                "{}",
                source.slug
            );
        }
    }

    #[test]
    fn the_demo_content_loads() {
        let demo = DemoContent::load().unwrap();
        assert_eq!(demo.site.section.len(), 8);
        assert!(
            demo.articles.len() >= 40,
            "{} articles",
            demo.articles.len()
        );
        assert_eq!(demo.pages.len(), 7);
        for (file, a) in &demo.articles {
            assert!(
                demo.site.section.iter().any(|s| s.slug == a.section),
                "{file}: section {}",
                a.section
            );
            // A live blog's words are mostly in its entries.
            let words = a.body.split_whitespace().count()
                + a.entries
                    .iter()
                    .map(|e| e.body.split_whitespace().count())
                    .sum::<usize>();
            assert!(words >= 150, "{file}: {words} words");
        }
    }

    #[test]
    fn front_matter_errors_name_file_and_line() {
        let err = parse::<PageFile>("x.md", "+++\nslug = \"a\"\ntitle = \n+++\nbody").unwrap_err();
        assert!(err.to_string().starts_with("x.md:3:"), "{err}");
        let err = parse::<PageFile>("x.md", "no front matter").unwrap_err();
        assert!(err.to_string().starts_with("x.md:1:"), "{err}");
    }
}
