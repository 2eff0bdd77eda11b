//! `/admin/audience`: what readers read, counted by the beacons (see
//! `reader::views`) — views per hour over a week, today's top stories,
//! views by section — beside what the newsroom made: stories published per
//! day by desk, and newsletter subscribers over a month. Charts are SVG
//! drawn here, each with its numbers in a table.

use axum::{extract::State, http::StatusCode, response::Response};
use dateline_core::{Action, ArticleCard};
use dateline_store::{Day, day_of};
use jiff::{SignedDuration, Timestamp, civil::Date, tz::TimeZone};
use serde::Serialize;

use super::{
    charts::{BarChart, Reading},
    session::{Staff, StaffView, admin_page},
};
use crate::web::{AppState, Result};

const WEEK_HOURS: i64 = 24 * 7;
/// Days the output and subscriber charts cover.
const OUTPUT_DAYS: i64 = 14;
const SUBSCRIBER_DAYS: i64 = 30;
const TOP_TODAY: i64 = 10;

#[derive(Serialize)]
struct AudiencePage {
    staff: StaffView,
    views_per_hour: BarChart,
    /// The same by day, for the table (168 rows would be too many).
    views_per_day: Vec<(String, i64)>,
    top_today: Vec<Ranked>,
    by_section: Vec<Ranked>,
    published: BarChart,
    desks: Vec<String>,
    /// Per day: the day and each desk's count, in `desks`' order.
    published_table: Vec<(String, Vec<i64>)>,
    subscribers: BarChart,
    /// The same numbers, for the table.
    subscriber_table: Vec<(String, i64)>,
}

/// A row of a ranked table, with its bar's share of the first row.
#[derive(Serialize)]
struct Ranked {
    label: String,
    /// The story's page in the newsroom, for top stories.
    href: Option<String>,
    value: i64,
    /// Percent of the largest value, for the bar drawn in the row.
    share: i64,
}

fn ranked(rows: Vec<(String, Option<String>, i64)>) -> Vec<Ranked> {
    let max = rows.iter().map(|r| r.2).max().unwrap_or(0).max(1);
    rows.into_iter()
        .map(|(label, href, value)| Ranked {
            label,
            href,
            value,
            share: value * 100 / max,
        })
        .collect()
}

/// The instant `us` microseconds after 1970 (the times here are this
/// week's and month's, well within range).
fn micros(us: i64) -> Timestamp {
    Timestamp::from_microsecond(us).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn day_label(day: Day) -> String {
    let date = Date::constant(1970, 1, 1)
        .checked_add(SignedDuration::from_hours(24 * day))
        .unwrap_or_default();
    date.strftime("%b %-d").to_string()
}

pub async fn show_audience(State(app): State<AppState>, staff: Staff) -> Result<Response> {
    staff.require(Action::EnterAdmin)?;
    let now = Timestamp::now();
    let zone: TimeZone = app.config.site.zone();
    let offset = i64::from(zone.to_offset(now).seconds()) * 1_000_000;
    let today = day_of(now, offset);
    let store = &app.store;

    // Views per hour, every hour of the week (those with none as 0).
    let this_hour = now.as_microsecond().div_euclid(3_600_000_000) * 3_600_000_000;
    let first_hour = this_hour - (WEEK_HOURS - 1) * 3_600_000_000;
    let counted = store.views_per_hour(micros(first_hour)).await?;
    let hours: Vec<(Timestamp, i64)> = (0..WEEK_HOURS)
        .map(|n| {
            let at = micros(first_hour + n * 3_600_000_000);
            let views = counted.iter().find(|(h, _)| *h == at).map_or(0, |c| c.1);
            (at, views)
        })
        .collect();
    let hour_points: Vec<(String, i64)> = hours
        .iter()
        .map(|(at, v)| {
            let local = at.to_zoned_datetime(zone.clone());
            (local.strftime("%b %-d, %H:00").to_string(), *v)
        })
        .collect();
    let midnights: Vec<bool> = hours
        .iter()
        .map(|(at, _)| at.to_zoned_datetime(zone.clone()).hour() == 0)
        .collect();
    let mut views_per_hour = BarChart::new(
        "chart-views",
        "Page views per hour, last 7 days",
        Reading::PerPeriod,
        &hour_points,
        0,
        |_, l| l.to_owned(),
    );
    views_per_hour.ticks = views_per_hour
        .bars
        .iter()
        .zip(&hours)
        .zip(&midnights)
        .filter(|(_, midnight)| **midnight)
        .map(|((bar, (at, _)), _)| super::charts::Tick {
            x: bar.x,
            label: at
                .to_zoned_datetime(zone.clone())
                .strftime("%b %-d")
                .to_string(),
        })
        .collect();
    let mut views_per_day: Vec<(String, i64)> = Vec::new();
    for (at, v) in &hours {
        let label = day_label(day_of(*at, offset));
        match views_per_day.last_mut() {
            Some((l, n)) if *l == label => *n += v,
            _ => views_per_day.push((label, *v)),
        }
    }

    let day_start = |day: Day| micros(day * 86_400_000_000 - offset);
    let top = store.most_read(day_start(today), None, TOP_TODAY).await?;
    let ids: Vec<_> = top.iter().map(|(id, _)| *id).collect();
    let cards: Vec<ArticleCard> = store.cards(&ids).await?;
    let top_today = ranked(
        top.iter()
            .filter_map(|(id, n)| {
                let card = cards.iter().find(|c| c.id == *id)?;
                Some((
                    card.headline.clone(),
                    Some(format!("/admin/articles/{id}")),
                    *n,
                ))
            })
            .collect(),
    );
    let week_ago = now - SignedDuration::from_hours(WEEK_HOURS);
    let by_section = ranked(
        store
            .views_by_section(week_ago)
            .await?
            .into_iter()
            .map(|(name, n)| (name, None, n))
            .collect(),
    );

    let first_day = today - (OUTPUT_DAYS - 1);
    let output = store
        .published_per_day(day_start(first_day), offset)
        .await?;
    let mut desks: Vec<String> = output.iter().map(|d| d.desk.clone()).collect();
    desks.sort();
    desks.dedup();
    let published_table: Vec<(String, Vec<i64>)> = (first_day..=today)
        .map(|day| {
            let counts = desks
                .iter()
                .map(|desk| {
                    output
                        .iter()
                        .find(|d| d.day == day && d.desk == *desk)
                        .map_or(0, |d| d.published)
                })
                .collect();
            (day_label(day), counts)
        })
        .collect();
    let published_points: Vec<(String, i64)> = published_table
        .iter()
        .map(|(day, counts)| (day.clone(), counts.iter().sum()))
        .collect();
    let published = BarChart::new(
        "chart-published",
        "Stories published per day, last 14 days",
        Reading::PerPeriod,
        &published_points,
        2,
        |_, l| l.to_owned(),
    );

    let sub_days: Vec<Day> = (today - (SUBSCRIBER_DAYS - 1)..=today).collect();
    let counts = store.subscribers_on(&sub_days, offset).await?;
    let sub_points: Vec<(String, i64)> = sub_days
        .iter()
        .zip(counts)
        .map(|(day, n)| (day_label(*day), n))
        .collect();
    let subscriber_table = sub_points.clone();
    let subscribers = BarChart::new(
        "chart-subscribers",
        "Newsletter subscribers at the end of each day, last 30 days",
        Reading::Level,
        &sub_points,
        5,
        |_, l| l.to_owned(),
    );

    admin_page(
        &app,
        "admin/audience.html",
        StatusCode::OK,
        AudiencePage {
            staff: staff.view(),
            views_per_hour,
            views_per_day,
            top_today,
            by_section,
            published,
            desks,
            published_table,
            subscribers,
            subscriber_table,
        },
    )
}
