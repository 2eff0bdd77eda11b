//! Writing and moving articles: the new-article form, the editor (saves
//! with optimistic concurrency), workflow moves and scheduling, revisions.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
};
use dateline_core::{
    Action, ArticleId, ArticleStatus, Body, CorrectionKind, Headline, Invalid, LeadImage, MediaId,
    NewArticle, Ownership, SectionId, Slug, article_path,
};
use dateline_store::{
    ArticleText, Autosave, DeskFilter, Editorial, MediaItem, Revision, StoreError,
};
use jiff::{Timestamp, civil::DateTime};
use serde::{Deserialize, Serialize};

use super::{
    details::{self, Choices},
    diff::{DiffLine, article_text, line_diff},
    session::{AdminForm, Staff, StaffView, private},
};
use crate::{
    app::{App, AppState},
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
    diff: Vec<DiffLine>,
}

fn ownership(staff: &Staff, editorial: &Editorial) -> Ownership {
    if editorial.created_by == Some(staff.user.id) {
        Ownership::Own
    } else {
        Ownership::Others
    }
}

async fn editorial(app: &App, id: ArticleId) -> Result<Editorial> {
    app.store.editorial(id).await?.ok_or(AppError::NotFound)
}

/// The article's state, if `staff` may edit it as it stands (else 403).
pub(super) async fn editable(app: &App, staff: &Staff, id: ArticleId) -> Result<Editorial> {
    let state = editorial(app, id).await?;
    staff.require(Action::EditArticle(ownership(staff, &state), state.status))?;
    Ok(state)
}

/// After a change, the editor again (303, so a reload does not repeat it).
fn back_to_editor(id: ArticleId) -> Response {
    private(Redirect::to(&format!("/admin/articles/{id}")).into_response())
}

pub(crate) fn checked_text(form: &TextForm) -> std::result::Result<ArticleText, Vec<Invalid>> {
    let headline = Headline::parse(&form.headline);
    match headline {
        Ok(headline) => Ok(ArticleText {
            headline,
            standfirst: form.standfirst.trim().to_owned(),
            body: Body::from_markdown(&form.body),
        }),
        Err(e) => Err(vec![e]),
    }
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
    let mut errors = Vec::new();
    let text = checked_text(&form).map_err(|e| errors.extend(e)).ok();
    let sections = app.store.sections().await?;
    let section = sections.iter().find(|s| s.id == SectionId(form.section));
    if section.is_none() {
        errors.push(Invalid::new("section", "choose a section"));
    }
    let (Some(text), Some(section), true) = (text, section, errors.is_empty()) else {
        return editor_page(
            &app,
            &staff,
            None,
            &form,
            errors,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let new = NewArticle {
        slug: Slug::from_title(text.headline.as_str(), "article"),
        headline: text.headline,
        standfirst: text.standfirst,
        body: text.body,
        section: section.id,
        source: None,
        authors: Vec::new(),
        edited_by: None,
        place: None,
        tags: Vec::new(),
        topics: Vec::new(),
        lead_image: None,
        language: None,
        kind: dateline_core::ArticleKind::Standard,
        corpus_label: None,
    };
    let id = app
        .store
        .create_draft(&new, staff.user.id, Timestamp::now())
        .await?;
    Ok(back_to_editor(id))
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
    let state = editable(&app, &staff, id).await?;
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
    let choices = Choices::load(&app).await?;
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
    let state = editable(&app, &staff, id).await?;
    let choices = Choices::load(&app).await?;
    let mut errors = Vec::new();
    let text = checked_text(&form).map_err(|e| errors.extend(e)).ok();
    let details = match form.details {
        Some(_) => {
            let kept_topics = if staff.allows(Action::ManageTaxonomy) {
                None
            } else {
                let current = app.store.article_details(id).await?;
                Some(current.map(|d| d.topics).unwrap_or_default())
            };
            details::check(&app, &form, id, &choices, kept_topics)
                .await?
                .map_err(|e| errors.extend(e))
                .ok()
        }
        None => None,
    };
    let Some(text) = text.filter(|_| errors.is_empty()) else {
        return editor_page(
            &app,
            &staff,
            Some((id, &state)),
            &form,
            errors,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let saved = app
        .store
        .save_article(
            id,
            &text,
            details.as_ref(),
            form.revision,
            staff.user.id,
            Timestamp::now(),
        )
        .await;
    match saved {
        Ok(_) => Ok(back_to_editor(id)),
        Err(StoreError::StaleRevision { current }) => {
            // Kept for its writer too: recoverable even if this page is closed.
            app.store
                .autosave(id, staff.user.id, &autosave_of_form(&form))
                .await?;
            let theirs = app.store.latest_revision(id).await?;
            let latest = theirs.as_ref().filter(|r| r.number == current);
            let diff = latest.map_or_else(Vec::new, |r| {
                line_diff(
                    &article_text(&r.headline, &r.standfirst, &r.body_markdown),
                    &article_text(&form.headline, &form.standfirst, &form.body),
                )
            });
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
            let state = editorial(&app, id).await?;
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
            editor_page(
                &app,
                &staff,
                Some((id, &state)),
                &form,
                errors,
                None,
                StatusCode::CONFLICT,
            )
            .await
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
    let state = editorial(&app, id).await?;
    let next = ArticleStatus::parse(&form.status).map_err(refused)?;
    staff.require(Action::MoveArticle(ownership(&staff, &state), next))?;
    app.store
        .move_article(id, next, Some(staff.user.id), Timestamp::now())
        .await
        .map_err(store_refusal)?;
    Ok(back_to_editor(id))
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
    let state = editorial(&app, id).await?;
    staff.require(Action::MoveArticle(
        ownership(&staff, &state),
        ArticleStatus::Scheduled,
    ))?;
    let at = site_time(&app, &form.at)?;
    if at <= Timestamp::now() {
        return Err(refused(Invalid::new("at", "choose a time in the future")));
    }
    app.store
        .schedule_article(id, at, staff.user.id, Timestamp::now())
        .await
        .map_err(store_refusal)?;
    app.jobs_enqueued.notify_one();
    Ok(back_to_editor(id))
}

#[derive(Deserialize)]
pub struct DiffQuery {
    from: Option<i64>,
    to: Option<i64>,
}

#[derive(Serialize)]
struct RevisionsPage {
    staff: StaffView,
    id: ArticleId,
    revisions: Vec<Revision>,
    from: i64,
    to: i64,
    diff: Vec<DiffLine>,
}

/// `GET /admin/articles/{id}/revisions?from=A&to=B`: every revision, and
/// the difference between two (by default the last two).
pub async fn show_revisions(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    Query(query): Query<DiffQuery>,
    staff: Staff,
) -> Result<Response> {
    let id = ArticleId(id);
    editable(&app, &staff, id).await?;
    let revisions = app.store.revisions(id).await?;
    let newest = revisions.first().map_or(1, |r| r.number);
    let to = query.to.unwrap_or(newest);
    let from = query.from.unwrap_or((to - 1).max(1));
    let text_of = |n: i64| {
        revisions
            .iter()
            .find(|r| r.number == n)
            .map(|r| article_text(&r.headline, &r.standfirst, &r.body_markdown))
            .ok_or(AppError::NotFound)
    };
    let diff = line_diff(&text_of(from)?, &text_of(to)?);
    let html = app.templates.render(
        "admin/revisions.html",
        RevisionsPage {
            staff: staff.view(),
            id,
            revisions,
            from,
            to,
            diff,
        },
    )?;
    Ok(private(Html(html).into_response()))
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

fn refused(e: Invalid) -> AppError {
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
    page.render(app, Choices::load(app).await?, status).await
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
            let own = ownership(staff, state);
            [
                (ArticleStatus::InReview, "Submit for review"),
                (ArticleStatus::Draft, "Back to draft"),
                (ArticleStatus::Published, "Publish now"),
                (ArticleStatus::Unpublished, "Unpublish"),
            ]
            .into_iter()
            .filter(|(next, _)| {
                state.status.can_become(*next)
                    && dateline_core::allows(staff.user.role, Action::MoveArticle(own, *next))
            })
            .map(|(next, label)| (next.as_str(), label))
            .collect()
        });
        let can_schedule = article.is_some_and(|(_, state)| {
            matches!(
                state.status,
                ArticleStatus::Draft | ArticleStatus::InReview | ArticleStatus::Scheduled
            ) && dateline_core::allows(
                staff.user.role,
                Action::MoveArticle(ownership(staff, state), ArticleStatus::Scheduled),
            )
        });
        let lead = article.and_then(|(_, s)| s.lead_image.as_ref());
        let can_correct = article.is_some_and(|(_, state)| {
            state.status == ArticleStatus::Published
                && dateline_core::allows(
                    staff.user.role,
                    Action::CorrectArticle(ownership(staff, state)),
                )
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
                can_file_in_topics: staff.allows(Action::ManageTaxonomy),
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

#[derive(Deserialize)]
pub struct LeadImageForm {
    /// A media library id; empty or 0 removes the lead image.
    #[serde(default)]
    media: String,
    #[serde(default)]
    caption: String,
    #[serde(default)]
    credit: String,
}

/// `POST /admin/articles/{id}/lead-image`.
pub async fn set_lead_image(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, form }: AdminForm<LeadImageForm>,
) -> Result<Response> {
    let id = ArticleId(id);
    editable(&app, &staff, id).await?;
    let media = form.media.trim();
    let image = if media.is_empty() || media == "0" {
        None
    } else {
        let media = media
            .parse()
            .map_err(|_| refused(Invalid::new("media", "not a media id")))?;
        let optional = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        Some(LeadImage {
            media: MediaId(media),
            caption: optional(&form.caption),
            credit: optional(&form.credit),
        })
    };
    app.store
        .set_lead_image(id, image.as_ref(), staff.user.id, Timestamp::now())
        .await
        .map_err(|e| match e {
            // The only constraint here: the image must be in the library.
            StoreError::Conflict { .. } => {
                refused(Invalid::new("media", "no such image in the library"))
            }
            other => other.into(),
        })?;
    Ok(back_to_editor(id))
}

/// `GET /admin/articles/{id}/preview`: the reader's page, before readers see it.
pub async fn show_preview(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    staff: Staff,
) -> Result<Response> {
    let id = ArticleId(id);
    editable(&app, &staff, id).await?;
    let html = crate::web::reader::article::preview(&app, id).await?;
    Ok(private(Html(html).into_response()))
}

#[derive(Deserialize)]
pub struct CorrectionForm {
    kind: String,
    #[serde(default)]
    note: String,
}

/// `POST /admin/articles/{id}/corrections`: a dated "Correction:" or
/// "Updated:" note on a published article.
pub async fn add_correction(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, form }: AdminForm<CorrectionForm>,
) -> Result<Response> {
    let id = ArticleId(id);
    let state = editorial(&app, id).await?;
    staff.require(Action::CorrectArticle(ownership(&staff, &state)))?;
    if state.status != ArticleStatus::Published {
        return Err(refused(Invalid::new(
            "note",
            "corrections and updates are for published articles; edit a draft instead",
        )));
    }
    let kind = CorrectionKind::parse(&form.kind)
        .ok_or_else(|| refused(Invalid::new("kind", "choose correction or update")))?;
    app.store
        .add_correction(id, kind, &form.note, Some(staff.user.id), Timestamp::now())
        .await
        .map_err(store_refusal)?;
    Ok(back_to_editor(id))
}

fn autosave_of_form(form: &TextForm) -> Autosave {
    Autosave {
        base_revision: form.revision,
        saved_at: Timestamp::now(),
        headline: form.headline.clone(),
        standfirst: form.standfirst.clone(),
        body_markdown: form.body.clone(),
    }
}

/// `POST /admin/articles/{id}/autosave`: the editor's script keeps the text
/// being typed, so a closed tab loses at most a few seconds of it.
pub async fn autosave(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, form }: AdminForm<TextForm>,
) -> Result<Response> {
    let id = ArticleId(id);
    editable(&app, &staff, id).await?;
    app.store
        .autosave(id, staff.user.id, &autosave_of_form(&form))
        .await?;
    Ok(private(StatusCode::NO_CONTENT.into_response()))
}

/// `POST /admin/articles/{id}/autosave/discard`.
pub async fn discard_autosave(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, .. }: AdminForm<super::sign_in::Nothing>,
) -> Result<Response> {
    let id = ArticleId(id);
    editable(&app, &staff, id).await?;
    app.store.discard_autosave(id, staff.user.id).await?;
    Ok(back_to_editor(id))
}

/// `POST /admin/articles/{id}/revisions/{number}/restore`: an old text
/// becomes the newest revision (history is never rewritten).
pub async fn restore_revision(
    State(app): State<AppState>,
    Path((id, number)): Path<(i64, i64)>,
    AdminForm { staff, .. }: AdminForm<super::sign_in::Nothing>,
) -> Result<Response> {
    let id = ArticleId(id);
    let state = editable(&app, &staff, id).await?;
    let old = app
        .store
        .revisions(id)
        .await?
        .into_iter()
        .find(|r| r.number == number)
        .ok_or(AppError::NotFound)?;
    let text = ArticleText {
        headline: Headline::parse(&old.headline).map_err(refused)?,
        standfirst: old.standfirst,
        body: Body::from_markdown(&old.body_markdown),
    };
    app.store
        .save_article_text(id, &text, state.revision, staff.user.id, Timestamp::now())
        .await
        .map_err(|e| match e {
            StoreError::StaleRevision { .. } => AppError::refused(
                StatusCode::CONFLICT,
                "Not restored",
                "Someone saved the article just now. Look at the revisions again and retry.",
            ),
            other => other.into(),
        })?;
    Ok(back_to_editor(id))
}

#[derive(Deserialize)]
pub struct MarkdownForm {
    #[serde(default)]
    body: String,
}

/// `POST /admin/markdown`: the sanitised HTML of a body, for the editor's
/// live preview (the same rendering readers get).
pub async fn render_markdown(
    AdminForm { staff, form }: AdminForm<MarkdownForm>,
) -> Result<Response> {
    staff.require(Action::CreateArticle)?;
    let html = dateline_core::render_markdown(&form.body);
    Ok(private(Html(html).into_response()))
}

#[derive(Deserialize)]
pub struct LookupQuery {
    #[serde(default)]
    q: String,
    /// The article being edited, which is not its own related article.
    not: Option<i64>,
}

#[derive(Serialize)]
struct Found {
    id: ArticleId,
    headline: String,
}

/// `GET /admin/articles/lookup?q=words&not=ID`: published articles (but
/// article `ID`) whose headline has the words, for the editor's
/// related-articles search (JSON).
pub async fn lookup(
    State(app): State<AppState>,
    Query(query): Query<LookupQuery>,
    staff: Staff,
) -> Result<Response> {
    const FOUND: i64 = 8;
    staff.require(Action::CreateArticle)?;
    let words = query.q.trim();
    let found: Vec<Found> = if words.is_empty() {
        Vec::new()
    } else {
        let filter = DeskFilter {
            status: Some(ArticleStatus::Published),
            headline: Some(words.to_owned()),
            ..DeskFilter::default()
        };
        app.store
            .desk_articles(&filter, FOUND + 1)
            .await?
            .into_iter()
            .filter(|e| Some(e.id.0) != query.not)
            .take(FOUND as usize)
            .map(|e| Found {
                id: e.id,
                headline: e.headline,
            })
            .collect()
    };
    Ok(private(axum::Json(found).into_response()))
}
