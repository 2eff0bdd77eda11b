//! `/admin/sources/{id}/intake`: how a wire source's copy arrives besides
//! the command line. Its push token (made here, its secret shown once, the
//! store keeping its SHA-256), its polled feed (address and interval, what
//! it last answered, a fetch on demand) and the folder this node watches
//! for it. Admins only, like the sources themselves.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use dateline_core::{Action, Invalid, Source, SourceId};
use dateline_store::WireChannels;
use serde::{Deserialize, Serialize};

use super::{
    catalog::message,
    session::{AdminForm, Staff, StaffView, admin_page, see_other},
    sign_in::Nothing,
};
use crate::{
    accounts::{new_push_token, token_hash},
    web::Result,
    web::{App, AppState},
};

/// The longest time between two fetches of a feed: a day.
const MAX_MINUTES: i64 = 24 * 60;

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct FeedForm {
    url: String,
    minutes: String,
    /// The "Stop polling" button.
    stop: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PushForm {
    /// The "Revoke" button; else the form makes a new token.
    revoke: Option<String>,
}

#[derive(Serialize)]
struct IntakePage<'a> {
    staff: StaffView,
    source: Source,
    channels: WireChannels,
    /// Where the source pushes to.
    endpoint: String,
    /// The folder this node watches for the source, if any.
    folder: Option<String>,
    form: &'a FeedForm,
    error: Option<String>,
    /// A new push token's secret, on the answer that made it only.
    secret: Option<String>,
}

async fn page(
    app: &App,
    staff: &Staff,
    id: SourceId,
    form: Option<&FeedForm>,
    error: Option<String>,
    secret: Option<String>,
    status: StatusCode,
) -> Result<Response> {
    let source = app.store.source(id).await?;
    let channels = app.store.wire_channels(id).await?;
    let filled;
    let form = match form {
        Some(form) => form,
        None => {
            filled = FeedForm {
                url: channels
                    .feed
                    .as_ref()
                    .map(|f| f.url.clone())
                    .unwrap_or_default(),
                minutes: channels.feed.as_ref().map_or(15, |f| f.minutes).to_string(),
                stop: None,
            };
            &filled
        }
    };
    let page = IntakePage {
        staff: staff.view(),
        endpoint: format!("{}/api/v1/wire/{}", app.config.site.base(), source.slug),
        folder: app
            .config
            .wire
            .watch
            .get(&source.slug)
            .map(|dir| dir.display().to_string()),
        source,
        channels,
        form,
        error,
        secret,
    };
    admin_page(app, "admin/source_intake.html", status, page)
}

fn path(id: SourceId) -> String {
    format!("/admin/sources/{}/intake", id.0)
}

/// `GET /admin/sources/{id}/intake`.
pub async fn show_intake(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    staff: Staff,
) -> Result<Response> {
    staff.require(Action::ManageSite)?;
    page(&app, &staff, SourceId(id), None, None, None, StatusCode::OK).await
}

/// `POST /admin/sources/{id}/push-token`: a new token (the old one stops
/// working) shown this once, or none.
pub async fn change_push_token(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, form }: AdminForm<PushForm>,
) -> Result<Response> {
    staff.require(Action::ManageSite)?;
    let id = SourceId(id);
    if form.revoke.is_some() {
        app.store.set_wire_push_token(id, None).await?;
        return Ok(see_other(&path(id)));
    }
    let secret = new_push_token();
    app.store
        .set_wire_push_token(id, Some(&token_hash(&secret)))
        .await?;
    let status = StatusCode::CREATED;
    page(&app, &staff, id, None, None, Some(secret), status).await
}

/// `POST /admin/sources/{id}/feed`: polls the address every so many
/// minutes, or stops.
pub async fn save_feed(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, form }: AdminForm<FeedForm>,
) -> Result<Response> {
    staff.require(Action::ManageSite)?;
    let id = SourceId(id);
    let feed = match checked(&form) {
        Ok(feed) => feed,
        Err(e) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return page(
                &app,
                &staff,
                id,
                Some(&form),
                Some(message(&e)),
                None,
                status,
            )
            .await;
        }
    };
    let feed = feed.as_ref().map(|(url, minutes)| (url.as_str(), *minutes));
    app.store.set_wire_feed(id, feed).await?;
    Ok(see_other(&path(id)))
}

/// `POST /admin/sources/{id}/feed/check`: fetched at the next look.
pub async fn check_feed(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, .. }: AdminForm<Nothing>,
) -> Result<Response> {
    staff.require(Action::ManageSite)?;
    let id = SourceId(id);
    app.store.check_wire_feed_now(id).await?;
    Ok(see_other(&path(id)))
}

/// The feed to poll (`None`: stop), or what is wrong with the form.
fn checked(form: &FeedForm) -> std::result::Result<Option<(String, i64)>, Invalid> {
    if form.stop.is_some() {
        return Ok(None);
    }
    let url = url::Url::parse(form.url.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        .ok_or_else(|| Invalid::new("url", "an address starting with https:// or http://"))?;
    let minutes = form
        .minutes
        .trim()
        .parse()
        .ok()
        .filter(|m| (1..=MAX_MINUTES).contains(m))
        .ok_or_else(|| {
            Invalid::new(
                "minutes",
                format!("a number of minutes from 1 to {MAX_MINUTES}"),
            )
        })?;
    Ok(Some((url.to_string(), minutes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(url: &str, minutes: &str) -> FeedForm {
        FeedForm {
            url: url.to_owned(),
            minutes: minutes.to_owned(),
            stop: None,
        }
    }

    #[test]
    fn a_feed_needs_a_web_address_and_minutes_within_a_day() {
        assert_eq!(
            checked(&form(" https://wire.example/feed.xml ", "15")).unwrap(),
            Some(("https://wire.example/feed.xml".to_owned(), 15))
        );
        for (url, minutes, field) in [
            ("ftp://wire.example/feed.xml", "15", "url"),
            ("wire.example/feed.xml", "15", "url"),
            ("file:///etc/passwd", "15", "url"),
            ("https://wire.example/", "0", "minutes"),
            ("https://wire.example/", "1441", "minutes"),
            ("https://wire.example/", "ten", "minutes"),
        ] {
            assert_eq!(
                checked(&form(url, minutes)).unwrap_err().field,
                field,
                "{url} {minutes}"
            );
        }
        let stop = FeedForm {
            stop: Some("1".to_owned()),
            ..form("", "")
        };
        assert_eq!(checked(&stop).unwrap(), None, "stopping needs no address");
    }
}
