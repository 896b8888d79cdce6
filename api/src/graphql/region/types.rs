//! The `Region` type: a node of the region graph, with its parents, children and the lead
//! municipalities that serve it.

use async_graphql::{ComplexObject, Context, Enum, ID, Object, SimpleObject};
use entity::{region, types::RegionKind};

use crate::context::AppContext;
use crate::error::ApiResult;
use crate::graphql::loader::Loaders;
use crate::graphql::locale::Lang;
use crate::graphql::prefetch;
use crate::graphql::relay::{NodeType, RelayConnection, connection, global_id, page_args};
use crate::service;
use crate::service::region::RegionFilter;

/// What a region is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "RegionKind", remote = "entity::types::RegionKind")]
pub enum RegionKindGql {
    Canton,
    District,
    Municipality,
    SocialRegion,
    MentoringRegion,
}

/// A point on the earth (WGS84).
#[derive(Debug, Clone, Copy, SimpleObject)]
#[graphql(complex)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
}

#[ComplexObject]
impl GeoPoint {}

impl GeoPoint {
    /// A point, when both coordinates are known.
    pub fn from_pair(lat: Option<f64>, lon: Option<f64>) -> Option<Self> {
        Some(Self {
            lat: lat?,
            lon: lon?,
        })
    }
}

/// A region: canton, district, municipality, social or mentoring region.
pub struct Region {
    pub model: region::Model,
    pub lang: Lang,
}

impl Region {
    pub fn new(model: region::Model, lang: Lang) -> Self {
        Self { model, lang }
    }

    async fn regions(
        &self,
        ctx: &Context<'_>,
        ids: Option<Vec<uuid::Uuid>>,
    ) -> ApiResult<Vec<Region>> {
        let ids = ids.unwrap_or_default();
        let mut found: Vec<Region> = Loaders::of(ctx)?
            .region()
            .load_many(ids)
            .await?
            .into_values()
            .map(|m| Region::new(m, self.lang.clone()))
            .collect();
        found.sort_by(|a, b| a.model.name.cmp(&b.model.name));
        Ok(found)
    }
}

#[Object]
impl Region {
    /// Global id.
    pub async fn id(&self) -> ID {
        global_id(NodeType::Region, self.model.id)
    }

    /// Stable code: the BFS number for municipalities, e.g. `SO-D-OLTEN` for a district.
    async fn code(&self) -> &str {
        &self.model.code
    }

    /// What the region is.
    async fn kind(&self) -> RegionKindGql {
        self.model.kind.into()
    }

    /// Official number (BFS), where there is one.
    async fn official_number(&self) -> Option<&str> {
        self.model.official_number.as_deref()
    }

    /// The name in the reader's language where one is recorded, else the official name.
    async fn name(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(self.localised_name(ctx).await?.0)
    }

    /// The locale of `name`, or null when it is the official name.
    async fn served_locale(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        Ok(self.localised_name(ctx).await?.1)
    }

    /// A central point (rough for demo data; official once a canton imports its own).
    async fn centroid(&self) -> Option<GeoPoint> {
        GeoPoint::from_pair(self.model.lat, self.model.lon)
    }

    /// Postcodes that lie in the region.
    async fn postcodes(&self, ctx: &Context<'_>) -> ApiResult<Vec<String>> {
        Ok(Loaders::of(ctx)?
            .region_postcodes()
            .load_one(self.model.id)
            .await?
            .unwrap_or_default())
    }

    /// The regions this one lies in directly.
    async fn parents(&self, ctx: &Context<'_>) -> ApiResult<Vec<Region>> {
        let ids = Loaders::of(ctx)?
            .region_parents()
            .load_one(self.model.id)
            .await?;
        self.regions(ctx, ids).await
    }

    /// Lead municipalities (or other regions) that do this region's integration work.
    async fn served_by(&self, ctx: &Context<'_>) -> ApiResult<Vec<Region>> {
        let ids = Loaders::of(ctx)?
            .region_served_by()
            .load_one(self.model.id)
            .await?;
        self.regions(ctx, ids).await
    }

    /// The offers of this region, counted as `offers(filter: { regionIds: [<this>] })`
    /// counts them (offers inside it, regional and canton-wide ones, those of the lead
    /// municipality that serves it), for a regional site; `filter` narrows further.
    #[graphql(complexity = "crate::graphql::relay::page_cost(first, last, child_complexity)")]
    async fn offers(
        &self,
        ctx: &Context<'_>,
        filter: Option<crate::graphql::offer::input::OfferFilterInput>,
        order_by: Option<crate::graphql::offer::input::OfferOrder>,
        locale: Option<String>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<RelayConnection<crate::graphql::offer::Offer>> {
        let args = page_args(ctx, first, after, last, before)?;
        let mut filter = filter.unwrap_or_default().into_service()?;
        filter.region_ids.push(self.model.id);
        let lang = match locale.as_deref() {
            Some(_) => Lang::resolve(ctx, locale.as_deref()),
            None => self.lang.clone(),
        };
        crate::graphql::offer::offer_connection(
            ctx,
            &filter,
            order_by.unwrap_or_default(),
            &args,
            lang,
        )
        .await
    }

    /// The regions that lie directly in this one.
    #[graphql(complexity = "crate::graphql::relay::page_cost(first, last, child_complexity)")]
    async fn children(
        &self,
        ctx: &Context<'_>,
        kind: Option<RegionKindGql>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<RelayConnection<Region>> {
        let args = page_args(ctx, first, after, last, before)?;
        let filter = RegionFilter {
            kind: kind.map(RegionKind::from),
            parent_id: Some(self.model.id),
            search: None,
        };
        region_connection(ctx, &filter, &args, self.lang.clone()).await
    }
}

/// A page of regions with what the selection asks of them loaded together.
pub(super) async fn region_connection(
    ctx: &Context<'_>,
    filter: &RegionFilter,
    args: &crate::service::page::PageArgs,
    lang: Lang,
) -> ApiResult<RelayConnection<Region>> {
    let app = AppContext::of(ctx)?;
    let page = service::region::list(&app.db, filter, args).await?;
    let ids: Vec<_> = page.items.iter().map(|(_, m)| m.id).collect();
    prefetch::region_page(ctx, &ids).await?;
    Ok(connection(page, |m| Region::new(m, lang.clone())))
}

impl Region {
    async fn localised_name(&self, ctx: &Context<'_>) -> ApiResult<(String, Option<String>)> {
        let names = Loaders::of(ctx)?
            .region_names()
            .load_one(self.model.id)
            .await?
            .unwrap_or_default();
        // Only an explicit wish is honoured here: the official name is every region's default.
        let wished = Lang::pick_exact(&self.lang, &names, |n| &n.locale);
        Ok(match wished {
            Some(n) => (n.name.clone(), Some(n.locale.clone())),
            None => (self.model.name.clone(), None),
        })
    }
}
