//! `applyAsMentor` and `requestMentor`: how volunteers and newcomers come in, through a
//! partner app or site (or a coordinator on a newcomer's behalf). The answer names the new
//! record and echoes nothing personal.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};

use crate::auth::RequestMeta;
use crate::context::AppContext;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::graphql::relay::{NodeType, expect_global_id, global_id};
use crate::graphql::scalars::LocalTime;
use crate::service::mentoring::intake::{
    self, MatchingDetails, MenteeRequest, MentorApplication, WeeklyTime,
};

/// A person's gender, as they state it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "Gender", remote = "entity::types::Gender")]
pub enum GenderGql {
    Female,
    Male,
    Diverse,
}

/// How well someone speaks a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "Proficiency", remote = "entity::types::Proficiency")]
pub enum ProficiencyGql {
    Native,
    Fluent,
    Good,
    Basic,
}

/// A language someone speaks.
#[derive(Debug, Clone, InputObject)]
pub struct SpokenLanguageInput {
    /// ISO 639 code, e.g. `ti`.
    pub language: String,
    pub proficiency: ProficiencyGql,
}

/// A weekly time someone is free.
#[derive(Debug, Clone, InputObject)]
pub struct WeeklyTimeInput {
    /// ISO weekday, Monday = 1.
    pub weekday: i32,
    pub start_time: LocalTime,
    pub end_time: LocalTime,
}

/// A volunteer's application.
#[derive(Debug, Clone, InputObject)]
pub struct MentorApplicationInput {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub gender: Option<GenderGql>,
    pub birth_year: Option<i32>,
    /// Home municipality; decides the pool.
    pub municipality_id: ID,
    pub languages: Vec<SpokenLanguageInput>,
    #[graphql(default)]
    pub availability: Vec<WeeklyTimeInput>,
    /// `PAPERWORK`, `JOB_SEARCH`, `SCHOOL`, `GERMAN_CONVERSATION`, `LEISURE`, `HOUSING`,
    /// `HEALTH`, `CHILDCARE`.
    #[graphql(default)]
    pub topics: Vec<String>,
    /// Newcomers at once (1–5).
    #[graphql(default = 1)]
    pub capacity: i32,
    /// The volunteer agrees that these details are stored and used for matching.
    pub consent: bool,
}

/// A newcomer's request for a mentor.
#[derive(Debug, Clone, InputObject)]
pub struct MentorRequestInput {
    /// First name or a pseudonym.
    pub first_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Home municipality; decides the pool.
    pub municipality_id: ID,
    pub languages: Vec<SpokenLanguageInput>,
    #[graphql(default)]
    pub availability: Vec<WeeklyTimeInput>,
    #[graphql(default)]
    pub topics: Vec<String>,
    /// E.g. a woman mentor.
    pub preferred_mentor_gender: Option<GenderGql>,
    /// The newcomer agrees that these details are stored and used for matching.
    pub consent: bool,
}

/// The receipt of an application or request.
#[derive(SimpleObject)]
pub struct MentoringReceipt {
    /// The new record (a `Mentor` or `MentoringRequest` id), for the pool's coordinators.
    pub id: ID,
    /// The pool that will answer.
    pub pool_id: ID,
}

fn details(
    municipality: &ID,
    languages: Vec<SpokenLanguageInput>,
    availability: Vec<WeeklyTimeInput>,
    topics: Vec<String>,
) -> ApiResult<MatchingDetails> {
    let municipality_id = expect_global_id(municipality, NodeType::Region).map_err(|_| {
        ApiError::invalid_fields(vec![FieldError::new(
            "input.municipalityId",
            "is not a region id",
        )])
    })?;
    Ok(MatchingDetails {
        municipality_id: Some(municipality_id),
        languages: languages
            .into_iter()
            .map(|l| (l.language.trim().to_ascii_lowercase(), l.proficiency.into()))
            .collect(),
        availability: availability
            .into_iter()
            .map(|t| WeeklyTime {
                weekday: i16::try_from(t.weekday).unwrap_or(0),
                start: t.start_time.into(),
                end: t.end_time.into(),
            })
            .collect(),
        topics: topics
            .into_iter()
            .map(|t| t.trim().to_uppercase())
            .collect(),
    })
}

#[derive(Default)]
pub struct IntakeMutation;

#[Object]
impl IntakeMutation {
    /// A volunteer applies to become a mentor (everyone; consent required). The mentor
    /// starts as APPLIED in the pool serving their municipality.
    async fn apply_as_mentor(
        &self,
        ctx: &Context<'_>,
        input: MentorApplicationInput,
    ) -> ApiResult<MentoringReceipt> {
        let app = AppContext::of(ctx)?;
        let application = MentorApplication {
            details: details(
                &input.municipality_id,
                input.languages,
                input.availability,
                input.topics,
            )?,
            first_name: input.first_name,
            last_name: input.last_name,
            email: input.email,
            phone: input.phone,
            gender: input.gender.map(Into::into),
            birth_year: input.birth_year,
            capacity: input.capacity,
            consent: input.consent,
        };
        let written = intake::apply_as_mentor(&app.db, RequestMeta::of(ctx), application).await?;
        let (id, pool) = app.effects.apply(written).await;
        Ok(MentoringReceipt {
            id: global_id(NodeType::Mentor, id),
            pool_id: global_id(NodeType::MentoringPool, pool),
        })
    }

    /// A newcomer asks for a mentor (everyone, through a partner app; or a coordinator on
    /// the newcomer's behalf; consent required).
    async fn request_mentor(
        &self,
        ctx: &Context<'_>,
        input: MentorRequestInput,
    ) -> ApiResult<MentoringReceipt> {
        let app = AppContext::of(ctx)?;
        let request = MenteeRequest {
            details: details(
                &input.municipality_id,
                input.languages,
                input.availability,
                input.topics,
            )?,
            first_name: input.first_name,
            email: input.email,
            phone: input.phone,
            preferred_mentor_gender: input.preferred_mentor_gender.map(Into::into),
            consent: input.consent,
        };
        let (id, pool) = intake::request_mentor(
            &app.db,
            RequestMeta::of(ctx),
            request,
            app.settings.mentoring.mentoring_retention_days,
        )
        .await?;
        Ok(MentoringReceipt {
            id: global_id(NodeType::MentoringRequest, id),
            pool_id: global_id(NodeType::MentoringPool, pool),
        })
    }
}
