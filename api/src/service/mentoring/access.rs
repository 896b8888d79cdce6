//! Who may work with a pool's people: its coordinators (scoped to the pool, or to the
//! region it serves) and admins. Everyone else learns nothing, not even whether a record
//! exists: unknown and foreign records answer alike.

use std::collections::HashSet;

use entity::types::Role;
use entity::{mentor, mentor_match, mentoring_pool, mentoring_request};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::auth::{StaffViewer, Viewer};
use crate::error::{ApiError, ApiResult};

/// Whether `staff` coordinates `pool` (or administers everything).
pub fn coordinates(staff: &StaffViewer, pool: &mentoring_pool::Model) -> bool {
    match staff.role {
        Role::Admin => true,
        Role::Coordinator => {
            staff.pool_ids.contains(&pool.id) || staff.region_ids.contains(&pool.region_id)
        }
        _ => false,
    }
}

/// A coordinator or admin; `UNAUTHENTICATED` / `FORBIDDEN` for everyone else.
pub fn mentoring_staff(viewer: &Viewer) -> ApiResult<&StaffViewer> {
    let staff = viewer.staff()?;
    match staff.role {
        Role::Admin | Role::Coordinator => Ok(staff),
        _ => Err(ApiError::Forbidden),
    }
}

/// The pool, when the viewer coordinates it; `NOT_FOUND` for coordinators of other pools.
pub async fn pool<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    pool_id: Uuid,
) -> ApiResult<mentoring_pool::Model> {
    let staff = mentoring_staff(viewer)?;
    match mentoring_pool::Entity::find_by_id(pool_id).one(db).await? {
        Some(pool) if coordinates(staff, &pool) => Ok(pool),
        _ => Err(ApiError::NotFound("mentoring pool")),
    }
}

/// The pool's `NOT_FOUND` named for the record looked up through it (so a coordinator of
/// another pool learns nothing about it); any other error, a database failing, stays what
/// it is.
fn renamed_not_found(record: &'static str) -> impl FnOnce(ApiError) -> ApiError {
    move |error| match error {
        ApiError::NotFound(_) => ApiError::NotFound(record),
        other => other,
    }
}

/// A request with its pool, when the viewer coordinates the pool.
pub async fn request<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    request_id: Uuid,
) -> ApiResult<(mentoring_request::Model, mentoring_pool::Model)> {
    mentoring_staff(viewer)?;
    let request = mentoring_request::Entity::find_by_id(request_id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("mentoring request"))?;
    let pool = pool(db, viewer, request.pool_id)
        .await
        .map_err(renamed_not_found("mentoring request"))?;
    Ok((request, pool))
}

/// A mentor with their pool, when the viewer coordinates the pool.
pub async fn mentor<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    mentor_id: Uuid,
) -> ApiResult<(mentor::Model, mentoring_pool::Model)> {
    mentoring_staff(viewer)?;
    let found = mentor::Entity::find_by_id(mentor_id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("mentor"))?;
    let pool = pool(db, viewer, found.pool_id)
        .await
        .map_err(renamed_not_found("mentor"))?;
    Ok((found, pool))
}

/// A match with its request's pool, when the viewer coordinates that pool.
pub async fn a_match<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    match_id: Uuid,
) -> ApiResult<(mentor_match::Model, mentoring_pool::Model)> {
    mentoring_staff(viewer)?;
    let found = mentor_match::Entity::find_by_id(match_id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("match"))?;
    let (_, pool) = request(db, viewer, found.request_id)
        .await
        .map_err(renamed_not_found("match"))?;
    Ok((found, pool))
}

/// Which side of a match the viewer works for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchSide {
    /// The pool of the newcomer's request (admins too): it runs the match.
    Request,
    /// Only the pool that lent its mentor to another pool's request: it consents, may
    /// decline, and records the mentor's confirmation.
    Mentor,
}

/// A match with its request's pool and the side the viewer works for: coordinators of the
/// request's pool, or of the mentor's pool when that pool lent the mentor.
pub async fn match_side<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    match_id: Uuid,
) -> ApiResult<(mentor_match::Model, mentoring_pool::Model, MatchSide)> {
    let staff = mentoring_staff(viewer)?;
    let found = mentor_match::Entity::find_by_id(match_id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("match"))?;
    let request_pool = mentoring_request::Entity::find_by_id(found.request_id)
        .find_also_related(mentoring_pool::Entity)
        .one(db)
        .await?
        .and_then(|(_, pool)| pool)
        .ok_or(ApiError::NotFound("match"))?;
    if coordinates(staff, &request_pool) {
        return Ok((found, request_pool, MatchSide::Request));
    }
    let mentor_pool = mentor::Entity::find_by_id(found.mentor_id)
        .find_also_related(mentoring_pool::Entity)
        .one(db)
        .await?
        .and_then(|(_, pool)| pool);
    match mentor_pool {
        Some(pool) if pool.id != request_pool.id && coordinates(staff, &pool) => {
            Ok((found, request_pool, MatchSide::Mentor))
        }
        _ => Err(ApiError::NotFound("match")),
    }
}

/// Of `pool_ids`, the pools the viewer coordinates (every one for admins).
pub async fn coordinated_among<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    pool_ids: impl IntoIterator<Item = Uuid>,
) -> ApiResult<HashSet<Uuid>> {
    let Ok(staff) = mentoring_staff(viewer) else {
        return Ok(HashSet::new());
    };
    let ids: HashSet<Uuid> = pool_ids.into_iter().collect();
    if staff.role == Role::Admin {
        return Ok(ids);
    }
    // What the viewer's scope decides needs no pool row; only pools that may lie in one
    // of the viewer's regions are read.
    let (mut coordinated, undecided): (HashSet<Uuid>, HashSet<Uuid>) =
        ids.into_iter().partition(|id| staff.pool_ids.contains(id));
    if undecided.is_empty() || staff.region_ids.is_empty() {
        return Ok(coordinated);
    }
    coordinated.extend(
        mentoring_pool::Entity::find()
            .filter(mentoring_pool::Column::Id.is_in(undecided))
            .all(db)
            .await?
            .into_iter()
            .filter(|pool| coordinates(staff, pool))
            .map(|pool| pool.id),
    );
    Ok(coordinated)
}

/// The pools the viewer coordinates (all of them for admins), by name.
pub async fn pools<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
) -> ApiResult<Vec<mentoring_pool::Model>> {
    let staff = mentoring_staff(viewer)?;
    let mut pools: Vec<mentoring_pool::Model> = mentoring_pool::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter(|p| coordinates(staff, p))
        .collect();
    pools.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(pools)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_missing_pool_becomes_a_missing_record() {
        let renamed = renamed_not_found("mentor")(ApiError::NotFound("mentoring pool"));
        assert!(matches!(renamed, ApiError::NotFound("mentor")));
        let failing = renamed_not_found("mentor")(ApiError::ServiceUnavailable);
        assert!(matches!(failing, ApiError::ServiceUnavailable));
        let internal = renamed_not_found("mentor")(ApiError::internal("database: gone"));
        assert!(matches!(internal, ApiError::Internal(_)));
    }
}
