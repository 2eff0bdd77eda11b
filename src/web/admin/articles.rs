//! Writing and moving articles: the new-article form, the editor (saves
//! with optimistic concurrency), workflow moves and scheduling. Revisions
//! and autosave are in `revisions`, the editor's side tools in `editor_tools`.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};
use dateline_core::{Action, ArticleId, ArticleStatus, Invalid, article_path};
use dateline_store::{Autosave, Editorial, MediaItem, StoreError};
use jiff::{Timestamp, civil::DateTime};
use serde::{Deserialize, Serialize};

use super::{
    details,
    diff::{FieldDiff, Version, article_diff},
    notice::Notice,
    revisions::autosave_of_form,
    session::{AdminForm, Staff, StaffView, private},
};
use crate::{
    newsroom::{self, Choices, EditCheck, article_state, editable, may_move, movable, ownership},
    web::{App, AppState},
    web::{AppError, Result},
};

/// Images offered in the editor's lead-image picker (the newest).
const MEDIA_CHOICES: i64 = 200;

/// What the editor form holds: the text, and (on the editor, not the
/// new-article form or the autosave) the details.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct TextForm {
    pub(crate) headline: String,
    pub(crate) standfirst: String,
    pub(crate) body: String,
    /// The revision the text was loaded from (the editor form only).
    pub(crate) revision: i64,
    pub(crate) section: i64,
    /// Set when the form carries the details fields below; without it a
    /// save changes the text only.
    pub(crate) details: Option<String>,
    pub(crate) slug: String,
    pub(crate) source: String,
    pub(crate) edited_by: String,
    pub(crate) place: String,
    pub(crate) authors: String,
    pub(crate) tags: String,
    pub(crate) topics: Vec<i64>,
    pub(crate) related: String,
    pub(crate) seo_title: String,
    pub(crate) seo_description: String,
    /// `standard` or `live`; empty: standard.
    pub(crate) kind: String,
}

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
    /// Moves the staff member may make from here: (status, button label).
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
    media: Vec<MediaItem>,
    lead_media: Option<i64>,
    lead_caption: Option<String>,
    lead_credit: Option<String>,
    can_correct: bool,
    /// Published, and the staff member may send newsletters.
    can_alert: bool,
    /// Topics are curated lists: editors and admins file articles in them.
    can_file_in_topics: bool,
    /// A live blog's entries, newest first.
    entries: Vec<dateline_core::LiveEntry>,
    #[serde(flatten)]
    extras: EditorExtras,
}

#[derive(Serialize)]
struct FieldError {
    field: &'static str,
    message: String,
}

#[derive(Serialize)]
struct Conflict {
    current_revision: i64,
    by: Option<String>,
    diff: Vec<FieldDiff>,
}

/// After a change, the editor again, saying what the change did (303, so
/// a reload does not repeat it).
pub(super) fn back_to_editor(id: ArticleId, done: Notice) -> Response {
    super::session::see_other(&done.on_editor(id))
}

/// The form's edit checked by the newsroom: `Ok`, or the errors to show.
async fn checked(
    app: &App,
    staff: &Staff,
    article: Option<ArticleId>,
    (mut edit, errors): (newsroom::ArticleEdit, Vec<Invalid>),
    choices: &Choices,
) -> Result<std::result::Result<newsroom::Checked, Vec<Invalid>>> {
    let may_file_in_topics = newsroom::may_file_in_topics(staff.user.role);
    if !may_file_in_topics && let Some(details) = &mut edit.details {
        // The form shows them no topic boxes: topics it sends are not theirs.
        details.topics = None;
    }
    let check = EditCheck {
        store: &app.store,
        choices,
        article,
        may_file_in_topics,
    };
    Ok(check.run(&edit, errors).await?)
}

/// `GET /admin/articles/new`.
pub async fn show_new(State(app): State<AppState>, staff: Staff) -> Result<Response> {
    staff.require(Action::CreateArticle)?;
    editor_page(
        &app,
        &staff,
        None,
        &TextForm::default(),
        Vec::new(),
        None,
        StatusCode::OK,
    )
    .await
}

/// `POST /admin/articles`: a new draft, owned by whoever wrote it.
pub async fn create(
    State(app): State<AppState>,
    AdminForm { staff, form }: AdminForm<TextForm>,
) -> Result<Response> {
    staff.require(Action::CreateArticle)?;
    let choices = Choices::load(&app.store).await?;
    match checked(&app, &staff, None, form.new_article(), &choices).await? {
        Ok(checked) => {
            let id = checked.create_draft(&app.store, staff.user.id).await?;
            Ok(back_to_editor(id, Notice::Created))
        }
        Err(errors) => {
            editor_page(
                &app,
                &staff,
                None,
                &form,
                errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct EditorQuery {
    /// `autosave`: fill the form with the staff member's unsaved text.
    restore: Option<String>,
}

/// What only the plain editor page shows.
#[derive(Default, Serialize)]
struct EditorExtras {
    /// The staff member's unsaved text, offered for restoring.
    unsaved: Option<Autosave>,
}

/// `GET /admin/articles/{id}`: the editor.
pub async fn show_editor(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    Query(query): Query<EditorQuery>,
    staff: Staff,
) -> Result<Response> {
    let id = ArticleId(id);
    let state = editable(&app.store, &staff, id).await?;
    let unsaved = app.store.autosave_of(id, staff.user.id).await?;
    let restoring = query.restore.as_deref() == Some("autosave");
    let mut form = match &unsaved {
        // Based on the revision it was typed over: if someone saved since,
        // saving it meets the conflict page, not a silent overwrite.
        Some(unsaved) if restoring => TextForm {
            headline: unsaved.headline.clone(),
            standfirst: unsaved.standfirst.clone(),
            body: unsaved.body_markdown.clone(),
            revision: unsaved.base_revision,
            ..TextForm::default()
        },
        _ => {
            let current = app
                .store
                .latest_revision(id)
                .await?
                .ok_or(AppError::NotFound)?;
            TextForm {
                headline: current.headline,
                standfirst: current.standfirst,
                body: current.body_markdown,
                revision: state.revision,
                ..TextForm::default()
            }
        }
    };
    let details = app
        .store
        .article_details(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let choices = Choices::load(&app.store).await?;
    details::fill(&app, &mut form, &details, &choices).await?;
    let extras = EditorExtras {
        unsaved: unsaved.filter(|_| !restoring),
    };
    let page = Page {
        staff: &staff,
        article: Some((id, &state)),
        form: &form,
        errors: Vec::new(),
        conflict: None,
        extras,
    };
    page.render(&app, choices, StatusCode::OK).await
}

/// `POST /admin/articles/{id}`: saves the text as a new revision, unless
/// someone else saved since it was loaded (409, with both texts).
pub async fn save(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, form }: AdminForm<TextForm>,
) -> Result<Response> {
    let id = ArticleId(id);
    let state = editable(&app.store, &staff, id).await?;
    let choices = Choices::load(&app.store).await?;
    let refuse = async |errors, status| {
        editor_page(
            &app,
            &staff,
            Some((id, &state)),
            &form,
            errors,
            None,
            status,
        )
        .await
    };
    let edit = match checked(&app, &staff, Some(id), form.edit(), &choices).await? {
        Ok(edit) => edit,
        Err(errors) => return refuse(errors, StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    let saved = edit
        .save(&app.store, id, form.revision, &state, staff.user.id)
        .await;
    match saved {
        Ok(revision) => Ok(back_to_editor(id, Notice::Saved { revision })),
        Err(StoreError::StaleRevision { current }) => {
            // Kept for its writer too: recoverable even if this page is closed.
            app.store
                .autosave(id, staff.user.id, &autosave_of_form(&form))
                .await?;
            let theirs = app.store.latest_revision(id).await?;
            let latest = theirs.as_ref().filter(|r| r.number == current);
            let yours = Version {
                headline: &form.headline,
                standfirst: &form.standfirst,
                body: &form.body,
            };
            let diff = latest.map_or_else(Vec::new, |r| article_diff(&Version::of(r), &yours));
            let conflict = Conflict {
                current_revision: current,
                by: latest.and_then(|r| r.user_name.clone()),
                diff,
            };
            // The form keeps the refused text, now based on the current
            // revision: saving again is a deliberate overwrite.
            let form = TextForm {
                revision: current,
                ..form
            };
            let state = article_state::<AppError>(&app.store, id).await?;
            editor_page(
                &app,
                &staff,
                Some((id, &state)),
                &form,
                Vec::new(),
                Some(conflict),
                StatusCode::CONFLICT,
            )
            .await
        }
        // A byline, topic or related article deleted meanwhile.
        Err(StoreError::Conflict { .. }) => {
            let errors = vec![Invalid::new(
                "details",
                "something the details name was removed meanwhile; check them and save again",
            )];
            refuse(errors, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct MoveForm {
    status: String,
}

/// `POST /admin/articles/{id}/status`.
pub async fn change_status(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, form }: AdminForm<MoveForm>,
) -> Result<Response> {
    let id = ArticleId(id);
    let next = ArticleStatus::parse(&form.status).map_err(refused)?;
    movable(&app.store, &staff, id, next).await?;
    app.store
        .move_article(id, next, Some(staff.user.id), Timestamp::now())
        .await
        .map_err(store_refusal)?;
    Ok(back_to_editor(id, Notice::Moved { status: next }))
}

#[derive(Deserialize)]
pub struct ScheduleForm {
    /// `YYYY-MM-DDTHH:MM` in the site's time zone (an `<input type="datetime-local">`).
    at: String,
}

/// `POST /admin/articles/{id}/schedule`.
pub async fn schedule(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, form }: AdminForm<ScheduleForm>,
) -> Result<Response> {
    let id = ArticleId(id);
    movable(&app.store, &staff, id, ArticleStatus::Scheduled).await?;
    let at = site_time(&app, &form.at)?;
    if at <= Timestamp::now() {
        return Err(refused(Invalid::new("at", "choose a time in the future")));
    }
    app.store
        .schedule_article(id, at, staff.user.id, Timestamp::now())
        .await
        .map_err(store_refusal)?;
    Ok(back_to_editor(id, Notice::Scheduled { at }))
}

/// A `datetime-local` value read in the site's time zone.
fn site_time(app: &App, value: &str) -> Result<Timestamp> {
    let civil: DateTime = value.parse().map_err(|_| {
        refused(Invalid::new(
            "at",
            format!("{value:?} is not a date and time"),
        ))
    })?;
    let zone = app.config.site.zone();
    civil
        .to_zoned_datetime(zone)
        .map(|z| z.timestamp())
        .map_err(|e| refused(Invalid::new("at", e.to_string())))
}

pub(super) fn refused(e: Invalid) -> AppError {
    AppError::refused(
        StatusCode::UNPROCESSABLE_ENTITY,
        "Cannot do that",
        e.to_string(),
    )
}

/// A move the workflow or an embargo refuses is the user's to fix (422).
pub(super) fn store_refusal(e: StoreError) -> AppError {
    match e {
        StoreError::Invalid(e) => refused(e),
        other => other.into(),
    }
}

/// The editor page as one request shows it.
struct Page<'a> {
    staff: &'a Staff,
    article: Option<(ArticleId, &'a Editorial)>,
    form: &'a TextForm,
    errors: Vec<Invalid>,
    conflict: Option<Conflict>,
    extras: EditorExtras,
}

async fn editor_page(
    app: &App,
    staff: &Staff,
    article: Option<(ArticleId, &Editorial)>,
    form: &TextForm,
    errors: Vec<Invalid>,
    conflict: Option<Conflict>,
    status: StatusCode,
) -> Result<Response> {
    let page = Page {
        staff,
        article,
        form,
        errors,
        conflict,
        extras: EditorExtras::default(),
    };
    page.render(app, Choices::load(&app.store).await?, status)
        .await
}

impl Page<'_> {
    async fn render(self, app: &App, choices: Choices, status: StatusCode) -> Result<Response> {
        let Page {
            staff,
            article,
            form,
            errors,
            conflict,
            extras,
        } = self;
        let moves = article.map_or_else(Vec::new, |(_, state)| {
            [
                (ArticleStatus::InReview, "Submit for review"),
                (ArticleStatus::Draft, "Back to draft"),
                (ArticleStatus::Published, "Publish now"),
                (ArticleStatus::Unpublished, "Unpublish"),
            ]
            .into_iter()
            .filter(|(next, _)| may_move(staff, state, *next))
            .map(|(next, label)| (next.as_str(), label))
            .collect()
        });
        let can_schedule = article.is_some_and(|(_, state)| {
            matches!(
                state.status,
                ArticleStatus::Draft | ArticleStatus::InReview | ArticleStatus::Scheduled
            ) && staff.allows(Action::MoveArticle(
                ownership(staff, state),
                ArticleStatus::Scheduled,
            ))
        });
        let lead = article.and_then(|(_, s)| s.lead_image.as_ref());
        let can_correct = article.is_some_and(|(_, state)| {
            state.status == ArticleStatus::Published
                && staff.allows(Action::CorrectArticle(ownership(staff, state)))
        });
        let html = app.templates.render(
            "admin/editor.html",
            EditorPage {
                staff: staff.view(),
                id: article.map(|(id, _)| id),
                form,
                status: article.map(|(_, s)| s.status.as_str()),
                path: article.and_then(|(id, _)| {
                    let section = choices.sections.iter().find(|s| s.id.0 == form.section)?;
                    Some(article_path(&section.slug, &form.slug, id))
                }),
                choices,
                errors: errors
                    .into_iter()
                    .map(|e| FieldError {
                        field: e.field,
                        message: format!("{}: {}", e.field, e.reason),
                    })
                    .collect(),
                moves,
                can_schedule,
                can_send_back: article.is_some_and(|(_, state)| {
                    state.status == ArticleStatus::InReview
                        && staff.allows(newsroom::REVIEW)
                        && may_move(staff, state, ArticleStatus::Draft)
                }),
                review_note: match article {
                    Some((id, state)) if state.status == ArticleStatus::Draft => {
                        app.store.review_note(id).await?
                    }
                    _ => None,
                },
                scheduled_at: article.and_then(|(_, s)| s.scheduled_at),
                embargo_until: article.and_then(|(_, s)| s.embargo_until),
                conflict,
                media: if article.is_some() {
                    app.store.media_items(MEDIA_CHOICES).await?
                } else {
                    Vec::new()
                },
                lead_media: lead.map(|l| l.media.0),
                lead_caption: lead.and_then(|l| l.caption.clone()),
                lead_credit: lead.and_then(|l| l.credit.clone()),
                can_correct,
                can_alert: article.is_some_and(|(_, s)| s.status == ArticleStatus::Published)
                    && staff.allows(Action::SendNewsletters),
                can_file_in_topics: newsroom::may_file_in_topics(staff.user.role),
                entries: match article {
                    Some((id, _)) if form.kind == "live" => app.store.live_entries(id).await?,
                    _ => Vec::new(),
                },
                extras,
            },
        )?;
        Ok(private((status, Html(html)).into_response()))
    }
}
