//! Demo mentoring pools (one per mentoring region), mentors and open requests. All people
//! are fictitious.

use chrono::{Duration, NaiveTime};
use entity::types::{CodeList, Gender, MentorStatus, Proficiency, RequestSource, RequestStatus};
use entity::{
    mentor, mentor_availability, mentor_language, mentoring_pool, mentoring_request,
    request_availability, request_language,
};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use super::geography::{Place, weighted};
use super::names::{NEWCOMERS, SWISS};
use super::{DemoRng, DemoSize, Geography};
use crate::clock;
use crate::error::ApiResult;
use crate::service::bulk::insert_all;

/// The weights a new pool starts with; coordinators tune them per pool.
pub fn default_matching_weights() -> serde_json::Value {
    json!({
        "language": 3.0,
        "distance": 2.0,
        "availability": 2.0,
        "topics": 1.5,
        "load": 1.0,
        "waiting": 1.0
    })
}

/// Ensures one pool per mentoring region, then adds mentors and requests spread over them.
pub async fn seed(
    db: &DatabaseConnection,
    geography: &Geography,
    rng: &mut DemoRng,
    size: &DemoSize,
) -> ApiResult<(usize, usize)> {
    let pools = ensure_pools(db, geography).await?;
    if pools.is_empty() {
        return Ok((0, 0));
    }
    let txn = crate::db::begin_write(db).await?;
    let mut rows = PeopleRows::default();
    for n in 0..size.mentors as usize {
        let (pool_id, places) = &pools[n % pools.len()];
        generate_mentor(&mut rows, rng, *pool_id, places, n);
    }
    for n in 0..size.requests as usize {
        let (pool_id, places) = &pools[n % pools.len()];
        generate_request(&mut rows, rng, *pool_id, places);
    }
    rows.write(&txn).await?;
    txn.commit().await?;
    Ok((size.mentors as usize, size.requests as usize))
}

/// Pools by mentoring region, with the places each covers.
async fn ensure_pools<'g>(
    db: &DatabaseConnection,
    geography: &'g Geography,
) -> ApiResult<Vec<(Uuid, Vec<&'g Place>)>> {
    let now = clock::now();
    let mut out = Vec::new();
    for region in &geography.mentoring_regions {
        let existing = mentoring_pool::Entity::find()
            .filter(mentoring_pool::Column::RegionId.eq(region.id))
            .one(db)
            .await?;
        let pool_id = match existing {
            Some(pool) => pool.id,
            None => {
                let id = crate::ids::new_id();
                mentoring_pool::Entity::insert(mentoring_pool::ActiveModel {
                    id: Set(id),
                    region_id: Set(region.id),
                    name: Set(format!("Mentoring-Pool {}", region.name)),
                    description: Set(None),
                    allow_neighbouring_regions: Set(false),
                    matching_weights: Set(default_matching_weights()),
                    police_record_valid_months: Set(36),
                    review_after_months: Set(6),
                    request_waiting_alert_days: Set(30),
                    active: Set(true),
                    created_at: Set(now),
                    updated_at: Set(now),
                })
                .exec_without_returning(db)
                .await?;
                id
            }
        };
        let places = geography.places_in(region.id);
        if !places.is_empty() {
            out.push((pool_id, places));
        }
    }
    Ok(out)
}

#[derive(Default)]
struct PeopleRows {
    mentors: Vec<mentor::ActiveModel>,
    mentor_languages: Vec<mentor_language::ActiveModel>,
    mentor_availability: Vec<mentor_availability::ActiveModel>,
    requests: Vec<mentoring_request::ActiveModel>,
    request_languages: Vec<request_language::ActiveModel>,
    request_availability: Vec<request_availability::ActiveModel>,
}

impl PeopleRows {
    async fn write<C: sea_orm::ConnectionTrait>(self, db: &C) -> ApiResult<()> {
        insert_all(db, self.mentors).await?;
        insert_all(db, self.mentor_languages).await?;
        insert_all(db, self.mentor_availability).await?;
        insert_all(db, self.requests).await?;
        insert_all(db, self.request_languages).await?;
        insert_all(db, self.request_availability).await?;
        Ok(())
    }
}

fn topics(rng: &mut DemoRng, count: usize) -> CodeList {
    let mut out: Vec<String> = Vec::new();
    for _ in 0..count {
        // Every topic but the last (childcare), which the demo's people do not name.
        let topic = (*rng.pick(&crate::matching::TOPICS[..7])).to_owned();
        if !out.contains(&topic) {
            out.push(topic);
        }
    }
    CodeList(out)
}

/// Weekly slots `(weekday, start, end)`, never overlapping on one day.
fn slots(rng: &mut DemoRng, count: usize) -> Vec<(i16, NaiveTime, NaiveTime)> {
    let mut out: Vec<(i16, NaiveTime, NaiveTime)> = Vec::new();
    for _ in 0..count {
        let weekday = rng.between(1, 7) as i16;
        if out.iter().any(|s| s.0 == weekday) {
            continue;
        }
        let start_hour = *rng.pick(&[9u32, 10, 14, 16, 18]);
        let hours = rng.between(1, 3) as u32;
        if let (Some(start), Some(end)) = (
            NaiveTime::from_hms_opt(start_hour, 0, 0),
            NaiveTime::from_hms_opt(start_hour + hours, 0, 0),
        ) {
            out.push((weekday, start, end));
        }
    }
    out
}

fn generate_mentor(
    rows: &mut PeopleRows,
    rng: &mut DemoRng,
    pool_id: Uuid,
    places: &[&Place],
    n: usize,
) {
    let id = rng.uuid();
    let now = clock::now();
    let today = now.date_naive();
    let place = weighted(places, rng);
    let gender = if rng.chance(0.6) {
        Gender::Female
    } else {
        Gender::Male
    };
    // Most mentors grew up here; some grew up speaking a newcomer language, and their name
    // comes from that language as their third language does.
    let heritage = rng.chance(0.2).then(|| rng.pick(NEWCOMERS));
    let names = heritage.unwrap_or(&SWISS);
    let first = names.given(rng, gender);
    let last = names.family(rng);
    let status = match rng.below(10) {
        0 => MentorStatus::Applied,
        1 => MentorStatus::Screening,
        _ => MentorStatus::Active,
    };
    let screened = status == MentorStatus::Active;
    let days_ago =
        |rng: &mut DemoRng, low, high| Some(today - Duration::days(rng.between(low, high)));
    rows.mentors.push(mentor::ActiveModel {
        id: Set(id),
        pool_id: Set(pool_id),
        first_name: Set(first.into()),
        last_name: Set(last.into()),
        email: Set(format!(
            "{}.{}.{n}@example.org",
            super::offers::slugify(first),
            super::offers::slugify(last)
        )),
        phone: Set(None),
        municipality_id: Set(Some(place.municipality.id)),
        gender: Set(Some(gender)),
        birth_year: Set(Some(rng.between(1950, 2002) as i32)),
        topics: Set(topics(rng, 3)),
        capacity: Set(rng.between(1, 2) as i32),
        status: Set(status),
        training_completed_on: Set(if status == MentorStatus::Applied {
            None
        } else {
            days_ago(rng, 20, 400)
        }),
        police_record_issued_on: Set(if screened {
            days_ago(rng, 10, 700)
        } else {
            None
        }),
        code_of_conduct_signed_on: Set(if screened {
            days_ago(rng, 20, 400)
        } else {
            None
        }),
        consent_at: Set(now - Duration::days(rng.between(30, 500))),
        retention_until: Set(None),
        erased_at: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    });
    let mut languages = vec![(
        "de",
        if rng.chance(0.8) {
            Proficiency::Native
        } else {
            Proficiency::Fluent
        },
    )];
    if let Some(heritage) = heritage {
        if !languages.iter().any(|l| l.0 == heritage.language) {
            languages.push((heritage.language, Proficiency::Native));
        }
    } else if rng.chance(0.15) {
        // Learnt at school or on travels.
        let other = rng.pick(NEWCOMERS).language;
        if !languages.iter().any(|l| l.0 == other) {
            languages.push((other, *rng.pick(&[Proficiency::Fluent, Proficiency::Basic])));
        }
    }
    if rng.chance(0.5) && !languages.iter().any(|l| l.0 == "en") {
        languages.push(("en", Proficiency::Good));
    }
    for (language, proficiency) in languages {
        rows.mentor_languages.push(mentor_language::ActiveModel {
            mentor_id: Set(id),
            language: Set(language.into()),
            proficiency: Set(proficiency),
        });
    }
    let count = rng.between(1, 3) as usize;
    for (weekday, start, end) in slots(rng, count) {
        rows.mentor_availability
            .push(mentor_availability::ActiveModel {
                id: Set(rng.uuid()),
                mentor_id: Set(id),
                weekday: Set(weekday),
                start_time: Set(start),
                end_time: Set(end),
            });
    }
}

fn generate_request(rows: &mut PeopleRows, rng: &mut DemoRng, pool_id: Uuid, places: &[&Place]) {
    let id = rng.uuid();
    let now = clock::now();
    let place = weighted(places, rng);
    let created = now - Duration::days(rng.between(0, 75));
    let wants_email = rng.chance(0.5);
    let community = rng.pick(NEWCOMERS);
    let gender = if rng.chance(0.5) {
        Gender::Female
    } else {
        Gender::Male
    };
    let first = community.given(rng, gender);
    rows.requests.push(mentoring_request::ActiveModel {
        id: Set(id),
        pool_id: Set(pool_id),
        first_name: Set(first.into()),
        email: Set(wants_email.then(|| {
            format!(
                "{}.{}@example.org",
                super::offers::slugify(first),
                &id.simple().to_string()[..6]
            )
        })),
        phone: Set(None),
        municipality_id: Set(Some(place.municipality.id)),
        topics: Set(topics(rng, 2)),
        // Some women ask for a woman as their mentor, fewer men for a man.
        preferred_mentor_gender: Set(match gender {
            Gender::Female => rng.chance(0.3).then_some(Gender::Female),
            _ => rng.chance(0.1).then_some(Gender::Male),
        }),
        source: Set(if rng.chance(0.7) {
            RequestSource::PartnerApp
        } else {
            RequestSource::Coordinator
        }),
        status: Set(RequestStatus::Open),
        consent_at: Set(created),
        retention_until: Set(created.date_naive() + Duration::days(730)),
        closed_at: Set(None),
        erased_at: Set(None),
        version: Set(1),
        created_at: Set(created),
        updated_at: Set(created),
    });
    let language = community.language;
    rows.request_languages.push(request_language::ActiveModel {
        request_id: Set(id),
        language: Set(language.into()),
        proficiency: Set(Proficiency::Native),
    });
    if language != "de" && rng.chance(0.7) {
        rows.request_languages.push(request_language::ActiveModel {
            request_id: Set(id),
            language: Set("de".into()),
            proficiency: Set(Proficiency::Basic),
        });
    }
    let count = rng.between(1, 2) as usize;
    for (weekday, start, end) in slots(rng, count) {
        rows.request_availability
            .push(request_availability::ActiveModel {
                id: Set(rng.uuid()),
                request_id: Set(id),
                weekday: Set(weekday),
                start_time: Set(start),
                end_time: Set(end),
            });
    }
}
