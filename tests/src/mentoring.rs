//! Mentoring records for tests: a pool, screened mentors and requests with what the
//! matching reads (languages, home, weekly times, topics), and matches in any state.

use chrono::{Duration, NaiveTime, Utc};
use entity::types::{
    CodeList, Gender, MatchStatus, MentorStatus, PoolConsent, Proficiency, RequestSource,
    RequestStatus,
};
use entity::{
    mentor, mentor_availability, mentor_language, mentor_match, mentoring_pool, mentoring_request,
    request_availability, request_language,
};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait};
use serde_json::json;
use uuid::Uuid;

use crate::fixtures;

/// A pool serving `region` with the default weights.
pub async fn pool(db: &DatabaseConnection, region: Uuid, allow_neighbouring: bool) -> Uuid {
    let id = Uuid::now_v7();
    let now = Utc::now();
    mentoring_pool::Entity::insert(mentoring_pool::ActiveModel {
        id: Set(id),
        region_id: Set(region),
        name: Set(format!("Pool {}", id.simple())),
        description: Set(None),
        allow_neighbouring_regions: Set(allow_neighbouring),
        matching_weights: Set(json!({})),
        police_record_valid_months: Set(36),
        review_after_months: Set(6),
        request_waiting_alert_days: Set(30),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(db)
    .await
    .expect("insert pool");
    id
}

/// What a test mentor or request is like.
#[derive(Debug, Clone)]
pub struct Person {
    pub gender: Option<Gender>,
    pub languages: Vec<(&'static str, Proficiency)>,
    /// Municipality code (BFS number).
    pub home: Option<&'static str>,
    /// ISO weekday and hours, e.g. `(2, 18, 20)`.
    pub times: Vec<(i16, u32, u32)>,
    pub topics: Vec<&'static str>,
    pub capacity: i32,
}

impl Default for Person {
    fn default() -> Self {
        Self {
            gender: Some(Gender::Female),
            languages: vec![("de", Proficiency::Native)],
            home: Some("2581"),
            times: vec![(2, 18, 20)],
            topics: vec!["PAPERWORK"],
            capacity: 1,
        }
    }
}

fn time(hour: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(hour, 0, 0).expect("an hour of the day")
}

async fn municipality(db: &DatabaseConnection, person: &Person) -> Option<Uuid> {
    match person.home {
        Some(code) => Some(fixtures::region_id(db, code).await),
        None => None,
    }
}

/// An active, fully screened mentor of `pool`.
pub async fn mentor(db: &DatabaseConnection, pool: Uuid, person: Person) -> Uuid {
    let id = Uuid::now_v7();
    let now = Utc::now();
    let today = now.date_naive();
    mentor::Entity::insert(mentor::ActiveModel {
        id: Set(id),
        pool_id: Set(pool),
        first_name: Set("Test".into()),
        last_name: Set("Mentor".into()),
        email: Set(format!("mentor-{}@example.org", id.simple())),
        phone: Set(None),
        municipality_id: Set(municipality(db, &person).await),
        gender: Set(person.gender),
        birth_year: Set(None),
        topics: Set(CodeList(
            person.topics.iter().map(|t| (*t).to_owned()).collect(),
        )),
        capacity: Set(person.capacity),
        status: Set(MentorStatus::Active),
        training_completed_on: Set(Some(today - Duration::days(30))),
        police_record_issued_on: Set(Some(today - Duration::days(30))),
        code_of_conduct_signed_on: Set(Some(today - Duration::days(30))),
        consent_at: Set(now),
        retention_until: Set(None),
        erased_at: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(db)
    .await
    .expect("insert mentor");
    for (language, proficiency) in &person.languages {
        mentor_language::Entity::insert(mentor_language::ActiveModel {
            mentor_id: Set(id),
            language: Set((*language).to_owned()),
            proficiency: Set(*proficiency),
        })
        .exec_without_returning(db)
        .await
        .expect("insert mentor language");
    }
    for (weekday, from, to) in &person.times {
        mentor_availability::Entity::insert(mentor_availability::ActiveModel {
            id: Set(Uuid::now_v7()),
            mentor_id: Set(id),
            weekday: Set(*weekday),
            start_time: Set(time(*from)),
            end_time: Set(time(*to)),
        })
        .exec_without_returning(db)
        .await
        .expect("insert mentor availability");
    }
    id
}

/// An open request in `pool`, `waiting_days` old.
pub async fn request(
    db: &DatabaseConnection,
    pool: Uuid,
    person: Person,
    waiting_days: i64,
) -> Uuid {
    let id = Uuid::now_v7();
    let now = Utc::now();
    let created = now - Duration::days(waiting_days);
    mentoring_request::Entity::insert(mentoring_request::ActiveModel {
        id: Set(id),
        pool_id: Set(pool),
        first_name: Set("Newcomer".into()),
        email: Set(None),
        phone: Set(None),
        municipality_id: Set(municipality(db, &person).await),
        topics: Set(CodeList(
            person.topics.iter().map(|t| (*t).to_owned()).collect(),
        )),
        preferred_mentor_gender: Set(person.gender),
        source: Set(RequestSource::PartnerApp),
        status: Set(RequestStatus::Open),
        consent_at: Set(created),
        retention_until: Set(now.date_naive() + Duration::days(365)),
        closed_at: Set(None),
        erased_at: Set(None),
        version: Set(1),
        created_at: Set(created),
        updated_at: Set(created),
    })
    .exec_without_returning(db)
    .await
    .expect("insert request");
    for (language, proficiency) in &person.languages {
        request_language::Entity::insert(request_language::ActiveModel {
            request_id: Set(id),
            language: Set((*language).to_owned()),
            proficiency: Set(*proficiency),
        })
        .exec_without_returning(db)
        .await
        .expect("insert request language");
    }
    for (weekday, from, to) in &person.times {
        request_availability::Entity::insert(request_availability::ActiveModel {
            id: Set(Uuid::now_v7()),
            request_id: Set(id),
            weekday: Set(*weekday),
            start_time: Set(time(*from)),
            end_time: Set(time(*to)),
        })
        .exec_without_returning(db)
        .await
        .expect("insert request availability");
    }
    id
}

/// A match between them in `status`.
pub async fn a_match(
    db: &DatabaseConnection,
    request: Uuid,
    mentor: Uuid,
    status: MatchStatus,
) -> Uuid {
    insert_match(db, request, mentor, status, None).await
}

/// A proposal of another pool's mentor, waiting for that pool's consent.
pub async fn lent_match(db: &DatabaseConnection, request: Uuid, mentor: Uuid) -> Uuid {
    insert_match(
        db,
        request,
        mentor,
        MatchStatus::Proposed,
        Some(PoolConsent::Pending),
    )
    .await
}

async fn insert_match(
    db: &DatabaseConnection,
    request: Uuid,
    mentor: Uuid,
    status: MatchStatus,
    consent: Option<PoolConsent>,
) -> Uuid {
    let id = Uuid::now_v7();
    let now = Utc::now();
    let started = matches!(status, MatchStatus::Active | MatchStatus::Ended).then_some(now);
    mentor_match::Entity::insert(mentor_match::ActiveModel {
        id: Set(id),
        request_id: Set(request),
        mentor_id: Set(mentor),
        status: Set(status),
        score: Set(None),
        reasons: Set(json!([])),
        proposed_by: Set(None),
        proposed_at: Set(now),
        accepted_at: Set(None),
        started_at: Set(started),
        ended_at: Set((status == MatchStatus::Ended).then_some(now)),
        review_due_on: Set(None),
        end_reason: Set(
            (status == MatchStatus::Ended).then_some(entity::types::MatchEndReason::Completed)
        ),
        evaluation: Set(None),
        rating: Set(None),
        mentor_pool_consent: Set(consent),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(db)
    .await
    .expect("insert match");
    id
}

/// The ranking query the tests ask: five candidates with their scores and reasons.
pub const CANDIDATES: &str = "query($r: ID!) { mentorCandidates(requestId: $r, first: 5) {
  mentor { id } score reasons { criterion weight value explanation } } }";

/// The scene the ranking tests share: an Olten pool, its coordinator, and a request waiting
/// 12 days from a newcomer who speaks Tigrinya natively and some German.
pub struct RankingScene {
    pub pool: Uuid,
    pub staff: crate::accounts::Staff,
    pub request: Uuid,
}

impl RankingScene {
    pub async fn in_olten(app: &crate::TestApp) -> Self {
        let region = fixtures::region_id(&app.db, "SO-D-OLTEN").await;
        let pool = pool(&app.db, region, false).await;
        let staff = app.coordinator(region).await;
        let request = request(
            &app.db,
            pool,
            Person {
                languages: vec![("ti", Proficiency::Native), ("de", Proficiency::Basic)],
                ..Person::default()
            },
            12,
        )
        .await;
        Self {
            pool,
            staff,
            request,
        }
    }

    /// The coordinator's ranking for the scene's request (`CANDIDATES`), as `data`.
    pub async fn candidates(&self, app: &crate::TestApp) -> serde_json::Value {
        let request = angebotsplattform::ids::global_id(
            angebotsplattform::ids::NodeType::MentoringRequest,
            self.request,
        );
        app.data_as(
            Some(&self.staff.token),
            CANDIDATES,
            json!({ "r": request.to_string() }),
        )
        .await
    }
}
