//! Finding providers: the organisations that run offers. Their public profile is open to
//! everyone.

use std::collections::HashMap;

use entity::provider;
use entity::provider_translation;
use entity::types::ProviderKind;
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::service::group_by;
use crate::service::page::{KeysetOrder, Page, PageArgs, keyset_page, text_key};
use crate::service::region;

/// Which providers a list holds.
#[derive(Debug, Clone, Default)]
pub struct ProviderFilter {
    pub kinds: Vec<ProviderKind>,
    /// Providers based in these regions (or anywhere inside them).
    pub region_ids: Vec<Uuid>,
    /// Part of the name, in any case.
    pub name_contains: Option<String>,
}

const BY_NAME: KeysetOrder<provider::Entity, provider::Model> = KeysetOrder {
    name: "provider-name",
    key: Some(provider::Column::Name),
    id: provider::Column::Id,
    parse_key: text_key,
    key_of: |p| Some(p.name.clone()),
    id_of: |p| p.id,
};

/// A page of providers sorted by name.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: &ProviderFilter,
    args: &PageArgs,
) -> ApiResult<Page<provider::Model>> {
    let mut select = provider::Entity::find();
    if !filter.kinds.is_empty() {
        select = select.filter(provider::Column::Kind.is_in(filter.kinds.clone()));
    }
    if !filter.region_ids.is_empty() {
        let regions = region::expand_for_filter(db, &filter.region_ids).await?;
        select = select.filter(provider::Column::MunicipalityId.is_in(regions));
    }
    if let Some(part) = filter.name_contains.as_deref().map(str::trim) {
        if part.chars().count() > 100 {
            return Err(ApiError::bad_input(
                "`nameContains` takes at most 100 characters",
            ));
        }
        if !part.is_empty() {
            let pattern = format!("%{}%", escape_like(&part.to_lowercase()));
            select = select.filter(
                Expr::expr(Func::lower(Expr::col(provider::Column::Name)))
                    .like(LikeExpr::new(pattern).escape('\\')),
            );
        }
    }
    keyset_page(db, select, &BY_NAME, false, args, None).await
}

/// Escapes the wildcard characters of `LIKE` so user input matches literally.
pub(crate) fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// One provider.
pub async fn by_id<C: ConnectionTrait>(db: &C, id: Uuid) -> ApiResult<Option<provider::Model>> {
    Ok(provider::Entity::find_by_id(id).one(db).await?)
}

/// Descriptions of the given providers, keyed by provider id.
pub async fn translations<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
) -> ApiResult<HashMap<Uuid, Vec<provider_translation::Model>>> {
    let rows = provider_translation::Entity::find()
        .filter(provider_translation::Column::ProviderId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(group_by(ids, rows, |t| t.provider_id))
}
