//! Articles through the admin API: create a draft, read and replace it
//! (optimistic concurrency by revision), move it along the workflow. The
//! body is read into the newsroom's [`ArticleEdit`] and checked by the same
//! code as the editor's form, so both accept and refuse the same things.

use axum::{
    extract::{Path, State},
    http::{StatusCode, header},
    response::Response,
};
use dateline_core::{
    Action, ArticleId, ArticleKind, ArticleStatus, Carriage, LeadImage, MediaId, PersonId,
    SectionId, SourceId, TopicId, article_path,
};
use jiff::Timestamp;

use super::{
    article_shapes::{AdminArticle, ArticleInput, LeadImageInput, StatusChange},
    no_store, path_id,
};
use crate::{
    newsroom::{
        ArticleEdit, Checked, Choices, DetailsEdit, EditCheck, NoSuchArticle, Pick, editable,
        movable,
    },
    web::api::{ApiError, auth::Caller, body::ApiJson, shapes::EntryShape},
    web::{App, AppState},
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
    let choices = Choices::load(&app.store).await?;
    let checked = check(&app, &caller, &input, None, &choices).await?;
    let id = checked.create_draft(&app.store, caller.user.id).await?;
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
    editable(&app.store, &caller, id).await?;
    let choices = Choices::load(&app.store).await?;
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
    editable(&app.store, &caller, id).await?;
    let Some(revision) = input.revision else {
        return Err(ApiError::invalid_fields([(
            "revision".to_owned(),
            "send the revision the change was made from".to_owned(),
        )]));
    };
    let choices = Choices::load(&app.store).await?;
    let checked = check(&app, &caller, &input, Some(id), &choices).await?;
    checked
        .save(&app.store, id, revision, caller.user.id)
        .await?;
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
    let next = ArticleStatus::from(change.status);
    movable(&app.store, &caller, id, next).await?;
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
    let choices = Choices::load(&app.store).await?;
    Ok(no_store(
        StatusCode::OK,
        &admin_article(&app, id, &choices).await?,
    ))
}

/// `input` checked as the editor's form is; every wrong field at once.
async fn check(
    app: &App,
    caller: &Caller,
    input: &ArticleInput,
    article: Option<ArticleId>,
    choices: &Choices,
) -> Result<Checked, ApiError> {
    let check = EditCheck {
        store: &app.store,
        choices,
        article,
        curates: crate::newsroom::curates(caller.user.role),
    };
    check
        .run(&edit_of(input), Vec::new())
        .await?
        .map_err(|errors| {
            ApiError::invalid_fields(errors.into_iter().map(|e| (e.field.to_owned(), e.reason)))
        })
}

fn by_slug<Id>(slug: &str) -> Pick<Id> {
    Pick::Slug(slug.to_owned())
}

/// The edit `input` asks for, as a `PUT`: what is left out is emptied.
fn edit_of(input: &ArticleInput) -> ArticleEdit {
    ArticleEdit {
        headline: input.headline.clone(),
        standfirst: input.standfirst.clone(),
        body: input.body.clone(),
        details: Some(DetailsEdit {
            slug: input.slug.clone(),
            section: by_slug::<SectionId>(&input.section),
            source: input.source.as_deref().map(by_slug::<SourceId>),
            edited_by: input.edited_by.as_deref().map(by_slug::<PersonId>),
            place: input.place.clone().unwrap_or_default(),
            authors: input.authors.clone(),
            tags: input.tags.clone(),
            topics: Some(input.topics.iter().map(|t| by_slug::<TopicId>(t)).collect()),
            related: input.related.iter().copied().map(ArticleId).collect(),
            seo_title: input.seo_title.clone().unwrap_or_default(),
            seo_description: input.seo_description.clone().unwrap_or_default(),
            kind: ArticleKind::from(input.kind.unwrap_or_default()),
        }),
        lead_image: Some(input.lead_image.as_ref().map(|lead| LeadImage {
            media: MediaId(lead.media),
            caption: lead.caption.clone(),
            credit: lead.credit.clone(),
        })),
    }
}

async fn admin_article(
    app: &App,
    id: ArticleId,
    choices: &Choices,
) -> Result<AdminArticle, ApiError> {
    let state = app.store.editorial(id).await?.ok_or(NoSuchArticle)?;
    let text = app.store.latest_revision(id).await?.ok_or(NoSuchArticle)?;
    let details = app.store.article_details(id).await?.ok_or(NoSuchArticle)?;
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
