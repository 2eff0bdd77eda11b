//! The index's fields. Text goes into the fields of its language's
//! analyzer (a tantivy field has one), so an English article is stemmed as
//! English and a Hindi one as Hindi; queries ask every language's fields.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions,
};

use super::analysis::{OTHER, STEMMED};

/// Analyzer names, as registered with the index: one per language.
pub const LANGUAGES: [&str; 3] = [STEMMED[0], STEMMED[1], OTHER];
/// The analyzer of the spelling field: words as written, unstemmed.
pub const SPELLING_ANALYZER: &str = "spelling";

/// The text fields of one language's analyzer.
#[derive(Clone, Copy)]
pub struct TextFields {
    pub language: &'static str,
    pub headline: Field,
    /// Standfirst and body.
    pub text: Field,
}

#[derive(Clone)]
pub struct Fields {
    pub schema: Schema,
    /// The article id: deletes and updates find the document by it.
    pub id: Field,
    pub languages: Vec<TextFields>,
    /// Headline and standfirst words as written, for "did you mean".
    pub spelling: Field,
    pub section: Field,
    pub source: Field,
    pub tags: Field,
    pub authors: Field,
    /// First publication, in seconds: date filters and the recency boost.
    pub published: Field,
    /// A hash of the headline and body: "More like this" leaves out copies.
    pub fingerprint: Field,
}

impl Fields {
    pub fn new() -> Self {
        let mut builder = Schema::builder();
        let text = |analyzer: &str| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(analyzer)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            )
        };
        let id = builder.add_u64_field("id", INDEXED | FAST);
        let languages = LANGUAGES
            .iter()
            .map(|&language| TextFields {
                language,
                headline: builder.add_text_field(&format!("headline_{language}"), text(language)),
                text: builder.add_text_field(&format!("text_{language}"), text(language)),
            })
            .collect();
        let spelling = builder.add_text_field(
            "spelling",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(SPELLING_ANALYZER)
                    .set_index_option(IndexRecordOption::Basic),
            ),
        );
        let section = builder.add_u64_field("section", INDEXED);
        let source = builder.add_u64_field("source", INDEXED);
        let tags = builder.add_u64_field("tags", INDEXED);
        let authors = builder.add_u64_field("authors", INDEXED);
        let published = builder.add_i64_field("published", INDEXED | FAST);
        let fingerprint = builder.add_u64_field("fingerprint", INDEXED);
        Self {
            schema: builder.build(),
            id,
            languages,
            spelling,
            section,
            source,
            tags,
            authors,
            published,
            fingerprint,
        }
    }

    /// The text fields for an article in `language` (an analyzer name).
    pub fn for_language(&self, language: &str) -> TextFields {
        *self
            .languages
            .iter()
            .find(|l| l.language == language)
            .unwrap_or_else(|| self.languages.last().expect("the fallback language"))
    }
}
