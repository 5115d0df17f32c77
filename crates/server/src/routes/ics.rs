//! `GET /calendar.ics`: every event as an RFC 5545 calendar, for calendar apps to subscribe to.
//!
//! The `icalendar` crate does the escaping (`\`, `;`, `,`, newlines) and the folding of long
//! lines at 75 octets; this module only maps our fields onto its properties.

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use eventual_model::{Event, Status, Timestamp};
use icalendar::{Calendar, Component, EventLike, EventStatus};

use super::AppState;
use crate::openapi::{ServerError, Unavailable};
use crate::problem::ApiError;

/// `PRODID`: who made the feed (RFC 5545 §3.7.3).
const PRODID: &str = "-//Eventual//eventual-server//EN";

/// The feed, for calendar apps to subscribe to.
#[utoipa::path(
    get,
    path = "/calendar.ics",
    operation_id = "calendarFeed",
    tag = "meta",
    responses(
        (status = 200, description = "Every event as an RFC 5545 `VEVENT` in one `VCALENDAR`",
            content_type = "text/calendar", body = String),
        (status = 500, response = ServerError),
        (status = 503, response = Unavailable),
    )
)]
pub async fn feed(State(s): State<AppState>) -> Result<Response, ApiError> {
    let events = s.repo.all().await?;
    let body = calendar(&events, Utc::now());
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/calendar; charset=utf-8"),
            ),
            // Subscribers poll; each poll must see the latest events.
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response())
}

/// The feed for `events`; `now` is the `DTSTAMP` of events the store has no change time for.
pub fn calendar(events: &[Event], now: DateTime<Utc>) -> String {
    let mut cal = Calendar::empty();
    cal.append_property(("VERSION", "2.0"))
        .append_property(("PRODID", PRODID))
        .append_property(("CALSCALE", "GREGORIAN"))
        .append_property(("METHOD", "PUBLISH"))
        .name("Eventual");
    for event in events {
        cal.push(vevent(event, now));
    }
    cal.done().to_string()
}

fn vevent(e: &Event, now: DateTime<Utc>) -> icalendar::Event {
    let mut v = icalendar::Event::new();
    // Stable across edits, unique across deployments sharing a subscriber.
    v.uid(&format!("event-{}@eventual", e.id.as_str()))
        .timestamp(e.updated_at.map_or(now, utc))
        .summary(&e.title)
        .status(match e.status {
            Status::Confirmed => EventStatus::Confirmed,
            Status::Tentative => EventStatus::Tentative,
            Status::Cancelled => EventStatus::Cancelled,
        })
        // RFC 5545 counts revisions from 0; our versions start at 1.
        .sequence(e.version.map_or(0, |v| {
            u32::try_from(v.saturating_sub(1)).unwrap_or(u32::MAX)
        }));
    if e.all_day {
        // All-day events are stored from midnight to midnight UTC; DTEND is exclusive in both.
        v.starts(date(e.start)).ends(date(e.end));
    } else {
        v.starts(utc(e.start)).ends(utc(e.end));
    }
    if !e.location.is_empty() {
        v.location(&e.location);
    }
    if !e.description.is_empty() {
        v.description(&e.description);
    }
    if let Some(created) = e.created_at {
        v.created(utc(created));
    }
    if let Some(modified) = e.updated_at {
        v.last_modified(utc(modified));
    }
    v.done()
}

/// The same instant in chrono's terms (every stored timestamp is in chrono's range).
fn utc(t: Timestamp) -> DateTime<Utc> {
    let ms = t.unix_millis();
    DateTime::from_timestamp_millis(ms).unwrap_or(DateTime::UNIX_EPOCH)
}

/// The UTC calendar date of `t`.
fn date(t: Timestamp) -> NaiveDate {
    utc(t).date_naive()
}
