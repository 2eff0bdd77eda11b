//! `/admin/events`: the review queue's count as Server-Sent Events (event
//! `review`), for editors' pages to update without reloading: the count
//! when the stream opens, then each new one. Every stream reads the node's
//! one count ([`crate::newsroom::ReviewQueue`]), never the database.

use std::{convert::Infallible, time::Duration};

use super::session::{Staff, private};
use crate::{
    newsroom::REVIEW,
    web::{AppState, Result},
};
use axum::{
    extract::State,
    response::{
        IntoResponse, Response,
        sse::{Event, KeepAlive, Sse},
    },
};

/// A comment line this often keeps proxies from closing an idle stream.
const HEARTBEAT: Duration = Duration::from_secs(15);

pub async fn events(State(app): State<AppState>, staff: Staff) -> Result<Response> {
    staff.require(REVIEW)?;
    let mut count = app.review_queue().await?.watch();
    count.mark_changed();
    let events = futures_util::stream::unfold(count, |mut count| async move {
        count.changed().await.ok()?;
        let now = *count.borrow_and_update();
        let event = Event::default().event("review").data(now.to_string());
        Some((Ok::<_, Infallible>(event), count))
    });
    let stream = Sse::new(events).keep_alive(KeepAlive::new().interval(HEARTBEAT));
    Ok(private(stream.into_response()))
}
