//! Authors, categories and tags of a WordPress export: bylines, sections
//! and tags, each with its old addresses.

use dateline_core::{NewPerson, NewSection, PersonId, SectionId, Slug, Text, html_text};
use dateline_import::wxr::{Author, Term};
use dateline_store::{Filing, OldAddress, Target};

use super::decoded;
use crate::import::ImportError;
use crate::import::run::{Run, digest_of};

impl Run<'_, '_> {
    pub(super) async fn author(&mut self, author: &Author) -> Result<(), ImportError> {
        let name = author.name();
        let login = author.login.trim();
        if login.is_empty() || name.is_empty() {
            self.summary.skip(
                format!("author {name:?}"),
                author.line,
                "an author without a login or name",
            );
            return Ok(());
        }
        let digest = digest_of(&(&name, &author.description));
        if self.options.dry_run {
            self.would("byline", "author", login, &digest);
            self.people.insert(login.to_owned(), PersonId(0));
            return Ok(());
        }
        let slug = Slug::from_title(login, "author");
        let Ok(name_text) = Text::parse("name", &name, 100) else {
            self.summary.skip(
                format!("author {login:?}"),
                author.line,
                "a name longer than 100 characters",
            );
            return Ok(());
        };
        let filing = Filing::Person(NewPerson {
            slug: slug.clone(),
            name: name_text,
            bio: html_text(&author.description),
            email: None,
        });
        let mut old: Vec<OldAddress> =
            OldAddress::of(&format!("/author/{}", slug.as_str()), Target::Person)
                .into_iter()
                .collect();
        if let Some(id) = author.id {
            old.extend(OldAddress::of(&format!("/?author={id}"), Target::Person));
        }
        let key = self.key("author", login, digest);
        let id = self.file("byline", &key, &filing, &old).await?;
        self.people.insert(login.to_owned(), PersonId(id));
        Ok(())
    }

    pub(super) async fn term(&mut self, term: &Term) -> Result<(), ImportError> {
        match term.taxonomy.as_str() {
            "category" => self.category(term.clone()).await,
            "post_tag" => self
                .tag(&term.slug, &term.name, term.id, true, term.line)
                .await
                .map(drop),
            other => {
                self.summary.skip(
                    format!("term {:?}", term.name),
                    term.line,
                    format!("terms of the taxonomy {other} are not carried over"),
                );
                Ok(())
            }
        }
    }

    /// A category as a section, once its parent is filed. Newer exports
    /// list categories twice (`wp:category`, then `wp:term`): the first
    /// stands.
    async fn category(&mut self, term: Term) -> Result<(), ImportError> {
        if self.sections.contains_key(&term.slug)
            || self.pending_sections.iter().any(|t| t.slug == term.slug)
        {
            return Ok(());
        }
        if !term.parent.is_empty() && !self.sections.contains_key(&term.parent) {
            self.pending_sections.push(term);
            return Ok(());
        }
        self.section(&term).await?;
        while let Some(ready) = self
            .pending_sections
            .iter()
            .position(|t| self.sections.contains_key(&t.parent))
        {
            let waiting = self.pending_sections.remove(ready);
            self.section(&waiting).await?;
        }
        Ok(())
    }

    /// Files the categories whose parent the file never had, at the top.
    pub(super) async fn settle_sections(&mut self) -> Result<(), ImportError> {
        for mut term in std::mem::take(&mut self.pending_sections) {
            self.summary.note(format!(
                "category {:?} names a parent the file does not have ({:?}); it is a top-level section",
                term.slug, term.parent
            ));
            term.parent.clear();
            self.section(&term).await?;
        }
        Ok(())
    }

    async fn section(&mut self, term: &Term) -> Result<(), ImportError> {
        let wp_slug = decoded(&term.slug);
        let parent_entry = self.sections.get(&term.parent).cloned();
        // Sections nest one level: a grandchild goes under its top section.
        let parent = parent_entry
            .as_ref()
            .map(|(id, above, _)| above.unwrap_or(*id));
        let path = match &parent_entry {
            Some((_, _, above)) => format!("{above}/{wp_slug}"),
            None => wp_slug.clone(),
        };
        let digest = digest_of(&(&term.name, &term.parent, &term.description));
        if self.options.dry_run {
            self.would("section", "category", &term.slug, &digest);
            self.sections
                .insert(term.slug.clone(), (SectionId(0), parent, path));
            return Ok(());
        }
        let Ok(name) = Text::parse("name", &html_text(&term.name), 100) else {
            self.summary.skip(
                format!("category {:?}", term.slug),
                term.line,
                "a name that is empty or longer than 100 characters",
            );
            return Ok(());
        };
        let slug = Slug::parse_top_level(&wp_slug)
            .or_else(|_| Slug::parse_top_level(&format!("{wp_slug}-section")))
            .unwrap_or_else(|_| {
                Slug::from_title(
                    name.as_str(),
                    &format!("section-{}", term.id.unwrap_or_default()),
                )
            });
        let position = self.next_position;
        self.next_position += 1;
        let filing = Filing::Section(NewSection {
            slug,
            name,
            parent,
            position,
        });
        let mut old = Vec::new();
        old.extend(OldAddress::of(
            &format!("/category/{path}"),
            Target::Section,
        ));
        old.extend(OldAddress::of(
            &format!("/category/{wp_slug}"),
            Target::Section,
        ));
        old.extend(OldAddress::of(
            &format!("/category/{path}/feed"),
            Target::SectionFeed,
        ));
        if let Some(id) = term.id {
            old.extend(OldAddress::of(&format!("/?cat={id}"), Target::Section));
        }
        old.dedup();
        let key = self.key("category", &term.slug, digest);
        let id = self.file("section", &key, &filing, &old).await?;
        self.sections
            .insert(term.slug.clone(), (SectionId(id), parent, path));
        Ok(())
    }

    /// The byline for an item's author login, made from the login if the
    /// file did not list that author.
    pub(super) async fn person(
        &mut self,
        login: &str,
        line: u64,
    ) -> Result<Option<PersonId>, ImportError> {
        let login = login.trim();
        if login.is_empty() {
            return Ok(None);
        }
        if !self.people.contains_key(login) {
            let author = Author {
                login: login.to_owned(),
                line,
                ..Author::default()
            };
            self.author(&author).await?;
        }
        Ok(self.people.get(login).copied())
    }
}
