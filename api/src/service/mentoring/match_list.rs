//! A pool's matches for its coordinators: those of its requests, and those in which its
//! mentors are lent to a neighbouring pool (so the mentor's coordinators see what waits for
//! their consent), filtered by state, review date, mentor or request.

use chrono::NaiveDate;
use entity::types::{MatchStatus, PoolConsent};
use entity::{mentor, mentor_match, mentoring_request};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::auth::RequestMeta;
use crate::error::ApiResult;
use crate::service::mentoring::access;
use crate::service::page::{KeysetOrder, Page, PageArgs, keyset_page, text_key};

const MATCHES_BY_ID: KeysetOrder<mentor_match::Entity, mentor_match::Model> = KeysetOrder {
    name: "match-id",
    key: None,
    id: mentor_match::Column::Id,
    parse_key: text_key,
    key_of: |_| None,
    id_of: |m| m.id,
};

/// Which matches to list; every part narrows the list, empty parts do not.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MatchFilter {
    pub statuses: Vec<MatchStatus>,
    /// `None` in the list stands for matches that need no consent.
    pub mentor_pool_consents: Vec<Option<PoolConsent>>,
    /// Only matches whose review falls due before this day.
    pub review_due_before: Option<NaiveDate>,
    pub mentor_id: Option<Uuid>,
    pub request_id: Option<Uuid>,
}

/// The pool's matches, oldest first.
pub async fn list(
    db: &DatabaseConnection,
    meta: &RequestMeta,
    pool_id: Uuid,
    filter: &MatchFilter,
    args: &PageArgs,
) -> ApiResult<Page<mentor_match::Model>> {
    let pool = access::pool(db, &meta.viewer, pool_id).await?;
    let pool_requests = Query::select()
        .column(mentoring_request::Column::Id)
        .from(mentoring_request::Entity)
        .and_where(Expr::col(mentoring_request::Column::PoolId).eq(pool.id))
        .to_owned();
    let pool_mentors = Query::select()
        .column(mentor::Column::Id)
        .from(mentor::Entity)
        .and_where(Expr::col(mentor::Column::PoolId).eq(pool.id))
        .to_owned();
    let mut select = mentor_match::Entity::find().filter(
        Condition::any()
            .add(mentor_match::Column::RequestId.in_subquery(pool_requests))
            .add(mentor_match::Column::MentorId.in_subquery(pool_mentors)),
    );
    if !filter.statuses.is_empty() {
        select = select.filter(mentor_match::Column::Status.is_in(filter.statuses.iter().copied()));
    }
    if !filter.mentor_pool_consents.is_empty() {
        let mut any = Condition::any();
        let given: Vec<PoolConsent> = filter
            .mentor_pool_consents
            .iter()
            .flatten()
            .copied()
            .collect();
        if !given.is_empty() {
            any = any.add(mentor_match::Column::MentorPoolConsent.is_in(given));
        }
        if filter.mentor_pool_consents.contains(&None) {
            any = any.add(mentor_match::Column::MentorPoolConsent.is_null());
        }
        select = select.filter(any);
    }
    if let Some(day) = filter.review_due_before {
        select = select.filter(mentor_match::Column::ReviewDueOn.lt(day));
    }
    if let Some(mentor_id) = filter.mentor_id {
        select = select.filter(mentor_match::Column::MentorId.eq(mentor_id));
    }
    if let Some(request_id) = filter.request_id {
        select = select.filter(mentor_match::Column::RequestId.eq(request_id));
    }
    keyset_page(db, select, &MATCHES_BY_ID, false, args, None).await
}
