//! How people come in: volunteers apply (`applyAsMentor`), newcomers ask for a mentor
//! (`requestMentor`) through a partner app, or a coordinator enters a request on a
//! newcomer's behalf. Consent is required; the pool is the one serving the home
//! municipality. The answer names the new record and nothing personal; the audit log
//! records that it happened, not who applied.

use chrono::{NaiveTime, Utc};
use entity::types::{
    CodeList, Gender, MentorStatus, Proficiency, RegionKind, RequestSource, RequestStatus,
};
use entity::{
    mentor, mentor_availability, mentor_language, mentoring_pool, mentoring_request, region,
    request_availability, request_language,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
};
use serde_json::json;
use uuid::Uuid;

use crate::auth::RequestMeta;
use crate::auth::Viewer;
use crate::clock;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::language;
use crate::matching::TOPICS;
use crate::service::audit::{self, Change};
use crate::service::changes::{Changed, Changes, Committed};
use crate::service::mentoring::access;
use crate::service::{region as regions, text};

/// Most languages, weekly slots and topics one person lists.
const MAX_LIST: usize = 20;

/// A weekly time window as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct WeeklyTime {
    pub weekday: i16,
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// What both mentors and newcomers tell about themselves for matching.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MatchingDetails {
    pub municipality_id: Option<Uuid>,
    pub languages: Vec<(String, Proficiency)>,
    pub availability: Vec<WeeklyTime>,
    pub topics: Vec<String>,
}

/// A volunteer's application.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MentorApplication {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub gender: Option<Gender>,
    pub birth_year: Option<i32>,
    /// Newcomers at once, 1 to 5.
    pub capacity: i32,
    pub details: MatchingDetails,
    pub consent: bool,
}

/// A newcomer's request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MenteeRequest {
    /// First name or a pseudonym.
    pub first_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub preferred_mentor_gender: Option<Gender>,
    pub details: MatchingDetails,
    pub consent: bool,
}

fn check_details(details: &MatchingDetails, errors: &mut Vec<FieldError>) {
    if details.municipality_id.is_none() {
        errors.push(FieldError::new("input.municipalityId", "is required"));
    }
    if details.languages.is_empty() {
        errors.push(FieldError::new(
            "input.languages",
            "name at least one language",
        ));
    }
    for (i, (code, _)) in details.languages.iter().enumerate() {
        if !language::is_known(code) {
            errors.push(FieldError::new(
                format!("input.languages[{i}].language"),
                "is not a known language code (ISO 639, such as de, ti)",
            ));
        }
    }
    for (i, slot) in details.availability.iter().enumerate() {
        if !(1..=7).contains(&slot.weekday) {
            errors.push(FieldError::new(
                format!("input.availability[{i}].weekday"),
                "must lie between 1 (Monday) and 7",
            ));
        }
        if slot.end <= slot.start {
            errors.push(FieldError::new(
                format!("input.availability[{i}].endTime"),
                "must be after the start",
            ));
        }
    }
    for (i, topic) in details.topics.iter().enumerate() {
        if !TOPICS.contains(&topic.as_str()) {
            errors.push(FieldError::new(
                format!("input.topics[{i}]"),
                format!("is not one of {}", TOPICS.join(", ")),
            ));
        }
    }
    for (field, len) in [
        ("input.languages", details.languages.len()),
        ("input.availability", details.availability.len()),
        ("input.topics", details.topics.len()),
    ] {
        if len > MAX_LIST {
            errors.push(FieldError::new(
                field,
                format!("at most {MAX_LIST} entries"),
            ));
        }
    }
}

fn consent(given: bool, errors: &mut Vec<FieldError>) {
    if !given {
        errors.push(FieldError::new(
            "input.consent",
            "the person's consent to store and use these details is required",
        ));
    }
}

/// The active pool serving a municipality: the one whose region contains it.
async fn pool_for<C: ConnectionTrait>(
    db: &C,
    municipality_id: Uuid,
) -> ApiResult<mentoring_pool::Model> {
    let municipality = region::Entity::find_by_id(municipality_id)
        .one(db)
        .await?
        .filter(|r| r.kind == RegionKind::Municipality)
        .ok_or_else(|| {
            ApiError::invalid_fields(vec![FieldError::new(
                "input.municipalityId",
                "is not a municipality",
            )])
        })?;
    let around = regions::upward(db, municipality.id).await?;
    let pools = mentoring_pool::Entity::find()
        .filter(mentoring_pool::Column::RegionId.is_in(around.iter().copied()))
        .filter(mentoring_pool::Column::Active.eq(true))
        .all(db)
        .await?;
    // The most specific region wins (the order of `around` goes outwards).
    around
        .iter()
        .find_map(|r| pools.iter().find(|p| p.region_id == *r).cloned())
        .ok_or_else(|| {
            ApiError::invalid_fields(vec![FieldError::new(
                "input.municipalityId",
                "no mentoring pool serves this municipality",
            )])
        })
}

async fn save_details<C: ConnectionTrait>(
    db: &C,
    owner: Owner,
    details: &MatchingDetails,
) -> ApiResult<()> {
    for (code, level) in &details.languages {
        let code = code.trim().to_ascii_lowercase();
        match owner {
            Owner::Mentor(id) => {
                mentor_language::Entity::insert(mentor_language::ActiveModel {
                    mentor_id: Set(id),
                    language: Set(code),
                    proficiency: Set(*level),
                })
                .exec_without_returning(db)
                .await?;
            }
            Owner::Request(id) => {
                request_language::Entity::insert(request_language::ActiveModel {
                    request_id: Set(id),
                    language: Set(code),
                    proficiency: Set(*level),
                })
                .exec_without_returning(db)
                .await?;
            }
        }
    }
    for slot in &details.availability {
        match owner {
            Owner::Mentor(id) => {
                mentor_availability::Entity::insert(mentor_availability::ActiveModel {
                    id: Set(crate::ids::new_id()),
                    mentor_id: Set(id),
                    weekday: Set(slot.weekday),
                    start_time: Set(slot.start),
                    end_time: Set(slot.end),
                })
                .exec_without_returning(db)
                .await?;
            }
            Owner::Request(id) => {
                request_availability::Entity::insert(request_availability::ActiveModel {
                    id: Set(crate::ids::new_id()),
                    request_id: Set(id),
                    weekday: Set(slot.weekday),
                    start_time: Set(slot.start),
                    end_time: Set(slot.end),
                })
                .exec_without_returning(db)
                .await?;
            }
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Copy)]
enum Owner {
    Mentor(Uuid),
    Request(Uuid),
}

/// Checks the matching details beside the `errors` the caller found in the rest of the
/// form; when all is well, drops repeated languages and topics and returns the
/// municipality (which the check made sure of).
fn settle_details(details: &mut MatchingDetails, mut errors: Vec<FieldError>) -> ApiResult<Uuid> {
    check_details(details, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::invalid_fields(errors));
    }
    dedup_languages(details);
    details
        .municipality_id
        .ok_or_else(|| ApiError::internal("checked matching details have no municipality"))
}

fn dedup_languages(details: &mut MatchingDetails) {
    let mut seen = Vec::new();
    details.languages.retain(|(code, _)| {
        let code = code.trim().to_ascii_lowercase();
        let fresh = !seen.contains(&code);
        seen.push(code);
        fresh
    });
    details.topics.sort();
    details.topics.dedup();
}

/// Stores a volunteer's application (APPLIED) in the pool serving their municipality;
/// returns the mentor's id and the pool's.
pub async fn apply_as_mentor(
    db: &DatabaseConnection,
    meta: &RequestMeta,
    mut application: MentorApplication,
) -> ApiResult<Committed<(Uuid, Uuid)>> {
    let mut errors = Vec::new();
    consent(application.consent, &mut errors);
    text::plain(
        "input.firstName",
        Some(&application.first_name),
        1,
        100,
        &mut errors,
    );
    text::plain(
        "input.lastName",
        Some(&application.last_name),
        1,
        100,
        &mut errors,
    );
    if let Err(message) = text::email(application.email.trim()) {
        errors.push(FieldError::new("input.email", message));
    }
    if let Some(phone) = &application.phone
        && let Err(message) = text::phone(phone)
    {
        errors.push(FieldError::new("input.phone", message));
    }
    if application
        .birth_year
        .is_some_and(|y| !(1900..=2100).contains(&y))
    {
        errors.push(FieldError::new(
            "input.birthYear",
            "is not a plausible year",
        ));
    }
    if !(1..=5).contains(&application.capacity) {
        errors.push(FieldError::new(
            "input.capacity",
            "must lie between 1 and 5",
        ));
    }
    let municipality = settle_details(&mut application.details, errors)?;
    let txn = crate::db::begin_write(db).await?;
    let pool = pool_for(&txn, municipality).await?;
    let id = crate::ids::new_id();
    let now = clock::now();
    mentor::Entity::insert(mentor::ActiveModel {
        id: Set(id),
        pool_id: Set(pool.id),
        first_name: Set(application.first_name.trim().to_owned()),
        last_name: Set(application.last_name.trim().to_owned()),
        email: Set(application.email.trim().to_owned()),
        phone: Set(application.phone.map(|p| p.trim().to_owned())),
        municipality_id: Set(Some(municipality)),
        gender: Set(application.gender),
        birth_year: Set(application.birth_year),
        topics: Set(CodeList(application.details.topics.clone())),
        capacity: Set(application.capacity),
        status: Set(MentorStatus::Applied),
        training_completed_on: Set(None),
        police_record_issued_on: Set(None),
        code_of_conduct_signed_on: Set(None),
        consent_at: Set(now),
        retention_until: Set(None),
        erased_at: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(&txn)
    .await?;
    save_details(&txn, Owner::Mentor(id), &application.details).await?;
    audit::record(
        &txn,
        meta,
        Change::new("mentor.apply", "mentor", id).with(json!({ "pool": pool.id })),
    )
    .await?;
    txn.commit().await?;
    Ok(Committed::new(
        (id, pool.id),
        Changes::one(Changed::Mentor { id }),
    ))
}

/// Stores a newcomer's request (OPEN) in the pool serving their municipality. A
/// coordinator of that pool enters it on the newcomer's behalf; anyone else sends it
/// through a partner app. Returns the request's id and the pool's.
pub async fn request_mentor(
    db: &DatabaseConnection,
    meta: &RequestMeta,
    mut request: MenteeRequest,
    retention_days: u32,
) -> ApiResult<(Uuid, Uuid)> {
    let mut errors = Vec::new();
    consent(request.consent, &mut errors);
    text::plain(
        "input.firstName",
        Some(&request.first_name),
        1,
        100,
        &mut errors,
    );
    if let Some(email) = &request.email
        && let Err(message) = text::email(email.trim())
    {
        errors.push(FieldError::new("input.email", message));
    }
    if let Some(phone) = &request.phone
        && let Err(message) = text::phone(phone)
    {
        errors.push(FieldError::new("input.phone", message));
    }
    let municipality = settle_details(&mut request.details, errors)?;
    let txn = crate::db::begin_write(db).await?;
    let pool = pool_for(&txn, municipality).await?;
    let source = match &meta.viewer {
        Viewer::Staff(staff) if access::coordinates(staff, &pool) => RequestSource::Coordinator,
        _ => RequestSource::PartnerApp,
    };
    let id = crate::ids::new_id();
    let now = clock::now();
    mentoring_request::Entity::insert(mentoring_request::ActiveModel {
        id: Set(id),
        pool_id: Set(pool.id),
        first_name: Set(request.first_name.trim().to_owned()),
        email: Set(request.email.map(|e| e.trim().to_owned())),
        phone: Set(request.phone.map(|p| p.trim().to_owned())),
        municipality_id: Set(Some(municipality)),
        topics: Set(CodeList(request.details.topics.clone())),
        preferred_mentor_gender: Set(request.preferred_mentor_gender),
        source: Set(source),
        status: Set(RequestStatus::Open),
        consent_at: Set(now),
        // Replaced by the close date plus the retention period when the request closes.
        retention_until: Set(retention_after(now, retention_days)),
        closed_at: Set(None),
        erased_at: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(&txn)
    .await?;
    save_details(&txn, Owner::Request(id), &request.details).await?;
    audit::record(
        &txn,
        meta,
        Change::new("mentoring_request.create", "mentoring_request", id)
            .with(json!({ "pool": pool.id, "source": source })),
    )
    .await?;
    txn.commit().await?;
    Ok((id, pool.id))
}

/// The day personal data kept from `from` on must be gone.
pub fn retention_after(from: chrono::DateTime<Utc>, days: u32) -> chrono::NaiveDate {
    from.date_naive() + chrono::Duration::days(i64::from(days))
}
