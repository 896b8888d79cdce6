//! The parts of offers (translations, categories, regions, languages, locations, schedules,
//! providers), fetched for many offers at once by the GraphQL loaders.

use std::collections::HashMap;

use entity::{
    offer_category, offer_language, offer_location, offer_region, offer_schedule,
    offer_translation, provider,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::error::ApiResult;
use crate::service::group_by;

/// Translations of the given offers.
pub async fn translations<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
) -> ApiResult<HashMap<Uuid, Vec<offer_translation::Model>>> {
    let rows = offer_translation::Entity::find()
        .filter(offer_translation::Column::OfferId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(group_by(ids, rows, |r| r.offer_id))
}

/// Category ids of the given offers.
pub async fn category_ids<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
) -> ApiResult<HashMap<Uuid, Vec<Uuid>>> {
    let rows = offer_category::Entity::find()
        .filter(offer_category::Column::OfferId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(group_by(ids, rows, |r| r.offer_id)
        .into_iter()
        .map(|(k, v)| (k, v.into_iter().map(|r| r.category_id).collect()))
        .collect())
}

/// Ids of the regions the given offers serve.
pub async fn region_ids<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
) -> ApiResult<HashMap<Uuid, Vec<Uuid>>> {
    let rows = offer_region::Entity::find()
        .filter(offer_region::Column::OfferId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(group_by(ids, rows, |r| r.offer_id)
        .into_iter()
        .map(|(k, v)| (k, v.into_iter().map(|r| r.region_id).collect()))
        .collect())
}

/// Languages of the given offers.
pub async fn languages<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
) -> ApiResult<HashMap<Uuid, Vec<offer_language::Model>>> {
    let rows = offer_language::Entity::find()
        .filter(offer_language::Column::OfferId.is_in(ids.iter().copied()))
        .order_by_asc(offer_language::Column::Language)
        .all(db)
        .await?;
    Ok(group_by(ids, rows, |r| r.offer_id))
}

/// Locations of the given offers.
pub async fn locations<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
) -> ApiResult<HashMap<Uuid, Vec<offer_location::Model>>> {
    let rows = offer_location::Entity::find()
        .filter(offer_location::Column::OfferId.is_in(ids.iter().copied()))
        .order_by_asc(offer_location::Column::Id)
        .all(db)
        .await?;
    Ok(group_by(ids, rows, |r| r.offer_id))
}

/// Schedules of the given offers, by start date.
pub async fn schedules<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
) -> ApiResult<HashMap<Uuid, Vec<offer_schedule::Model>>> {
    let rows = offer_schedule::Entity::find()
        .filter(offer_schedule::Column::OfferId.is_in(ids.iter().copied()))
        .order_by_asc(offer_schedule::Column::StartDate)
        .order_by_asc(offer_schedule::Column::Id)
        .all(db)
        .await?;
    Ok(group_by(ids, rows, |r| r.offer_id))
}

/// Providers by id.
pub async fn providers<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
) -> ApiResult<HashMap<Uuid, provider::Model>> {
    Ok(provider::Entity::find()
        .filter(provider::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}
