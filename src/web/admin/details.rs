//! The editor's form and an article edit: the form read into an
//! [`ArticleEdit`] (the newsroom checks it), and the stored details written
//! back into the form for display.

use dateline_core::{
    ArticleDetails, ArticleId, ArticleKind, Invalid, LeadImage, MediaId, PersonId, SectionId,
    SourceId, TopicId,
};

use super::articles::TextForm;
use crate::{
    newsroom::{ArticleEdit, Choices, DetailsEdit, Pick, related_line},
    web::{App, Result},
};

/// Fills the form's details fields from the stored details.
pub async fn fill(
    app: &App,
    form: &mut TextForm,
    details: &ArticleDetails,
    choices: &Choices,
) -> Result<()> {
    let name_of = |id: PersonId| {
        choices
            .people
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.name.clone())
    };
    form.details = Some("1".into());
    form.slug = details.slug.to_string();
    form.section = details.section.0;
    form.source = details.source.map(|s| s.0.to_string()).unwrap_or_default();
    form.edited_by = details
        .edited_by
        .map(|p| p.0.to_string())
        .unwrap_or_default();
    form.place = details.place.clone().unwrap_or_default();
    form.authors = details
        .authors
        .iter()
        .filter_map(|id| name_of(*id))
        .collect::<Vec<_>>()
        .join(", ");
    form.tags = details
        .tags
        .iter()
        .map(|t| t.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    form.topics = details.topics.iter().map(|t| t.0).collect();
    form.related = app
        .store
        .headlines(&details.related)
        .await?
        .into_iter()
        .map(|(id, headline)| format!("{id} {headline}\n"))
        .collect();
    form.seo_title = details.seo_title.clone().unwrap_or_default();
    form.seo_description = details.seo_description.clone().unwrap_or_default();
    form.kind = details.kind.as_str().to_owned();
    Ok(())
}

impl TextForm {
    /// The edit the form asks for, and what is wrong in reading it (the
    /// newsroom's check adds the rest, so the editor sees every problem at
    /// once). Without the details fields (the new-article form, a text-only
    /// save) only the section is read, for a new article.
    pub fn edit(&self) -> (ArticleEdit, Vec<Invalid>) {
        let mut errors = Vec::new();
        let section = Pick::Id(SectionId(self.section));
        let details = self.details.as_ref().map(|_| DetailsEdit {
            slug: Some(self.slug.clone()),
            section,
            source: listed(&self.source, "source", &mut errors).map(|id| Pick::Id(SourceId(id))),
            edited_by: listed(&self.edited_by, "edited_by", &mut errors)
                .map(|id| Pick::Id(PersonId(id))),
            place: self.place.clone(),
            authors: comma_list(&self.authors),
            tags: comma_list(&self.tags),
            topics: Some(
                self.topics
                    .iter()
                    .map(|id| Pick::Id(TopicId(*id)))
                    .collect(),
            ),
            related: related_lines(&self.related, &mut errors),
            seo_title: self.seo_title.clone(),
            seo_description: self.seo_description.clone(),
            kind: match self.kind.trim() {
                "" => ArticleKind::Standard,
                kind => ArticleKind::parse(kind)
                    .map_err(|e| errors.push(e))
                    .unwrap_or_default(),
            },
        });
        let lead_image = self.details.as_ref().map(|_| self.lead_image(&mut errors));
        let edit = ArticleEdit {
            headline: self.headline.clone(),
            standfirst: self.standfirst.clone(),
            body: self.body.clone(),
            details,
            lead_image,
        };
        (edit, errors)
    }

    /// The lead picture the form chooses, with this article's caption and
    /// credit for it; `None`: no lead picture.
    fn lead_image(&self, errors: &mut Vec<Invalid>) -> Option<LeadImage> {
        let media = listed(&self.lead_media, "lead_media", errors)?;
        let optional = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        Some(LeadImage {
            media: MediaId(media),
            caption: optional(&self.lead_caption),
            credit: optional(&self.lead_credit),
        })
    }

    /// As [`TextForm::edit`], for a new article: the form's section with
    /// every other detail empty.
    pub fn new_article(&self) -> (ArticleEdit, Vec<Invalid>) {
        let (mut edit, errors) = self.edit();
        if edit.details.is_none() {
            edit.details = Some(DetailsEdit::in_section(Pick::Id(SectionId(self.section))));
        }
        (edit, errors)
    }
}

/// An optional choice from a `<select>`: empty for none, else a list's id.
fn listed(value: &str, field: &'static str, errors: &mut Vec<Invalid>) -> Option<i64> {
    match value.trim() {
        "" => None,
        v => v
            .parse()
            .map_err(|_| errors.push(Invalid::new(field, "choose one of the list")))
            .ok(),
    }
}

fn comma_list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect()
}

/// One related article per line: its number (what the editor shows,
/// followed by the headline) or its address.
fn related_lines(value: &str, errors: &mut Vec<Invalid>) -> Vec<ArticleId> {
    let mut ids = Vec::new();
    for line in value.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match related_line(line) {
            Some(id) => ids.push(id),
            None => errors.push(Invalid::new(
                "related",
                format!("{line:?} is neither an article number nor an article's address"),
            )),
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_is_read_into_lists_and_ids() {
        let form = TextForm {
            headline: "Harbour dredging approved".into(),
            section: 3,
            details: Some("1".into()),
            source: "2".into(),
            edited_by: "".into(),
            authors: "Asha Rao, , vikram-s".into(),
            tags: "Monsoon,Mumbai rains,".into(),
            topics: vec![5, 5],
            related: "42 Harbour\n\n/city/dredging-43/print\n".into(),
            kind: "live".into(),
            ..TextForm::default()
        };
        let (edit, errors) = form.edit();
        assert!(errors.is_empty(), "{errors:?}");
        let details = edit.details.unwrap();
        assert_eq!(details.section, Pick::Id(SectionId(3)));
        assert_eq!(details.source, Some(Pick::Id(SourceId(2))));
        assert_eq!(details.edited_by, None);
        assert_eq!(details.authors, ["Asha Rao", "vikram-s"]);
        assert_eq!(details.tags, ["Monsoon", "Mumbai rains"]);
        assert_eq!(details.related, [ArticleId(42), ArticleId(43)]);
        assert_eq!(details.kind, ArticleKind::Live);

        let wrong = TextForm {
            details: Some("1".into()),
            source: "wire".into(),
            related: "not an article".into(),
            kind: "gallery".into(),
            ..TextForm::default()
        };
        let fields: Vec<&str> = wrong.edit().1.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["source", "related", "kind"]);
    }
}
