//! Templates: the default theme is embedded in the binary; a `theme/`
//! folder in the data directory overrides any of its templates or static
//! files without recompiling.

pub mod assets;
pub mod time;

use std::{borrow::Cow, path::PathBuf};

use anyhow::Context;
use jiff::{Timestamp, tz::TimeZone};
use minijinja::{Environment, Value};
use serde::Serialize;

use crate::config::Config;

#[derive(rust_embed::RustEmbed)]
#[folder = "themes/default/"]
struct DefaultTheme;

pub struct Templates {
    env: Environment<'static>,
    /// The theme's static files, with their hashed names.
    pub assets: std::sync::Arc<assets::StaticAssets>,
}

impl Templates {
    pub fn new(config: &Config, theme_dir: Option<PathBuf>) -> anyhow::Result<Self> {
        let site = &config.site;
        let tz = TimeZone::get(&site.time_zone)
            .with_context(|| format!("time zone {:?}", site.time_zone))?;
        let mut env = Environment::new();
        let loader_dir = theme_dir.clone();
        env.set_loader(move |name| {
            theme_file(loader_dir.as_ref(), &format!("templates/{name}"))
                .map(|bytes| bytes.and_then(|b| String::from_utf8(b.into_owned()).ok()))
                .map_err(|e| {
                    minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, e.to_string())
                })
        });
        env.set_formatter(escape_html);
        let assets = std::sync::Arc::new(assets::StaticAssets::load(
            DefaultTheme::iter().filter_map(|p| p.strip_prefix("static/").map(str::to_owned)),
            theme_dir.as_ref(),
            |name| {
                theme_file(theme_dir.as_ref(), &format!("static/{name}"))
                    .ok()
                    .flatten()
                    .map(Cow::into_owned)
            },
        ));
        // A static file's address under its hashed name (`asset("site.css")`).
        let linked = assets.clone();
        env.add_function("asset", move |name: String| {
            Value::from_safe_string(linked.url(&name))
        });
        env.add_filter(
            "reader_time",
            move |at: String| -> Result<String, minijinja::Error> {
                let at: Timestamp = at.parse().map_err(|e: jiff::Error| {
                    minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, e.to_string())
                })?;
                Ok(time::reader_time(at, &tz))
            },
        );
        env.add_filter("count", grouped::<i64>);
        // HTML's machine-readable times allow at most milliseconds; stored
        // instants have microseconds. Whole seconds are what readers see.
        env.add_filter(
            "machine_time",
            |at: String| -> Result<String, minijinja::Error> {
                let at: Timestamp = at.parse().map_err(|e: jiff::Error| {
                    minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, e.to_string())
                })?;
                Ok(time::machine_time(at))
            },
        );
        // Paths are made of slugs and digits only; marking them safe keeps
        // the escaper from writing every `/` as `&#x2f;`.
        env.add_function("article_path", |section: String, slug: String, id: i64| {
            Value::from_safe_string(dateline_core::article_path(
                &section,
                &slug,
                dateline_core::ArticleId(id),
            ))
        });
        // A rendition's address: keys are lowercase letters, digits, dots
        // and one slash, so they need no escaping.
        env.add_function("img", |key: String| {
            if crate::blobs::rendition_key(&key).is_some() {
                Value::from_safe_string(format!("/img/{key}"))
            } else {
                Value::from("")
            }
        });
        env.add_global(
            "site",
            Value::from(minijinja::value::Serde(SiteGlobals {
                name: &site.name,
                base_url: site.base(),
                language: &site.language,
                time_zone: &site.time_zone,
            })),
        );
        // The newsletter sign-up box on every reader page.
        env.add_global(
            "signup",
            Value::from(minijinja::value::Serde(Signup {
                heading: &config.newsletters.signup_heading,
                text: &config.newsletters.signup_text,
            })),
        );
        Ok(Self { env, assets })
    }

    pub fn render(&self, name: &str, context: impl Serialize) -> Result<String, minijinja::Error> {
        self.env
            .get_template(name)?
            .render(Value::from(minijinja::value::Serde(context)))
    }
}

#[derive(Serialize)]
struct SiteGlobals<'a> {
    name: &'a str,
    base_url: &'a str,
    language: &'a str,
    time_zone: &'a str,
}

#[derive(Serialize)]
struct Signup<'a> {
    heading: &'a str,
    text: &'a str,
}

/// HTML escaping of the five characters that need it. minijinja's default
/// also writes every `/` as `&#x2f;`, which is valid but bloats every URL.
fn escape_html(
    out: &mut minijinja::Output,
    state: &mut minijinja::State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    let text = match value.as_str() {
        Some(text)
            if !value.is_safe() && matches!(state.auto_escape(), minijinja::AutoEscape::Html) =>
        {
            text
        }
        _ => return minijinja::escape_formatter(out, state, value),
    };
    write_escaped(out, text).map_err(|_| {
        minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "cannot write the page")
    })
}

/// `text` with `&`, `<`, `>`, `"` and `'` written as entities.
pub fn escape_html_str(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    write_escaped(&mut out, text).expect("writing to a String cannot fail");
    out
}

fn write_escaped(out: &mut impl std::fmt::Write, text: &str) -> std::fmt::Result {
    let mut rest = text;
    while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
        out.write_str(&rest[..at])?;
        let entity = match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#x27;",
        };
        out.write_str(entity)?;
        rest = &rest[at + 1..];
    }
    out.write_str(rest)
}

/// Looks `path` up in the theme folder, then in the embedded theme. Paths
/// that try to leave the folder are treated as missing.
fn theme_file(
    theme_dir: Option<&PathBuf>,
    path: &str,
) -> std::io::Result<Option<Cow<'static, [u8]>>> {
    if path
        .split('/')
        .any(|part| part.is_empty() || part == ".." || part.starts_with('.'))
    {
        return Ok(None);
    }
    if let Some(dir) = theme_dir {
        match std::fs::read(dir.join(path)) {
            Ok(bytes) => return Ok(Some(Cow::Owned(bytes))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(DefaultTheme::get(path).map(|f| f.data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_but_slashes_are_left_alone() {
        let mut env = Environment::new();
        env.set_formatter(escape_html);
        env.add_template(
            "t.html",
            "<a href=\"{{ url }}\">{{ text }}</a>{{ html|safe }}",
        )
        .unwrap();
        let out = env
            .get_template("t.html")
            .unwrap()
            .render(minijinja::context! { url => "/news/a-1", text => "<script>alert('x') & \"y\"</script>", html => "<b>ok</b>" })
            .unwrap();
        assert_eq!(
            out,
            "<a href=\"/news/a-1\">&lt;script&gt;alert(&#x27;x&#x27;) &amp; &quot;y&quot;&lt;/script&gt;</a><b>ok</b>"
        );
    }
}

/// A count as people read it: "286,891".
pub fn grouped<N: Into<i128>>(n: N) -> String {
    let n: i128 = n.into();
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod count_tests {
    #[test]
    fn counts_are_grouped_in_thousands() {
        for (n, said) in [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (286_891, "286,891"),
            (-1_234_567, "-1,234,567"),
        ] {
            assert_eq!(super::grouped(n), said);
        }
    }
}
