//! When schedules meet, in the time zone they are kept in: every schedule is Swiss local
//! time (dates and wall-clock times, as providers write them), placed on the calendar
//! through `chrono-tz`'s Europe/Zurich rules where a feed needs an instant.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Tz;
use entity::offer_schedule;

/// The time zone of every schedule.
pub const ZONE: Tz = chrono_tz::Europe::Zurich;

/// The zone's name, as feeds write it.
pub const ZONE_NAME: &str = "Europe/Zurich";

/// The first day a schedule meets: its start date, or the first of its weekday from then.
pub fn first_meeting(schedule: &offer_schedule::Model) -> NaiveDate {
    let Some(weekday) = schedule.weekday else {
        return schedule.start_date;
    };
    let from = i64::from(schedule.start_date.weekday().number_from_monday());
    let ahead = (i64::from(weekday) - from).rem_euclid(7);
    schedule.start_date + Duration::days(ahead)
}

/// The instant a local date and time stand for. A time skipped when clocks go forward is
/// read as the same time an hour later; a time that happens twice, as its first occurrence.
pub fn instant(day: NaiveDate, time: NaiveTime) -> DateTime<Tz> {
    let local = day.and_time(time);
    ZONE.from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            ZONE.from_local_datetime(&(local + Duration::hours(1)))
                .earliest()
        })
        .unwrap_or_else(|| ZONE.from_utc_datetime(&local))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(start: &str, weekday: Option<i16>) -> offer_schedule::Model {
        offer_schedule::Model {
            id: uuid::Uuid::nil(),
            offer_id: uuid::Uuid::nil(),
            location_id: None,
            start_date: start.parse().unwrap_or_default(),
            end_date: None,
            weekday,
            start_time: None,
            end_time: None,
            note: None,
        }
    }

    #[test]
    fn a_weekly_slot_first_meets_on_its_weekday() {
        // 2026-11-22 is a Sunday.
        assert_eq!(
            first_meeting(&slot("2026-11-22", Some(1))).to_string(),
            "2026-11-23"
        );
        assert_eq!(
            first_meeting(&slot("2026-11-22", Some(7))).to_string(),
            "2026-11-22"
        );
        assert_eq!(
            first_meeting(&slot("2026-11-23", Some(6))).to_string(),
            "2026-11-28"
        );
        assert_eq!(
            first_meeting(&slot("2026-11-22", None)).to_string(),
            "2026-11-22"
        );
    }

    #[test]
    fn local_times_carry_the_offset_of_their_season() {
        let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap();
        let winter = instant("2026-12-10".parse().unwrap(), nine);
        assert_eq!(winter.to_rfc3339(), "2026-12-10T09:00:00+01:00");
        let summer = instant("2026-07-10".parse().unwrap(), nine);
        assert_eq!(summer.to_rfc3339(), "2026-07-10T09:00:00+02:00");
        // 02:30 does not exist on 2026-03-29.
        let skipped = instant(
            "2026-03-29".parse().unwrap(),
            NaiveTime::from_hms_opt(2, 30, 0).unwrap(),
        );
        assert_eq!(skipped.to_rfc3339(), "2026-03-29T03:30:00+02:00");
    }
}
