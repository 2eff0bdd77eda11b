//! Text at the edge: every form a browser sends is read through [`form`],
//! so what reaches a handler is in Unicode's composed form and free of
//! control characters and noncharacters (see [`dateline_core::clean_text`]),
//! whichever field it came in.

use serde::de::DeserializeOwned;

/// An `application/x-www-form-urlencoded` body as `T`, every name and
/// value cleaned first. Browsers send what was pasted into a field as it
/// was, form feeds and all: those are dropped rather than refused, as a
/// word processor would.
pub fn form<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_html_form::de::Error> {
    let pairs = url::form_urlencoded::parse(bytes);
    let clean = pairs.clone().all(|(k, v)| is_clean(&k) && is_clean(&v));
    if clean {
        return serde_html_form::from_bytes(bytes);
    }
    let mut cleaned = url::form_urlencoded::Serializer::new(String::with_capacity(bytes.len()));
    for (name, value) in pairs {
        cleaned.append_pair(
            &dateline_core::clean_text(&name),
            &dateline_core::clean_text(&value),
        );
    }
    serde_html_form::from_str(&cleaned.finish())
}

fn is_clean(s: &str) -> bool {
    matches!(dateline_core::clean_text(s), std::borrow::Cow::Borrowed(_))
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Form {
        name: String,
        tags: Vec<String>,
    }

    #[test]
    fn fields_arrive_without_controls_and_composed() {
        let form: Form =
            super::form(b"name=Ann%00e%01%C2%85&tags=Cafe%CC%81&tags=a%EF%BF%BEb").unwrap();
        assert_eq!(
            form,
            Form {
                name: "Anne".into(),
                tags: vec!["Caf\u{e9}".into(), "ab".into()],
            }
        );
    }
}
