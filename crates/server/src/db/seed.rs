use eventual_model::{EventInput, Status, Timestamp};
use time::{Duration, OffsetDateTime, Time};

use super::Repo;

/// (day offset from today, start minute of the day, length in minutes or 0 for one whole day,
/// title, location, description, status)
type Sample = (
    i64,
    i64,
    i64,
    &'static str,
    &'static str,
    &'static str,
    Status,
);

const SAMPLES: &[Sample] = &[
    (
        -6,
        9 * 60,
        30,
        "Sprint planning",
        "Room Ada",
        "Pick the next two weeks of work.",
        Status::Confirmed,
    ),
    (
        -5,
        12 * 60 + 30,
        60,
        "Lunch with Priya",
        "Café Kranz",
        "",
        Status::Confirmed,
    ),
    (
        -4,
        0,
        0,
        "Company offsite",
        "Lake house",
        "Whole team, bring boots.",
        Status::Confirmed,
    ),
    (
        -3,
        15 * 60,
        45,
        "Design review: calendar grid",
        "Room Turing",
        "Bring the week-view mockups.",
        Status::Tentative,
    ),
    (
        -2,
        8 * 60,
        15,
        "Standup",
        "Video call",
        "",
        Status::Confirmed,
    ),
    (
        -1,
        17 * 60,
        90,
        "Yoga",
        "Studio 3",
        "Mat provided.",
        Status::Cancelled,
    ),
    (
        -1,
        10 * 60,
        60,
        "Customer call — Nordwind GmbH",
        "Phone",
        "Renewal and the export feature.",
        Status::Confirmed,
    ),
    (
        0,
        8 * 60,
        15,
        "Standup",
        "Video call",
        "",
        Status::Confirmed,
    ),
    (
        0,
        11 * 60,
        60,
        "1:1 with Sam",
        "Room Hopper",
        "Career goals; feedback round.",
        Status::Confirmed,
    ),
    (
        0,
        14 * 60,
        120,
        "Release 2.4 go/no-go",
        "Room Ada",
        "Checklist in the wiki.",
        Status::Tentative,
    ),
    (
        0,
        0,
        0,
        "Dentist reminder",
        "",
        "Call to confirm the appointment.",
        Status::Confirmed,
    ),
    (
        1,
        8 * 60,
        15,
        "Standup",
        "Video call",
        "",
        Status::Confirmed,
    ),
    (
        1,
        13 * 60,
        30,
        "Interview: backend engineer",
        "Room Turing",
        "Panel: Lea, Omar.",
        Status::Confirmed,
    ),
    (
        1,
        19 * 60,
        150,
        "Concert: string quartet",
        "Philharmonie",
        "Doors at 18:30.",
        Status::Tentative,
    ),
    (
        2,
        9 * 60 + 30,
        90,
        "Workshop: SQL for everyone",
        "Training room",
        "Laptops needed.",
        Status::Confirmed,
    ),
    (
        3,
        0,
        0,
        "Public holiday",
        "",
        "Office closed.",
        Status::Confirmed,
    ),
    (
        4,
        16 * 60,
        60,
        "Board meeting",
        "HQ, 5th floor",
        "Quarterly numbers.",
        Status::Cancelled,
    ),
    (
        5,
        10 * 60,
        240,
        "Hackathon kickoff",
        "Atrium",
        "Pizza at noon.",
        Status::Confirmed,
    ),
    (
        7,
        18 * 60,
        120,
        "Birthday dinner 🎂",
        "Trattoria Roma",
        "Table for 8 under \"Kim\".",
        Status::Confirmed,
    ),
    (
        9,
        7 * 60,
        600,
        "Flight to Lisbon",
        "Airport T2",
        "TP 541, seat 14A.",
        Status::Tentative,
    ),
];

/// About twenty events spread over the days around `today` (UTC): some all-day, some
/// tentative or cancelled.
pub fn sample_events(today: OffsetDateTime) -> Vec<EventInput> {
    let midnight = today
        .to_offset(time::UtcOffset::UTC)
        .replace_time(Time::MIDNIGHT);
    SAMPLES
        .iter()
        .map(
            |&(day, minute, len, title, location, description, status)| {
                let day_start = midnight + Duration::days(day);
                let (start, end, all_day) = if len == 0 {
                    (day_start, day_start + Duration::days(1), true)
                } else {
                    let s = day_start + Duration::minutes(minute);
                    (s, s + Duration::minutes(len), false)
                };
                EventInput {
                    title: title.to_owned(),
                    description: description.to_owned(),
                    location: location.to_owned(),
                    start: Timestamp::from(start),
                    end: Timestamp::from(end),
                    all_day,
                    status,
                }
            },
        )
        .collect()
}

/// Insert the samples when the table is empty; returns how many were inserted.
pub async fn seed_if_empty(repo: &Repo) -> anyhow::Result<usize> {
    if repo.count().await? > 0 {
        return Ok(0);
    }
    let samples = sample_events(OffsetDateTime::now_utc());
    for input in &samples {
        repo.insert(input).await?;
    }
    Ok(samples.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_are_valid_and_varied() {
        let samples = sample_events(OffsetDateTime::now_utc());
        assert!(samples.len() >= 20);
        for s in &samples {
            assert_eq!(eventual_model::validate(s), Ok(()), "{}", s.title);
        }
        assert!(samples.iter().any(|s| s.all_day));
        assert!(samples.iter().any(|s| s.status == Status::Tentative));
        assert!(samples.iter().any(|s| s.status == Status::Cancelled));
    }
}
