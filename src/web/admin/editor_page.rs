//! The editor as a page: the text in the main column, every detail and the
//! workflow in the side panel, with the checks to run before publishing.

use axum::{
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};
use dateline_core::{Action, ArticleId, ArticleStatus, Invalid, Ownership, article_path};
use dateline_store::{Autosave, Editorial, LibraryItem, MediaFilter};
use jiff::Timestamp;
use serde::Serialize;

use super::{
    articles::TextForm,
    diff::FieldDiff,
    session::{Staff, StaffView, private},
    workflow::Step,
};
use crate::{
    newsroom::{self, Choices, ownership},
    web::{App, Result},
};

/// Pictures offered in the lead-image list (the newest; the picker
/// searches them all).
const MEDIA_CHOICES: i64 = 200;

/// Longer headlines are cut in search results and on cards.
const HEADLINE_CHARS: usize = 110;

#[derive(Serialize)]
struct EditorPage<'a> {
    staff: StaffView,
    /// `None` for a new article.
    id: Option<ArticleId>,
    form: &'a TextForm,
    status: Option<&'static str>,
    #[serde(flatten)]
    choices: Choices,
    /// The article's address on the reader site.
    path: Option<String>,
    errors: Vec<FieldError>,
    /// The workflow buttons the staff member may press: (status, label),
    /// the one to press most often first.
    moves: Vec<(&'static str, &'static str)>,
    can_schedule: bool,
    /// Waiting for review, and the staff member reviews.
    can_send_back: bool,
    /// A draft's note from the editor who sent it back.
    review_note: Option<dateline_store::ReviewNote>,
    scheduled_at: Option<Timestamp>,
    embargo_until: Option<Timestamp>,
    /// Set on the conflict page: the text someone else saved meanwhile.
    conflict: Option<Conflict>,
    media: Vec<LibraryItem>,
    /// The chosen lead picture, as the library has it.
    lead: Option<LibraryItem>,
    can_correct: bool,
    /// Published, and the staff member may send newsletters.
    can_alert: bool,
    /// Editors and admins file articles in topics and add bylines.
    curates: bool,
    /// Focus points are set by those who may change pictures.
    can_edit_media: bool,
    /// A live blog's entries, newest first.
    entries: Vec<dateline_core::LiveEntry>,
    /// What to look at before publishing.
    checks: Vec<Check>,
    /// The staff member's unsaved copy, offered for restoring.
    unsaved: Option<Autosave>,
    /// The agency's HTML of a story just taken from the wire.
    agency_html: Option<String>,
    /// Readers' views of the story: in all, and in the last 24 hours.
    views: Option<(i64, i64)>,
    /// Published, and the staff member arranges the fronts: a headline
    /// test may be run.
    can_test: bool,
    /// The story's latest headline test.
    headline_test: Option<TestView>,
}

/// A headline test as the editor shows it.
#[derive(Serialize)]
struct TestView {
    running: bool,
    /// Ended by an editor before a winner was chosen.
    stopped: bool,
    views_needed: i64,
    shown: i64,
    rows: Vec<TestRow>,
}

#[derive(Serialize)]
struct TestRow {
    headline: String,
    shown: i64,
    clicks: i64,
    /// Clicks per showing, "4.2 %".
    rate: String,
    winner: bool,
}

impl TestView {
    /// `current`: the story's headline now, which the fronts show as the
    /// first while the test runs.
    fn of(test: dateline_store::HeadlineTest, current: &str) -> Self {
        let running = test.ended_at.is_none();
        let rows = (0..test.variants())
            .map(|variant| {
                let (shown, clicks) = test.counts[variant];
                let headline = match variant {
                    0 if running => current,
                    v => test.headline(v),
                };
                TestRow {
                    headline: headline.to_owned(),
                    shown,
                    clicks,
                    rate: if shown == 0 {
                        "–".into()
                    } else {
                        format!("{:.1}\u{a0}%", 100.0 * test.rate(variant))
                    },
                    winner: test.winner == Some(variant as i64),
                }
            })
            .collect();
        Self {
            running,
            stopped: !running && test.winner.is_none(),
            views_needed: test.views_needed,
            shown: test.shown(),
            rows,
        }
    }
}

#[derive(Serialize)]
struct FieldError {
    /// The id of the field, after `article-`.
    field: &'static str,
    message: String,
}

#[derive(Serialize)]
pub struct Conflict {
    pub current_revision: i64,
    pub by: Option<String>,
    pub diff: Vec<FieldDiff>,
}

/// A pre-publishing check: `block` stops publishing, `warn` asks for a
/// look, `ok` is passed. `id` names it for the script that reruns the
/// checks as fields change.
#[derive(Debug, Serialize, PartialEq, Eq)]
struct Check {
    id: &'static str,
    level: &'static str,
    text: String,
}

/// The editor page as one request shows it.
pub struct Page<'a> {
    staff: &'a Staff,
    article: Option<(ArticleId, &'a Editorial)>,
    form: &'a TextForm,
    errors: Vec<Invalid>,
    conflict: Option<Conflict>,
    unsaved: Option<Autosave>,
    agency_html: Option<String>,
}

impl<'a> Page<'a> {
    pub fn new(
        staff: &'a Staff,
        article: Option<(ArticleId, &'a Editorial)>,
        form: &'a TextForm,
    ) -> Self {
        Self {
            staff,
            article,
            form,
            errors: Vec::new(),
            conflict: None,
            unsaved: None,
            agency_html: None,
        }
    }

    pub fn with_errors(self, errors: Vec<Invalid>) -> Self {
        Self { errors, ..self }
    }

    pub fn with_conflict(self, conflict: Conflict) -> Self {
        Self {
            conflict: Some(conflict),
            ..self
        }
    }

    /// Offers `unsaved` (the staff member's autosaved copy) for restoring.
    pub fn offering(self, unsaved: Option<Autosave>) -> Self {
        Self { unsaved, ..self }
    }

    /// Gives the visual editor the agency's (sanitised) HTML to read.
    pub fn with_agency_copy(self, agency_html: Option<String>) -> Self {
        Self {
            agency_html,
            ..self
        }
    }

    pub async fn render(self, app: &App, status: StatusCode) -> Result<Response> {
        let Page {
            staff,
            article,
            form,
            errors,
            conflict,
            unsaved,
            agency_html,
        } = self;
        let choices = Choices::load(&app.store).await?;
        let state = article.map(|(_, state)| state);
        let moves = workflow_buttons(staff, state);
        let from = state.map_or(ArticleStatus::Draft, |s| s.status);
        let whose = state.map_or(Ownership::Own, |s| ownership(staff, s));
        let can_schedule = Step::Schedule(Timestamp::now()).may(staff, from, whose);
        let mut media = app
            .store
            .library(&MediaFilter::default(), MEDIA_CHOICES)
            .await?;
        let lead = match form.lead_media.trim().parse().ok() {
            Some(id) => app.store.library_item(dateline_core::MediaId(id)).await?,
            None => None,
        };
        // The chosen picture stays a choice, however old: a save without the
        // script must not drop it.
        if let Some(lead) = &lead
            && !media.iter().any(|m| m.id == lead.id)
        {
            media.push(lead.clone());
        }
        let checks = checks(app, form, state, lead.as_ref());
        let views = match article {
            Some((id, _)) => {
                let day_ago = Timestamp::now() - jiff::SignedDuration::from_hours(24);
                Some(app.store.story_views(id, day_ago).await?).filter(|(all, _)| *all > 0)
            }
            None => None,
        };
        let published = state.is_some_and(|s| s.status == ArticleStatus::Published);
        let can_test = published && staff.allows(dateline_core::Action::ArrangeFronts);
        let headline_test = match article {
            Some((id, _)) if can_test => app
                .store
                .headline_test(id)
                .await?
                .map(|test| TestView::of(test, &form.headline)),
            _ => None,
        };
        let html = app.templates.render(
            "admin/editor.html",
            EditorPage {
                staff: staff.view(),
                id: article.map(|(id, _)| id),
                form,
                status: state.map(|s| s.status.as_str()),
                path: article.and_then(|(id, _)| {
                    let section = choices.sections.iter().find(|s| s.id.0 == form.section)?;
                    Some(article_path(&section.slug, &form.slug, id))
                }),
                choices,
                errors: errors
                    .into_iter()
                    .map(|e| FieldError {
                        field: match e.field {
                            "lead_image.media" => "lead_media",
                            field => field,
                        },
                        message: format!("{}: {}", e.field.replace('_', " "), e.reason),
                    })
                    .collect(),
                moves,
                can_schedule,
                can_send_back: from == ArticleStatus::InReview
                    && staff.allows(newsroom::REVIEW)
                    && Step::Move(ArticleStatus::Draft).may(staff, from, whose),
                review_note: match article {
                    Some((id, state)) if state.status == ArticleStatus::Draft => {
                        app.store.review_note(id).await?
                    }
                    _ => None,
                },
                scheduled_at: state.and_then(|s| s.scheduled_at),
                embargo_until: state.and_then(|s| s.embargo_until),
                conflict,
                media,
                lead,
                can_correct: state.is_some_and(|state| {
                    state.status == ArticleStatus::Published
                        && staff.allows(Action::CorrectArticle(ownership(staff, state)))
                }),
                can_alert: state.is_some_and(|s| s.status == ArticleStatus::Published)
                    && staff.allows(Action::SendNewsletters),
                curates: newsroom::curates(staff.user.role),
                can_edit_media: staff.allows(Action::EditMedia),
                entries: match article {
                    Some((id, _)) if form.kind == "live" => app.store.live_entries(id).await?,
                    _ => Vec::new(),
                },
                checks,
                unsaved,
                agency_html,
                views,
                can_test,
                headline_test,
            },
        )?;
        Ok(private((status, Html(html)).into_response()))
    }
}

/// The moves the panel offers, the usual next one first. A new article is
/// the writer's own draft. "Back to draft" is not offered for a story
/// waiting for review to whoever may send it back with a note instead.
fn workflow_buttons(staff: &Staff, state: Option<&Editorial>) -> Vec<(&'static str, &'static str)> {
    let from = state.map_or(ArticleStatus::Draft, |s| s.status);
    let whose = state.map_or(Ownership::Own, |s| ownership(staff, s));
    let may = |next| Step::Move(next).may(staff, from, whose);
    let reviews = from == ArticleStatus::InReview && staff.allows(newsroom::REVIEW);
    [
        (ArticleStatus::Published, "Publish now"),
        (ArticleStatus::InReview, "Submit for review"),
        (ArticleStatus::Draft, "Back to draft"),
        (ArticleStatus::Unpublished, "Unpublish"),
    ]
    .into_iter()
    .filter(|(next, _)| may(*next))
    // A reviewer who may publish has no reason to submit it to themselves.
    .filter(|(next, _)| {
        !(*next == ArticleStatus::InReview
            && staff.allows(Action::MoveArticle(whose, ArticleStatus::Published)))
    })
    .filter(|(next, _)| !(reviews && *next == ArticleStatus::Draft))
    .map(|(next, label)| (next.as_str(), label))
    .collect()
}

/// The checks before publishing, as the form stands.
fn checks(
    app: &App,
    form: &TextForm,
    state: Option<&Editorial>,
    lead: Option<&LibraryItem>,
) -> Vec<Check> {
    let check = |id, level, text: String| Check { id, level, text };
    let mut checks = Vec::new();
    let chars = form.headline.trim().chars().count();
    checks.push(match chars {
        0 => check("headline", "block", "Write a headline.".into()),
        n if n > HEADLINE_CHARS => check(
            "headline",
            "warn",
            format!("The headline has {n} characters; search results and cards cut it after about {HEADLINE_CHARS}."),
        ),
        n => check("headline", "ok", format!("Headline: {n} characters.")),
    });
    if form.section == 0 {
        checks.push(check("section", "block", "Choose a section.".into()));
    }
    checks.push(if form.authors.trim().is_empty() {
        check(
            "authors",
            "warn",
            "No byline: readers see no writer's name.".into(),
        )
    } else {
        check("authors", "ok", "Byline given.".into())
    });
    checks.push(match lead {
        None => check(
            "lead",
            "warn",
            "No lead picture: cards and shared links show none.".into(),
        ),
        Some(item) if item.alt.trim().is_empty() => check(
            "lead",
            "warn",
            "The lead picture has no alt text for readers who cannot see it.".into(),
        ),
        Some(_) => check("lead", "ok", "Lead picture with alt text.".into()),
    });
    if let Some(until) = state.and_then(|s| s.embargo_until)
        && until > Timestamp::now()
    {
        let until = crate::theme::time::reader_time(until, &app.config.site.zone());
        checks.push(check(
            "embargo",
            "block",
            format!("Embargoed until {until}: schedule it for then, or wait."),
        ));
    }
    checks
}
