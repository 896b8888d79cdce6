//! Reading the category taxonomy.

use std::collections::HashMap;

use entity::category;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::error::ApiResult;

/// Every category, pillars and areas, in display order.
pub async fn all<C: ConnectionTrait>(db: &C) -> ApiResult<Vec<category::Model>> {
    Ok(category::Entity::find()
        .order_by_asc(category::Column::Position)
        .order_by_asc(category::Column::Code)
        .all(db)
        .await?)
}

/// Categories by id (for loaders).
pub async fn by_ids<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
) -> ApiResult<HashMap<Uuid, category::Model>> {
    Ok(category::Entity::find()
        .filter(category::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect())
}
