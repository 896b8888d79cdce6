//! Loads the parts of a whole page that the query selects, a few statements per kind of
//! part, before the page's items are resolved.
//!
//! Items then read their parts from the loaders' request cache. Loaders alone batch only the
//! keys that arrive within one short window; on a large page the executor yields between
//! items and a batch can split, so the number of statements would grow with the page.

use std::collections::{BTreeSet, HashMap};

use async_graphql::{Context, Lookahead};
use entity::{offer, provider};
use futures_util::future::BoxFuture;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::graphql::loader::Loaders;

/// Whether any of the fields is selected.
fn wants(node: &Lookahead<'_>, fields: &[&str]) -> bool {
    fields.iter().any(|f| node.field(f).exists())
}

/// The item selections of a connection field: `edges { node }` and `nodes`.
fn items<'a>(connection: &Lookahead<'a>) -> Vec<Lookahead<'a>> {
    [
        connection.field("edges").field("node"),
        connection.field("nodes"),
    ]
    .into_iter()
    .filter(Lookahead::exists)
    .collect()
}

fn unique(ids: impl IntoIterator<Item = Uuid>) -> Vec<Uuid> {
    ids.into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Prefetches for a connection of offers resolved by the current field.
pub async fn offer_page(ctx: &Context<'_>, offers: &[offer::Model]) -> ApiResult<()> {
    for node in items(&ctx.look_ahead()) {
        offers_selected(ctx, &node, offers).await?;
    }
    Ok(())
}

/// Prefetches for a connection of regions resolved by the current field.
pub async fn region_page(ctx: &Context<'_>, ids: &[Uuid]) -> ApiResult<()> {
    for node in items(&ctx.look_ahead()) {
        regions(ctx, &node, ids.to_vec()).await?;
    }
    Ok(())
}

/// Prefetches for a connection of providers resolved by the current field.
pub async fn provider_page(ctx: &Context<'_>, providers: &[provider::Model]) -> ApiResult<()> {
    for node in items(&ctx.look_ahead()) {
        providers_selected(ctx, &node, providers).await?;
    }
    Ok(())
}

async fn offers_selected(
    ctx: &Context<'_>,
    node: &Lookahead<'_>,
    offers: &[offer::Model],
) -> ApiResult<()> {
    let loaders = Loaders::of(ctx)?;
    let ids: Vec<Uuid> = offers.iter().map(|o| o.id).collect();
    let categories = node.field("categories");
    let served = node.field("regions");
    let locations = node.field("locations");
    let provider = node.field("provider");

    // First the offers' own parts, each from its own loader, all at once.
    let (_, _, _, category_ids, served_ids, places, providers) = tokio::try_join!(
        when(
            wants(
                node,
                &[
                    "title",
                    "summary",
                    "description",
                    "servedLocale",
                    "machineTranslated",
                    "availableLocales"
                ]
            ),
            loaders.offer_translations().load_many(ids.clone()),
        ),
        when(
            wants(node, &["instructionLanguages", "supportLanguages"]),
            loaders.offer_languages().load_many(ids.clone()),
        ),
        when(
            node.field("schedules").exists(),
            loaders.offer_schedules().load_many(ids.clone())
        ),
        when(
            categories.exists(),
            loaders.offer_categories().load_many(ids.clone())
        ),
        when(
            served.exists(),
            loaders.offer_regions().load_many(ids.clone())
        ),
        when(
            locations.exists(),
            loaders.offer_locations().load_many(ids.clone())
        ),
        when(
            provider.exists(),
            loaders
                .provider()
                .load_many(unique(offers.iter().map(|o| o.provider_id))),
        ),
    )?;
    let providers: Vec<provider::Model> = providers.into_values().collect();

    // Then what hangs off them. Paths that share a loader run one after the other, so each
    // asks for what the ones before it have not cached: the count of statements depends on
    // the query, never on timing.
    let categories_done = categories_selected(
        ctx,
        &categories,
        unique(category_ids.into_values().flatten()),
    );
    let provider_texts = when(
        wants(&provider, &["description", "servedLocale"]),
        loaders
            .provider_translations()
            .load_many(providers.iter().map(|p| p.id).collect::<Vec<_>>()),
    );
    tokio::try_join!(categories_done, provider_texts)?;
    regions(ctx, &served, unique(served_ids.into_values().flatten())).await?;
    let municipalities = places
        .into_values()
        .flatten()
        .filter_map(|l| l.municipality_id);
    regions(
        ctx,
        &locations.field("municipality"),
        unique(municipalities),
    )
    .await?;
    let bases = providers.iter().filter_map(|p| p.municipality_id);
    regions(ctx, &provider.field("municipality"), unique(bases)).await?;
    Ok(())
}

/// Runs a load only when its part is selected; an empty map otherwise.
async fn when<V>(
    selected: bool,
    load: impl std::future::Future<Output = Result<HashMap<Uuid, V>, ApiError>>,
) -> ApiResult<HashMap<Uuid, V>> {
    if selected {
        load.await
    } else {
        Ok(HashMap::new())
    }
}

async fn providers_selected(
    ctx: &Context<'_>,
    node: &Lookahead<'_>,
    providers: &[provider::Model],
) -> ApiResult<()> {
    let loaders = Loaders::of(ctx)?;
    let ids: Vec<Uuid> = providers.iter().map(|p| p.id).collect();
    when(
        wants(node, &["description", "servedLocale"]),
        loaders.provider_translations().load_many(ids),
    )
    .await?;
    let bases = providers.iter().filter_map(|p| p.municipality_id);
    regions(ctx, &node.field("municipality"), unique(bases)).await
}

/// Regions and what the selection asks of them, following `parents` and `servedBy` as deep
/// as the query goes (which the depth limit bounds). One level's loads run together; the
/// next level starts when they are done.
fn regions<'a>(
    ctx: &'a Context<'_>,
    node: &'a Lookahead<'_>,
    ids: Vec<Uuid>,
) -> BoxFuture<'a, ApiResult<()>> {
    Box::pin(async move {
        if ids.is_empty() || !node.exists() {
            return Ok(());
        }
        let loaders = Loaders::of(ctx)?;
        let parents = node.field("parents");
        let serving = node.field("servedBy");
        let (_, _, _, parent_ids, serving_ids) = tokio::try_join!(
            loaders.region().load_many(ids.clone()),
            when(
                wants(node, &["name", "servedLocale"]),
                loaders.region_names().load_many(ids.clone())
            ),
            when(
                wants(node, &["postcodes"]),
                loaders.region_postcodes().load_many(ids.clone())
            ),
            when(
                parents.exists(),
                loaders.region_parents().load_many(ids.clone())
            ),
            when(
                serving.exists(),
                loaders.region_served_by().load_many(ids.clone())
            ),
        )?;
        regions(ctx, &parents, unique(parent_ids.into_values().flatten())).await?;
        regions(ctx, &serving, unique(serving_ids.into_values().flatten())).await
    })
}

/// Categories and their labels and parents, as selected, one level after the other.
fn categories_selected<'a>(
    ctx: &'a Context<'_>,
    node: &'a Lookahead<'_>,
    ids: Vec<Uuid>,
) -> BoxFuture<'a, ApiResult<()>> {
    Box::pin(async move {
        if ids.is_empty() || !node.exists() {
            return Ok(());
        }
        let loaders = Loaders::of(ctx)?;
        let (found, _) = tokio::try_join!(
            loaders.category().load_many(ids.clone()),
            when(
                wants(node, &["label", "servedLocale"]),
                loaders.category_labels().load_many(ids.clone())
            ),
        )?;
        let parent_ids = unique(found.values().filter_map(|c| c.parent_id));
        categories_selected(ctx, &node.field("parent"), parent_ids).await
    })
}
