//! Front pages: the stories editors pin on the home page and on each
//! section's front, in order, the first as the lead; the newest stories
//! fill what is left, as before. Every change (a story added, moved, given
//! an end or taken off, or a new order dropped in place) is saved at once
//! as the front's next revision: readers see it within a second. Without
//! JavaScript each button is its own small form; `fronts.js` adds drag and
//! drop and suggestions by headline.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use dateline_core::{Action, ArticleCard, ArticleId, Invalid};
use dateline_store::{ArticleList, FRONT_SLOTS, Front, FrontRevision, Slot, StoreError};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{
    notice::Notice,
    session::{AdminForm, Staff, StaffView, admin_page, see_other},
};
use crate::{
    newsroom::fields::related_line,
    web::{
        App, AppError, AppState, Result,
        reader::{fronts, home::TOP_STORIES},
    },
};

/// How many of the newest stories the page offers to pin.
const OFFERED: i64 = 12;

/// A front as the index lists it.
#[derive(Serialize)]
struct FrontEntry {
    key: String,
    name: String,
    lead: Option<String>,
    pinned: usize,
    changed: Option<Timestamp>,
}

#[derive(Serialize)]
struct IndexPage {
    staff: StaffView,
    fronts: Vec<FrontEntry>,
    /// The breaking-news strip, while it is up.
    breaking: Option<dateline_store::Breaking>,
    /// The strip's end the form offers: two hours from now, in the site's
    /// zone, for its `datetime-local` input.
    breaking_ends: String,
}

/// `GET /admin/fronts`: the home page and every section, with their lead.
pub async fn show_fronts(State(app): State<AppState>, staff: Staff) -> Result<Response> {
    staff.require(Action::ArrangeFronts)?;
    let mut fronts = vec![("home".to_owned(), "Home page".to_owned(), Front::Home)];
    for section in app.store.sections().await? {
        fronts.push((section.slug, section.name, Front::Section(section.id)));
    }
    let now = Timestamp::now();
    let mut entries = Vec::with_capacity(fronts.len());
    for (key, name, front) in fronts {
        let arrangement = app.store.front(front).await?;
        let held: Vec<ArticleId> = arrangement
            .iter()
            .flat_map(|r| &r.slots)
            .filter(|s| s.holds_at(now))
            .map(|s| s.article)
            .collect();
        let lead = match held.first() {
            Some(id) => app.store.cards(&[*id]).await?.pop().map(|c| c.headline),
            None => None,
        };
        entries.push(FrontEntry {
            key,
            name,
            lead,
            pinned: held.len(),
            changed: arrangement.map(|r| r.at),
        });
    }
    let ends = now + jiff::SignedDuration::from_hours(2);
    let page = IndexPage {
        staff: staff.view(),
        fronts: entries,
        breaking: app.store.breaking_news(now).await?,
        breaking_ends: local_input(&app, ends),
    };
    admin_page(&app, "admin/fronts.html", StatusCode::OK, page)
}

/// A pinned story as the page shows it.
#[derive(Serialize)]
struct Pin {
    card: Option<ArticleCard>,
    id: ArticleId,
    until: Option<Timestamp>,
    /// `YYYY-MM-DDTHH:MM` in the site's zone, for its input.
    until_input: String,
}

#[derive(Serialize)]
struct FrontPage {
    staff: StaffView,
    key: String,
    name: String,
    path: String,
    revision: i64,
    pins: Vec<Pin>,
    /// What readers see first: the pins, then the newest stories.
    shown: Vec<Shown>,
    /// Newer stories that readers see further down, or not on this front.
    recent: Vec<ArticleCard>,
    slots: usize,
    history: Vec<Change>,
    error: Option<String>,
}

#[derive(Serialize)]
struct Shown {
    card: ArticleCard,
    pinned: bool,
}

#[derive(Serialize)]
struct Change {
    revision: i64,
    at: Timestamp,
    by: Option<String>,
    stories: usize,
}

/// `GET /admin/fronts/{key}`: `home` or a section's address.
pub async fn show_front(
    State(app): State<AppState>,
    Path(key): Path<String>,
    staff: Staff,
) -> Result<Response> {
    staff.require(Action::ArrangeFronts)?;
    front_page(&app, &staff, &key, None, StatusCode::OK).await
}

async fn front_page(
    app: &App,
    staff: &Staff,
    key: &str,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response> {
    let (front, name, path) = resolve(app, key).await?;
    let history = app.store.front_history(front, 10).await?;
    let now = Timestamp::now();
    let current = history.first();
    // As the reader's side arranges it (a slot whose pin ended takes the
    // newest story until the next change); the pins listed are those that
    // hold, each with its card (none: no longer published).
    let arranged = fronts::slots_of(app, current).await?;
    let revision = current.map_or(0, |r| r.revision);
    let pins = current
        .iter()
        .flat_map(|r| r.slots.iter().zip(&arranged))
        .filter(|(slot, _)| slot.holds_at(now))
        .map(|(slot, card)| Pin {
            card: card.clone(),
            id: slot.article,
            until: slot.until,
            until_input: slot.until.map(|u| local_input(app, u)).unwrap_or_default(),
        })
        .collect();
    let list = match front {
        Front::Home => ArticleList::All,
        Front::Section(id) => ArticleList::Section(id),
    };
    let room = arranged.len() + OFFERED as usize;
    let newest = app.store.published_articles(list, room as i64, 0).await?;
    let mut shown: Vec<Shown> = fronts::arrange(arranged, newest, room)
        .into_iter()
        .map(|(card, pinned)| Shown { card, pinned })
        .collect();
    let first = shown
        .iter()
        .rposition(|s| s.pinned)
        .map_or(0, |last| last + 1)
        .max(TOP_STORIES as usize);
    let recent = shown
        .split_off(first.min(shown.len()))
        .into_iter()
        .map(|s| s.card)
        .collect();
    let mut changes = Vec::with_capacity(history.len());
    for r in &history {
        let by = match r.by {
            Some(user) => app.store.user(user).await?.map(|u| u.name),
            None => None,
        };
        changes.push(Change {
            revision: r.revision,
            at: r.at,
            by,
            stories: r.slots.len(),
        });
    }
    let page = FrontPage {
        staff: staff.view(),
        key: key.to_owned(),
        name,
        path,
        revision,
        pins,
        shown,
        recent,
        slots: FRONT_SLOTS,
        history: changes,
        error,
    };
    admin_page(app, "admin/front.html", status, page)
}

/// `at` for a `datetime-local` input: `YYYY-MM-DDTHH:MM` in the site's zone.
fn local_input(app: &App, at: Timestamp) -> String {
    at.to_zoned_datetime(app.config.site.zone())
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

/// The pins of `revision` in force at `now`.
fn held(revision: &FrontRevision, now: Timestamp) -> Vec<Slot> {
    revision
        .slots
        .iter()
        .copied()
        .filter(|s| s.holds_at(now))
        .collect()
}

/// The front `key` names, its name and its address for readers.
async fn resolve(app: &App, key: &str) -> Result<(Front, String, String)> {
    if key == "home" {
        return Ok((Front::Home, "Home page".to_owned(), "/".to_owned()));
    }
    let section = app
        .store
        .section_by_slug(key)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((
        Front::Section(section.id),
        section.name,
        format!("/{}", section.slug),
    ))
}

#[derive(Deserialize)]
pub struct FrontForm {
    /// `add`, `up`, `down`, `remove`, `until` or `order`.
    op: String,
    /// The front's revision the page showed.
    revision: i64,
    /// A story's number or address (maybe followed by its headline).
    #[serde(default)]
    article: String,
    /// When the pin ends (`datetime-local`, the site's zone); empty: never.
    #[serde(default)]
    until: String,
    /// For `order`: the pinned stories' numbers, comma-separated.
    #[serde(default)]
    order: String,
}

/// `POST /admin/fronts/{key}`: one change, saved as the next revision.
pub async fn change_front(
    State(app): State<AppState>,
    Path(key): Path<String>,
    AdminForm { staff, form }: AdminForm<FrontForm>,
) -> Result<Response> {
    staff.require(Action::ArrangeFronts)?;
    let (front, name, _) = resolve(&app, &key).await?;
    let now = Timestamp::now();
    let current = app.store.front(front).await?;
    let revision = current.as_ref().map_or(0, |r| r.revision);
    if form.revision != revision {
        let stale = "Someone changed this front meanwhile: here it is as it is now; make your change again.";
        return front_page(
            &app,
            &staff,
            &key,
            Some(stale.to_owned()),
            StatusCode::CONFLICT,
        )
        .await;
    }
    let slots = current.map(|r| held(&r, now)).unwrap_or_default();
    let saved = match apply_change(&app, slots, &form) {
        Ok(slots) => {
            app.store
                .save_front(front, &slots, revision, Some(staff.user.id), &name, now)
                .await
        }
        Err(e) => Err(StoreError::Invalid(e)),
    };
    let (message, status) = match saved {
        Ok(saved) => {
            return Ok(see_other(&format!(
                "/admin/fronts/{key}?{}={}",
                super::notice::PARAM,
                Notice::Saved { revision: saved }.to_param()
            )));
        }
        Err(StoreError::Invalid(e)) => (e.reason, StatusCode::UNPROCESSABLE_ENTITY),
        Err(StoreError::StaleRevision { .. }) => (
            "Someone changed this front meanwhile: here it is as it is now.".to_owned(),
            StatusCode::CONFLICT,
        ),
        Err(e) => return Err(e.into()),
    };
    front_page(&app, &staff, &key, Some(message), status).await
}

/// `slots` with the form's change made.
fn apply_change(
    app: &App,
    mut slots: Vec<Slot>,
    form: &FrontForm,
) -> std::result::Result<Vec<Slot>, Invalid> {
    let story = || {
        related_line(form.article.trim()).ok_or_else(|| {
            Invalid::new(
                "article",
                format!(
                    "{:?} is neither a story's number nor its address.",
                    form.article.trim()
                ),
            )
        })
    };
    let at = |id: ArticleId, slots: &[Slot]| {
        slots
            .iter()
            .position(|s| s.article == id)
            .ok_or_else(|| Invalid::new("article", format!("story {} is not pinned here", id.0)))
    };
    let until = || -> std::result::Result<Option<Timestamp>, Invalid> {
        if form.until.trim().is_empty() {
            return Ok(None);
        }
        let at = super::workflow::site_time(app, "until", &form.until)?;
        if at <= Timestamp::now() {
            return Err(Invalid::new(
                "until",
                "the pin's end has to be in the future",
            ));
        }
        Ok(Some(at))
    };
    match form.op.as_str() {
        "add" => {
            let id = story()?;
            if slots.iter().any(|s| s.article == id) {
                return Err(Invalid::new(
                    "article",
                    format!("story {} is already pinned here", id.0),
                ));
            }
            slots.push(Slot {
                article: id,
                until: until()?,
            });
        }
        "up" => {
            let i = at(story()?, &slots)?;
            if i > 0 {
                slots.swap(i, i - 1);
            }
        }
        "down" => {
            let i = at(story()?, &slots)?;
            if i + 1 < slots.len() {
                slots.swap(i, i + 1);
            }
        }
        "remove" => {
            let i = at(story()?, &slots)?;
            slots.remove(i);
        }
        "until" => {
            let i = at(story()?, &slots)?;
            slots[i].until = until()?;
        }
        "order" => {
            let mut ordered = Vec::with_capacity(slots.len());
            for part in form.order.split(',').filter(|p| !p.trim().is_empty()) {
                let id = part.trim().parse().map(ArticleId).map_err(|_| {
                    Invalid::new("order", format!("{part:?} is not a story's number"))
                })?;
                ordered.push(slots[at(id, &slots)?]);
            }
            if ordered.len() != slots.len() {
                return Err(Invalid::new(
                    "order",
                    "the new order has to hold every pinned story once",
                ));
            }
            slots = ordered;
        }
        other => {
            return Err(Invalid::new(
                "op",
                format!("{other:?} is not a change to a front"),
            ));
        }
    }
    Ok(slots)
}
