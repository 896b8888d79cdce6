//! Reading regions and walking the region graph.

use std::collections::{HashMap, HashSet};

use entity::types::{RegionEdgeKind, RegionKind};
use entity::{region, region_edge, region_name, region_postcode};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::error::ApiResult;
use crate::service::page::{KeysetOrder, Page, PageArgs, keyset_page, text_key};

/// Which regions a list holds.
#[derive(Debug, Clone, Default)]
pub struct RegionFilter {
    pub kind: Option<RegionKind>,
    /// Only regions that lie directly in this one (`PART_OF` edges).
    pub parent_id: Option<Uuid>,
    /// Regions whose name (in any language) contains these letters, in any case, or that
    /// have this postcode: what a newcomer types when asked where they live.
    pub search: Option<String>,
}

/// Longest search text.
const MAX_SEARCH_CHARS: usize = 100;

const BY_NAME: KeysetOrder<region::Entity, region::Model> = KeysetOrder {
    name: "region-name",
    key: Some(region::Column::Name),
    id: region::Column::Id,
    parse_key: text_key,
    key_of: |r| Some(r.name.clone()),
    id_of: |r| r.id,
};

/// A page of regions sorted by name.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: &RegionFilter,
    args: &PageArgs,
) -> ApiResult<Page<region::Model>> {
    let mut select = region::Entity::find();
    if let Some(kind) = filter.kind {
        select = select.filter(region::Column::Kind.eq(kind));
    }
    if let Some(parent) = filter.parent_id {
        let children = region_edge::Entity::find()
            .filter(region_edge::Column::ToRegionId.eq(parent))
            .filter(region_edge::Column::Kind.eq(RegionEdgeKind::PartOf))
            .all(db)
            .await?
            .into_iter()
            .map(|e| e.from_region_id);
        select = select.filter(region::Column::Id.is_in(children));
    }
    if let Some(search) = filter.search.as_deref().map(str::trim) {
        if search.chars().count() > MAX_SEARCH_CHARS {
            return Err(crate::error::ApiError::bad_input(format!(
                "`search` takes at most {MAX_SEARCH_CHARS} characters"
            )));
        }
        select = select.filter(matching(search));
    }
    keyset_page(db, select, &BY_NAME, false, args, None).await
}

/// Regions named with `text` (in any case, in any of their languages) or holding it as a
/// postcode.
fn matching(text: &str) -> sea_orm::sea_query::Condition {
    use sea_orm::sea_query::{Condition, Expr, ExprTrait, Func, Query};

    let pattern = format!("%{}%", like_escaped(&text.to_lowercase()));
    let contains = |column: sea_orm::sea_query::SimpleExpr| {
        Func::lower(column).like(sea_orm::sea_query::LikeExpr::new(pattern.clone()).escape('\\'))
    };
    let named = Query::select()
        .column(region_name::Column::RegionId)
        .from(region_name::Entity)
        .and_where(contains(Expr::col(region_name::Column::Name)))
        .to_owned();
    let with_postcode = Query::select()
        .column(region_postcode::Column::RegionId)
        .from(region_postcode::Entity)
        .and_where(Expr::col(region_postcode::Column::Postcode).eq(text))
        .to_owned();
    Condition::any()
        .add(contains(Expr::col(region::Column::Name)))
        .add(region::Column::Id.in_subquery(named))
        .add(region::Column::Id.in_subquery(with_postcode))
}

/// `text` with the `LIKE` wildcards taken literally.
fn like_escaped(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The municipality a postcode belongs to; when it reaches into several, the first by name
/// (`list` with the postcode as `search` names them all).
pub async fn by_postcode<C: ConnectionTrait>(
    db: &C,
    postcode: &str,
) -> ApiResult<Option<region::Model>> {
    let holders = region_postcode::Entity::find()
        .filter(region_postcode::Column::Postcode.eq(postcode.trim()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.region_id);
    Ok(region::Entity::find()
        .filter(region::Column::Id.is_in(holders))
        .filter(region::Column::Kind.eq(RegionKind::Municipality))
        .order_by_asc(region::Column::Name)
        .one(db)
        .await?)
}

/// One region by id.
pub async fn by_id<C: ConnectionTrait>(db: &C, id: Uuid) -> ApiResult<Option<region::Model>> {
    Ok(region::Entity::find_by_id(id).one(db).await?)
}

/// One region by its code (e.g. a BFS number).
pub async fn by_code<C: ConnectionTrait>(db: &C, code: &str) -> ApiResult<Option<region::Model>> {
    Ok(region::Entity::find()
        .filter(region::Column::Code.eq(code))
        .one(db)
        .await?)
}

/// Outgoing (`from` → `to`) or incoming edges of one kind for the given regions.
pub async fn edges<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
    kind: RegionEdgeKind,
    outgoing: bool,
) -> ApiResult<Vec<region_edge::Model>> {
    let column = if outgoing {
        region_edge::Column::FromRegionId
    } else {
        region_edge::Column::ToRegionId
    };
    Ok(region_edge::Entity::find()
        .filter(column.is_in(ids.iter().copied()))
        .filter(region_edge::Column::Kind.eq(kind))
        .all(db)
        .await?)
}

/// Every region that contains the given ones, however far up (`PART_OF` followed
/// transitively), plus the regions themselves. The graph may have several paths to the same
/// region, so visited regions are remembered.
pub async fn with_ancestors<C: ConnectionTrait>(db: &C, ids: &[Uuid]) -> ApiResult<HashSet<Uuid>> {
    let mut seen: HashSet<Uuid> = ids.iter().copied().collect();
    let mut frontier: Vec<Uuid> = ids.to_vec();
    while !frontier.is_empty() {
        let next: Vec<Uuid> = edges(db, &frontier, RegionEdgeKind::PartOf, true)
            .await?
            .into_iter()
            .map(|e| e.to_region_id)
            .filter(|id| seen.insert(*id))
            .collect();
        frontier = next;
    }
    Ok(seen)
}

/// The regions the given ones lie in directly, keyed by region id.
pub async fn parent_ids<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
) -> ApiResult<HashMap<Uuid, Vec<Uuid>>> {
    edge_targets(db, ids, RegionEdgeKind::PartOf).await
}

async fn edge_targets<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
    kind: RegionEdgeKind,
) -> ApiResult<HashMap<Uuid, Vec<Uuid>>> {
    let mut out: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for edge in edges(db, ids, kind, true).await? {
        out.entry(edge.from_region_id)
            .or_default()
            .push(edge.to_region_id);
    }
    Ok(out)
}

/// The regions an offer filter for `ids` matches: the regions themselves, everything that
/// lies in them (however deep), everything they lie in (so canton-wide and regional offers
/// count), and the regions that serve them (lead municipalities).
pub async fn expand_for_filter<C: ConnectionTrait>(db: &C, ids: &[Uuid]) -> ApiResult<Vec<Uuid>> {
    let mut found = with_ancestors(db, ids).await?;
    let serving: Vec<Uuid> = edges(db, ids, RegionEdgeKind::ServedBy, true)
        .await?
        .into_iter()
        .map(|e| e.to_region_id)
        .collect();
    found.extend(serving);
    let mut descended: HashSet<Uuid> = ids.iter().copied().collect();
    let mut frontier: Vec<Uuid> = ids.to_vec();
    while !frontier.is_empty() {
        frontier = edges(db, &frontier, RegionEdgeKind::PartOf, false)
            .await?
            .into_iter()
            .map(|e| e.from_region_id)
            .filter(|id| descended.insert(*id))
            .collect();
    }
    found.extend(descended);
    let mut out: Vec<Uuid> = found.into_iter().collect();
    out.sort();
    Ok(out)
}

/// A region and every region it lies in, nearest first (municipality, district, mentoring
/// region, canton…).
pub async fn upward<C: ConnectionTrait>(db: &C, start: Uuid) -> ApiResult<Vec<Uuid>> {
    let mut around = vec![start];
    let mut frontier = vec![start];
    // The graph is shallow; the bound keeps a cycle in bad data from looping.
    for _ in 0..8 {
        let parents = parent_ids(db, &frontier).await?;
        frontier = parents
            .values()
            .flatten()
            .copied()
            .filter(|p| !around.contains(p))
            .collect();
        if frontier.is_empty() {
            break;
        }
        around.extend(frontier.iter().copied());
    }
    Ok(around)
}
