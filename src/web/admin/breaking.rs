//! The breaking-news strip (`dateline_store::breaking`), put up and taken
//! down from the front pages' index: a headline, a link (a story's number
//! or address, or any web address) and when it ends.

use axum::{extract::State, http::StatusCode, response::Response};
use dateline_core::{Action, Invalid, Text};
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;

use super::{
    notice::{Notice, PARAM},
    session::{AdminForm, see_other},
};
use crate::{
    newsroom::fields::related_line,
    web::{App, AppError, AppState, Result},
};

/// The longest a headline in the strip may be.
const MAX_HEADLINE: usize = 160;
/// The longest the strip may stay up.
const LONGEST: SignedDuration = SignedDuration::from_hours(48);

#[derive(Deserialize)]
pub struct BreakingForm {
    /// `up` or `down`.
    op: String,
    #[serde(default)]
    headline: String,
    #[serde(default)]
    link: String,
    /// `datetime-local` in the site's zone.
    #[serde(default)]
    ends: String,
}

/// `POST /admin/breaking`: puts the strip up (replacing one that is up)
/// or takes it down.
pub async fn change_breaking(
    State(app): State<AppState>,
    AdminForm { staff, form }: AdminForm<BreakingForm>,
) -> Result<Response> {
    staff.require(Action::ArrangeFronts)?;
    let now = Timestamp::now();
    let notice = match form.op.as_str() {
        "up" => {
            let (headline, link, ends) = read(&app, &form, now).await?;
            app.store
                .start_breaking(&headline, &link, ends, staff.user.id, now)
                .await?;
            Notice::BreakingUp
        }
        "down" => {
            app.store.stop_breaking(staff.user.id, now).await?;
            Notice::BreakingDown
        }
        other => {
            return Err(refused(Invalid::new(
                "op",
                format!("{other:?} is not a change to the strip"),
            )));
        }
    };
    Ok(see_other(&format!(
        "/admin/fronts?{PARAM}={}",
        notice.to_param()
    )))
}

/// The form's headline, link (a path on the site or a web address) and
/// end, checked.
async fn read(
    app: &App,
    form: &BreakingForm,
    now: Timestamp,
) -> Result<(String, String, Timestamp)> {
    let headline = Text::parse("headline", &form.headline, MAX_HEADLINE).map_err(refused)?;
    let headline = headline.as_str().trim();
    let link = form.link.trim();
    let story = related_line(link).filter(|_| !link.starts_with("http"));
    let link = if let Some(id) = story {
        let card = app.store.cards(&[id]).await?.pop().ok_or_else(|| {
            refused(Invalid::new(
                "link",
                format!("story {} is not published", id.0),
            ))
        })?;
        dateline_core::article_path(&card.section.slug, &card.slug, card.id)
    } else if (link.starts_with("https://") || link.starts_with("http://"))
        && url::Url::parse(link).is_ok()
        || link.starts_with('/') && !link.starts_with("//")
    {
        link.to_owned()
    } else {
        return Err(refused(Invalid::new(
            "link",
            format!("{link:?} is neither a story's number nor a web address"),
        )));
    };
    let ends = super::workflow::site_time(app, "ends", &form.ends).map_err(refused)?;
    if ends <= now {
        return Err(refused(Invalid::new(
            "ends",
            "the end has to be in the future",
        )));
    }
    if ends.duration_since(now) > LONGEST {
        return Err(refused(Invalid::new(
            "ends",
            "the strip stays up for two days at most",
        )));
    }
    Ok((headline.to_owned(), link, ends))
}

fn refused(e: Invalid) -> AppError {
    AppError::refused(
        StatusCode::UNPROCESSABLE_ENTITY,
        "Cannot put the strip up",
        format!("{}: {}", e.field, e.reason),
    )
}
