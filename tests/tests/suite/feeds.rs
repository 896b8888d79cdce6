//! The open feeds: iCalendar files that a real iCalendar parser reads, and schema.org
//! JSON-LD whose every object uses only properties of its type (and the ones search engines
//! require), in the language asked for; public offers only.

use std::collections::HashMap;
use std::io::BufReader;

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use entity::types::OfferStatus;
use ical::parser::ical::component::IcalCalendar;
use serde_json::Value;
use tests::fixtures::{self, OfferSpec};
use tests::{HttpReply, TestApp};

use crate::ids::offer_gid;

async fn fetch(app: &TestApp, uri: &str) -> (HttpReply, String) {
    let schema = angebotsplattform::build_schema(app.app.clone(), &app.limits);
    let service = actix_web::test::init_service(
        actix_web::App::new().configure(angebotsplattform::configure(schema, app.app.clone())),
    )
    .await;
    let response =
        actix_web::test::call_service(&service, TestRequest::get().uri(uri).to_request()).await;
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = actix_web::test::read_body(response).await;
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    (
        HttpReply {
            status,
            headers,
            body,
            bytes: text.clone().into_bytes(),
        },
        text,
    )
}

fn header<'a>(reply: &'a HttpReply, name: &str) -> &'a str {
    reply
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap()
}

fn parse_calendar(text: &str) -> IcalCalendar {
    let mut calendars = ical::IcalParser::new(BufReader::new(text.as_bytes()));
    let calendar = calendars.next().unwrap().unwrap();
    assert!(calendars.next().is_none(), "one calendar");
    calendar
}

fn property<'a>(
    props: &'a [ical::property::Property],
    name: &str,
) -> Option<&'a ical::property::Property> {
    props.iter().find(|p| p.name == name)
}

/// An offer with a French title, meeting Mondays at 9 in Olten.
async fn offer(app: &TestApp, status: OfferStatus) -> uuid::Uuid {
    let provider = fixtures::provider(&app.db, "Verein Deutsch für alle").await;
    let mut spec = OfferSpec::new(provider, "Deutschkurs, Stufe A1; am Montag");
    spec.titles.push(("fr", "Cours d'allemand A1".into()));
    spec.location = Some("2581");
    spec.status = status;
    spec.valid_until = Some(spec.starts_on + chrono::Duration::days(70));
    fixtures::offer(&app.db, spec).await
}

/// Checks what a lenient parser lets through: every property is one RFC 5545 or RFC 7986
/// defines for its component (or an `X-` extension), language is a parameter of texts, and
/// a rule's UNTIL has DTSTART's value type (a DATE for whole-day events, else UTC).
fn strictly_rfc_5545(text: &str) {
    const CALENDAR: [&str; 6] = [
        "VERSION",
        "PRODID",
        "CALSCALE",
        "METHOD",
        "NAME",
        "REFRESH-INTERVAL",
    ];
    const EVENT: [&str; 12] = [
        "UID",
        "DTSTAMP",
        "LAST-MODIFIED",
        "DTSTART",
        "DTEND",
        "RRULE",
        "SUMMARY",
        "DESCRIPTION",
        "LOCATION",
        "GEO",
        "URL",
        "CATEGORIES",
    ];
    const TIMEZONE: [&str; 7] = [
        "TZID",
        "TZOFFSETFROM",
        "TZOFFSETTO",
        "TZNAME",
        "DTSTART",
        "RRULE",
        "LAST-MODIFIED",
    ];
    let unfolded = text.replace("\r\n ", "");
    let mut stack: Vec<String> = Vec::new();
    let mut whole_day = false;
    for line in unfolded.split("\r\n").filter(|l| !l.is_empty()) {
        let (head, value) = line.split_once(':').unwrap();
        let name = head.split(';').next().unwrap();
        match name {
            "BEGIN" => {
                stack.push(value.to_owned());
                continue;
            }
            "END" => {
                assert_eq!(stack.pop().as_deref(), Some(value));
                continue;
            }
            _ => {}
        }
        if name.starts_with("X-") {
            continue;
        }
        let allowed: &[&str] = match stack.last().map(String::as_str) {
            Some("VCALENDAR") => &CALENDAR,
            Some("VEVENT") => &EVENT,
            Some("VTIMEZONE" | "STANDARD" | "DAYLIGHT") => &TIMEZONE,
            _ => &[],
        };
        assert!(
            allowed.contains(&name),
            "{name} is no property of {stack:?}"
        );
        if stack.last().map(String::as_str) == Some("VEVENT") {
            if name == "DTSTART" {
                whole_day = head.contains("VALUE=DATE");
            }
            if name == "RRULE"
                && let Some(until) = value.split(';').find_map(|p| p.strip_prefix("UNTIL="))
            {
                if whole_day {
                    assert_eq!(until.len(), 8, "a DATE: {until}");
                } else {
                    assert!(until.ends_with('Z') && until.len() == 16, "UTC: {until}");
                }
            }
        }
    }
    assert!(stack.is_empty());
    assert!(unfolded.contains("REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n"));
}

#[tokio::test]
async fn an_offers_dates_are_a_valid_calendar_in_the_language_asked_for() {
    let app = TestApp::spawn().await;
    let id = offer(&app, OfferStatus::Published).await;
    let uri = format!("/feeds/offers/{}/calendar.ics?lang=fr", offer_gid(id));
    let (reply, text) = fetch(&app, &uri).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(header(&reply, "content-type").starts_with("text/calendar"));
    assert!(text.lines().all(|l| l.len() <= 76), "lines are folded");
    let calendar = parse_calendar(&text);
    assert_eq!(
        property(&calendar.properties, "VERSION").and_then(|p| p.value.as_deref()),
        Some("2.0")
    );
    assert_eq!(calendar.timezones.len(), 1);
    assert_eq!(calendar.events.len(), 1);
    let event = &calendar.events[0].properties;
    assert_eq!(
        property(event, "SUMMARY").and_then(|p| p.value.as_deref()),
        Some("Cours d'allemand A1")
    );
    let start = property(event, "DTSTART").unwrap();
    assert_eq!(
        start.params.as_ref().unwrap()[0],
        ("TZID".to_owned(), vec!["Europe/Zurich".to_owned()])
    );
    let start_value = start.value.as_deref().unwrap();
    assert!(start_value.ends_with("T090000"), "{start_value}");
    let day = chrono::NaiveDate::parse_from_str(&start_value[..8], "%Y%m%d").unwrap();
    assert_eq!(day.format("%A").to_string(), "Monday", "the first Monday");
    assert!(
        property(event, "DTEND")
            .and_then(|p| p.value.as_deref())
            .is_some_and(|v| v.ends_with("T103000"))
    );
    let rule = property(event, "RRULE")
        .and_then(|p| p.value.as_deref())
        .unwrap();
    // UNTIL is in UTC when DTSTART is a local time (RFC 5545, 3.3.10).
    assert!(rule.starts_with("FREQ=WEEKLY;UNTIL="), "{rule}");
    assert!(
        rule.ends_with('Z') && rule.len() == "FREQ=WEEKLY;UNTIL=".len() + 16,
        "{rule}"
    );
    strictly_rfc_5545(&text);
    assert!(property(event, "UID").is_some() && property(event, "DTSTAMP").is_some());
    assert!(
        property(event, "LOCATION")
            .and_then(|p| p.value.as_deref())
            .is_some_and(|v| v.contains("Olten"))
    );

    // German by default, with its comma and semicolon escaped and read back intact.
    let (_, german) = fetch(
        &app,
        &format!("/feeds/offers/{}/calendar.ics", offer_gid(id)),
    )
    .await;
    let calendar = parse_calendar(&german);
    let summary = property(&calendar.events[0].properties, "SUMMARY")
        .and_then(|p| p.value.clone())
        .unwrap();
    assert_eq!(summary, "Deutschkurs\\, Stufe A1\\; am Montag");
}

#[tokio::test]
async fn a_regions_calendar_lists_its_public_offers_only() {
    let app = TestApp::spawn().await;
    let public = offer(&app, OfferStatus::Published).await;
    offer(&app, OfferStatus::Published).await;
    let draft = offer(&app, OfferStatus::InReview).await;
    let (reply, text) = fetch(&app, "/feeds/regions/SO/calendar.ics").await;
    strictly_rfc_5545(&text);
    assert_eq!(reply.status, StatusCode::OK, "{text}");
    let calendar = parse_calendar(&text);
    assert_eq!(calendar.events.len(), 2);
    assert!(!text.contains(&draft.to_string()));
    // ETag and 304, as for cached GET answers.
    let etag = header(&reply, "etag").to_owned();
    let schema = angebotsplattform::build_schema(app.app.clone(), &app.limits);
    let service = actix_web::test::init_service(
        actix_web::App::new().configure(angebotsplattform::configure(schema, app.app.clone())),
    )
    .await;
    let again = actix_web::test::call_service(
        &service,
        TestRequest::get()
            .uri("/feeds/regions/SO/calendar.ics")
            .insert_header(("If-None-Match", etag))
            .to_request(),
    )
    .await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    let (missing, _) = fetch(&app, "/feeds/regions/NOWHERE/calendar.ics").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let (hidden, _) = fetch(
        &app,
        &format!("/feeds/offers/{}/calendar.ics", offer_gid(draft)),
    )
    .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    let (shown, _) = fetch(
        &app,
        &format!("/feeds/offers/{}/schema.jsonld", offer_gid(public)),
    )
    .await;
    assert_eq!(shown.status, StatusCode::OK);
}

/// The schema.org properties each type used may carry (from schema.org's definitions,
/// including inherited ones), and those search engines require.
fn vocabulary() -> HashMap<&'static str, (Vec<&'static str>, Vec<&'static str>)> {
    let creative_work = [
        "name",
        "description",
        "url",
        "inLanguage",
        "provider",
        "offers",
        "educationalLevel",
        "availableLanguage",
        "hasCourseInstance",
    ];
    HashMap::from([
        (
            "Course",
            (
                creative_work.to_vec(),
                vec!["name", "description", "provider"],
            ),
        ),
        (
            "CourseInstance",
            (
                vec![
                    "courseMode",
                    "courseSchedule",
                    "location",
                    "inLanguage",
                    "name",
                    "startDate",
                    "endDate",
                ],
                vec!["courseMode"],
            ),
        ),
        (
            "Event",
            (
                vec![
                    "name",
                    "description",
                    "url",
                    "inLanguage",
                    "startDate",
                    "endDate",
                    "location",
                    "organizer",
                    "offers",
                    "eventSchedule",
                    "eventStatus",
                    "eventAttendanceMode",
                    "provider",
                ],
                vec!["name", "startDate", "location"],
            ),
        ),
        (
            "Schedule",
            (
                vec![
                    "startDate",
                    "endDate",
                    "startTime",
                    "endTime",
                    "repeatFrequency",
                    "byDay",
                    "scheduleTimezone",
                ],
                vec!["startDate"],
            ),
        ),
        ("Place", (vec!["name", "address", "geo"], vec!["address"])),
        (
            "PostalAddress",
            (
                vec![
                    "streetAddress",
                    "postalCode",
                    "addressLocality",
                    "addressCountry",
                ],
                vec![],
            ),
        ),
        (
            "GeoCoordinates",
            (vec!["latitude", "longitude"], vec!["latitude", "longitude"]),
        ),
        ("Organization", (vec!["name", "url"], vec!["name"])),
        (
            "Offer",
            (
                vec![
                    "price",
                    "priceCurrency",
                    "priceSpecification",
                    "category",
                    "url",
                ],
                vec!["priceCurrency"],
            ),
        ),
        (
            "UnitPriceSpecification",
            (
                vec!["price", "priceCurrency", "unitText"],
                vec!["price", "priceCurrency"],
            ),
        ),
        ("VirtualLocation", (vec!["url", "name"], vec![])),
    ])
}

/// Checks every typed object of a JSON-LD document against the vocabulary; no property
/// may be `null`.
fn validate(value: &Value, vocabulary: &HashMap<&str, (Vec<&str>, Vec<&str>)>) {
    assert!(!value.is_null(), "a null property");
    match value {
        Value::Object(fields) => {
            if let Some(kind) = fields.get("@type").and_then(Value::as_str) {
                assert!(vocabulary.contains_key(kind), "unknown type {kind}");
                let (allowed, required) = &vocabulary[kind];
                for key in fields.keys().filter(|k| !k.starts_with('@')) {
                    assert!(
                        allowed.contains(&key.as_str()),
                        "{kind} has no property {key}"
                    );
                }
                for key in required {
                    assert!(
                        fields.get(*key).is_some_and(|v| !v.is_null()),
                        "{kind} lacks {key}: {value}"
                    );
                }
            }
            fields.values().for_each(|v| validate(v, vocabulary));
        }
        Value::Array(items) => items.iter().for_each(|v| validate(v, vocabulary)),
        _ => {}
    }
}

#[tokio::test]
async fn an_offer_is_schema_org_json_ld_of_the_types_it_claims() {
    let app = TestApp::spawn().await;
    let id = offer(&app, OfferStatus::Published).await;
    let (reply, _) = fetch(
        &app,
        &format!("/feeds/offers/{}/schema.jsonld?lang=fr", offer_gid(id)),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(header(&reply, "content-type"), "application/ld+json");
    let doc = &reply.body;
    validate(doc, &vocabulary());
    assert_eq!(doc["@context"], "https://schema.org");
    assert_eq!(doc["@type"], "Course");
    assert_eq!(doc["name"], "Cours d'allemand A1");
    assert_eq!(doc["inLanguage"], "fr");
    assert_eq!(doc["provider"]["name"], "Verein Deutsch für alle");
    let instance = &doc["hasCourseInstance"][0];
    assert_eq!(instance["@type"], "CourseInstance");
    assert_eq!(instance["courseMode"], "onsite");
    assert_eq!(
        instance["courseSchedule"]["byDay"],
        "https://schema.org/Monday"
    );
    assert_eq!(instance["courseSchedule"]["repeatFrequency"], "P1W");
    assert_eq!(instance["courseSchedule"]["startTime"], "09:00:00");
    assert_eq!(instance["location"]["address"]["addressLocality"], "Olten");
    assert_eq!(doc["offers"]["price"], 0.0);

    // Other kinds are events.
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    entity::offer::ActiveModel {
        id: Set(id),
        kind: Set(entity::types::OfferKind::MeetingPlace),
        ..Default::default()
    }
    .update(&app.db)
    .await
    .unwrap();
    let (reply, _) = fetch(
        &app,
        &format!("/feeds/offers/{}/schema.jsonld", offer_gid(id)),
    )
    .await;
    validate(&reply.body, &vocabulary());
    assert_eq!(reply.body["@type"], "Event");
    // A time with the offset Swiss time has that day (winter +01:00, summer +02:00).
    let start = reply.body["startDate"].as_str().unwrap();
    assert!(
        start.ends_with("T09:00:00+01:00") || start.ends_with("T09:00:00+02:00"),
        "{start}"
    );
    chrono::DateTime::parse_from_rfc3339(start).unwrap();
    assert_eq!(
        reply.body["eventSchedule"]["byDay"],
        "https://schema.org/Monday"
    );
}
