//! Mentors, requests and matches as coordinators see them. Every field that reads more
//! than the record goes through the request's loaders, so a page of 100 mentors with their
//! languages and times costs a few statements.
//!
//! Who sees what: a pool's coordinators (and admins) see its people whole, with the
//! attributes the ranking uses (languages with levels, weekly times, municipality, topics,
//! gender and the newcomer's preference), so they can check its reasons. A mentor lent by
//! or to a neighbouring pool is shown to the other pool without last name, contact or
//! those attributes; a match's request, newcomer contact and check-ins are the request's
//! pool's alone.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{match_check_in, mentor, mentor_match, mentoring_request};
use uuid::Uuid;

use crate::auth::RequestMeta;
use crate::context::AppContext;
use crate::error::ApiResult;
use crate::graphql::loader::Loaders;
use crate::graphql::locale::Lang;
use crate::graphql::mentoring::intake::{GenderGql, ProficiencyGql};
use crate::graphql::mentoring::types::{
    MatchEndReasonGql, MatchStatusGql, MentorPoolConsent, MentorStatusGql, MentoringPool,
    NewcomerContact, RequestStatusGql,
};
use crate::graphql::region::Region;
use crate::graphql::relay::{NodeType, global_id};
use crate::graphql::scalars::{Date, LocalTime};
use crate::service::mentoring::access;

/// How a check-in happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "CheckInKind", remote = "entity::types::CheckInKind")]
pub enum CheckInKindGql {
    Call,
    Meeting,
    Message,
    Visit,
}

/// How a check-in went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "CheckInOutcome", remote = "entity::types::CheckInOutcome")]
pub enum CheckInOutcomeGql {
    Good,
    Concern,
    NoContact,
}

/// A language someone speaks, and how well.
#[derive(SimpleObject, Clone)]
pub struct LanguageSkill {
    /// ISO 639 code, e.g. `ti`.
    pub language: String,
    pub proficiency: ProficiencyGql,
}

/// A weekly time someone is free.
#[derive(SimpleObject, Clone)]
pub struct WeeklyTime {
    /// ISO weekday, 1 (Monday) to 7 (Sunday).
    pub weekday: i32,
    pub start_time: LocalTime,
    pub end_time: LocalTime,
}

/// Whether the viewer coordinates the pool (admins coordinate every pool).
async fn coordinates_pool(ctx: &Context<'_>, pool_id: Uuid) -> ApiResult<bool> {
    let Ok(staff) = access::mentoring_staff(&RequestMeta::of(ctx).viewer) else {
        return Ok(false);
    };
    let pool = Loaders::of(ctx)?.mentoring_pool().load_one(pool_id).await?;
    Ok(pool.is_some_and(|pool| access::coordinates(staff, &pool)))
}

async fn municipality(ctx: &Context<'_>, id: Option<Uuid>) -> ApiResult<Option<Region>> {
    let Some(id) = id else {
        return Ok(None);
    };
    let region = Loaders::of(ctx)?.region().load_one(id).await?;
    Ok(region.map(|m| Region::new(m, Lang::resolve(ctx, None))))
}

async fn pool(ctx: &Context<'_>, id: Uuid) -> ApiResult<Option<MentoringPool>> {
    let pool = Loaders::of(ctx)?.mentoring_pool().load_one(id).await?;
    Ok(pool.map(MentoringPool::new))
}

/// A volunteer mentor.
pub struct Mentor {
    model: mentor::Model,
    /// Whether the viewer sees the whole record (coordinators of the mentor's pool).
    whole: bool,
}

impl From<mentor::Model> for Mentor {
    /// The whole record, for callers that checked the viewer coordinates its pool.
    fn from(model: mentor::Model) -> Self {
        Self { model, whole: true }
    }
}

impl Mentor {
    /// The mentor as the viewer may see them: whole for coordinators of the mentor's pool,
    /// without last name, contact and personal attributes for a pool that may borrow them.
    pub fn disclosed(model: mentor::Model, whole: bool) -> Self {
        Self { model, whole }
    }

    /// A value only the mentor's own pool sees.
    fn own<T>(&self, value: T) -> Option<T> {
        self.whole.then_some(value)
    }
}

#[Object]
impl Mentor {
    pub async fn id(&self) -> ID {
        global_id(NodeType::Mentor, self.model.id)
    }

    async fn pool_id(&self) -> ID {
        global_id(NodeType::MentoringPool, self.model.pool_id)
    }

    async fn pool(&self, ctx: &Context<'_>) -> ApiResult<Option<MentoringPool>> {
        pool(ctx, self.model.pool_id).await
    }

    async fn first_name(&self) -> &str {
        &self.model.first_name
    }

    /// Null for a mentor of another pool.
    async fn last_name(&self) -> Option<&str> {
        self.own(self.model.last_name.as_str())
    }

    /// Null for a mentor of another pool.
    async fn email(&self) -> Option<&str> {
        self.own(self.model.email.as_str())
    }

    /// Null when unknown, and for a mentor of another pool.
    async fn phone(&self) -> Option<&str> {
        self.own(self.model.phone.as_deref()).flatten()
    }

    async fn status(&self) -> MentorStatusGql {
        self.model.status.into()
    }

    /// Mentees at once.
    async fn capacity(&self) -> i32 {
        self.model.capacity
    }

    /// What the mentor helps with.
    async fn topics(&self) -> &[String] {
        &self.model.topics.0
    }

    /// The languages the mentor speaks, with how well (the ranking's language criterion);
    /// null for a mentor of another pool.
    async fn languages(&self, ctx: &Context<'_>) -> ApiResult<Option<Vec<LanguageSkill>>> {
        if !self.whole {
            return Ok(None);
        }
        let rows = Loaders::of(ctx)?
            .mentor_languages()
            .load_one(self.model.id)
            .await?
            .unwrap_or_default();
        Ok(Some(
            rows.into_iter()
                .map(|l| LanguageSkill {
                    language: l.language,
                    proficiency: l.proficiency.into(),
                })
                .collect(),
        ))
    }

    /// When the mentor is free each week (the availability criterion); null for a mentor
    /// of another pool.
    async fn availability(&self, ctx: &Context<'_>) -> ApiResult<Option<Vec<WeeklyTime>>> {
        if !self.whole {
            return Ok(None);
        }
        let rows = Loaders::of(ctx)?
            .mentor_availability()
            .load_one(self.model.id)
            .await?
            .unwrap_or_default();
        Ok(Some(
            rows.into_iter()
                .map(|t| WeeklyTime {
                    weekday: i32::from(t.weekday),
                    start_time: t.start_time.into(),
                    end_time: t.end_time.into(),
                })
                .collect(),
        ))
    }

    /// Where the mentor lives (the distance criterion); null for a mentor of another pool.
    async fn municipality(&self, ctx: &Context<'_>) -> ApiResult<Option<Region>> {
        if !self.whole {
            return Ok(None);
        }
        municipality(ctx, self.model.municipality_id).await
    }

    /// Null when not given, and for a mentor of another pool.
    async fn gender(&self) -> Option<GenderGql> {
        self.own(self.model.gender).flatten().map(Into::into)
    }

    async fn training_completed_on(&self) -> Option<Date> {
        self.model.training_completed_on.map(Into::into)
    }

    /// Issue date of the police record extract.
    async fn police_record_issued_on(&self) -> Option<Date> {
        self.model.police_record_issued_on.map(Into::into)
    }

    async fn code_of_conduct_signed_on(&self) -> Option<Date> {
        self.model.code_of_conduct_signed_on.map(Into::into)
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.model.created_at
    }
}

/// A newcomer's request for a mentor.
pub struct MentoringRequest {
    model: mentoring_request::Model,
}

impl From<mentoring_request::Model> for MentoringRequest {
    fn from(model: mentoring_request::Model) -> Self {
        Self { model }
    }
}

#[Object]
impl MentoringRequest {
    pub async fn id(&self) -> ID {
        global_id(NodeType::MentoringRequest, self.model.id)
    }

    async fn pool_id(&self) -> ID {
        global_id(NodeType::MentoringPool, self.model.pool_id)
    }

    async fn pool(&self, ctx: &Context<'_>) -> ApiResult<Option<MentoringPool>> {
        pool(ctx, self.model.pool_id).await
    }

    /// First name or pseudonym, as the newcomer chose.
    async fn first_name(&self) -> &str {
        &self.model.first_name
    }

    async fn email(&self) -> Option<&str> {
        self.model.email.as_deref()
    }

    async fn phone(&self) -> Option<&str> {
        self.model.phone.as_deref()
    }

    async fn status(&self) -> RequestStatusGql {
        self.model.status.into()
    }

    /// What the newcomer would like help with.
    async fn topics(&self) -> &[String] {
        &self.model.topics.0
    }

    /// The languages the newcomer speaks, with how well.
    async fn languages(&self, ctx: &Context<'_>) -> ApiResult<Vec<LanguageSkill>> {
        let rows = Loaders::of(ctx)?
            .request_languages()
            .load_one(self.model.id)
            .await?
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|l| LanguageSkill {
                language: l.language,
                proficiency: l.proficiency.into(),
            })
            .collect())
    }

    /// When the newcomer is free each week.
    async fn availability(&self, ctx: &Context<'_>) -> ApiResult<Vec<WeeklyTime>> {
        let rows = Loaders::of(ctx)?
            .request_availability()
            .load_one(self.model.id)
            .await?
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|t| WeeklyTime {
                weekday: i32::from(t.weekday),
                start_time: t.start_time.into(),
                end_time: t.end_time.into(),
            })
            .collect())
    }

    /// Where the newcomer lives.
    async fn municipality(&self, ctx: &Context<'_>) -> ApiResult<Option<Region>> {
        municipality(ctx, self.model.municipality_id).await
    }

    /// The mentor the newcomer asked for, if they asked (a hard rule of the matching).
    async fn preferred_mentor_gender(&self) -> Option<GenderGql> {
        self.model.preferred_mentor_gender.map(Into::into)
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.model.created_at
    }

    /// When the request was closed (its match ended, or it was closed at intake).
    async fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.model.closed_at
    }
}

/// A recorded follow-up contact with a pair.
pub struct MatchCheckIn {
    model: match_check_in::Model,
}

#[Object]
impl MatchCheckIn {
    pub async fn id(&self) -> ID {
        global_id(NodeType::CheckIn, self.model.id)
    }

    async fn occurred_on(&self) -> Date {
        self.model.occurred_on.into()
    }

    async fn kind(&self) -> CheckInKindGql {
        self.model.kind.into()
    }

    async fn outcome(&self) -> CheckInOutcomeGql {
        self.model.outcome.into()
    }

    /// The short note recorded with it.
    async fn note(&self) -> Option<&str> {
        self.model.note.as_deref()
    }

    async fn recorded_at(&self) -> DateTime<Utc> {
        self.model.created_at
    }
}

impl From<match_check_in::Model> for MatchCheckIn {
    fn from(model: match_check_in::Model) -> Self {
        Self { model }
    }
}

/// A match of a mentor with a request.
pub struct MentorMatch {
    model: mentor_match::Model,
}

impl From<mentor_match::Model> for MentorMatch {
    fn from(model: mentor_match::Model) -> Self {
        Self { model }
    }
}

impl MentorMatch {
    /// Whether the viewer coordinates the request's pool (which runs the match).
    async fn runs_it(&self, ctx: &Context<'_>) -> ApiResult<Option<mentoring_request::Model>> {
        let request = Loaders::of(ctx)?
            .mentoring_request()
            .load_one(self.model.request_id)
            .await?;
        Ok(match request {
            Some(request) if coordinates_pool(ctx, request.pool_id).await? => Some(request),
            _ => None,
        })
    }
}

#[Object]
impl MentorMatch {
    pub async fn id(&self) -> ID {
        global_id(NodeType::MentorMatch, self.model.id)
    }

    async fn request_id(&self) -> ID {
        global_id(NodeType::MentoringRequest, self.model.request_id)
    }

    async fn mentor_id(&self) -> ID {
        global_id(NodeType::Mentor, self.model.mentor_id)
    }

    /// The newcomer's request; null for the pool that only lent the mentor. The read is
    /// recorded, as every read of a newcomer's data is.
    async fn request(&self, ctx: &Context<'_>) -> ApiResult<Option<MentoringRequest>> {
        let Some(request) = self.runs_it(ctx).await? else {
            return Ok(None);
        };
        let app = AppContext::of(ctx)?;
        crate::service::audit::record(
            &app.db,
            RequestMeta::of(ctx),
            crate::service::audit::Change::new(
                "mentoring_request.read",
                "mentoring_request",
                request.id,
            )
            .with(serde_json::json!({ "via": "match" })),
        )
        .await?;
        Ok(Some(MentoringRequest::from(request)))
    }

    /// The mentor, whole for their own pool's coordinators and without last name and
    /// contact for the pool that borrows them.
    async fn mentor(&self, ctx: &Context<'_>) -> ApiResult<Option<Mentor>> {
        let Some(model) = Loaders::of(ctx)?
            .mentor()
            .load_one(self.model.mentor_id)
            .await?
        else {
            return Ok(None);
        };
        let whole = coordinates_pool(ctx, model.pool_id).await?;
        Ok(Some(Mentor::disclosed(model, whole)))
    }

    async fn status(&self) -> MatchStatusGql {
        self.model.status.into()
    }

    /// For a mentor of a neighbouring pool: whether that pool agreed to lend them. A match
    /// waiting for it cannot be accepted or started.
    async fn mentor_pool_consent(&self) -> MentorPoolConsent {
        self.model.mentor_pool_consent.into()
    }

    async fn score(&self) -> Option<f64> {
        self.model.score
    }

    async fn proposed_at(&self) -> DateTime<Utc> {
        self.model.proposed_at
    }

    async fn accepted_at(&self) -> Option<DateTime<Utc>> {
        self.model.accepted_at
    }

    /// When the pair first met.
    async fn started_at(&self) -> Option<DateTime<Utc>> {
        self.model.started_at
    }

    async fn ended_at(&self) -> Option<DateTime<Utc>> {
        self.model.ended_at
    }

    /// When the coordinator reviews how the match goes.
    async fn review_due_on(&self) -> Option<Date> {
        self.model.review_due_on.map(Into::into)
    }

    async fn end_reason(&self) -> Option<MatchEndReasonGql> {
        self.model.end_reason.map(Into::into)
    }

    /// The rating given when the match ended (1–5).
    async fn rating(&self) -> Option<i32> {
        self.model.rating.map(i32::from)
    }

    /// The follow-up contacts recorded, oldest first; empty for the pool that only lent
    /// the mentor.
    async fn check_ins(&self, ctx: &Context<'_>) -> ApiResult<Vec<MatchCheckIn>> {
        if self.runs_it(ctx).await?.is_none() {
            return Ok(Vec::new());
        }
        let rows = Loaders::of(ctx)?
            .match_check_ins()
            .load_one(self.model.id)
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(MatchCheckIn::from).collect())
    }

    /// The newcomer's first name and contact, to pass on to the mentor: only while the
    /// match is ACTIVE (null otherwise). Each disclosure is recorded in the audit log.
    async fn newcomer_contact(&self, ctx: &Context<'_>) -> ApiResult<Option<NewcomerContact>> {
        if self.runs_it(ctx).await?.is_none() {
            return Ok(None);
        }
        let app = AppContext::of(ctx)?;
        let meta = RequestMeta::of(ctx);
        let contact =
            crate::service::mentoring::people::newcomer_contact(&app.db, meta, self.model.id)
                .await?;
        Ok(contact.map(|c| NewcomerContact {
            first_name: c.first_name,
            email: c.email,
            phone: c.phone,
        }))
    }
}
