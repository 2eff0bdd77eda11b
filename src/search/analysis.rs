//! How text becomes search terms: words found by the Unicode word-boundary
//! rules (UAX #29), normalised (NFC, lowercase) and stemmed for their
//! language.
//!
//! A tokenizer that splits on `!char::is_alphanumeric` cuts Devanagari
//! words apart: the virama (्) and many vowel signs are combining marks,
//! not letters. UAX #29 keeps a letter's marks inside its word, so
//! "बढ़ाया" stays one term. NFC makes the two ways of writing a nukta
//! letter (ढ़ as one code point or as ड plus ़) the same term.

use std::borrow::Cow;

use tantivy::tokenizer::{TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer};
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// Longer "words" are noise (a pasted URL, a run of digits), not terms.
const LONGEST_TERM_BYTES: usize = 120;

/// The analyzer for text in `language` (a BCP 47 tag: `en`, `hi-IN`, …):
/// stemmed where Snowball has a stemmer for it, else words as they are.
pub fn analyzer(language: &str) -> TextAnalyzer {
    TextAnalyzer::builder(Words::default())
        .filter(Stem(stemmer_for(language)))
        .build()
}

/// Words as written (lowercased, NFC), for spelling suggestions.
pub fn unstemmed() -> TextAnalyzer {
    TextAnalyzer::builder(Words::default()).build()
}

/// The languages that get an analyzer (and fields) of their own; text in
/// any other language is indexed unstemmed, under [`OTHER`].
pub const STEMMED: [&str; 2] = ["en", "hi"];
pub const OTHER: &str = "other";

/// The analyzer name an article in `language` is indexed with.
pub fn analyzer_name(language: &str) -> &'static str {
    let primary = language.split(['-', '_']).next().unwrap_or_default();
    STEMMED
        .iter()
        .find(|l| primary.eq_ignore_ascii_case(l))
        .copied()
        .unwrap_or(OTHER)
}

fn stemmer_for(language: &str) -> Option<frostem::Algorithm> {
    match analyzer_name(language) {
        "en" => Some(frostem::Algorithm::English),
        "hi" => Some(frostem::Algorithm::Hindi),
        _ => None,
    }
}

/// Splits text into words by UAX #29, lowercased and in NFC.
#[derive(Clone, Default)]
pub struct Words {
    token: Token,
}

pub struct WordStream<'a> {
    words: unicode_segmentation::UWordBoundIndices<'a>,
    token: &'a mut Token,
}

impl Tokenizer for Words {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        self.token.reset();
        WordStream {
            words: text.split_word_bound_indices(),
            token: &mut self.token,
        }
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        for (offset, word) in self.words.by_ref() {
            // Boundaries also delimit spaces and punctuation: a word has a
            // letter or a digit.
            if word.len() > LONGEST_TERM_BYTES || !word.chars().any(char::is_alphanumeric) {
                continue;
            }
            self.token.text.clear();
            if word.is_ascii() {
                self.token.text.push_str(word);
                self.token.text.make_ascii_lowercase();
            } else {
                self.token
                    .text
                    .extend(word.nfc().flat_map(char::to_lowercase));
            }
            self.token.offset_from = offset;
            self.token.offset_to = offset + word.len();
            self.token.position = self.token.position.wrapping_add(1);
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Stems each word with Snowball's stemmer for the language, if any.
#[derive(Clone)]
pub struct Stem(Option<frostem::Algorithm>);

impl TokenFilter for Stem {
    type Tokenizer<T: Tokenizer> = StemTokenizer<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> StemTokenizer<T> {
        StemTokenizer {
            algorithm: self.0,
            inner,
        }
    }
}

#[derive(Clone)]
pub struct StemTokenizer<T> {
    algorithm: Option<frostem::Algorithm>,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for StemTokenizer<T> {
    type TokenStream<'a> = StemStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        StemStream {
            inner: self.inner.token_stream(text),
            stemmer: self.algorithm.map(frostem::Stemmer::new),
        }
    }
}

pub struct StemStream<S> {
    inner: S,
    stemmer: Option<frostem::Stemmer>,
}

impl<S: TokenStream> TokenStream for StemStream<S> {
    fn advance(&mut self) -> bool {
        if !self.inner.advance() {
            return false;
        }
        if let Some(stemmer) = &self.stemmer {
            let token = self.inner.token_mut();
            let stemmed = match stemmer.stem(&token.text) {
                Cow::Owned(stem) => Some(stem),
                Cow::Borrowed(stem) if stem.len() != token.text.len() => Some(stem.to_owned()),
                Cow::Borrowed(_) => None,
            };
            if let Some(stem) = stemmed {
                token.text = stem;
            }
        }
        true
    }

    fn token(&self) -> &Token {
        self.inner.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.inner.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(language: &str, text: &str) -> Vec<String> {
        let mut analyzer = analyzer(language);
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push(token.text.clone());
        }
        out
    }

    #[test]
    fn devanagari_words_keep_their_vowel_signs_and_viramas() {
        let words = terms("mr", "भारत और अमेरिका ने रक्षा सहयोग बढ़ाया।");
        assert_eq!(
            words,
            ["भारत", "और", "अमेरिका", "ने", "रक्षा", "सहयोग", "बढ़ाया"]
        );
    }

    #[test]
    fn a_nukta_letter_is_one_term_however_it_is_written() {
        // ढ़ as one code point (U+095D) and as ड + nukta (U+0922 U+093C).
        assert_eq!(terms("mr", "\u{095D}"), terms("mr", "\u{0922}\u{093C}"));
    }

    #[test]
    fn english_words_are_stemmed_and_lowercased() {
        assert_eq!(terms("en-IN", "Ministers MEET"), ["minist", "meet"]);
        assert_eq!(terms("en", "minister"), ["minist"]);
    }

    #[test]
    fn punctuation_and_spaces_are_not_terms() {
        assert_eq!(terms("other", " — , ! ... 42 "), ["42"]);
    }
}
