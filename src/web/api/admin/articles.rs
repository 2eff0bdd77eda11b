//! Articles through the admin API: create a draft, read and replace it
//! (optimistic concurrency by revision), move it along the workflow. The
//! body is read into the admin editor's own form and checked by the same
//! code, so the API and the editor accept and refuse the same things.

use axum::{
    extract::{Path, State},
    http::{StatusCode, header},
    response::Response,
};
use dateline_core::{
    Action, ArticleId, ArticleKind, ArticleStatus, Carriage, LeadImage, MediaId, NewArticle,
    Ownership, article_path,
};
use dateline_store::Editorial;
use jiff::Timestamp;

use super::{
    article_shapes::{AdminArticle, ArticleInput, LeadImageInput, StatusChange},
    no_store, path_id,
};
use crate::{
    web::{App, AppState},
    web::{
        admin::{TextForm, details},
        api::{ApiError, auth::Caller, body::ApiJson, shapes::EntryShape},
    },
};

type ApiResult = Result<Response, ApiError>;

/// Creates a draft, owned by the token's owner.
#[utoipa::path(
    post,
    path = "/api/v1/admin/articles",
    tag = "admin",
    request_body = ArticleInput,
    security(("token" = [])),
    responses(
        (status = 201, description = "The new draft", body = AdminArticle),
        (status = 400, description = "The body is not JSON", body = ApiError),
        (status = 401, description = "No valid access token", body = ApiError),
        (status = 403, description = "The token may not create articles", body = ApiError),
        (status = 409, description = "The address is taken", body = ApiError),
        (status = 413, description = "The body is too large", body = ApiError),
        (status = 415, description = "The body is not sent as JSON", body = ApiError),
        (status = 422, description = "Fields are wrong", body = ApiError),
    )
)]
pub async fn create_article(
    State(app): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<ArticleInput>,
) -> ApiResult {
    caller.require(Action::CreateArticle)?;
    if input.revision.is_some() {
        return Err(ApiError::invalid_fields([(
            "revision".to_owned(),
            "a new article has no revision yet; leave it out".to_owned(),
        )]));
    }
    let choices = details::Choices::load(&app).await?;
    let checked = check(&app, &caller, &input, None, &choices).await?;
    let new = NewArticle {
        slug: checked.details.slug.clone(),
        headline: checked.text.headline.clone(),
        standfirst: checked.text.standfirst.clone(),
        body: checked.text.body.clone(),
        section: checked.details.section,
        source: checked.details.source,
        authors: checked.details.authors.clone(),
        edited_by: checked.details.edited_by,
        place: checked.details.place.clone(),
        // Tags (made on the way) and topics are written with the details.
        tags: Vec::new(),
        topics: Vec::new(),
        lead_image: checked.lead_image,
        language: None,
        kind: checked.details.kind,
        corpus_label: None,
    };
    let id = app
        .store
        .create_draft_with_details(&new, &checked.details, caller.user.id, Timestamp::now())
        .await?;
    let article = admin_article(&app, id, &choices).await?;
    let location = format!("/api/v1/admin/articles/{id}");
    let mut response = no_store(StatusCode::CREATED, &article);
    response.headers_mut().insert(
        header::LOCATION,
        location.parse().expect("a path is a header value"),
    );
    Ok(response)
}

/// An article in any status, as its editor sees it.
#[utoipa::path(
    get,
    path = "/api/v1/admin/articles/{id}",
    tag = "admin",
    params(("id" = i64, Path, description = "The article's id")),
    security(("token" = [])),
    responses(
        (status = 200, description = "The article", body = AdminArticle),
        (status = 400, description = "The id is not a number", body = ApiError),
        (status = 401, description = "No valid access token", body = ApiError),
        (status = 403, description = "The token may not edit this article", body = ApiError),
        (status = 404, description = "No article has this id", body = ApiError),
    )
)]
pub async fn show_article(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult {
    let id = path_id(&id)?;
    editable(&app, &caller, id).await?;
    let choices = details::Choices::load(&app).await?;
    Ok(no_store(
        StatusCode::OK,
        &admin_article(&app, id, &choices).await?,
    ))
}

/// Replaces an article's text and details (a new revision). Fields left out
/// are emptied, as a `PUT` does; `revision` is required.
#[utoipa::path(
    put,
    path = "/api/v1/admin/articles/{id}",
    tag = "admin",
    params(("id" = i64, Path, description = "The article's id")),
    request_body = ArticleInput,
    security(("token" = [])),
    responses(
        (status = 200, description = "The article as saved", body = AdminArticle),
        (status = 400, description = "The id is not a number or the body not JSON", body = ApiError),
        (status = 401, description = "No valid access token", body = ApiError),
        (status = 403, description = "The token may not edit this article", body = ApiError),
        (status = 404, description = "No article has this id", body = ApiError),
        (status = 409, description = "Someone saved a newer revision, or the address is taken", body = ApiError),
        (status = 413, description = "The body is too large", body = ApiError),
        (status = 415, description = "The body is not sent as JSON", body = ApiError),
        (status = 422, description = "Fields are wrong", body = ApiError),
    )
)]
pub async fn replace_article(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ArticleInput>,
) -> ApiResult {
    let id = path_id(&id)?;
    editable(&app, &caller, id).await?;
    let Some(revision) = input.revision else {
        return Err(ApiError::invalid_fields([(
            "revision".to_owned(),
            "send the revision the change was made from".to_owned(),
        )]));
    };
    let choices = details::Choices::load(&app).await?;
    let checked = check(&app, &caller, &input, Some(id), &choices).await?;
    let now = Timestamp::now();
    app.store
        .save_article(
            id,
            &checked.text,
            Some(&checked.details),
            revision,
            caller.user.id,
            now,
        )
        .await?;
    let current = editorial(&app, id).await?;
    if current.lead_image != checked.lead_image {
        app.store
            .set_lead_image(id, checked.lead_image.as_ref(), caller.user.id, now)
            .await?;
    }
    Ok(no_store(
        StatusCode::OK,
        &admin_article(&app, id, &choices).await?,
    ))
}

/// Moves an article along the workflow: submit for review, publish now,
/// schedule, unpublish, back to draft.
#[utoipa::path(
    post,
    path = "/api/v1/admin/articles/{id}/status",
    tag = "admin",
    params(("id" = i64, Path, description = "The article's id")),
    request_body = StatusChange,
    security(("token" = [])),
    responses(
        (status = 200, description = "The article after the move", body = AdminArticle),
        (status = 400, description = "The id is not a number or the body not JSON", body = ApiError),
        (status = 401, description = "No valid access token", body = ApiError),
        (status = 403, description = "The token may not make this move", body = ApiError),
        (status = 404, description = "No article has this id", body = ApiError),
        (status = 413, description = "The body is too large", body = ApiError),
        (status = 415, description = "The body is not sent as JSON", body = ApiError),
        (status = 422, description = "The workflow or an embargo refuses the move", body = ApiError),
    )
)]
pub async fn change_status(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(change): ApiJson<StatusChange>,
) -> ApiResult {
    let id = path_id(&id)?;
    let state = editorial(&app, id).await?;
    let next = ArticleStatus::from(change.status);
    caller.require(Action::MoveArticle(ownership(&caller, &state), next))?;
    let now = Timestamp::now();
    match (next, change.at.as_deref()) {
        (ArticleStatus::Scheduled, Some(at)) => {
            let at: Timestamp = at.parse().map_err(|_| {
                ApiError::invalid_fields([(
                    "at".to_owned(),
                    "an RFC 3339 time, such as 2026-12-05T06:00:00+05:30".to_owned(),
                )])
            })?;
            if at <= now {
                return Err(ApiError::invalid_fields([(
                    "at".to_owned(),
                    "choose a time in the future".to_owned(),
                )]));
            }
            app.store
                .schedule_article(id, at, caller.user.id, now)
                .await?;
        }
        (ArticleStatus::Scheduled, None) => {
            return Err(ApiError::invalid_fields([(
                "at".to_owned(),
                "scheduling needs the time to publish at".to_owned(),
            )]));
        }
        (_, Some(_)) => {
            return Err(ApiError::invalid_fields([(
                "at".to_owned(),
                "only a move to `scheduled` takes a time".to_owned(),
            )]));
        }
        (next, None) => {
            app.store
                .move_article(id, next, Some(caller.user.id), now)
                .await?;
        }
    }
    let choices = details::Choices::load(&app).await?;
    Ok(no_store(
        StatusCode::OK,
        &admin_article(&app, id, &choices).await?,
    ))
}

/// What a body checked by the editor's rules comes to.
struct Checked {
    text: dateline_store::ArticleText,
    details: dateline_core::ArticleDetails,
    lead_image: Option<LeadImage>,
}

/// `input` checked as the editor checks its form; every wrong field at once.
async fn check(
    app: &App,
    caller: &Caller,
    input: &ArticleInput,
    id: Option<ArticleId>,
    choices: &details::Choices,
) -> Result<Checked, ApiError> {
    let mut errors: Vec<(String, String)> = Vec::new();
    let mut wrong = |field: &str, message: String| errors.push((field.to_owned(), message));
    let form = editor_form(input, choices, &mut wrong);
    // Topics are curated lists: someone who may not curate them keeps an
    // article's topics as they are.
    let current_topics = match id {
        Some(id) => app
            .store
            .article_details(id)
            .await?
            .map(|d| d.topics)
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let kept_topics = (!dateline_core::allows(caller.user.role, Action::ManageTaxonomy))
        .then_some(current_topics);
    if let Some(kept) = &kept_topics {
        // Leaving them out leaves them be.
        let asked = &form.topics;
        let same = asked.len() == kept.len() && asked.iter().zip(kept).all(|(a, k)| *a == k.0);
        if !asked.is_empty() && !same {
            wrong(
                "topics",
                "filing articles in topics is for editors and admins".to_owned(),
            );
        }
    }
    let text = crate::web::admin::checked_text(&form);
    let checked_details =
        details::check(app, &form, id.unwrap_or(ArticleId(0)), choices, kept_topics).await?;
    let lead_image = match &input.lead_image {
        None => None,
        Some(lead) => {
            let media = MediaId(lead.media);
            if app.store.library_item(media).await?.is_none() {
                wrong(
                    "lead_image.media",
                    format!("there is no picture {} in the media library", lead.media),
                );
            }
            let optional = |s: &Option<String>| {
                s.as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
            };
            Some(LeadImage {
                media,
                caption: optional(&lead.caption),
                credit: optional(&lead.credit),
            })
        }
    };
    let text = text.map_err(|e| {
        for e in e {
            wrong(e.field, e.reason);
        }
    });
    let details = checked_details.map_err(|e| {
        for e in e {
            wrong(e.field, e.reason);
        }
    });
    match (text, details) {
        (Ok(text), Ok(details)) if errors.is_empty() => Ok(Checked {
            text,
            details,
            lead_image,
        }),
        _ => Err(ApiError::invalid_fields(errors)),
    }
}

/// The editor's form as `input` would fill it: slugs become the ids the
/// form's lists hold; a slug naming nothing is noted as `wrong`.
fn editor_form(
    input: &ArticleInput,
    choices: &details::Choices,
    wrong: &mut impl FnMut(&str, String),
) -> TextForm {
    let mut unknown = |field: &str, what: &str, slug: &str| {
        wrong(field, format!("there is no {what} {slug:?}"));
        0
    };
    let section = choices
        .sections
        .iter()
        .find(|s| s.slug == input.section)
        .map_or_else(|| unknown("section", "section", &input.section), |s| s.id.0);
    let source = input.source.as_deref().map_or(String::new(), |slug| {
        choices
            .sources
            .iter()
            .find(|s| s.slug == slug)
            .map_or_else(|| unknown("source", "source", slug), |s| s.id.0)
            .to_string()
    });
    let edited_by = input.edited_by.as_deref().map_or(String::new(), |slug| {
        choices
            .people
            .iter()
            .find(|p| p.slug == slug)
            .map_or_else(|| unknown("edited_by", "byline", slug), |p| p.id.0)
            .to_string()
    });
    let topics = input
        .topics
        .iter()
        .map(|slug| {
            choices
                .topics
                .iter()
                .find(|t| t.slug == *slug)
                .map_or_else(|| unknown("topics", "topic", slug), |t| t.id)
        })
        .collect();
    // The form separates bylines and tags by commas.
    for (field, values) in [("authors", &input.authors), ("tags", &input.tags)] {
        if let Some(v) = values.iter().find(|v| v.contains(',')) {
            wrong(field, format!("{v:?}: names may not contain commas"));
        }
    }
    TextForm {
        headline: input.headline.clone(),
        standfirst: input.standfirst.clone(),
        body: input.body.clone(),
        revision: input.revision.unwrap_or_default(),
        section,
        details: Some("1".to_owned()),
        slug: input.slug.clone().unwrap_or_default(),
        source,
        edited_by,
        place: input.place.clone().unwrap_or_default(),
        authors: input.authors.join(", "),
        tags: input.tags.join(", "),
        topics,
        related: input.related.iter().map(|id| format!("{id}\n")).collect(),
        seo_title: input.seo_title.clone().unwrap_or_default(),
        seo_description: input.seo_description.clone().unwrap_or_default(),
        kind: ArticleKind::from(input.kind.unwrap_or_default())
            .as_str()
            .to_owned(),
    }
}

fn ownership(caller: &Caller, state: &Editorial) -> Ownership {
    if state.created_by == Some(caller.user.id) {
        Ownership::Own
    } else {
        Ownership::Others
    }
}

async fn editorial(app: &App, id: ArticleId) -> Result<Editorial, ApiError> {
    app.store
        .editorial(id)
        .await?
        .ok_or_else(|| ApiError::not_found("No article has this id."))
}

/// The article's state, if the caller may edit it as it stands (else 403).
pub(super) async fn editable(
    app: &App,
    caller: &Caller,
    id: ArticleId,
) -> Result<Editorial, ApiError> {
    let state = editorial(app, id).await?;
    caller.require(Action::EditArticle(ownership(caller, &state), state.status))?;
    Ok(state)
}

async fn admin_article(
    app: &App,
    id: ArticleId,
    choices: &details::Choices,
) -> Result<AdminArticle, ApiError> {
    let state = editorial(app, id).await?;
    let gone = || ApiError::not_found("No article has this id.");
    let text = app.store.latest_revision(id).await?.ok_or_else(gone)?;
    let details = app.store.article_details(id).await?.ok_or_else(gone)?;
    let section = choices
        .sections
        .iter()
        .find(|s| s.id == details.section)
        .map(|s| s.slug.clone())
        .unwrap_or_default();
    let person = |id| {
        choices
            .people
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.slug.clone())
    };
    Ok(AdminArticle {
        id: id.0,
        status: state.status.into(),
        revision: state.revision,
        headline: text.headline,
        standfirst: text.standfirst,
        body: text.body_markdown,
        url: format!(
            "{}{}",
            app.config.site.base(),
            article_path(&section, details.slug.as_str(), id)
        ),
        section,
        slug: details.slug.to_string(),
        source: details.source.and_then(|id| {
            choices
                .sources
                .iter()
                .find(|s| s.id == id)
                .map(|s| s.slug.clone())
        }),
        authors: details
            .authors
            .iter()
            .filter_map(|id| person(*id))
            .collect(),
        edited_by: details.edited_by.and_then(person),
        place: details.place,
        tags: details.tags.iter().map(|t| t.name.to_string()).collect(),
        topics: details
            .topics
            .iter()
            .filter_map(|id| choices.topics.iter().find(|t| t.id == id.0))
            .map(|t| t.slug.clone())
            .collect(),
        related: details.related.iter().map(|id| id.0).collect(),
        seo_title: details.seo_title,
        seo_description: details.seo_description,
        lead_image: state.lead_image.map(|l| LeadImageInput {
            media: l.media.0,
            caption: l.caption,
            credit: l.credit,
        }),
        kind: details.kind.into(),
        entries: match details.kind {
            ArticleKind::Live => app
                .store
                .live_entries(id)
                .await?
                .into_iter()
                .map(|e| EntryShape::new(e, Carriage::FullText))
                .collect(),
            ArticleKind::Standard => Vec::new(),
        },
        scheduled_at: state.scheduled_at,
        embargo_until: state.embargo_until,
    })
}
