//! A pool's people for its coordinators: lists of mentors and requests, screening and
//! status of mentors, erasure, and check-ins on matches.

use async_graphql::{Context, Enum, ID, InputObject, Object};
use entity::types::{MentorStatus, RequestStatus};

use crate::auth::RequestMeta;
use crate::context::AppContext;
use crate::error::ApiResult;
use crate::graphql::mentoring::people_types::{
    CheckInKindGql, CheckInOutcomeGql, MatchCheckIn, Mentor, MentoringRequest,
};
use crate::graphql::mentoring::types::{MentorStatusGql, RequestStatusGql};
use crate::graphql::relay::{NodeType, RelayConnection, connection, expect_global_id, page_args};
use crate::graphql::scalars::Date;
use crate::service::mentoring::matches::{self, CheckIn};
use crate::service::mentoring::screening::{self, ScreeningStep};
use crate::service::mentoring::{erasure, people, reopen};

/// A screening step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "ScreeningStep")]
pub enum ScreeningStepGql {
    IntroTraining,
    /// The police record extract; `on` is its issue date.
    PoliceRecord,
    CodeOfConduct,
}

/// A follow-up contact with an active pair.
#[derive(Debug, Clone, InputObject)]
pub struct CheckInInput {
    pub occurred_on: Date,
    pub kind: CheckInKindGql,
    pub outcome: CheckInOutcomeGql,
    /// Short, plain text; no sensitive details.
    pub note: Option<String>,
}

/// Which mentors to list.
#[derive(Debug, Clone, Default, InputObject)]
pub struct MentorFilter {
    pub statuses: Option<Vec<MentorStatusGql>>,
}

/// Which requests to list.
#[derive(Debug, Clone, Default, InputObject)]
pub struct MentoringRequestFilter {
    pub statuses: Option<Vec<RequestStatusGql>>,
    /// Only open requests waiting longer than the pool aims for.
    #[graphql(default)]
    pub waiting_too_long: bool,
}

#[derive(Default)]
pub struct PeopleQuery;

#[Object]
impl PeopleQuery {
    /// A pool's mentors (coordinators of the pool, admins).
    async fn mentors(
        &self,
        ctx: &Context<'_>,
        pool_id: ID,
        filter: Option<MentorFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<RelayConnection<Mentor>> {
        let app = AppContext::of(ctx)?;
        let pool_id = expect_global_id(&pool_id, NodeType::MentoringPool)?;
        let args = page_args(ctx, first, after, None, None)?;
        let statuses: Vec<MentorStatus> = filter
            .and_then(|f| f.statuses)
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect();
        let page =
            people::mentors(&app.db, RequestMeta::of(ctx), pool_id, &statuses, &args).await?;
        Ok(connection(page, Mentor::from))
    }

    /// A pool's requests (coordinators of the pool, admins); each read is recorded in the
    /// audit log.
    async fn mentoring_requests(
        &self,
        ctx: &Context<'_>,
        pool_id: ID,
        filter: Option<MentoringRequestFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<RelayConnection<MentoringRequest>> {
        let app = AppContext::of(ctx)?;
        let pool_id = expect_global_id(&pool_id, NodeType::MentoringPool)?;
        let args = page_args(ctx, first, after, None, None)?;
        let filter = filter.unwrap_or_default();
        let statuses: Vec<RequestStatus> = filter
            .statuses
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect();
        let page = people::requests(
            &app.db,
            RequestMeta::of(ctx),
            pool_id,
            &statuses,
            filter.waiting_too_long,
            &args,
        )
        .await?;
        Ok(connection(page, MentoringRequest::from))
    }
}

#[derive(Default)]
pub struct PeopleMutation;

#[Object]
impl PeopleMutation {
    /// Records a screening step of a mentor, done on `on`.
    async fn screen_mentor(
        &self,
        ctx: &Context<'_>,
        id: ID,
        step: ScreeningStepGql,
        on: Date,
    ) -> ApiResult<Mentor> {
        let app = AppContext::of(ctx)?;
        let id = expect_global_id(&id, NodeType::Mentor)?;
        let step = match step {
            ScreeningStepGql::IntroTraining => ScreeningStep::IntroTraining,
            ScreeningStepGql::PoliceRecord => ScreeningStep::PoliceRecord,
            ScreeningStepGql::CodeOfConduct => ScreeningStep::CodeOfConduct,
        };
        let written = screening::screen(&app.db, RequestMeta::of(ctx), id, step, on.into()).await?;
        Ok(app.effects.apply(written).await.into())
    }

    /// Moves a mentor to a status: ACTIVE needs complete screening, RETIRED no live
    /// matches.
    async fn set_mentor_status(
        &self,
        ctx: &Context<'_>,
        id: ID,
        status: MentorStatusGql,
    ) -> ApiResult<Mentor> {
        let app = AppContext::of(ctx)?;
        let id = expect_global_id(&id, NodeType::Mentor)?;
        let written = screening::set_status(
            &app.db,
            RequestMeta::of(ctx),
            id,
            status.into(),
            app.settings.mentoring.mentoring_retention_days,
        )
        .await?;
        Ok(app.effects.apply(written).await.into())
    }

    /// Records a check-in on an active match.
    async fn record_check_in(
        &self,
        ctx: &Context<'_>,
        match_id: ID,
        input: CheckInInput,
    ) -> ApiResult<MatchCheckIn> {
        let app = AppContext::of(ctx)?;
        let match_id = expect_global_id(&match_id, NodeType::MentorMatch)?;
        let check_in = CheckIn {
            occurred_on: input.occurred_on.into(),
            kind: input.kind.into(),
            outcome: input.outcome.into(),
            note: input.note,
        };
        let saved =
            matches::record_check_in(&app.db, RequestMeta::of(ctx), match_id, check_in).await?;
        Ok(saved.into())
    }

    /// Puts a closed (or stranded) request back on the waiting list (coordinators of its
    /// pool, admins); its earlier matches stay in its history. `CONFLICT` while it is open,
    /// has a live match, or was erased.
    async fn reopen_mentoring_request(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> ApiResult<MentoringRequest> {
        let app = AppContext::of(ctx)?;
        let id = expect_global_id(&id, NodeType::MentoringRequest)?;
        let retention = app.settings.mentoring.mentoring_retention_days;
        let reopened = reopen::reopen(&app.db, RequestMeta::of(ctx), id, retention).await?;
        Ok(reopened.into())
    }

    /// Removes a newcomer's personal data; the request stays as an anonymous count.
    async fn erase_mentee(&self, ctx: &Context<'_>, id: ID) -> ApiResult<bool> {
        let app = AppContext::of(ctx)?;
        let id = expect_global_id(&id, NodeType::MentoringRequest)?;
        let written = erasure::erase_mentee(&app.db, RequestMeta::of(ctx), id).await?;
        app.effects.apply(written).await;
        Ok(true)
    }

    /// Removes a mentor's personal data; the mentor stays as an anonymous count.
    async fn erase_mentor(&self, ctx: &Context<'_>, id: ID) -> ApiResult<bool> {
        let app = AppContext::of(ctx)?;
        let id = expect_global_id(&id, NodeType::Mentor)?;
        let written = erasure::erase_mentor(&app.db, RequestMeta::of(ctx), id).await?;
        app.effects.apply(written).await;
        Ok(true)
    }
}
