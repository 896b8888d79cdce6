//! schema.org JSON-LD of an offer, for regional sites to embed so search engines show it:
//! a course is a `Course` whose schedules are `CourseInstance`s; everything else is an
//! `Event` (one per schedule when it has several).

use chrono::{NaiveDate, NaiveTime};
use entity::offer_schedule;
use entity::types::{CostKind, PriceUnit};
use serde_json::{Map, Value, json};

use crate::feeds::FeedOffer;
use crate::feeds::local_time::{self, ZONE_NAME as TIMEZONE, first_meeting};

/// The JSON-LD document of an offer. Properties without a value are left out (schema.org
/// readers take `null` as a value, and validators flag it).
pub fn render(offer: &FeedOffer, page_url: Option<&str>) -> Value {
    let mut doc = if offer.is_course() {
        course(offer, page_url)
    } else {
        events(offer, page_url)
    };
    drop_nulls(&mut doc);
    doc
}

/// Removes every `null` property, and objects left with nothing but their `@type`.
fn drop_nulls(value: &mut Value) {
    match value {
        Value::Object(fields) => {
            fields.values_mut().for_each(drop_nulls);
            fields.retain(|_, v| !v.is_null() && !is_empty_thing(v));
        }
        Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

fn is_empty_thing(value: &Value) -> bool {
    value
        .as_object()
        .is_some_and(|fields| fields.keys().all(|k| k == "@type"))
}

fn course(offer: &FeedOffer, page_url: Option<&str>) -> Value {
    let mut doc = base(offer, "Course", page_url);
    let instances: Vec<Value> = offer
        .schedules
        .iter()
        .map(|schedule| {
            let mut instance = Map::new();
            instance.insert("@type".into(), json!("CourseInstance"));
            instance.insert(
                "courseMode".into(),
                json!(if offer.model.online {
                    "online"
                } else {
                    "onsite"
                }),
            );
            instance.insert("courseSchedule".into(), schedule_of(schedule));
            if let Some(place) = place(offer, schedule) {
                instance.insert("location".into(), place);
            }
            instance.insert("inLanguage".into(), json!(offer.locale()));
            Value::Object(instance)
        })
        .collect();
    if let Some(level) = offer.model.cefr_level {
        doc.insert("educationalLevel".into(), json!(format!("{level:?}")));
    }
    if !offer.instruction_languages.is_empty() {
        doc.insert(
            "availableLanguage".into(),
            json!(offer.instruction_languages),
        );
    }
    doc.insert("hasCourseInstance".into(), Value::Array(instances));
    Value::Object(doc)
}

fn events(offer: &FeedOffer, page_url: Option<&str>) -> Value {
    let events: Vec<Value> = if offer.schedules.is_empty() {
        vec![Value::Object(base(offer, "Event", page_url))]
    } else {
        offer
            .schedules
            .iter()
            .map(|schedule| {
                let mut event = base(offer, "Event", page_url);
                event.insert("startDate".into(), json!(start_of(schedule)));
                if let Some(end) = end_of(schedule) {
                    event.insert("endDate".into(), json!(end));
                }
                if schedule.weekday.is_some() {
                    event.insert("eventSchedule".into(), schedule_of(schedule));
                }
                event.insert(
                    "eventAttendanceMode".into(),
                    json!(if offer.model.online {
                        "https://schema.org/OnlineEventAttendanceMode"
                    } else {
                        "https://schema.org/OfflineEventAttendanceMode"
                    }),
                );
                event.insert(
                    "eventStatus".into(),
                    json!("https://schema.org/EventScheduled"),
                );
                let location = place(offer, schedule).unwrap_or_else(
                    || json!({ "@type": "VirtualLocation", "url": offer.model.registration_url }),
                );
                event.insert("location".into(), location);
                if let Some(provider) = &offer.provider {
                    event.insert(
                        "organizer".into(),
                        json!({ "@type": "Organization", "name": provider }),
                    );
                }
                Value::Object(event)
            })
            .collect()
    };
    if events.len() == 1 {
        events.into_iter().next().unwrap_or(Value::Null)
    } else {
        json!({ "@context": "https://schema.org", "@graph": events })
    }
}

/// What every document says: type, name, description, language, provider, price.
fn base(offer: &FeedOffer, kind: &str, page_url: Option<&str>) -> Map<String, Value> {
    let mut doc = Map::new();
    doc.insert("@context".into(), json!("https://schema.org"));
    doc.insert("@type".into(), json!(kind));
    doc.insert("name".into(), json!(offer.title()));
    let description = offer
        .summary()
        .or(offer.description())
        .unwrap_or(offer.title());
    doc.insert("description".into(), json!(description));
    doc.insert("inLanguage".into(), json!(offer.locale()));
    if let Some(url) = page_url.or(offer.model.registration_url.as_deref()) {
        doc.insert("url".into(), json!(url));
    }
    if let Some(provider) = &offer.provider {
        doc.insert(
            "provider".into(),
            json!({ "@type": "Organization", "name": provider }),
        );
    }
    doc.insert("offers".into(), price(offer));
    doc
}

/// The schema.org `Offer`: free, or a price in francs with what it is charged for (a
/// `UnitPriceSpecification` whose `unitText` says per lesson, month or course).
fn price(offer: &FeedOffer) -> Value {
    let category = match offer.model.cost_kind {
        CostKind::Free => "free",
        CostKind::Paid => "paid",
        CostKind::Subsidised => "subsidised",
    };
    let amount = match offer.model.cost_kind {
        CostKind::Free => Some(0.0),
        _ => offer.model.price_cents.map(|c| f64::from(c) / 100.0),
    };
    let unit = offer.model.price_unit.map(|unit| match unit {
        PriceUnit::Course => "course",
        PriceUnit::Lesson => "lesson",
        PriceUnit::Month => "month",
    });
    let specification = amount.map(|amount| {
        json!({
            "@type": "UnitPriceSpecification",
            "price": amount,
            "priceCurrency": "CHF",
            "unitText": unit,
        })
    });
    json!({
        "@type": "Offer",
        "category": category,
        "price": amount,
        "priceCurrency": "CHF",
        "priceSpecification": specification,
        "url": offer.model.registration_url,
    })
}

/// A schema.org `Schedule` of a weekly slot or a single date.
fn schedule_of(schedule: &offer_schedule::Model) -> Value {
    let mut out = json!({
        "@type": "Schedule",
        "startDate": schedule.start_date.to_string(),
        "scheduleTimezone": TIMEZONE,
    });
    let Some(fields) = out.as_object_mut() else {
        return out;
    };
    if let Some(end) = schedule.end_date {
        fields.insert("endDate".into(), json!(end.to_string()));
    }
    if let Some(start) = schedule.start_time {
        fields.insert(
            "startTime".into(),
            json!(start.format("%H:%M:%S").to_string()),
        );
    }
    if let Some(end) = schedule.end_time {
        fields.insert("endTime".into(), json!(end.format("%H:%M:%S").to_string()));
    }
    if let Some(day) = schedule.weekday.and_then(weekday_name) {
        fields.insert("repeatFrequency".into(), json!("P1W"));
        fields.insert("byDay".into(), json!(format!("https://schema.org/{day}")));
    }
    out
}

fn weekday_name(iso: i16) -> Option<&'static str> {
    const NAMES: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    usize::try_from(iso)
        .ok()
        .and_then(|n| n.checked_sub(1))
        .and_then(|i| NAMES.get(i).copied())
}

/// ISO 8601 start of a schedule's first meeting: a date, or a date and time with the UTC
/// offset Swiss time has that day.
fn start_of(schedule: &offer_schedule::Model) -> String {
    let day = first_meeting(schedule);
    match schedule.start_time {
        Some(time) => with_offset(day, time),
        None => day.to_string(),
    }
}

/// ISO 8601 end: of the last day (the first meeting's, when the schedule runs on without
/// an end date), at its end time with that day's offset when it has one.
fn end_of(schedule: &offer_schedule::Model) -> Option<String> {
    let day = schedule.end_date.unwrap_or_else(|| first_meeting(schedule));
    match (schedule.end_time, schedule.end_date) {
        (Some(time), _) => Some(with_offset(day, time)),
        (None, Some(end)) => Some(end.to_string()),
        (None, None) => None,
    }
}

fn with_offset(day: NaiveDate, time: NaiveTime) -> String {
    local_time::instant(day, time).to_rfc3339()
}

/// The place a schedule meets at, as a schema.org `Place`.
fn place(offer: &FeedOffer, schedule: &offer_schedule::Model) -> Option<Value> {
    let location = schedule
        .location_id
        .and_then(|id| offer.locations.iter().find(|l| l.id == id))
        .or(offer.locations.first())?;
    let mut place = json!({
        "@type": "Place",
        "name": location.name.clone().or(location.locality.clone()).unwrap_or_default(),
        "address": {
            "@type": "PostalAddress",
            "streetAddress": location.street,
            "postalCode": location.postcode,
            "addressLocality": location.locality,
            "addressCountry": "CH",
        },
    });
    if let (Some(lat), Some(lon), Some(fields)) =
        (location.lat, location.lon, place.as_object_mut())
    {
        fields.insert(
            "geo".into(),
            json!({ "@type": "GeoCoordinates", "latitude": lat, "longitude": lon }),
        );
    }
    Some(place)
}
