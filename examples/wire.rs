//! Wire intake throughput: a synthetic stream of agency copy (the synthetic
//! corpus's ~800-word stories) as ninjs collections from one agency and
//! NewsML-G2 news messages from another, with one item in five a new
//! version of an earlier story and one in five the other agency's copy of
//! a story already in. Measured in one run, on a fresh SQLite database:
//!
//! 1. reading alone (the reference: what parsing costs),
//! 2. reading and signing (MinHash),
//! 3. the whole intake: reading, signing, clustering and storing.
//!
//! `cargo run --release --example wire -- [ITEMS] [PER_DOCUMENT]` (defaults
//! 20,000 and 50). Prints one line of JSON; `bench/wire.sh` runs it.

use std::time::Instant;

use dateline::demo::synthetic::generate;
use dateline_core::{NewSource, Slug, SourceRights, Text};
use dateline_store::Store;
use dateline_wire::cluster::Signature;

/// A story's paragraphs as HTML, with the last one changed for `version`.
fn body(markdown: &str, version: u32) -> String {
    let mut paragraphs: Vec<String> = markdown
        .split("\n\n")
        .filter(|p| !p.starts_with('#'))
        .map(|p| format!("<p>{}</p>", escape(p)))
        .collect();
    if version > 1
        && let Some(last) = paragraphs.last_mut()
    {
        *last = format!("<p>Updated at version {version}: officials confirmed the figures.</p>");
    }
    paragraphs.concat()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// One item of the stream: which story, which version, which agency.
struct Planned {
    story: u64,
    version: u32,
    second_agency: bool,
}

fn plan(items: usize) -> Vec<Planned> {
    (0..items as u64)
        .map(|i| match i % 5 {
            // A new version of the story sent three items before.
            3 => Planned {
                story: i - 3,
                version: 2,
                second_agency: false,
            },
            // The other agency's copy of the story sent three items before.
            4 => Planned {
                story: i - 3,
                version: 1,
                second_agency: true,
            },
            _ => Planned {
                story: i,
                version: 1,
                second_agency: false,
            },
        })
        .collect()
}

fn ninjs(items: &[&Planned]) -> Vec<u8> {
    let docs: Vec<serde_json::Value> = items
        .iter()
        .map(|p| {
            let draft = generate(7, p.story);
            serde_json::json!({
                "uri": format!("urn:bench:a:{}", p.story),
                "version": p.version.to_string(),
                "type": "text",
                "versioncreated": "2026-11-25T05:00:00Z",
                "language": "en",
                "urgency": 4,
                "located": draft.place,
                "headlines": [{"role": "main", "value": draft.headline}],
                "bodies": [{"role": "main", "contenttype": "text/html", "value": body(&draft.markdown, p.version)}],
            })
        })
        .collect();
    serde_json::to_vec(&docs).expect("JSON")
}

fn newsml(items: &[&Planned]) -> Vec<u8> {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<newsMessage xmlns=\"http://iptc.org/std/nar/2006-10-01/\"><header><sent>2026-11-25T05:00:00Z</sent></header><itemSet>",
    );
    for p in items {
        let draft = generate(7, p.story);
        xml.push_str(&format!(
            "<newsItem guid=\"urn:bench:b:{}\" version=\"{}\" standard=\"NewsML-G2\" standardversion=\"2.35\">\
             <itemMeta><itemClass qcode=\"ninat:text\"/><provider qcode=\"nprov:B\"/>\
             <versionCreated>2026-11-25T05:00:00Z</versionCreated><pubStatus qcode=\"stat:usable\"/></itemMeta>\
             <contentMeta><urgency>4</urgency><headline>{}</headline></contentMeta>\
             <contentSet><inlineXML contenttype=\"application/xhtml+xml\"><html xmlns=\"http://www.w3.org/1999/xhtml\"><body>{}</body></html></inlineXML></contentSet>\
             </newsItem>",
            p.story,
            p.version,
            escape(&draft.headline),
            body(&draft.markdown, p.version)
        ));
    }
    xml.push_str("</itemSet></newsMessage>");
    xml.into_bytes()
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let items: usize = args.next().map_or(Ok(20_000), |a| a.parse())?;
    let per_document: usize = args.next().map_or(Ok(50), |a| a.parse())?;

    // The stream: documents of `per_document` items, each agency's apart.
    let planned = plan(items);
    let mut documents: Vec<(bool, Vec<u8>)> = Vec::new();
    for chunk in planned.chunks(per_document) {
        let (b, a): (Vec<&Planned>, Vec<&Planned>) = chunk.iter().partition(|p| p.second_agency);
        if !a.is_empty() {
            documents.push((false, ninjs(&a)));
        }
        if !b.is_empty() {
            documents.push((true, newsml(&b)));
        }
    }
    let bytes: usize = documents.iter().map(|(_, d)| d.len()).sum();

    let start = Instant::now();
    let mut read = 0;
    for (_, document) in &documents {
        read += dateline_wire::read(document)
            .expect("a valid document")
            .len();
    }
    let parse = start.elapsed().as_secs_f64();

    let start = Instant::now();
    for (_, document) in &documents {
        for item in dateline_wire::read(document).expect("a valid document") {
            std::hint::black_box(Signature::of(&item.plain_text()));
        }
    }
    let signed = start.elapsed().as_secs_f64();

    let dir = tempfile::tempdir()?;
    let store = Store::open(None, dir.path()).await?;
    store.migrate().await?;
    let now = jiff::Timestamp::now();
    let mut sources = Vec::new();
    for slug in ["agency-a", "agency-b"] {
        let new = NewSource {
            slug: Slug::parse(slug)?,
            name: Text::parse("name", slug, 80)?,
            notice: None,
            rights: SourceRights::default(),
        };
        sources.push(store.create_source(&new, now).await?);
    }
    let start = Instant::now();
    let mut clusters = std::collections::HashSet::new();
    let mut stored = 0;
    for (i, (second, document)) in documents.iter().enumerate() {
        let items = dateline_wire::read(document).expect("a valid document");
        let source = sources[usize::from(*second)];
        let ingested = store
            .ingest_wire(source, &format!("doc-{i}"), document, &items, now)
            .await?;
        for item in ingested.items {
            stored += usize::from(item.id.is_some());
            clusters.extend(item.cluster);
        }
    }
    let ingest = start.elapsed().as_secs_f64();
    store.close().await;

    let rate = |seconds: f64| (read as f64 / seconds).round();
    println!(
        "{}",
        serde_json::json!({
            "items": read,
            "documents": documents.len(),
            "megabytes": (bytes as f64 / 1e6 * 10.0).round() / 10.0,
            "stored": stored,
            "clusters": clusters.len(),
            "read_items_per_s": rate(parse),
            "read_and_sign_items_per_s": rate(signed),
            "ingest_items_per_s": rate(ingest),
            "ingest_vs_read": ((parse / ingest) * 1000.0).round() / 1000.0,
            "peak_rss_mib": (peak_rss_mib() * 10.0).round() / 10.0,
        })
    );
    Ok(())
}
