//! The API's date and time scalars, named for what they hold rather than for the Rust
//! types behind them (`NaiveDate`, `NaiveTime`), each with the specification its text
//! follows (`@specifiedBy`), so generated clients map them to their own date types.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{NaiveDate, NaiveTime};

/// A calendar date (see the scalar's description).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

/// A calendar date without time zone, as `YYYY-MM-DD`, e.g. `2026-12-02`. Schedules,
/// validity and deadlines are Swiss local dates.
#[Scalar(
    name = "Date",
    specified_by_url = "https://scalars.graphql.org/andimarek/local-date.html"
)]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(Date)
                .map_err(|_| {
                    InputValueError::custom(format!("`{text}` is no date: write YYYY-MM-DD"))
                }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// A time of day (see the scalar's description).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalTime(pub NaiveTime);

/// A wall-clock time without date or time zone, as `HH:MM:SS` (RFC 3339's
/// `partial-time`), e.g. `18:30:00`; `HH:MM` is accepted on input. Schedules are Swiss
/// local time (Europe/Zurich).
#[Scalar(
    name = "LocalTime",
    specified_by_url = "https://www.rfc-editor.org/rfc/rfc3339#section-5.6"
)]
impl ScalarType for LocalTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => NaiveTime::parse_from_str(text, "%H:%M:%S%.f")
                .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M"))
                .map(LocalTime)
                .map_err(|_| {
                    InputValueError::custom(format!(
                        "`{text}` is no time of day: write HH:MM or HH:MM:SS"
                    ))
                }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%H:%M:%S").to_string())
    }
}

impl From<NaiveDate> for Date {
    fn from(date: NaiveDate) -> Self {
        Self(date)
    }
}

impl From<Date> for NaiveDate {
    fn from(date: Date) -> Self {
        date.0
    }
}

impl From<NaiveTime> for LocalTime {
    fn from(time: NaiveTime) -> Self {
        Self(time)
    }
}

impl From<LocalTime> for NaiveTime {
    fn from(time: LocalTime) -> Self {
        time.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times_read_and_write_their_iso_forms() {
        let date = Date::parse(Value::String("2026-12-02".into())).unwrap();
        assert_eq!(date.to_value(), Value::String("2026-12-02".into()));
        assert!(Date::parse(Value::String("2026-13-02".into())).is_err());
        assert!(Date::parse(Value::Number(20261202.into())).is_err());
        let short = LocalTime::parse(Value::String("09:30".into())).unwrap();
        assert_eq!(short.to_value(), Value::String("09:30:00".into()));
        let long = LocalTime::parse(Value::String("18:45:00".into())).unwrap();
        assert_eq!(long.to_value(), Value::String("18:45:00".into()));
        assert!(LocalTime::parse(Value::String("25:00".into())).is_err());
    }
}
