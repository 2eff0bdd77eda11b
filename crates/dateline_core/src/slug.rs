use crate::Invalid;

/// A URL path segment: lowercase ASCII letters and digits in runs joined by
/// single hyphens, at most [`Slug::MAX_LEN`] bytes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Slug(String);

/// First path segments the site itself uses; a section or page slug may not take them.
const RESERVED: &[&str] = &[
    "admin",
    "api",
    "author",
    "feed",
    "feeds",
    "img",
    "healthz",
    "readyz",
    "media",
    "metrics",
    "search",
    "sitemap",
    "sitemaps",
    "static",
    "tag",
    "topic",
    "print",
    "account",
    "newsletter",
];

impl Slug {
    pub const MAX_LEN: usize = 80;

    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let ok = !s.is_empty()
            && s.len() <= Self::MAX_LEN
            && s.split('-').all(|run| {
                !run.is_empty()
                    && run
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(Invalid::new(
                "slug",
                format!(
                    "{s:?} is not a slug (lowercase letters and digits joined by single hyphens, at most {} characters)",
                    Self::MAX_LEN
                ),
            ))
        }
    }

    /// A slug for a top-level path (`/{slug}`): sections and static pages.
    pub fn parse_top_level(s: &str) -> Result<Self, Invalid> {
        let slug = Self::parse(s)?;
        if RESERVED.contains(&s) {
            return Err(Invalid::new(
                "slug",
                format!("{s:?} is reserved for the site's own pages"),
            ));
        }
        Ok(slug)
    }

    /// Derives a slug from a title: written in Latin letters (Hindi
    /// romanised, other scripts through `deunicode`), ASCII letters and
    /// digits kept, everything else a separator; cut at a word boundary to
    /// fit. A title with nothing to keep falls back to `fallback`.
    pub fn from_title(title: &str, fallback: &str) -> Self {
        let title = crate::romanize::to_latin(title);
        let mut out = String::with_capacity(title.len().min(Self::MAX_LEN));
        for word in title
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            let word = word.to_ascii_lowercase();
            let extra = word.len() + usize::from(!out.is_empty());
            if out.len() + extra > Self::MAX_LEN {
                break;
            }
            if !out.is_empty() {
                out.push('-');
            }
            out.push_str(&word);
        }
        if out.is_empty() {
            Self::parse(fallback).unwrap_or_else(|_| Self("untitled".into()))
        } else {
            Self(out)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Slug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Slug {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_hyphenated_lowercase_words() {
        assert_eq!(
            Slug::parse("get-ahead-2026").unwrap().as_str(),
            "get-ahead-2026"
        );
    }

    #[test]
    fn refuses_what_a_url_segment_should_not_hold() {
        for bad in [
            "",
            "-a",
            "a-",
            "a--b",
            "A",
            "a b",
            "a/b",
            "é",
            &"a".repeat(81),
        ] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn reserved_words_are_refused_only_at_top_level() {
        assert!(Slug::parse("api").is_ok());
        assert!(Slug::parse_top_level("api").is_err());
        assert!(Slug::parse_top_level("news").is_ok());
    }

    /// Headlines written for this test, over a news site's sections.
    const HINDI_HEADLINES: [&str; 50] = [
        "किसानों ने दिल्ली में प्रदर्शन किया",
        "भारत की अर्थव्यवस्था तेज़ी से बढ़ी",
        "मानसून ने केरल में दस्तक दी",
        "शहर में नई मेट्रो लाइन शुरू",
        "बंदरगाह पर रात की बसें फिर चलीं",
        "संसद का शीतकालीन सत्र आज से",
        "राज्य में बिजली की दरें घटीं",
        "पहाड़ों पर बर्फ़बारी से रास्ते बंद",
        "नदी का जलस्तर ख़तरे के निशान से ऊपर",
        "स्कूलों में गर्मी की छुट्टियां बढ़ीं",
        "रेलवे ने त्योहारों के लिए विशेष गाड़ियां चलाईं",
        "शेयर बाज़ार में तीसरे दिन भी तेज़ी",
        "सोने के दाम में गिरावट",
        "नई शिक्षा नीति पर शिक्षकों की राय",
        "अस्पतालों में डेंगू के मरीज़ बढ़े",
        "गांवों तक पहुंची इंटरनेट सेवा",
        "महिला क्रिकेट टीम ने सीरीज़ जीती",
        "हॉकी में भारत की शानदार जीत",
        "फ़िल्म समारोह में क्षेत्रीय सिनेमा छाया",
        "लोक गायकों का तीन दिन का उत्सव",
        "पुस्तक मेले में रिकॉर्ड भीड़",
        "झील की सफ़ाई के लिए नागरिक आगे आए",
        "बाढ़ प्रभावित इलाक़ों में राहत शिविर",
        "चुनाव आयोग ने तारीख़ों का ऐलान किया",
        "नगर निगम का नया बजट पेश",
        "सड़क हादसों में कमी के लिए नया अभियान",
        "युवाओं के लिए रोज़गार मेला",
        "किसान मंडी में टमाटर के भाव चढ़े",
        "वैज्ञानिकों ने नई दवा का परीक्षण किया",
        "चंद्रयान के आंकड़ों से नई खोज",
        "ठंड से बचाव के लिए रैन बसेरे खुले",
        "प्रधानमंत्री ने नए पुल का उद्घाटन किया",
        "मुख्यमंत्री ने किसानों से मुलाक़ात की",
        "शतरंज में किशोर खिलाड़ी ने ख़िताब जीता",
        "कबड्डी लीग का फ़ाइनल आज",
        "वायु प्रदूषण पर अदालत सख़्त",
        "जंगल में आग पर काबू पाया गया",
        "बाघों की संख्या में बढ़ोतरी",
        "पर्यटन स्थलों पर सैलानियों की भीड़",
        "ऑनलाइन ठगी से बचने के उपाय",
        "डाकघर में अब डिजिटल भुगतान",
        "हवाई अड्डे पर नया टर्मिनल खुला",
        "बुज़ुर्गों के लिए मुफ़्त स्वास्थ्य जांच",
        "बच्चों के पोषण पर नई योजना",
        "तालाबों को बचाने की मुहिम",
        "सांस्कृतिक धरोहर की मरम्मत शुरू",
        "मौसम विभाग ने भारी बारिश की चेतावनी दी",
        "कपड़ा उद्योग में नई नौकरियां",
        "दूध के दाम दो रुपये बढ़े",
        "साइकिल से देश की यात्रा पर निकला दल",
    ];

    #[test]
    fn hindi_headlines_give_distinct_readable_addresses() {
        let slugs: std::collections::BTreeSet<String> = HINDI_HEADLINES
            .iter()
            .map(|h| Slug::from_title(h, "article").as_str().to_owned())
            .collect();
        assert_eq!(slugs.len(), HINDI_HEADLINES.len(), "{slugs:#?}");
        for slug in &slugs {
            assert!(
                slug.bytes().any(|b| b.is_ascii_lowercase()) && slug != "article",
                "{slug}"
            );
        }
    }

    #[test]
    fn titles_become_slugs_cut_at_a_word() {
        assert_eq!(
            Slug::from_title("Sensex ends 1.2% higher; IT stocks lead", "x").as_str(),
            "sensex-ends-1-2-higher-it-stocks-lead"
        );
        let long = Slug::from_title(&"word ".repeat(40), "x");
        assert!(long.as_str().len() <= Slug::MAX_LEN && !long.as_str().ends_with('-'));
        assert_eq!(Slug::from_title("भारत", "article-7").as_str(), "bharat");
        assert_eq!(Slug::from_title("Café crème", "x").as_str(), "cafe-creme");
        assert_eq!(Slug::from_title("“—”", "article-7").as_str(), "article-7");
    }
}
