//! IPTC ninjs 1.x, 2.x and 3.x. A document is checked against IPTC's own
//! JSON Schema for its version (embedded, see `schemas/LICENSE-NOTE.md`),
//! so what IPTC's conformance suite refuses is refused here, with the
//! schema's reason at a JSON pointer; then its fields are read.
//!
//! The version is the one the document declares (`standard.version`, or
//! `$standard.version` in 1.x). A document that declares none is checked
//! against the version whose vocabulary knows the most of its property
//! names, at any depth (the newest of equals): 3.x spells them in camelCase
//! (`versionCreated`, `contentType`), 2.x in lower case with plural lists
//! (`subjects`), 1.x in the singular (`subject`, `headline_main`). So a
//! document that could be any version is held to the newest, and one with
//! a property no version knows is told which.

use std::{collections::HashSet, sync::LazyLock};

use jsonschema::{Registry, Validator};
use serde_json::Value;

use crate::{
    Format, ItemKind, Picture, PubStatus, Rejected, Subject, WireItem, parse_time,
    text::paragraphs, urgency,
};

struct Schema {
    version: &'static str,
    validator: Validator,
    /// The top-level properties the version defines.
    vocabulary: HashSet<String>,
    /// Prefixes of the properties its patterns allow (1.x's
    /// `^body_[a-zA-Z0-9_]+`: `body_`).
    prefixes: Vec<String>,
}

impl Schema {
    fn knows(&self, key: &str) -> bool {
        self.vocabulary.contains(key)
            || self.prefixes.iter().any(|p| {
                key.strip_prefix(p.as_str()).is_some_and(|rest| {
                    !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                })
            })
    }
}

const GEOJSON: &str = "https://geojson.org/schema/GeoJSON.json";

/// The schemas, newest first.
static SCHEMAS: LazyLock<Vec<Schema>> = LazyLock::new(|| {
    let geojson: Value = serde_json::from_str(include_str!("../schemas/GeoJSON-schema.json"))
        .expect("the embedded GeoJSON schema is JSON");
    let registry = Registry::new()
        .add(GEOJSON, geojson.clone())
        .and_then(|r| r.prepare())
        .expect("the GeoJSON schema registers");
    [
        ("3.1", include_str!("../schemas/ninjs-schema_3.1.json")),
        ("3.0", include_str!("../schemas/ninjs-schema_3.0.json")),
        ("2.2", include_str!("../schemas/ninjs-schema_2.2.json")),
        ("2.1", include_str!("../schemas/ninjs-schema_2.1.json")),
        ("1.6", include_str!("../schemas/ninjs-schema_1.6.json")),
    ]
    .into_iter()
    .map(|(version, text)| {
        let schema: Value = serde_json::from_str(text).expect("an embedded schema is JSON");
        // 2.x and 3.x `$ref` GeoJSON for geometries: its names are theirs.
        let (mut names, prefixes) = vocabulary(&schema);
        names.extend(vocabulary(&geojson).0);
        // Times are checked (an embargo must be one); identifiers are not
        // held to RFC 3986: agencies' examples use `renditions-example`
        // and the like as `uri`, and the guid only has to be unique.
        let validator = jsonschema::options()
            .with_registry(&registry)
            .should_validate_formats(true)
            .with_format("uri", |s: &str| !s.trim().is_empty())
            .with_format("iri", |s: &str| !s.trim().is_empty())
            .build(&schema)
            .expect("IPTC's schema compiles");
        Schema {
            version,
            vocabulary: names,
            prefixes,
            validator,
        }
    })
    .collect()
});

/// Every property name a schema defines, at any depth, and the prefixes
/// of its `patternProperties` of the form `^prefix[a-zA-Z0-9_]+` (1.x's
/// only form; a pattern of another form is left out, which only makes a
/// document using it look less like that version).
fn vocabulary(schema: &Value) -> (HashSet<String>, Vec<String>) {
    let mut names = HashSet::new();
    let mut prefixes = Vec::new();
    let mut pending = vec![schema];
    while let Some(node) = pending.pop() {
        match node {
            Value::Object(map) => {
                if let Some(Value::Object(properties)) = map.get("properties") {
                    names.extend(properties.keys().cloned());
                }
                if let Some(Value::Object(patterns)) = map.get("patternProperties") {
                    prefixes.extend(
                        patterns
                            .keys()
                            .filter_map(|p| p.strip_prefix('^')?.strip_suffix("[a-zA-Z0-9_]+"))
                            // `^[a-zA-Z0-9_]+` names free-form maps' members
                            // (1.x renditions): it says nothing of a version.
                            .filter(|p| !p.is_empty())
                            .filter(|p| p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
                            .map(str::to_owned),
                    );
                }
                pending.extend(map.values());
            }
            Value::Array(items) => pending.extend(items),
            _ => {}
        }
    }
    (names, prefixes)
}

/// How many of the document's property names, at any depth, `schema`
/// does not define.
fn strangers(schema: &Schema, doc: &Value) -> usize {
    let mut count = 0;
    let mut pending = vec![doc];
    while let Some(node) = pending.pop() {
        match node {
            Value::Object(map) => {
                count += map.keys().filter(|k| !schema.knows(k)).count();
                pending.extend(map.values());
            }
            Value::Array(items) => pending.extend(items),
            _ => {}
        }
    }
    count
}

fn schema(version: &str) -> &'static Schema {
    SCHEMAS
        .iter()
        .find(|s| s.version == version)
        .expect("a known version")
}

/// The schema a document is checked against (see the module's comment).
fn schema_for(doc: &Value) -> Result<&'static Schema, Rejected> {
    let declared = ["standard", "$standard"]
        .iter()
        .find_map(|k| doc.get(*k)?.get("version")?.as_str());
    if let Some(declared) = declared {
        let version = match declared.split('.').collect::<Vec<_>>().as_slice() {
            ["1", ..] => "1.6",
            ["2", "0" | "1", ..] => "2.1",
            ["2", ..] => "2.2",
            ["3", "0", ..] => "3.0",
            ["3", ..] => "3.1",
            _ => {
                return Err(Rejected::new(format!(
                    "/standard/version: {declared:?} is not a ninjs version Dateline reads (1.x, 2.x or 3.x)"
                )));
            }
        };
        return Ok(schema(version));
    }
    // The version that knows the most of its property names; the newest
    // of those that know them equally.
    let best = ["3.1", "2.2", "1.6"]
        .into_iter()
        .map(schema)
        .min_by_key(|s| strangers(s, doc))
        .expect("three versions");
    Ok(best)
}

/// A ninjs document, or a collection of them (a JSON array).
pub fn read(bytes: &[u8]) -> Result<Vec<WireItem>, Rejected> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        Rejected::new(format!(
            "line {}, column {}: not JSON: {e}",
            e.line(),
            e.column()
        ))
    })?;
    match value {
        Value::Array(docs) if docs.is_empty() => Err(Rejected::new(
            "an empty collection: no ninjs document in it",
        )),
        Value::Array(docs) => docs
            .iter()
            .enumerate()
            .map(|(i, doc)| one(doc).map_err(|e| Rejected::new(format!("[{i}]: {}", e.reason))))
            .collect(),
        doc => Ok(vec![one(&doc)?]),
    }
}

/// How many of a document's errors the reason lists.
const REASONS: usize = 3;

fn one(doc: &Value) -> Result<WireItem, Rejected> {
    if !doc.is_object() {
        return Err(Rejected::new("/: a ninjs document is a JSON object"));
    }
    let schema = schema_for(doc)?;
    let errors: Vec<String> = schema
        .validator
        .iter_errors(doc)
        .take(REASONS + 1)
        .map(|e| {
            format!(
                "{}: {}",
                pointer(e.instance_path().as_str()),
                shorten(&e.to_string())
            )
        })
        .collect();
    if !errors.is_empty() {
        let more = if errors.len() > REASONS { "; …" } else { "" };
        let shown: Vec<_> = errors.into_iter().take(REASONS).collect();
        return Err(Rejected::new(format!(
            "not valid ninjs {}: {}{more}",
            schema.version,
            shown.join("; ")
        )));
    }
    item(doc)
}

/// A schema message cut to a readable length: it quotes the offending
/// value, which may be a whole list of renditions.
fn shorten(message: &str) -> String {
    const MAX: usize = 200;
    match message.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &message[..at]),
        None => message.to_owned(),
    }
}

fn pointer(path: &str) -> &str {
    if path.is_empty() { "/" } else { path }
}

/// The first of `names` that is a string in `v` (the versions spell some
/// properties differently).
fn text(v: &Value, names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|n| v.get(*n)?.as_str())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The first string property whose name starts with `prefix` (1.x's
/// `headline_main`, `body_main`, `description_caption`).
fn prefixed(v: &Value, prefix: &str) -> Option<String> {
    v.as_object()?
        .iter()
        .filter(|(k, _)| k.starts_with(prefix))
        .find_map(|(_, value)| value.as_str())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// A list property, whether 2.x/3.x's array or 1.x's object of named
/// members.
fn list<'a>(v: &'a Value, names: &[&str]) -> Vec<&'a Value> {
    match names.iter().find_map(|n| v.get(*n)) {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(Value::Object(members)) => members.values().collect(),
        _ => Vec::new(),
    }
}

/// The value of the entry with `role` in a 2.x/3.x list of
/// `{role, value}` (headlines, descriptions), else of its first entry.
fn by_role(v: &Value, name: &str, role: &str) -> Option<String> {
    let items = list(v, &[name]);
    let chosen = items
        .iter()
        .find(|i| i["role"].as_str() == Some(role))
        .or(items.first())?;
    chosen["value"]
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn time(v: &Value, names: &[&str]) -> Result<Option<jiff::Timestamp>, Rejected> {
    let Some((name, value)) = names.iter().find_map(|n| Some((*n, v.get(*n)?.as_str()?))) else {
        return Ok(None);
    };
    parse_time(value)
        .map(Some)
        .ok_or_else(|| Rejected::new(format!("/{name}: {value:?} is not a date and time")))
}

fn item(v: &Value) -> Result<WireItem, Rejected> {
    let guid = text(v, &["uri"]).ok_or_else(|| Rejected::new("/uri: missing"))?;
    let mut item = WireItem::new(Format::Ninjs, guid);
    item.version = text(v, &["version"]).and_then(|s| s.parse().ok());
    item.kind = text(v, &["type"]).map_or(ItemKind::Text, |t| ItemKind::from_code(&t));
    item.headline = text(v, &["headline", "headline_main"])
        .or_else(|| prefixed(v, "headline_"))
        .or_else(|| by_role(v, "headlines", "main"))
        .or_else(|| text(v, &["title", "slugline"]))
        .unwrap_or_default();
    item.body_html = body(v);
    item.byline = text(v, &["byline", "by"]);
    item.dateline = place(v);
    item.subjects = list(v, &["subjects", "subject"])
        .into_iter()
        .map(|s| Subject {
            code: text(s, &["uri", "code", "literal", "qcode"]),
            name: text(s, &["name"]),
        })
        .filter(|s| s.code.is_some() || s.name.is_some())
        .collect();
    item.urgency = v["urgency"].as_f64().and_then(urgency);
    item.language = text(v, &["language"]);
    item.embargo = time(v, &["embargoedUntil", "embargoed"])?;
    item.version_created = time(v, &["versionCreated", "versioncreated"])?;
    item.first_created = time(v, &["firstCreated", "firstcreated"])?;
    item.pub_status = text(v, &["pubStatus", "pubstatus"])
        .map_or(PubStatus::Usable, |s| PubStatus::from_code(&s));
    item.provider = list(v, &["infoSources", "infosources", "infosource"])
        .into_iter()
        .find_map(|s| text(s, &["name"]))
        .or_else(|| text(v, &["copyrightHolder", "copyrightholder"]));
    item.copyright = text(v, &["copyrightNotice", "copyrightnotice"]);
    item.usage_terms = text(v, &["usageTerms", "usageterms"]);
    if matches!(item.kind, ItemKind::Picture | ItemKind::Graphic) {
        item.pictures.extend(picture(v));
    }
    item.pictures.extend(
        list(v, &["associations"])
            .into_iter()
            .filter(|a| {
                text(a, &["type"]).is_some_and(|t| {
                    matches!(
                        ItemKind::from_code(&t),
                        ItemKind::Picture | ItemKind::Graphic
                    )
                })
            })
            .filter_map(picture),
    );
    Ok(item)
}

/// The body, HTML preferred: 1.x `body_html`/`body_xhtml`/`body_text`, or
/// the main entry of 2.x/3.x `bodies` by content type.
fn body(v: &Value) -> String {
    if let Some(html) = text(v, &["body_html", "body_xhtml"]) {
        return html;
    }
    if let Some(plain) = text(v, &["body_text"]) {
        return paragraphs(&plain);
    }
    // 1.5 and later name bodies by role (`body_main`), without a type.
    if let Some(body) = text(v, &["body_main"]).or_else(|| prefixed(v, "body_")) {
        return if body.starts_with('<') {
            body
        } else {
            paragraphs(&body)
        };
    }
    let bodies = list(v, &["bodies"]);
    let main: Vec<&Value> = match bodies.iter().any(|b| b["role"].as_str() == Some("main")) {
        true => bodies
            .into_iter()
            .filter(|b| b["role"].as_str().is_none_or(|r| r == "main"))
            .collect(),
        false => bodies,
    };
    let content_type = |b: &Value| text(b, &["contentType", "contenttype"]).unwrap_or_default();
    let html = main.iter().find(|b| {
        let t = content_type(b);
        t.contains("html") || t.contains("xml")
    });
    if let Some(value) = html.and_then(|b| text(b, &["value"])) {
        return value;
    }
    main.iter()
        .find_map(|b| text(b, &["value"]))
        .map(|plain| paragraphs(&plain))
        .unwrap_or_default()
}

/// `located`, a string in every version (an object in some agencies'
/// copy); else the first place's name.
fn place(v: &Value) -> Option<String> {
    text(v, &["located"])
        .or_else(|| v.get("located").and_then(|l| text(l, &["name"])))
        .or_else(|| {
            list(v, &["places", "place"])
                .into_iter()
                .find_map(|p| text(p, &["name"]))
        })
}

/// A picture from an association or a picture item: its largest
/// rendition's address (else its `uri`), caption and credit.
fn picture(v: &Value) -> Option<Picture> {
    let renditions = list(v, &["renditions"]);
    let widest = renditions
        .iter()
        .filter(|r| r["href"].is_string())
        .max_by_key(|r| r["width"].as_u64().unwrap_or(0));
    let uri = widest
        .and_then(|r| text(r, &["href"]))
        .or_else(|| text(v, &["uri"]))?;
    let caption = by_role(v, "descriptions", "caption")
        .or_else(|| text(v, &["description_text"]))
        .or_else(|| prefixed(v, "description_"))
        .or_else(|| text(v, &["headline"]))
        .or_else(|| by_role(v, "headlines", "main"));
    let credit = text(v, &["byline", "by", "copyrightHolder", "copyrightholder"]);
    Some(Picture {
        uri,
        caption,
        credit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_is_declared_or_found_from_the_vocabulary() {
        let version = |doc: Value| schema_for(&doc).map(|s| s.version);
        assert_eq!(
            version(serde_json::json!({"uri": "u", "standard": {"version": "2.1"}})),
            Ok("2.1")
        );
        assert_eq!(
            version(serde_json::json!({"uri": "u", "versionCreated": "x"})),
            Ok("3.1")
        );
        assert_eq!(
            version(serde_json::json!({"uri": "u", "versioncreated": "x"})),
            Ok("2.2")
        );
        assert_eq!(
            version(serde_json::json!({"uri": "u", "headline": "x"})),
            Ok("1.6")
        );
        assert_eq!(
            version(serde_json::json!({"uri": "u", "body_xhtml": "x"})),
            Ok("1.6")
        );
        assert_eq!(
            version(serde_json::json!({"uri": "u", "body_": "x"})),
            Ok("3.1")
        );
        assert_eq!(
            version(serde_json::json!({"uri": "u", "urgency": 1})),
            Ok("3.1")
        );
        assert_eq!(
            version(serde_json::json!({"uri": "u", "surprise": 1})),
            Ok("3.1")
        );
        let refused = version(serde_json::json!({"uri": "u", "standard": {"version": "9"}}));
        assert!(refused.unwrap_err().reason.starts_with("/standard/version"));
    }

    #[test]
    fn a_schema_error_names_the_field() {
        let refused = read(br#"{"uri": "urn:x", "urgency": 0.1}"#).unwrap_err();
        assert!(refused.reason.contains("/urgency"), "{refused}");
        let refused = read(b"{\"uri\": \n 3,}").unwrap_err();
        assert!(refused.reason.starts_with("line 2"), "{refused}");
        let refused = read(b"[{\"uri\": \"urn:a\"}, 7]").unwrap_err();
        assert!(refused.reason.starts_with("[1]: /:"), "{refused}");
    }

    #[test]
    fn a_text_story_is_read_with_its_fields() {
        let doc = br#"{
            "uri": "urn:example:story-1", "version": "2", "type": "text",
            "versioncreated": "2026-11-20T04:00:00Z", "embargoed": "2026-11-20T06:00:00Z",
            "urgency": 3, "language": "en", "located": "Pune", "by": "A Correspondent",
            "headlines": [{"role": "main", "value": "Metro line opens"}],
            "bodies": [{"role": "main", "contenttype": "text/plain", "value": "First.\n\nSecond."}],
            "subjects": [{"name": "transport", "uri": "http://cv.iptc.org/newscodes/mediatopic/20000446"}],
            "associations": [{"name": "photo", "type": "picture", "uri": "urn:p",
                "descriptions": [{"role": "caption", "value": "The first train."}], "by": "Staff",
                "renditions": [{"name": "small", "href": "https://x/s.jpg", "width": 100},
                               {"name": "large", "href": "https://x/l.jpg", "width": 1000}]}]
        }"#;
        let item = read(doc).unwrap().remove(0);
        assert_eq!(
            (item.guid.as_str(), item.version),
            ("urn:example:story-1", Some(2))
        );
        assert_eq!(item.headline, "Metro line opens");
        assert_eq!(item.body_html, "<p>First.</p>\n<p>Second.</p>\n");
        assert_eq!(item.embargo.unwrap().to_string(), "2026-11-20T06:00:00Z");
        assert_eq!(
            (item.urgency, item.dateline.as_deref()),
            (Some(3), Some("Pune"))
        );
        assert_eq!(item.pictures[0].uri, "https://x/l.jpg");
        assert_eq!(
            item.pictures[0].caption.as_deref(),
            Some("The first train.")
        );
        assert_eq!(item.pictures[0].credit.as_deref(), Some("Staff"));
        assert_eq!(item.subjects[0].name.as_deref(), Some("transport"));
    }
}
