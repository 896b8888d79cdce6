//! Loads mentors and requests as the matching sees them: languages, weekly availability,
//! homes (by municipality, see [`Homes`]), current load and earlier refusals. Sub-selects by pool keep
//! the statements few and their parameter lists short, however large the pool.

use std::collections::HashMap;

use chrono::{NaiveDate, Timelike};
use entity::types::{MatchStatus, MentorStatus, RegionEdgeKind, RegionKind};
use entity::{
    mentor, mentor_availability, mentor_language, mentor_match, mentoring_pool, mentoring_request,
    region, region_edge, request_availability, request_language,
};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect,
};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::matching::{HomeArea, MentorProfile, PoolRules, RequestProfile, Slot, Weights};

/// Match states that hold one of a mentor's places.
pub const LIVE: [MatchStatus; 3] = [
    MatchStatus::Proposed,
    MatchStatus::Accepted,
    MatchStatus::Active,
];

/// The pool's rules for matching on `today`.
pub fn rules(pool: &mentoring_pool::Model, today: NaiveDate) -> ApiResult<PoolRules> {
    let weights = Weights::from_json(&pool.matching_weights).map_err(|err| {
        ApiError::internal(format_args!(
            "the stored matching weights of pool {} are invalid: {err}",
            pool.id
        ))
    })?;
    Ok(PoolRules {
        pool_id: pool.id,
        allow_neighbouring: pool.allow_neighbouring_regions,
        police_record_valid_months: u32::try_from(pool.police_record_valid_months).unwrap_or(0),
        waiting_alert_days: u32::try_from(pool.request_waiting_alert_days).unwrap_or(1),
        weights,
        today,
    })
}

fn minutes(time: chrono::NaiveTime) -> u32 {
    time.num_seconds_from_midnight() / 60
}

/// Ids of the mentors who could be matched for a pool: its active mentors, and with
/// neighbouring pools allowed, every active mentor (the rules then keep the near ones).
fn mentor_ids(pool: &mentoring_pool::Model) -> SelectStatement {
    let mut select = Query::select();
    select
        .column(mentor::Column::Id)
        .from(mentor::Entity)
        .and_where(Expr::col(mentor::Column::Status).eq(MentorStatus::Active.into_value()))
        .and_where(Expr::col(mentor::Column::ErasedAt).is_null());
    if !pool.allow_neighbouring_regions {
        select.and_where(Expr::col(mentor::Column::PoolId).eq(pool.id));
    }
    select.to_owned()
}

/// What the matching knows of a home: its municipality's map point and district.
#[derive(Debug, Clone, Copy, Default)]
struct HomeOf {
    point: Option<(f64, f64)>,
    district: Option<Uuid>,
}

/// The map point and district of every municipality: where the matching places a home.
/// A few hundred rows for a canton, read in two statements and held beside the profiles.
#[derive(Debug, Default)]
pub struct Homes(HashMap<Uuid, HomeOf>);

impl Homes {
    pub async fn load<C: ConnectionTrait>(db: &C) -> ApiResult<Self> {
        let rows: Vec<(Uuid, Option<f64>, Option<f64>)> = region::Entity::find()
            .select_only()
            .columns([region::Column::Id, region::Column::Lat, region::Column::Lon])
            .filter(region::Column::Kind.eq(RegionKind::Municipality))
            .into_tuple()
            .all(db)
            .await?;
        let districts = Query::select()
            .column(region::Column::Id)
            .from(region::Entity)
            .and_where(Expr::col(region::Column::Kind).eq(RegionKind::District.into_value()))
            .to_owned();
        let parents: Vec<(Uuid, Uuid)> = region_edge::Entity::find()
            .select_only()
            .columns([
                region_edge::Column::FromRegionId,
                region_edge::Column::ToRegionId,
            ])
            .filter(region_edge::Column::Kind.eq(RegionEdgeKind::PartOf))
            .filter(region_edge::Column::ToRegionId.in_subquery(districts))
            .into_tuple()
            .all(db)
            .await?;
        let district_of: HashMap<Uuid, Uuid> = parents.into_iter().collect();
        Ok(Self(
            rows.into_iter()
                .map(|(id, lat, lon)| {
                    (
                        id,
                        HomeOf {
                            point: lat.zip(lon),
                            district: district_of.get(&id).copied(),
                        },
                    )
                })
                .collect(),
        ))
    }

    /// The point and area of a home in a municipality.
    fn of(&self, municipality: Option<Uuid>) -> (Option<(f64, f64)>, Option<HomeArea>) {
        let Some(municipality) = municipality else {
            return (None, None);
        };
        let home = self.0.get(&municipality).copied().unwrap_or_default();
        (
            home.point,
            Some(HomeArea {
                municipality,
                district: home.district,
            }),
        )
    }
}

/// The mentors a pool's requests may be matched with, read in one read transaction: the
/// reads see one state of the data and hold one pooled connection, so a few rankings at
/// once cannot take every connection from other requests.
pub async fn candidate_mentors(
    db: &DatabaseConnection,
    pool: &mentoring_pool::Model,
    homes: &Homes,
) -> ApiResult<Vec<MentorProfile>> {
    let txn = crate::db::begin_write(db).await?;
    let mentors = mentors_in(&txn, mentor_ids(pool), homes).await?;
    txn.commit().await?;
    Ok(mentors)
}

/// One mentor, whatever their state.
pub async fn mentor<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    homes: &Homes,
) -> ApiResult<Option<MentorProfile>> {
    let ids = Query::select()
        .column(mentor::Column::Id)
        .from(mentor::Entity)
        .and_where(Expr::col(mentor::Column::Id).eq(id))
        .to_owned();
    Ok(mentors_in(db, ids, homes).await?.pop())
}

/// A mentor's columns the matching reads (names and contact stay in the database).
type MentorRow = (
    Uuid,
    Uuid,
    MentorStatus,
    Option<chrono::DateTime<chrono::Utc>>,
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<entity::types::Gender>,
    Option<Uuid>,
    entity::types::CodeList,
    i32,
);

/// The mentors whose ids `ids` selects (four reads, side by side where `db` is a pool).
async fn mentors_in<C: ConnectionTrait>(
    db: &C,
    ids: SelectStatement,
    homes: &Homes,
) -> ApiResult<Vec<MentorProfile>> {
    let mentors = mentor::Entity::find()
        .select_only()
        .columns([
            mentor::Column::Id,
            mentor::Column::PoolId,
            mentor::Column::Status,
            mentor::Column::ErasedAt,
            mentor::Column::TrainingCompletedOn,
            mentor::Column::PoliceRecordIssuedOn,
            mentor::Column::CodeOfConductSignedOn,
            mentor::Column::Gender,
            mentor::Column::MunicipalityId,
            mentor::Column::Topics,
            mentor::Column::Capacity,
        ])
        .filter(mentor::Column::Id.in_subquery(ids.clone()))
        .into_tuple::<MentorRow>()
        .all(db);
    let languages = mentor_language::Entity::find()
        .select_only()
        .columns([
            mentor_language::Column::MentorId,
            mentor_language::Column::Language,
            mentor_language::Column::Proficiency,
        ])
        .filter(mentor_language::Column::MentorId.in_subquery(ids.clone()))
        .into_tuple::<(Uuid, String, entity::types::Proficiency)>()
        .all(db);
    let slots = mentor_availability::Entity::find()
        .select_only()
        .columns([
            mentor_availability::Column::MentorId,
            mentor_availability::Column::Weekday,
            mentor_availability::Column::StartTime,
            mentor_availability::Column::EndTime,
        ])
        .filter(mentor_availability::Column::MentorId.in_subquery(ids.clone()))
        .into_tuple::<(Uuid, i16, chrono::NaiveTime, chrono::NaiveTime)>()
        .all(db);
    let loads = mentor_match::Entity::find()
        .select_only()
        .column(mentor_match::Column::MentorId)
        .column_as(mentor_match::Column::Id.count(), "load")
        .filter(mentor_match::Column::MentorId.in_subquery(ids))
        .filter(mentor_match::Column::Status.is_in(LIVE))
        .group_by(mentor_match::Column::MentorId)
        .into_tuple::<(Uuid, i64)>()
        .all(db);
    let (mentors, language_rows, slot_rows, loads) =
        futures_util::future::try_join4(mentors, languages, slots, loads).await?;
    let mut languages: HashMap<Uuid, Vec<_>> = HashMap::new();
    for (mentor_id, language, proficiency) in language_rows {
        languages
            .entry(mentor_id)
            .or_default()
            .push((language, proficiency));
    }
    let mut slots: HashMap<Uuid, Vec<Slot>> = HashMap::new();
    for (mentor_id, weekday, start, end) in slot_rows {
        slots.entry(mentor_id).or_default().push(Slot {
            weekday,
            start: minutes(start),
            end: minutes(end),
        });
    }
    let loads: HashMap<Uuid, i64> = loads.into_iter().collect();
    Ok(mentors
        .into_iter()
        .map(
            |(
                id,
                pool_id,
                status,
                erased_at,
                training,
                police,
                conduct,
                gender,
                municipality,
                topics,
                capacity,
            )| {
                let (home, area) = homes.of(municipality);
                MentorProfile {
                    id,
                    pool_id,
                    active: status == MentorStatus::Active && erased_at.is_none(),
                    training_completed_on: training,
                    police_record_issued_on: police,
                    code_of_conduct_signed_on: conduct,
                    gender,
                    languages: languages.remove(&id).unwrap_or_default(),
                    home,
                    area,
                    availability: slots.remove(&id).unwrap_or_default(),
                    topics: topics.0,
                    capacity: u32::try_from(capacity).unwrap_or(0),
                    load: loads
                        .get(&id)
                        .map_or(0, |n| u32::try_from(*n).unwrap_or(u32::MAX)),
                }
            },
        )
        .collect())
}

/// The pool's open requests that have a live match already (proposed or accepted: the
/// request stays open until the pair meets).
pub async fn open_with_live_match<C: ConnectionTrait>(
    db: &C,
    pool: &mentoring_pool::Model,
) -> ApiResult<Vec<Uuid>> {
    Ok(mentoring_request::Entity::find()
        .select_only()
        .column(mentoring_request::Column::Id)
        .filter(mentoring_request::Column::PoolId.eq(pool.id))
        .filter(mentoring_request::Column::ErasedAt.is_null())
        .filter(mentoring_request::Column::Status.eq(entity::types::RequestStatus::Open))
        .filter(mentoring_request::Column::Id.in_subquery(live_request_ids()))
        .into_tuple()
        .all(db)
        .await?)
}

/// Ids of requests with a live match.
fn live_request_ids() -> SelectStatement {
    Query::select()
        .column(mentor_match::Column::RequestId)
        .from(mentor_match::Entity)
        .and_where(
            Expr::col(mentor_match::Column::Status).is_in(LIVE.into_iter().map(|s| s.into_value())),
        )
        .to_owned()
}

/// The pool's open requests without a live match (those still waiting), as profiles.
/// The pool's open requests without a live match, longest waiting first, with the rows
/// read for them (for an answer that shows them).
pub async fn waiting_requests<C: ConnectionTrait>(
    db: &C,
    pool: &mentoring_pool::Model,
    today: NaiveDate,
    homes: &Homes,
) -> ApiResult<(Vec<RequestProfile>, Vec<mentoring_request::Model>)> {
    let ids = Query::select()
        .column(mentoring_request::Column::Id)
        .from(mentoring_request::Entity)
        .and_where(Expr::col(mentoring_request::Column::PoolId).eq(pool.id))
        .and_where(Expr::col(mentoring_request::Column::ErasedAt).is_null())
        .and_where(
            Expr::col(mentoring_request::Column::Status)
                .eq(entity::types::RequestStatus::Open.into_value()),
        )
        .and_where(Expr::col(mentoring_request::Column::Id).not_in_subquery(live_request_ids()))
        .to_owned();
    let rows = mentoring_request::Entity::find()
        .filter(mentoring_request::Column::Id.in_subquery(ids.clone()))
        .all(db)
        .await?;
    let mut out = profiles_of(db, rows.clone(), ids, today, homes).await?;
    // Longest waiting first, so the proposal's order is stable and fair to read.
    out.sort_by(|a, b| b.waiting_days.cmp(&a.waiting_days).then(a.id.cmp(&b.id)));
    Ok((out, rows))
}

/// One request, already read, as a profile.
pub async fn request<C: ConnectionTrait>(
    db: &C,
    request: &mentoring_request::Model,
    today: NaiveDate,
    homes: &Homes,
) -> ApiResult<RequestProfile> {
    let ids = Query::select()
        .column(mentoring_request::Column::Id)
        .from(mentoring_request::Entity)
        .and_where(Expr::col(mentoring_request::Column::Id).eq(request.id))
        .to_owned();
    profiles_of(db, vec![request.clone()], ids, today, homes)
        .await?
        .pop()
        .ok_or_else(|| ApiError::internal("the profile of one request came back empty"))
}

/// Profiles of request rows with their languages, weekly times and refusals (`ids`
/// selects the same requests).
async fn profiles_of<C: ConnectionTrait>(
    db: &C,
    rows: Vec<mentoring_request::Model>,
    ids: SelectStatement,
    today: NaiveDate,
    homes: &Homes,
) -> ApiResult<Vec<RequestProfile>> {
    let mut languages: HashMap<Uuid, Vec<_>> = HashMap::new();
    for row in request_language::Entity::find()
        .filter(request_language::Column::RequestId.in_subquery(ids.clone()))
        .all(db)
        .await?
    {
        languages
            .entry(row.request_id)
            .or_default()
            .push((row.language, row.proficiency));
    }
    let mut slots: HashMap<Uuid, Vec<Slot>> = HashMap::new();
    for row in request_availability::Entity::find()
        .filter(request_availability::Column::RequestId.in_subquery(ids.clone()))
        .all(db)
        .await?
    {
        slots.entry(row.request_id).or_default().push(Slot {
            weekday: row.weekday,
            start: minutes(row.start_time),
            end: minutes(row.end_time),
        });
    }
    let mut declined: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for row in mentor_match::Entity::find()
        .filter(mentor_match::Column::RequestId.in_subquery(ids))
        .filter(mentor_match::Column::Status.eq(MatchStatus::Declined))
        .all(db)
        .await?
    {
        declined
            .entry(row.request_id)
            .or_default()
            .push(row.mentor_id);
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let (home, area) = homes.of(r.municipality_id);
            RequestProfile {
                id: r.id,
                pool_id: r.pool_id,
                preferred_mentor_gender: r.preferred_mentor_gender,
                languages: languages.remove(&r.id).unwrap_or_default(),
                home,
                area,
                availability: slots.remove(&r.id).unwrap_or_default(),
                topics: r.topics.0.clone(),
                waiting_days: u32::try_from(std::cmp::max(
                    (today - r.created_at.date_naive()).num_days(),
                    0,
                ))
                .unwrap_or(u32::MAX),
                declined_by: declined.remove(&r.id).unwrap_or_default(),
            }
        })
        .collect())
}
