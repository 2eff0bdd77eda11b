//! Readers' queries: words (all must match, in any language's fields),
//! "quoted phrases", -excluded words, and filters by section, tag, author,
//! source and date. Ranked by BM25 (headlines count double) with a boost
//! for recent stories; a query that finds nothing is retried with its
//! one-edit misspellings corrected.
//!
//! The grammar is our own and small on purpose: any input is a query
//! (unbalanced quotes end at the end, control characters are spaces, and
//! only the first [`MAX_QUERY_CHARS`] count), so nothing a reader types is
//! an error.

use std::{collections::HashMap, ops::Bound};

use dateline_core::ArticleId;
use dateline_store::IndexDocument;
use jiff::Timestamp;
use tantivy::{
    DocAddress, DocId, Score, Searcher, SegmentReader, Term,
    collector::{Count, TopDocs},
    query::{
        AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, MoreLikeThisQuery, Occur, PhraseQuery,
        Query, RangeQuery, TermQuery,
    },
    snippet::SnippetGenerator,
};

use super::{BASIC, SearchIndex, schema::TextFields, terms, text_value};

/// Longer queries are cut here: more words add nothing but cost.
pub const MAX_QUERY_CHARS: usize = 200;
/// Words and phrases of a query that count.
const MAX_PARTS: usize = 12;
/// The deepest result a reader can page to.
pub const MAX_RESULTS: usize = 1000;
const HEADLINE_BOOST: f32 = 2.0;
/// Characters of body text around the matches shown with each result.
const SNIPPET_CHARS: usize = 220;

/// What a reader asked for.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    pub text: String,
    pub section: Option<i64>,
    pub tag: Option<i64>,
    pub author: Option<i64>,
    pub source: Option<i64>,
    /// Published at or after.
    pub from: Option<Timestamp>,
    /// Published before.
    pub until: Option<Timestamp>,
    pub offset: usize,
    pub limit: usize,
}

impl SearchQuery {
    /// Whether it asks for anything: words or a filter.
    pub fn is_empty(&self) -> bool {
        parse(&self.text).is_empty()
            && self.section.is_none()
            && self.tag.is_none()
            && self.author.is_none()
            && self.source.is_none()
            && self.from.is_none()
            && self.until.is_none()
    }
}

#[derive(Debug, Default)]
pub struct SearchResults {
    /// Matching published articles (as the index knows them).
    pub total: usize,
    pub hits: Vec<ArticleId>,
    /// When the query as typed found nothing, the corrected text these
    /// results are for.
    pub corrected: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Word(String),
    Phrase(String),
    Without(String),
}

/// Splits a reader's text into words, phrases and excluded words.
fn parse(text: &str) -> Vec<Part> {
    let text: String = text
        .chars()
        .take(MAX_QUERY_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut parts = Vec::new();
    let mut rest = text.as_str();
    while parts.len() < MAX_PARTS {
        rest = rest.trim_start();
        let Some(first) = rest.chars().next() else {
            break;
        };
        if first == '"' {
            let inner = &rest[1..];
            let end = inner.find('"').unwrap_or(inner.len());
            let phrase = inner[..end].trim();
            if !phrase.is_empty() {
                parts.push(Part::Phrase(phrase.to_owned()));
            }
            rest = inner.get(end + 1..).unwrap_or_default();
            continue;
        }
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '"')
            .unwrap_or(rest.len());
        let word = &rest[..end];
        rest = &rest[end..];
        match word.strip_prefix('-') {
            Some(without) if !without.is_empty() => parts.push(Part::Without(without.to_owned())),
            _ => parts.push(Part::Word(word.to_owned())),
        }
    }
    parts
}

impl SearchIndex {
    /// Runs `query`; blocking (call from a blocking thread).
    pub fn search(&self, query: &SearchQuery) -> anyhow::Result<SearchResults> {
        let started = std::time::Instant::now();
        let results = self.search_now(query);
        metrics::histogram!("dateline_search_query_duration_seconds").record(started.elapsed());
        results
    }

    fn search_now(&self, query: &SearchQuery) -> anyhow::Result<SearchResults> {
        let searcher = self.reader.searcher();
        let parts = parse(&query.text);
        let mut results = self.run(&searcher, query, &parts)?;
        if results.total == 0
            && let Some((corrected, parts)) = self.correct(&searcher, &parts)?
        {
            results = self.run(&searcher, query, &parts)?;
            if results.total > 0 {
                results.corrected = Some(corrected);
            }
        }
        Ok(results)
    }

    fn run(
        &self,
        searcher: &Searcher,
        query: &SearchQuery,
        parts: &[Part],
    ) -> anyhow::Result<SearchResults> {
        let Some(tantivy_query) = self.build(query, parts) else {
            return Ok(SearchResults::default());
        };
        let wanted = (query.offset + query.limit).min(MAX_RESULTS);
        if wanted == 0 || query.offset >= MAX_RESULTS {
            return Ok(SearchResults::default());
        }
        // The recency boost is part of each document's score, so results
        // have one order however deep a page is: every match is on exactly
        // one page. (Re-ranking a window of the best-scored matches gave
        // each page depth its own order past the window.) The reference
        // time moves by the hour, so a reader paging on meets the same one.
        let now = Timestamp::now().as_second() / 3600 * 3600;
        let ranked = TopDocs::with_limit(wanted - query.offset)
            .and_offset(query.offset)
            .tweak_score(move |segment: &SegmentReader| {
                let column = segment.fast_fields().i64("published").ok();
                move |doc: DocId, score: Score| {
                    let at = column.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
                    let age_days = (now - at).max(0) as f32 / 86_400.0;
                    score * recency(age_days)
                }
            });
        let (top, total) = searcher.search(&tantivy_query, &(ranked, Count))?;
        let mut columns = Columns::default();
        let mut hits = Vec::with_capacity(top.len());
        for (_, address) in top {
            hits.push(columns.read(searcher, address)?.0);
        }
        Ok(SearchResults {
            total,
            hits,
            corrected: None,
        })
    }

    /// The whole tantivy query; `None` when it asks for nothing.
    fn build(&self, query: &SearchQuery, parts: &[Part]) -> Option<Box<dyn Query>> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut positive = false;
        for part in parts {
            match part {
                Part::Word(text) | Part::Phrase(text) => {
                    if let Some(q) = self.text_query(text) {
                        clauses.push((Occur::Must, q));
                        positive = true;
                    }
                }
                Part::Without(text) => {
                    if let Some(q) = self.text_query(text) {
                        clauses.push((Occur::MustNot, q));
                    }
                }
            }
        }
        let f = &self.fields;
        let filters = [
            (f.section, query.section),
            (f.tags, query.tag),
            (f.authors, query.author),
            (f.source, query.source),
        ];
        for (field, value) in filters {
            if let Some(value) = value {
                clauses.push((
                    Occur::Must,
                    term_query(Term::from_field_u64(field, value as u64)),
                ));
                positive = true;
            }
        }
        if query.from.is_some() || query.until.is_some() {
            let at = |t: Timestamp| Term::from_field_i64(f.published, t.as_second());
            let lower = query
                .from
                .map_or(Bound::Unbounded, |t| Bound::Included(at(t)));
            let upper = query
                .until
                .map_or(Bound::Unbounded, |t| Bound::Excluded(at(t)));
            clauses.push((Occur::Must, Box::new(RangeQuery::new(lower, upper))));
            positive = true;
        }
        if !positive {
            return None;
        }
        if !parts.iter().any(|p| !matches!(p, Part::Without(_))) {
            // Filters alone: every article they let through, newest first
            // (all score alike, so the recency boost orders them).
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        Some(Box::new(BooleanQuery::new(clauses)))
    }

    /// A word or phrase in any language's fields (headline or text).
    fn text_query(&self, text: &str) -> Option<Box<dyn Query>> {
        let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for fields in &self.fields.languages {
            let words = terms(&self.index, fields.language, text);
            for (field, boost) in [(fields.headline, HEADLINE_BOOST), (fields.text, 1.0)] {
                let q = match words.as_slice() {
                    [] => continue,
                    [word] => term_query(Term::from_field_text(field, word)),
                    many => Box::new(PhraseQuery::new(
                        many.iter()
                            .map(|w| Term::from_field_text(field, w))
                            .collect(),
                    )) as Box<dyn Query>,
                };
                alternatives.push((Occur::Should, Box::new(BoostQuery::new(q, boost))));
            }
        }
        (!alternatives.is_empty())
            .then(|| Box::new(BooleanQuery::new(alternatives)) as Box<dyn Query>)
    }

    /// The query's words with each unknown one replaced by the most common
    /// word one edit away (a letter added, dropped, changed or two swapped);
    /// `None` if no word needed or had a correction.
    fn correct(
        &self,
        searcher: &Searcher,
        parts: &[Part],
    ) -> anyhow::Result<Option<(String, Vec<Part>)>> {
        let spelling = self.fields.spelling;
        let mut changed = false;
        let mut corrected = Vec::with_capacity(parts.len());
        for part in parts {
            let Part::Word(word) = part else {
                corrected.push(part.clone());
                continue;
            };
            let words = terms(&self.index, super::SPELLING_ANALYZER, word);
            let [written] = words.as_slice() else {
                corrected.push(part.clone());
                continue;
            };
            let known = searcher.doc_freq(&Term::from_field_text(spelling, written))? > 0;
            // Short words have too many neighbours for a guess to be useful.
            if known || written.chars().count() < 4 {
                corrected.push(part.clone());
                continue;
            }
            let automaton = FuzzyTermQuery::new(Term::from_field_text(spelling, written), 1, true)
                .automaton()?;
            let mut counts: HashMap<Vec<u8>, u64> = HashMap::new();
            for segment in searcher.segment_readers() {
                let inverted = segment.inverted_index(spelling)?;
                let mut stream = inverted.terms().search(&automaton).into_stream()?;
                while let Some((key, info)) = stream.next() {
                    *counts.entry(key.to_vec()).or_default() += u64::from(info.doc_freq);
                }
            }
            let best = counts
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
                .and_then(|(key, _)| String::from_utf8(key).ok());
            match best {
                Some(best) => {
                    corrected.push(Part::Word(best));
                    changed = true;
                }
                None => corrected.push(part.clone()),
            }
        }
        if !changed {
            return Ok(None);
        }
        let text = corrected
            .iter()
            .map(|p| match p {
                Part::Word(w) => w.clone(),
                Part::Phrase(p) => format!("\"{p}\""),
                Part::Without(w) => format!("-{w}"),
            })
            .collect::<Vec<_>>()
            .join(" ");
        Ok(Some((text, corrected)))
    }

    /// What cuts snippets for the results of `query`: made once per page.
    pub fn snippets(&self, query: &SearchQuery) -> Snippets {
        let searcher = self.reader.searcher();
        let generators = self
            .build(query, &parse(&query.text))
            .map(|q| {
                self.fields
                    .languages
                    .iter()
                    .filter_map(|fields: &TextFields| {
                        let mut generator =
                            SnippetGenerator::create(&searcher, &*q, fields.text).ok()?;
                        generator.set_max_num_chars(SNIPPET_CHARS);
                        Some((fields.language, generator))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Snippets {
            generators,
            site_language: self.site_language,
        }
    }
}

/// Snippet generators of one query, one per language's text field.
pub struct Snippets {
    generators: Vec<(&'static str, SnippetGenerator)>,
    site_language: &'static str,
}

impl Snippets {
    /// The part of `text` (in `language`, else the site's) that best
    /// matches the query, as HTML with the matches in `<b>`; empty if
    /// nothing matches.
    pub fn of(&self, text: &str, language: Option<&str>) -> String {
        let language = language.map_or(self.site_language, super::analysis::analyzer_name);
        self.generators
            .iter()
            .find(|(l, _)| *l == language)
            .map(|(_, generator)| generator.snippet(text).to_html())
            .unwrap_or_default()
    }
}

/// Reads the id and publication time of result documents, opening each
/// segment's columns once.
#[derive(Default)]
struct Columns {
    by_segment: HashMap<
        u32,
        (
            tantivy::columnar::Column<u64>,
            tantivy::columnar::Column<i64>,
        ),
    >,
}

impl Columns {
    fn read(
        &mut self,
        searcher: &Searcher,
        address: DocAddress,
    ) -> anyhow::Result<(ArticleId, i64)> {
        let (ids, published) = match self.by_segment.entry(address.segment_ord) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let fast = searcher.segment_reader(address.segment_ord).fast_fields();
                e.insert((fast.u64("id")?, fast.i64("published")?))
            }
        };
        let id = ids.first(address.doc_id).unwrap_or_default();
        let at = published.first(address.doc_id).unwrap_or_default();
        Ok((ArticleId(id as i64), at))
    }
}

/// Relevance is multiplied by this: ×2 for a story of today, ×1.5 a week
/// old, ×1.2 a month old, about ×1 for last year's.
fn recency(age_days: f32) -> f32 {
    1.0 + 1.0 / (1.0 + age_days / 7.0)
}

fn term_query(term: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(term, BASIC))
}

/// "More like this": the articles sharing most of `article`'s
/// distinctive words (by tf-idf), never itself or a copy of it.
pub(super) fn more_like_this(
    index: &SearchIndex,
    article: &IndexDocument,
    limit: usize,
) -> anyhow::Result<Vec<ArticleId>> {
    let searcher = index.reader.searcher();
    let f = &index.fields;
    let language = article
        .language
        .as_deref()
        .map_or(index.site_language, super::analysis::analyzer_name);
    let fields = f.for_language(language);
    let text = format!(
        "{}\n{}\n{}",
        article.headline,
        article.standfirst,
        dateline_core::plain_text(&article.body_markdown)
    );
    // Words in more than a fifth of the articles say nothing about a story.
    let common = (searcher.num_docs() / 5).max(2);
    let similar = MoreLikeThisQuery::builder()
        .with_min_doc_frequency(2)
        .with_max_doc_frequency(common)
        .with_min_term_frequency(1)
        .with_min_word_length(3)
        .with_max_query_terms(25)
        .with_boost_factor(1.0)
        .with_document_fields(vec![(fields.text, vec![text_value(&text)])]);
    let query = BooleanQuery::new(vec![
        (Occur::Must, Box::new(similar) as Box<dyn Query>),
        (
            Occur::MustNot,
            term_query(Term::from_field_u64(f.id, article.id.0 as u64)),
        ),
        (
            Occur::MustNot,
            term_query(Term::from_field_u64(
                f.fingerprint,
                super::fingerprint(article),
            )),
        ),
    ]);
    let top = searcher.search(&query, &TopDocs::with_limit(limit.max(1)).order_by_score())?;
    let mut columns = Columns::default();
    top.into_iter()
        .map(|(_, address)| Ok(columns.read(&searcher, address)?.0))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_text_is_a_query() {
        assert_eq!(
            parse("monsoon \"rain warning\" -delhi"),
            [
                Part::Word("monsoon".into()),
                Part::Phrase("rain warning".into()),
                Part::Without("delhi".into())
            ]
        );
        assert_eq!(
            parse("\"unbalanced quote"),
            [Part::Phrase("unbalanced quote".into())]
        );
        assert_eq!(
            parse("a\u{0}b\u{7}"),
            [Part::Word("a".into()), Part::Word("b".into())]
        );
        assert_eq!(parse("\"\" - \""), [Part::Word("-".into())]);
        assert_eq!(parse(&"word ".repeat(2000)).len(), MAX_PARTS);
        assert!(parse("").is_empty());
    }

    #[test]
    fn recent_stories_rank_higher() {
        assert!(recency(0.0) > recency(7.0));
        assert!((recency(7.0) - 1.5).abs() < 1e-6);
        assert!(recency(365.0) < 1.02);
    }
}
