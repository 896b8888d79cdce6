//! `matches(poolId)`: a pool's matches for its coordinators, including its mentors lent to
//! neighbouring pools.

use async_graphql::{Context, ID, InputObject, Object};

use crate::auth::RequestMeta;
use crate::context::AppContext;
use crate::error::ApiResult;
use crate::graphql::mentoring::people_types::MentorMatch;
use crate::graphql::mentoring::types::{MatchStatusGql, MentorPoolConsent};
use crate::graphql::relay::{NodeType, RelayConnection, connection, expect_global_id, page_args};
use crate::graphql::scalars::Date;
use crate::service::mentoring::match_list::{self, MatchFilter};

/// Which matches to list; left-out parts do not narrow the list.
#[derive(Debug, Clone, Default, InputObject)]
#[graphql(name = "MatchFilter")]
pub struct MatchFilterInput {
    pub statuses: Option<Vec<MatchStatusGql>>,
    /// E.g. `[PENDING]`: what waits for the mentor's pool to consent.
    pub mentor_pool_consents: Option<Vec<MentorPoolConsent>>,
    /// Only matches whose review falls due before this day.
    pub review_due_before: Option<Date>,
    pub mentor_id: Option<ID>,
    pub request_id: Option<ID>,
}

impl MatchFilterInput {
    fn into_service(self) -> ApiResult<MatchFilter> {
        use entity::types::PoolConsent;
        Ok(MatchFilter {
            statuses: self
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            mentor_pool_consents: self
                .mentor_pool_consents
                .unwrap_or_default()
                .into_iter()
                .map(|c| match c {
                    MentorPoolConsent::NotNeeded => None,
                    MentorPoolConsent::Pending => Some(PoolConsent::Pending),
                    MentorPoolConsent::Given => Some(PoolConsent::Given),
                    MentorPoolConsent::Refused => Some(PoolConsent::Refused),
                })
                .collect(),
            review_due_before: self.review_due_before.map(Into::into),
            mentor_id: self
                .mentor_id
                .map(|id| expect_global_id(&id, NodeType::Mentor))
                .transpose()?,
            request_id: self
                .request_id
                .map(|id| expect_global_id(&id, NodeType::MentoringRequest))
                .transpose()?,
        })
    }
}

#[derive(Default)]
pub struct MatchListQuery;

#[Object]
impl MatchListQuery {
    /// A pool's matches, oldest first (coordinators of the pool, admins): those of its
    /// requests, and those of its mentors lent to neighbouring pools.
    #[graphql(complexity = "crate::graphql::relay::page_cost(first, None, child_complexity)")]
    async fn matches(
        &self,
        ctx: &Context<'_>,
        pool_id: ID,
        filter: Option<MatchFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<RelayConnection<MentorMatch>> {
        let app = AppContext::of(ctx)?;
        let pool_id = expect_global_id(&pool_id, NodeType::MentoringPool)?;
        let args = page_args(ctx, first, after, None, None)?;
        let filter = filter.unwrap_or_default().into_service()?;
        let page = match_list::list(&app.db, RequestMeta::of(ctx), pool_id, &filter, &args).await?;
        Ok(connection(page, MentorMatch::from))
    }
}
