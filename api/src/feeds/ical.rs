//! iCalendar (RFC 5545) of when offers meet: one event per schedule, a weekly slot as a
//! recurring event until its end date, in Swiss local time (with the `VTIMEZONE` the RFC
//! asks for). Lines are folded at 75 octets and texts escaped.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use entity::offer_schedule;

use crate::feeds::FeedOffer;
use crate::feeds::local_time::{self, ZONE_NAME as TZID, first_meeting};

/// How often calendar clients should fetch the feed again (RFC 7986 `REFRESH-INTERVAL`, and
/// `X-PUBLISHED-TTL` for clients that only know the older name): offers change during the
/// day, but rarely by the minute.
const REFRESH: &str = "PT1H";

/// Central European time with its daylight saving rules (last Sunday of March and October).
const VTIMEZONE: &str = "BEGIN:VTIMEZONE\r\nTZID:Europe/Zurich\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nDTSTART:19810329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nDTSTART:19961027T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";

/// A calendar of the offers' schedules. It depends on the offers alone (each event is
/// stamped with its offer's last change, not the time of the request), so an unchanged
/// calendar keeps its `ETag` and caches can answer 304.
pub fn render(name: &str, offers: &[FeedOffer]) -> String {
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Angebotsplattform//Offer feed//DE",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        push(&mut out, line);
    }
    push(&mut out, &format!("NAME:{}", escape(name)));
    push(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
    push(&mut out, &format!("X-WR-TIMEZONE:{TZID}"));
    push(
        &mut out,
        &format!("REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}"),
    );
    push(&mut out, &format!("X-PUBLISHED-TTL:{REFRESH}"));
    out.push_str(VTIMEZONE);
    for offer in offers {
        let stamp = utc(offer.model.updated_at);
        for schedule in &offer.schedules {
            event(&mut out, offer, schedule, &stamp);
        }
    }
    push(&mut out, "END:VCALENDAR");
    out
}

fn event(out: &mut String, offer: &FeedOffer, schedule: &offer_schedule::Model, stamp: &str) {
    let first_day = first_meeting(schedule);
    push(out, "BEGIN:VEVENT");
    push(out, &format!("UID:{}@angebotsplattform", schedule.id));
    push(out, &format!("DTSTAMP:{stamp}"));
    push(out, &format!("LAST-MODIFIED:{stamp}"));
    match (schedule.start_time, schedule.end_time) {
        (Some(start), end) => {
            let end = end.unwrap_or(start + Duration::hours(1));
            push(
                out,
                &format!("DTSTART;TZID={TZID}:{}", local(first_day, start)),
            );
            push(out, &format!("DTEND;TZID={TZID}:{}", local(first_day, end)));
        }
        (None, _) => {
            push(
                out,
                &format!("DTSTART;VALUE=DATE:{}", first_day.format("%Y%m%d")),
            );
            push(
                out,
                &format!(
                    "DTEND;VALUE=DATE:{}",
                    (first_day + Duration::days(1)).format("%Y%m%d")
                ),
            );
        }
    }
    if schedule.weekday.is_some() {
        let mut rule = String::from("RRULE:FREQ=WEEKLY");
        if let Some(end) = schedule.end_date {
            rule.push_str(";UNTIL=");
            rule.push_str(&until(end, schedule.start_time.is_some()));
        }
        push(out, &rule);
    }
    let language = offer.locale();
    push(
        out,
        &format!("SUMMARY;LANGUAGE={language}:{}", escape(offer.title())),
    );
    let mut description = offer.summary().unwrap_or_default().to_owned();
    if let Some(provider) = &offer.provider {
        if !description.is_empty() {
            description.push_str("\n\n");
        }
        description.push_str(provider);
    }
    if let Some(note) = &schedule.note {
        description.push_str("\n\n");
        description.push_str(note);
    }
    if !description.is_empty() {
        push(
            out,
            &format!("DESCRIPTION;LANGUAGE={language}:{}", escape(&description)),
        );
    }
    let location = schedule
        .location_id
        .and_then(|id| offer.locations.iter().find(|l| l.id == id))
        .or(offer.locations.first());
    if let Some(location) = location {
        let place: Vec<&str> = [
            location.name.as_deref(),
            location.street.as_deref(),
            location.postcode.as_deref(),
            location.locality.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !place.is_empty() {
            push(out, &format!("LOCATION:{}", escape(&place.join(", "))));
        }
        if let (Some(lat), Some(lon)) = (location.lat, location.lon) {
            push(out, &format!("GEO:{lat:.6};{lon:.6}"));
        }
    } else if offer.model.online {
        push(out, "LOCATION:Online");
    }
    if let Some(url) = &offer.model.registration_url {
        push(out, &format!("URL:{}", url));
    }
    push(out, "END:VEVENT");
}

/// The `UNTIL` of a weekly rule ending on `end` (RFC 5545, 3.3.10): a DATE when the events
/// are whole days (their `DTSTART` is a DATE), else the UTC instant at which the last local
/// day ends, whatever its offset that season.
fn until(end: NaiveDate, timed: bool) -> String {
    if !timed {
        return end.format("%Y%m%d").to_string();
    }
    let last_moment = NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default();
    utc(local_time::instant(end, last_moment).with_timezone(&Utc))
}

fn utc(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

fn local(day: NaiveDate, time: NaiveTime) -> String {
    day.and_time(time).format("%Y%m%dT%H%M%S").to_string()
}

/// Escapes a text value (RFC 5545, 3.3.11).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line, folded at 75 octets without splitting a character.
fn push(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_without_splitting_characters() {
        let mut out = String::new();
        push(&mut out, &format!("SUMMARY:{}", "ä".repeat(60)));
        for line in out.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
        assert_eq!(
            out.replace("\r\n ", ""),
            format!("SUMMARY:{}\r\n", "ä".repeat(60))
        );
    }

    #[test]
    fn until_is_a_date_for_whole_days_and_the_end_of_the_local_day_otherwise() {
        let end: NaiveDate = "2026-12-17".parse().unwrap();
        assert_eq!(until(end, false), "20261217");
        assert_eq!(until(end, true), "20261217T225959Z");
        let summer: NaiveDate = "2026-07-02".parse().unwrap();
        assert_eq!(until(summer, true), "20260702T215959Z");
    }

    #[test]
    fn texts_are_escaped() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
