//! Structured data for search engines, as JSON-LD.

use serde_json::json;

/// A BreadcrumbList for `items` (name, absolute URL), ready to put inside a
/// `<script type="application/ld+json">` element.
pub fn breadcrumbs(items: &[(&str, String)]) -> String {
    let list: Vec<_> = items
        .iter()
        .enumerate()
        .map(|(i, (name, url))| json!({ "@type": "ListItem", "position": i + 1, "name": name, "item": url }))
        .collect();
    script_safe(
        &json!({ "@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": list }),
    )
}

/// JSON that cannot end the script element it sits in.
fn script_safe(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace("</", "<\\/")
        .replace("<!--", "<\\!--")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breadcrumbs_number_their_items_and_cannot_close_the_script() {
        let ld = breadcrumbs(&[
            ("Home", "https://x.test/".into()),
            ("</script><b>", "https://x.test/a".into()),
        ]);
        let parsed: serde_json::Value = serde_json::from_str(&ld).unwrap();
        assert_eq!(parsed["itemListElement"][1]["position"], 2);
        assert!(!ld.contains("</script"));
    }
}
