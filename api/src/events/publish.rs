//! What the writers tell the event bus, after their change is committed. A failure to
//! describe a change (the database gone between commit and here) loses the notice, never
//! the change: it is logged, and subscribers read the current state when they next ask.

use entity::{mentor, mentor_match, mentoring_request, offer_region};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::error::ApiResult;
use crate::events::{Event, EventBus, OfferChange};

/// An offer changed in a way the public may see.
pub async fn offer_changed<C: ConnectionTrait>(
    db: &C,
    bus: &EventBus,
    offer_id: Uuid,
    change: OfferChange,
) {
    match offer_regions(db, offer_id).await {
        Ok(region_ids) => {
            bus.publish(Event::Offer {
                offer_id,
                change,
                region_ids,
            })
            .await;
        }
        Err(err) => tracing::warn!(error = %err, "offer event not published"),
    }
}

/// A match changed state: told to its request's pool, and to the mentor's pool when that
/// pool lent the mentor.
pub async fn match_changed<C: ConnectionTrait>(db: &C, bus: &EventBus, match_id: Uuid) {
    let a_match = match mentor_match::Entity::find_by_id(match_id).one(db).await {
        Ok(Some(found)) => found,
        Ok(None) => return,
        Err(err) => {
            tracing::warn!(error = %err, "match event not published");
            return;
        }
    };
    let request_pool = mentoring_request::Entity::find_by_id(a_match.request_id)
        .select_only()
        .column(mentoring_request::Column::PoolId)
        .into_tuple::<Uuid>()
        .one(db)
        .await;
    let mentor_pool = mentor::Entity::find_by_id(a_match.mentor_id)
        .select_only()
        .column(mentor::Column::PoolId)
        .into_tuple::<Uuid>()
        .one(db)
        .await;
    let pools = match (request_pool, mentor_pool) {
        (Ok(request), Ok(mentor)) => {
            let mut pools: Vec<Uuid> = request.into_iter().chain(mentor).collect();
            pools.dedup();
            pools
        }
        (Err(err), _) | (_, Err(err)) => {
            tracing::warn!(error = %err, "match event not published");
            return;
        }
    };
    for pool_id in pools {
        bus.publish(Event::Match {
            match_id: a_match.id,
            pool_id,
        })
        .await;
    }
}

async fn offer_regions<C: ConnectionTrait>(db: &C, offer_id: Uuid) -> ApiResult<Vec<Uuid>> {
    Ok(offer_region::Entity::find()
        .select_only()
        .column(offer_region::Column::RegionId)
        .filter(offer_region::Column::OfferId.eq(offer_id))
        .into_tuple::<Uuid>()
        .all(db)
        .await?)
}
