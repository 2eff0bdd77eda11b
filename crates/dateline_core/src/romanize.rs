//! Text in Latin letters, for addresses: a Hindi headline's address reads
//! `bharat-ki-arthavyavastha`, not `article-42`.
//!
//! Devanagari is romanised here, the way Hindi is spoken: letter-by-letter
//! tables (`deunicode`, `any_ascii`) drop every inherent vowel ("bhart",
//! "prdrsn"), and Sanskrit schemes keep them all ("bhārata"). The table is
//! Hunterian (the Indian government's romanisation, without diacritics);
//! the inherent "a" after a consonant is dropped where Hindi drops it: at
//! the end of a word, and between a vowel and consonant on one side and a
//! consonant and vowel on the other (`samajhna`, not `samajhana`), but
//! said after a final cluster ending in y, r or v (`rajya`). Any other
//! script goes through `deunicode`.

use unicode_normalization::UnicodeNormalization;

/// `text` with Devanagari romanised and other letters made ASCII where
/// `deunicode` knows them; ASCII passes through.
pub fn to_latin(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    // NFD: a nukta letter (क़) becomes its base and the nukta sign (क ़).
    for c in text.nfd() {
        if is_devanagari(c) {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            romanize_word(&word, &mut out);
            word.clear();
        }
        if c.is_ascii() {
            out.push(c);
        } else if let Some(ascii) = deunicode::deunicode_char(c) {
            out.push_str(ascii);
        }
    }
    if !word.is_empty() {
        romanize_word(&word, &mut out);
    }
    out
}

fn is_devanagari(c: char) -> bool {
    ('\u{0900}'..='\u{097F}').contains(&c)
}

/// What one written sign stands for.
#[derive(Clone, Copy)]
enum Sound {
    /// A consonant; `schwa`: followed by the inherent vowel.
    Consonant { latin: &'static str, schwa: bool },
    /// A vowel, written as a letter or as a sign on a consonant.
    Vowel(&'static str),
    /// Anusvara, chandrabindu, visarga, digits: never a vowel.
    Other(&'static str),
}

impl Sound {
    fn voiced(self) -> bool {
        matches!(self, Self::Vowel(_) | Self::Consonant { schwa: true, .. })
    }
}

fn consonant(c: char) -> Option<&'static str> {
    Some(match c {
        'क' => "k",
        'ख' => "kh",
        'ग' => "g",
        'घ' => "gh",
        'ङ' | 'ञ' | 'ण' | 'न' => "n",
        'च' => "ch",
        'छ' => "chh",
        'ज' => "j",
        'झ' => "jh",
        'ट' | 'त' => "t",
        'ठ' | 'थ' => "th",
        'ड' | 'द' => "d",
        'ढ' | 'ध' => "dh",
        'प' => "p",
        'फ' => "ph",
        'ब' => "b",
        'भ' => "bh",
        'म' => "m",
        'य' => "y",
        'र' => "r",
        'ल' | 'ळ' => "l",
        'व' => "v",
        'श' | 'ष' => "sh",
        'स' => "s",
        'ह' => "h",
        _ => return None,
    })
}

/// The sound a consonant takes with a nukta (ज़ z, फ़ f, ड़ r …).
fn with_nukta(c: char) -> Option<&'static str> {
    Some(match c {
        'क' => "q",
        'ख' => "kh",
        'ग' => "g",
        'ज' => "z",
        'ड' => "r",
        'ढ' => "rh",
        'फ' => "f",
        'य' => "y",
        _ => return None,
    })
}

/// Vowels written as letters, and as signs on a consonant.
fn vowel(c: char) -> Option<&'static str> {
    Some(match c {
        'अ' | 'आ' | 'ा' => "a",
        'इ' | 'ई' | 'ि' | 'ी' => "i",
        'उ' | 'ऊ' | 'ु' | 'ू' => "u",
        'ऋ' | 'ृ' => "ri",
        'ए' | 'ऍ' | 'े' | 'ॅ' => "e",
        'ऐ' | 'ै' => "ai",
        'ओ' | 'ऑ' | 'ो' | 'ॉ' => "o",
        'औ' | 'ौ' => "au",
        _ => return None,
    })
}

fn other(c: char) -> Option<&'static str> {
    const DIGITS: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
    Some(match c {
        'ं' | 'ँ' => "n",
        'ः' => "h",
        'ॐ' => "om",
        '०'..='९' => DIGITS[c as usize - '०' as usize],
        // Danda, double danda: the end of a sentence.
        '।' | '॥' => " ",
        _ => return None,
    })
}

const VIRAMA: char = '\u{094D}';
const NUKTA: char = '\u{093C}';

fn romanize_word(word: &str, out: &mut String) {
    let mut sounds: Vec<Sound> = Vec::with_capacity(word.len());
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(mut latin) = consonant(c) {
            if chars.next_if_eq(&NUKTA).is_some() {
                latin = with_nukta(c).unwrap_or(latin);
            }
            // A virama or a vowel sign takes the inherent vowel's place.
            let schwa = chars.next_if_eq(&VIRAMA).is_none()
                && chars.peek().and_then(|n| vowel(*n)).is_none()
                || chars.peek().is_some_and(|n| is_independent_vowel(*n));
            sounds.push(Sound::Consonant { latin, schwa });
        } else if let Some(latin) = vowel(c) {
            sounds.push(Sound::Vowel(latin));
        } else if let Some(latin) = other(c) {
            sounds.push(Sound::Other(latin));
        }
    }
    drop_silent_schwas(&mut sounds);
    for (k, sound) in sounds.iter().enumerate() {
        match *sound {
            Sound::Consonant { latin, schwa } => {
                out.push_str(latin);
                if schwa {
                    out.push('a');
                }
            }
            // A nasal before p, b or m is said "m" (`mumbai`).
            Sound::Other("n")
                if matches!(
                    sounds.get(k + 1),
                    Some(Sound::Consonant { latin, .. }) if latin.starts_with(['p', 'b', 'm'])
                ) =>
            {
                out.push('m');
            }
            Sound::Vowel(latin) | Sound::Other(latin) => out.push_str(latin),
        }
    }
}

/// A vowel letter (not a sign): after a consonant it starts a syllable of
/// its own, so the consonant keeps its inherent vowel.
fn is_independent_vowel(c: char) -> bool {
    ('\u{0904}'..='\u{0914}').contains(&c)
}

/// Hindi's schwa deletion: the inherent vowel is not said at the end of a
/// word (but after a cluster ending in y, r or v), nor in a consonant between a vowel and a
/// consonant that has a vowel of its own (checked right to left, so
/// `samajhana` loses one "a": `samajhna`).
fn drop_silent_schwas(sounds: &mut [Sound]) {
    // Said after a cluster ending in y, r or v, though (`rajya`, `satra`;
    // but `muft`, `film`).
    let said = match sounds {
        [
            ..,
            Sound::Consonant { schwa: false, .. },
            Sound::Consonant { latin, .. },
        ] => ["y", "r", "v"].contains(latin),
        _ => false,
    };
    if let Some(Sound::Consonant { schwa, .. }) = sounds.last_mut()
        && !said
    {
        *schwa = false;
    }
    for k in (1..sounds.len().saturating_sub(1)).rev() {
        let Sound::Consonant { schwa: true, latin } = sounds[k] else {
            continue;
        };
        let next_sounded = match sounds[k + 1] {
            Sound::Consonant { schwa: true, .. } => true,
            Sound::Consonant { schwa: false, .. } => {
                matches!(sounds.get(k + 2), Some(Sound::Vowel(_)))
            }
            _ => false,
        };
        if sounds[k - 1].voiced() && next_sounded {
            sounds[k] = Sound::Consonant {
                latin,
                schwa: false,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::to_latin;

    #[test]
    fn hindi_reads_as_it_is_said() {
        for (hindi, latin) in [
            (
                "किसानों ने दिल्ली में प्रदर्शन किया",
                "kisanon ne dilli men pradarshan kiya",
            ),
            ("भारत की अर्थव्यवस्था", "bharat ki arthavyavastha"),
            ("प्रधानमंत्री मोदी ने कहा", "pradhanmantri modi ne kaha"),
            ("सरकार", "sarkar"),
            ("समझना", "samajhna"),
            ("ज़िंदगी", "zindagi"),
            ("हँसी", "hansi"),
            ("बर्फ़बारी", "barfabari"),
            ("कर्मचारी", "karmachari"),
            ("संसद का सत्र", "sansad ka satra"),
            ("राज्य", "rajya"),
            ("मुफ़्त फ़िल्म", "muft film"),
            ("मुंबई", "mumbai"),
            ("२०२६ में", "2026 men"),
        ] {
            assert_eq!(to_latin(hindi), latin, "{hindi}");
        }
    }

    #[test]
    fn other_scripts_and_accents_become_ascii() {
        assert_eq!(to_latin("Café in São Paulo"), "Cafe in Sao Paulo");
        assert_eq!(to_latin("IPL 2026: मुंबई जीती"), "IPL 2026: mumbai jiti");
    }
}
