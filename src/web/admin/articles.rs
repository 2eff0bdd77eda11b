//! Writing articles: the new-article form and the editor, one form each
//! whose one save keeps the text, the details and the lead image as one
//! revision, and whose workflow buttons save and then move the article.
//! The page itself is drawn by `editor_page`; revisions and autosave are in
//! `revisions`, the editor's side tools in `editor_tools`.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use dateline_core::{Action, ArticleId, ArticleStatus, CorrectionKind, Invalid, Ownership};
use dateline_store::{Editorial, StoreError};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{
    details,
    diff::{Version, article_diff},
    editor_page::{Conflict, Page},
    notice::Notice,
    revisions::{autosave_of_form, form_of_autosave},
    session::{AdminForm, Staff},
    workflow::Step,
};
use crate::{
    newsroom::{self, Choices, EditCheck, article_state, editable, ownership},
    web::{App, AppState},
    web::{AppError, Result},
};

/// What the editor form holds: the text, the details, the lead image, a
/// correction note, and which button was pressed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
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
    /// The lead picture's media id; empty: none.
    pub(crate) lead_media: String,
    /// This article's caption and credit for it; empty: the library's.
    pub(crate) lead_caption: String,
    pub(crate) lead_credit: String,
    /// A published article's new correction or update note, and its kind.
    pub(crate) correction_note: String,
    pub(crate) correction_kind: String,
    /// The workflow step after saving (see [`Step::read`]); empty: save only.
    pub(crate) then: String,
    /// With `then=scheduled`: when, in the site's zone.
    pub(crate) schedule_at: String,
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
    let curates = newsroom::curates(staff.user.role);
    if !curates && let Some(details) = &mut edit.details {
        // The form shows them no topic boxes: topics it sends are not theirs.
        details.topics = None;
    }
    let check = EditCheck {
        store: &app.store,
        choices,
        article,
        curates,
    };
    Ok(check.run(&edit, errors).await?)
}

/// The correction note the form adds, if any, checked against the
/// article and the staff member (`errors` gets what is wrong).
fn correction(
    form: &TextForm,
    staff: &Staff,
    state: &Editorial,
    errors: &mut Vec<Invalid>,
) -> Option<CorrectionKind> {
    if form.correction_note.trim().is_empty() {
        return None;
    }
    let refuse = |errors: &mut Vec<Invalid>, reason: &str| {
        errors.push(Invalid::new("correction_note", reason));
        None
    };
    if state.status != ArticleStatus::Published {
        return refuse(errors, "corrections are for published articles");
    }
    if !staff.allows(Action::CorrectArticle(ownership(staff, state))) {
        return refuse(
            errors,
            "adding corrections is for the story's author and editors",
        );
    }
    if let Err(e) = dateline_core::Text::parse("correction_note", &form.correction_note, 2000) {
        errors.push(e);
        return None;
    }
    match CorrectionKind::parse(form.correction_kind.trim()) {
        Some(kind) => Some(kind),
        None => refuse(errors, "choose correction or update"),
    }
}

/// `GET /admin/articles/new`.
pub async fn show_new(State(app): State<AppState>, staff: Staff) -> Result<Response> {
    staff.require(Action::CreateArticle)?;
    let form = TextForm {
        details: Some("1".into()),
        ..TextForm::default()
    };
    Page::new(&staff, None, &form)
        .render(&app, StatusCode::OK)
        .await
}

/// `POST /admin/articles`: a new draft, owned by whoever wrote it, and
/// the workflow step its button asked for.
pub async fn create(
    State(app): State<AppState>,
    AdminForm { staff, form }: AdminForm<TextForm>,
) -> Result<Response> {
    staff.require(Action::CreateArticle)?;
    let choices = Choices::load(&app.store).await?;
    let (edit, mut errors) = form.new_article();
    let step = Step::read(&app, &form.then, &form.schedule_at).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    if let Some(step) = step {
        step.allowed(&staff, ArticleStatus::Draft, Ownership::Own)?;
    }
    let checked = match checked(&app, &staff, None, (edit, errors), &choices).await? {
        Ok(checked) => checked,
        Err(errors) => {
            return Page::new(&staff, None, &form)
                .with_errors(errors)
                .render(&app, StatusCode::UNPROCESSABLE_ENTITY)
                .await;
        }
    };
    let id = checked.create_draft(&app.store, staff.user.id).await?;
    let Some(step) = step else {
        return Ok(back_to_editor(id, Notice::Created));
    };
    match step.take(&app, id, &staff).await {
        Ok(done) => Ok(back_to_editor(id, done)),
        Err(StoreError::Invalid(e)) => refused_step(&app, &staff, id, e, Notice::Created).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct EditorQuery {
    /// `autosave`: fill the form with the staff member's unsaved copy.
    restore: Option<String>,
    /// The wire item a new draft was made from ("Use this story"): its
    /// HTML goes to the visual editor, which reads it through its paste
    /// cleaner.
    agency: Option<i64>,
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
    let form = match &unsaved {
        // Based on the revision it was typed over: if someone saved since,
        // saving it meets the conflict page, not a silent overwrite.
        Some(unsaved) if restoring => match form_of_autosave(unsaved) {
            Some(form) => form,
            None => TextForm {
                headline: unsaved.headline.clone(),
                standfirst: unsaved.standfirst.clone(),
                body: unsaved.body_markdown.clone(),
                revision: unsaved.base_revision,
                ..stored_form(&app, id, &state).await?
            },
        },
        _ => stored_form(&app, id, &state).await?,
    };
    // Only for a draft not yet edited, by someone who may use the wire.
    let agency_html = match query.agency {
        Some(item) if state.revision == 1 && staff.allows(Action::UseWire) => app
            .store
            .wire_item(item)
            .await?
            .map(|item| dateline_core::sanitise(&item.body_html)),
        _ => None,
    };
    Page::new(&staff, Some((id, &state)), &form)
        .offering(unsaved.filter(|_| !restoring))
        .with_agency_copy(agency_html)
        .render(&app, StatusCode::OK)
        .await
}

/// The editor's form as the article (whose workflow state is `state`) stands.
async fn stored_form(app: &App, id: ArticleId, state: &Editorial) -> Result<TextForm> {
    let current = app
        .store
        .latest_revision(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut form = TextForm {
        headline: current.headline,
        standfirst: current.standfirst,
        body: current.body_markdown,
        revision: state.revision,
        ..TextForm::default()
    };
    let stored = app
        .store
        .article_details(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let choices = Choices::load(&app.store).await?;
    details::fill(app, &mut form, &stored, &choices).await?;
    if let Some(lead) = &state.lead_image {
        form.lead_media = lead.media.0.to_string();
        form.lead_caption = lead.caption.clone().unwrap_or_default();
        form.lead_credit = lead.credit.clone().unwrap_or_default();
    }
    Ok(form)
}

/// `POST /admin/articles/{id}`: saves the text, details and lead image as
/// a new revision (unless someone else saved since it was loaded: 409,
/// with both texts), adds the correction note, then takes the workflow
/// step its button asked for.
pub async fn save(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, form }: AdminForm<TextForm>,
) -> Result<Response> {
    let id = ArticleId(id);
    let state = editable(&app.store, &staff, id).await?;
    let choices = Choices::load(&app.store).await?;
    let (edit, mut errors) = form.edit();
    let step = Step::read(&app, &form.then, &form.schedule_at).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    if let Some(step) = step {
        step.allowed(&staff, state.status, ownership(&staff, &state))?;
    }
    let correction = correction(&form, &staff, &state, &mut errors);
    let refuse = async |errors, status| {
        Page::new(&staff, Some((id, &state)), &form)
            .with_errors(errors)
            .render(&app, status)
            .await
    };
    let edit = match checked(&app, &staff, Some(id), (edit, errors), &choices).await? {
        Ok(edit) => edit,
        Err(errors) => return refuse(errors, StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    // Unchanged, and not a conflict: no empty revision, only the note or
    // the move asked for.
    let unchanged =
        form.revision == state.revision && !edit.changes(&app.store, id, &state).await?;
    let revision = if unchanged {
        app.store.discard_autosave(id, staff.user.id).await?;
        None
    } else {
        match edit
            .save(&app.store, id, form.revision, staff.user.id)
            .await
        {
            Ok(revision) => Some(revision),
            Err(StoreError::StaleRevision { current }) => {
                return conflict(&app, &staff, id, form, current).await;
            }
            // A byline, topic or related article deleted meanwhile.
            Err(StoreError::Conflict { .. }) => {
                let errors = vec![Invalid::new(
                    "details",
                    "something the details name was removed meanwhile; check them and save again",
                )];
                return refuse(errors, StatusCode::CONFLICT).await;
            }
            Err(e) => return Err(e.into()),
        }
    };
    let saved = match revision {
        Some(revision) => Notice::Saved { revision },
        None => Notice::Unchanged {
            revision: state.revision,
        },
    };
    if let Some(kind) = correction {
        let now = Timestamp::now();
        app.store
            .add_correction(id, kind, &form.correction_note, Some(staff.user.id), now)
            .await?;
    }
    let Some(step) = step else {
        let done = if correction.is_some() {
            Notice::Corrected
        } else {
            saved
        };
        return Ok(back_to_editor(id, done));
    };
    match step.take(&app, id, &staff).await {
        Ok(done) => Ok(back_to_editor(
            id,
            revision.map_or(done, |r| done.after_saving(r)),
        )),
        Err(StoreError::Invalid(e)) => refused_step(&app, &staff, id, e, saved).await,
        Err(e) => Err(e.into()),
    }
}

/// The editor after a save whose workflow step was refused (an embargo,
/// a move made meanwhile): what was saved, and why the step was not taken.
async fn refused_step(
    app: &App,
    staff: &Staff,
    id: ArticleId,
    why: Invalid,
    saved: Notice,
) -> Result<Response> {
    let state = article_state::<AppError>(&app.store, id).await?;
    let form = stored_form(app, id, &state).await?;
    let what = match saved {
        Notice::Saved { revision } => format!("Saved as revision {revision}, but"),
        Notice::Unchanged { .. } => "Nothing had changed to save, and it was".to_owned(),
        _ => "The draft is saved, but it was".to_owned(),
    };
    let error = Invalid::new("then", format!("{what} not moved on: {}", why.reason));
    Page::new(staff, Some((id, &state)), &form)
        .with_errors(vec![error])
        .render(app, StatusCode::UNPROCESSABLE_ENTITY)
        .await
}

/// The conflict page: someone saved revision `current` while `form` was
/// being typed. The form is kept (and autosaved for its writer).
async fn conflict(
    app: &App,
    staff: &Staff,
    id: ArticleId,
    form: TextForm,
    current: i64,
) -> Result<Response> {
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
    // The form keeps the refused text, now based on the current revision:
    // saving again is a deliberate overwrite.
    let form = TextForm {
        revision: current,
        ..form
    };
    let state = article_state::<AppError>(&app.store, id).await?;
    Page::new(staff, Some((id, &state)), &form)
        .with_conflict(conflict)
        .render(app, StatusCode::CONFLICT)
        .await
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
