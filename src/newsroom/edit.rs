//! An edit of an article's text and details. Each door reads what it is
//! sent into an [`ArticleEdit`] — the editor's form names sections and
//! bylines by the ids of its lists, the API by slugs — and [`EditCheck`]
//! checks it once, every field at once, into [`Checked`]: what the store
//! writes.

use dateline_core::{
    ArticleDetails, ArticleId, ArticleKind, Body, Headline, Invalid, LeadImage, NewArticle, Person,
    PersonId, Section, SectionId, Slug, Source, SourceId, TopicId, UserId,
};
use dateline_store::{ArticleSave, ArticleText, Editorial, Store, StoreError, TaxonomyEntry};
use jiff::Timestamp;
use serde::Serialize;

use super::fields::{authors, optional_text, related, tags};

const MAX_PLACE_CHARS: usize = 100;

/// What an article's details choose from.
#[derive(Serialize)]
pub struct Choices {
    pub sections: Vec<Section>,
    pub sources: Vec<Source>,
    pub people: Vec<Person>,
    pub topics: Vec<TaxonomyEntry>,
}

impl Choices {
    pub async fn load(store: &Store) -> Result<Self, StoreError> {
        Ok(Self {
            sections: store.sections().await?,
            sources: store.sources().await?,
            people: store.people().await?,
            topics: store.topics().await?,
        })
    }
}

/// A section, source, byline or topic as an edit names it: by id (the
/// editor's lists) or by slug (the API).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pick<Id> {
    Id(Id),
    Slug(String),
}

/// An article's text and details as sent, typed but not yet checked.
#[derive(Debug, Clone, Default)]
pub struct ArticleEdit {
    pub headline: String,
    pub standfirst: String,
    /// Markdown.
    pub body: String,
    /// `None`: the text only; the details stay as they are.
    pub details: Option<DetailsEdit>,
    /// `None`: the lead image stays as it is; `Some(None)` removes it.
    pub lead_image: Option<Option<LeadImage>>,
}

#[derive(Debug, Clone)]
pub struct DetailsEdit {
    /// `None` or blank: made from the headline.
    pub slug: Option<String>,
    pub section: Pick<SectionId>,
    pub source: Option<Pick<SourceId>>,
    pub edited_by: Option<Pick<PersonId>>,
    pub place: String,
    /// Bylines by name or slug (any case), in order.
    pub authors: Vec<String>,
    /// Tag names; a new name makes a tag.
    pub tags: Vec<String>,
    /// `None` leaves the article's topics as they are; so does an empty
    /// list from someone who may not file in topics.
    pub topics: Option<Vec<Pick<TopicId>>>,
    /// In the order readers see them.
    pub related: Vec<ArticleId>,
    pub seo_title: String,
    pub seo_description: String,
    pub kind: ArticleKind,
}

impl DetailsEdit {
    /// Details with nothing set but the section (a new article's form).
    pub fn in_section(section: Pick<SectionId>) -> Self {
        Self {
            slug: None,
            section,
            source: None,
            edited_by: None,
            place: String::new(),
            authors: Vec::new(),
            tags: Vec::new(),
            topics: None,
            related: Vec::new(),
            seo_title: String::new(),
            seo_description: String::new(),
            kind: ArticleKind::Standard,
        }
    }
}

/// An edit that passed [`EditCheck`].
#[derive(Debug)]
pub struct Checked {
    pub text: ArticleText,
    pub details: Option<ArticleDetails>,
    pub lead_image: Option<Option<LeadImage>>,
}

/// What an edit is checked against.
pub struct EditCheck<'a> {
    pub store: &'a Store,
    pub choices: &'a Choices,
    /// The article edited; `None` for a new one.
    pub article: Option<ArticleId>,
    /// Only curators (editors, admins) file articles in topics and make
    /// new bylines.
    pub curates: bool,
}

impl EditCheck<'_> {
    /// `edit` checked; `Err` lists every wrong field, after `errors` (what
    /// the door found wrong while reading it).
    pub async fn run(
        &self,
        edit: &ArticleEdit,
        mut errors: Vec<Invalid>,
    ) -> Result<Result<Checked, Vec<Invalid>>, StoreError> {
        let text = keep(&mut errors, Headline::parse(&edit.headline)).map(|headline| ArticleText {
            headline,
            standfirst: edit.standfirst.trim().to_owned(),
            body: Body::from_markdown(&edit.body),
        });
        // A block with wrong parameters would show readers its directive.
        errors.extend(dateline_core::block_problems(&edit.body));
        // Each picture once, however often the text shows it.
        let pictures: std::collections::BTreeSet<_> = dateline_core::blocks_in(&edit.body)
            .into_iter()
            .filter_map(|block| match block {
                dateline_core::Block::Picture(p) => Some(p.media),
                _ => None,
            })
            .collect();
        for media in pictures {
            if self.store.library_item(media).await?.is_none() {
                errors.push(Invalid::new(
                    "body",
                    format!("picture {} is not in the media library", media.0),
                ));
            }
        }
        let details = match &edit.details {
            Some(details) => self.details(&edit.headline, details, &mut errors).await?,
            None => None,
        };
        let lead_image = match &edit.lead_image {
            Some(Some(lead)) => Some(Some(self.lead_image(lead, &mut errors).await?)),
            other => other.clone(),
        };
        Ok(match text {
            Some(text) if errors.is_empty() && details.is_some() == edit.details.is_some() => {
                Ok(Checked {
                    text,
                    details,
                    lead_image,
                })
            }
            _ => Err(errors),
        })
    }

    async fn details(
        &self,
        headline: &str,
        edit: &DetailsEdit,
        errors: &mut Vec<Invalid>,
    ) -> Result<Option<ArticleDetails>, StoreError> {
        let choices = self.choices;
        let slug = keep(
            errors,
            match edit.slug.as_deref().map(str::trim).unwrap_or_default() {
                "" => Ok(Slug::from_title(headline, "article")),
                slug => Slug::parse(slug),
            },
        );
        let sections = || choices.sections.iter().map(|s| (s.id, s.slug.as_str()));
        let sources = || choices.sources.iter().map(|s| (s.id, s.slug.as_str()));
        let people = || choices.people.iter().map(|p| (p.id, p.slug.as_str()));
        let section = keep(
            errors,
            resolve(&edit.section, "section", "choose a section", sections()),
        );
        let source = keep(
            errors,
            edit.source
                .as_ref()
                .map(|pick| resolve(pick, "source", "choose one of the list", sources()))
                .transpose(),
        );
        let edited_by = keep(
            errors,
            edit.edited_by
                .as_ref()
                .map(|pick| resolve(pick, "edited_by", "choose one of the list", people()))
                .transpose(),
        );
        let place = keep(errors, optional_text(&edit.place, "place", MAX_PLACE_CHARS));
        let authors = keep(
            errors,
            authors(&edit.authors, &choices.people, self.curates),
        );
        let tags = keep(errors, tags(&edit.tags));
        let topics = match self.topics(edit.topics.as_deref()).await? {
            Ok(topics) => Some(topics),
            Err(e) => keep(errors, Err(e)),
        };
        let related = match self.related(&edit.related).await? {
            Ok(related) => Some(related),
            Err(e) => keep(errors, Err(e)),
        };
        let seo_title = keep(
            errors,
            optional_text(&edit.seo_title, "seo_title", ArticleDetails::SEO_TITLE_MAX),
        );
        let seo_description = keep(
            errors,
            optional_text(
                &edit.seo_description,
                "seo_description",
                ArticleDetails::SEO_DESCRIPTION_MAX,
            ),
        );
        let (
            Some(slug),
            Some(section),
            Some(source),
            Some(edited_by),
            Some(place),
            Some((authors, new_authors)),
            Some(tags),
            Some(topics),
            Some(related),
            Some(seo_title),
            Some(seo_description),
        ) = (
            slug,
            section,
            source,
            edited_by,
            place,
            authors,
            tags,
            topics,
            related,
            seo_title,
            seo_description,
        )
        else {
            return Ok(None);
        };
        Ok(Some(ArticleDetails {
            slug,
            section,
            source,
            authors,
            edited_by,
            place,
            tags,
            topics,
            related,
            seo_title,
            seo_description,
            kind: edit.kind,
            new_authors,
        }))
    }

    /// The topics asked for; for someone who may not file in topics, the
    /// article's own (asking for others is refused).
    async fn topics(
        &self,
        asked: Option<&[Pick<TopicId>]>,
    ) -> Result<Result<Vec<TopicId>, Invalid>, StoreError> {
        // The article's own, read only when they are kept or compared.
        let kept = async || match self.article {
            Some(id) => Ok::<_, StoreError>(
                self.store
                    .article_details(id)
                    .await?
                    .map(|d| d.topics)
                    .unwrap_or_default(),
            ),
            None => Ok(Vec::new()),
        };
        let Some(asked) = asked else {
            return Ok(Ok(kept().await?));
        };
        let mut topics: Vec<TopicId> = Vec::new();
        for pick in asked {
            let listed = self.choices.topics.iter();
            let found = resolve(
                pick,
                "topics",
                "choose topics from the list",
                listed.map(|t| (TopicId(t.id), t.slug.as_str())),
            );
            match found {
                Ok(id) if !topics.contains(&id) => topics.push(id),
                Ok(_) => {}
                Err(e) => return Ok(Err(e)),
            }
        }
        if self.curates {
            return Ok(Ok(topics));
        }
        let kept = kept().await?;
        Ok(if topics.is_empty() || topics == kept {
            Ok(kept)
        } else {
            Err(Invalid::new(
                "topics",
                "filing articles in topics is for editors and admins",
            ))
        })
    }

    /// Related articles: not this one, no repeats, at most nine, each one
    /// that exists.
    async fn related(
        &self,
        asked: &[ArticleId],
    ) -> Result<Result<Vec<ArticleId>, Invalid>, StoreError> {
        let ids = match related(asked, self.article) {
            Ok(ids) => ids,
            Err(e) => return Ok(Err(e)),
        };
        let found = self.store.headlines(&ids).await?;
        Ok(
            match ids.iter().find(|id| !found.iter().any(|(f, _)| f == *id)) {
                Some(missing) => Err(Invalid::new(
                    "related",
                    format!("there is no article {missing}"),
                )),
                None => Ok(ids),
            },
        )
    }

    async fn lead_image(
        &self,
        lead: &LeadImage,
        errors: &mut Vec<Invalid>,
    ) -> Result<LeadImage, StoreError> {
        if self.store.library_item(lead.media).await?.is_none() {
            errors.push(Invalid::new(
                "lead_image.media",
                format!("there is no picture {} in the media library", lead.media.0),
            ));
        }
        let trimmed = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        Ok(LeadImage {
            media: lead.media,
            caption: trimmed(&lead.caption),
            credit: trimmed(&lead.credit),
        })
    }
}

impl Checked {
    /// A new draft, owned by `by`, stored whole or not at all.
    pub async fn create_draft(&self, store: &Store, by: UserId) -> Result<ArticleId, StoreError> {
        let Some(details) = &self.details else {
            return Err(StoreError::Invalid(Invalid::new(
                "section",
                "a new article needs its details",
            )));
        };
        let new = NewArticle {
            slug: details.slug.clone(),
            headline: self.text.headline.clone(),
            standfirst: self.text.standfirst.clone(),
            body: self.text.body.clone(),
            section: details.section,
            source: details.source,
            authors: details.authors.clone(),
            edited_by: details.edited_by,
            place: details.place.clone(),
            // Tags (made on the way) and topics are written with the details.
            tags: Vec::new(),
            topics: Vec::new(),
            lead_image: self.lead_image.clone().flatten(),
            language: None,
            kind: details.kind,
            corpus_label: None,
        };
        store
            .create_draft_with_details(&new, details, by, Timestamp::now())
            .await
    }

    /// Saves the edit — text, details, lead picture — as the article's next
    /// revision, if it is still at `base_revision`
    /// ([`StoreError::StaleRevision`] if not).
    pub async fn save(
        &self,
        store: &Store,
        id: ArticleId,
        base_revision: i64,
        by: UserId,
    ) -> Result<i64, StoreError> {
        let save = ArticleSave {
            text: &self.text,
            details: self.details.as_ref(),
            lead_image: self.lead_image.as_ref().map(Option::as_ref),
        };
        store
            .save_edit(id, save, base_revision, by, Timestamp::now())
            .await
    }
}

impl Checked {
    /// Whether saving this edit would change anything the article holds:
    /// a workflow button pressed on an unchanged story moves it without an
    /// empty revision.
    pub async fn changes(
        &self,
        store: &Store,
        id: ArticleId,
        current: &Editorial,
    ) -> Result<bool, StoreError> {
        let Some(latest) = store.latest_revision(id).await? else {
            return Ok(true);
        };
        let same_text = latest.headline == self.text.headline.as_str()
            && latest.standfirst == self.text.standfirst
            && latest.body_markdown == self.text.body.markdown();
        let same_details = match &self.details {
            None => true,
            Some(details) => store
                .article_details(id)
                .await?
                .is_some_and(|stored| same_details(details, &stored)),
        };
        let same_lead = self
            .lead_image
            .as_ref()
            .is_none_or(|lead| *lead == current.lead_image);
        Ok(!(same_text && same_details && same_lead))
    }
}

/// The same details, tags compared as a set (they are read back in
/// alphabetical order, typed in any).
fn same_details(edit: &ArticleDetails, stored: &ArticleDetails) -> bool {
    let tags = |d: &ArticleDetails| {
        let mut slugs: Vec<String> = d.tags.iter().map(|t| t.slug.to_string()).collect();
        slugs.sort();
        slugs
    };
    edit.new_authors.is_empty()
        && tags(edit) == tags(stored)
        && ArticleDetails {
            tags: Vec::new(),
            ..edit.clone()
        } == ArticleDetails {
            tags: Vec::new(),
            ..stored.clone()
        }
}

/// The value, or `None` with its error noted.
fn keep<T>(errors: &mut Vec<Invalid>, checked: Result<T, Invalid>) -> Option<T> {
    checked.map_err(|e| errors.push(e)).ok()
}

/// The id in `listed` (ids and slugs) that `pick` names; a pick naming
/// nothing is refused with `unknown_id` (an id: the form was not made from
/// the list) or "there is no …" (a slug).
fn resolve<'a, Id: Copy + PartialEq>(
    pick: &Pick<Id>,
    field: &'static str,
    unknown_id: &'static str,
    mut listed: impl Iterator<Item = (Id, &'a str)>,
) -> Result<Id, Invalid> {
    let found = listed.find(|(id, slug)| match pick {
        Pick::Id(wanted) => id == wanted,
        Pick::Slug(wanted) => slug == wanted,
    });
    match (found, pick) {
        (Some((id, _)), _) => Ok(id),
        (None, Pick::Id(_)) => Err(Invalid::new(field, unknown_id)),
        (None, Pick::Slug(slug)) => {
            let what = match field {
                "edited_by" => "byline",
                "topics" => "topic",
                other => other,
            };
            Err(Invalid::new(field, format!("there is no {what} {slug:?}")))
        }
    }
}
