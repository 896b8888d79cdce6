//! Loads the parts of a whole page that the query selects, a few statements per kind of
//! part, before the page's items are resolved.
//!
//! Items then read their parts from the loaders' request cache. Loaders alone batch only the
//! keys that arrive within one short window; on a large page the executor yields between
//! items and a batch can split, so the number of statements would grow with the page.

use std::collections::BTreeSet;

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
    let texts = async {
        if wants(
            node,
            &[
                "title",
                "summary",
                "description",
                "servedLocale",
                "machineTranslated",
                "availableLocales",
            ],
        ) {
            loaders.offer_translations.load_many(ids.clone()).await?;
        }
        Ok::<_, ApiError>(())
    };
    let languages = async {
        if wants(node, &["instructionLanguages", "supportLanguages"]) {
            loaders.offer_languages.load_many(ids.clone()).await?;
        }
        Ok(())
    };
    let schedules = async {
        if wants(node, &["schedules"]) {
            loaders.offer_schedules.load_many(ids.clone()).await?;
        }
        Ok(())
    };
    let categories = async {
        let selection = node.field("categories");
        if selection.exists() {
            let by_offer = loaders.offer_categories.load_many(ids.clone()).await?;
            categories_selected(ctx, &selection, unique(by_offer.into_values().flatten())).await?;
        }
        Ok(())
    };
    let served = async {
        let selection = node.field("regions");
        if selection.exists() {
            let by_offer = loaders.offer_regions.load_many(ids.clone()).await?;
            regions(ctx, &selection, unique(by_offer.into_values().flatten())).await?;
        }
        Ok(())
    };
    let locations = async {
        let selection = node.field("locations");
        if selection.exists() {
            let by_offer = loaders.offer_locations.load_many(ids.clone()).await?;
            let municipality = selection.field("municipality");
            if municipality.exists() {
                let municipalities = by_offer
                    .into_values()
                    .flatten()
                    .filter_map(|l| l.municipality_id);
                regions(ctx, &municipality, unique(municipalities)).await?;
            }
        }
        Ok(())
    };
    let provider = async {
        let selection = node.field("provider");
        if selection.exists() {
            let found = loaders
                .provider
                .load_many(unique(offers.iter().map(|o| o.provider_id)))
                .await?;
            let found: Vec<provider::Model> = found.into_values().collect();
            providers_selected(ctx, &selection, &found).await?;
        }
        Ok(())
    };
    tokio::try_join!(
        texts, languages, schedules, categories, served, locations, provider
    )?;
    Ok(())
}

async fn providers_selected(
    ctx: &Context<'_>,
    node: &Lookahead<'_>,
    providers: &[provider::Model],
) -> ApiResult<()> {
    let loaders = Loaders::of(ctx)?;
    let ids: Vec<Uuid> = providers.iter().map(|p| p.id).collect();
    let texts = async {
        if wants(node, &["description", "servedLocale"]) {
            loaders.provider_translations.load_many(ids.clone()).await?;
        }
        Ok::<_, ApiError>(())
    };
    let place = async {
        let selection = node.field("municipality");
        if selection.exists() {
            let municipalities = providers.iter().filter_map(|p| p.municipality_id);
            regions(ctx, &selection, unique(municipalities)).await?;
        }
        Ok(())
    };
    tokio::try_join!(texts, place)?;
    Ok(())
}

/// Regions and what the selection asks of them, following `parents` and `servedBy` as deep
/// as the query goes (which the depth limit bounds).
fn regions<'a>(
    ctx: &'a Context<'_>,
    node: &'a Lookahead<'_>,
    ids: Vec<Uuid>,
) -> BoxFuture<'a, ApiResult<()>> {
    Box::pin(async move {
        if ids.is_empty() {
            return Ok(());
        }
        let loaders = Loaders::of(ctx)?;
        let models = async {
            loaders.region.load_many(ids.clone()).await?;
            Ok::<_, ApiError>(())
        };
        let names = async {
            if wants(node, &["name", "servedLocale"]) {
                loaders.region_names.load_many(ids.clone()).await?;
            }
            Ok(())
        };
        let postcodes = async {
            if wants(node, &["postcodes"]) {
                loaders.region_postcodes.load_many(ids.clone()).await?;
            }
            Ok(())
        };
        let parents = async {
            let selection = node.field("parents");
            if selection.exists() {
                let found = loaders.region_parents.load_many(ids.clone()).await?;
                regions(ctx, &selection, unique(found.into_values().flatten())).await?;
            }
            Ok(())
        };
        let serving = async {
            let selection = node.field("servedBy");
            if selection.exists() {
                let found = loaders.region_served_by.load_many(ids.clone()).await?;
                regions(ctx, &selection, unique(found.into_values().flatten())).await?;
            }
            Ok(())
        };
        tokio::try_join!(models, names, postcodes, parents, serving)?;
        Ok(())
    })
}

/// Categories and their labels and parents, as selected.
fn categories_selected<'a>(
    ctx: &'a Context<'_>,
    node: &'a Lookahead<'_>,
    ids: Vec<Uuid>,
) -> BoxFuture<'a, ApiResult<()>> {
    Box::pin(async move {
        if ids.is_empty() {
            return Ok(());
        }
        let loaders = Loaders::of(ctx)?;
        let found = loaders.category.load_many(ids.clone()).await?;
        let labels = async {
            if wants(node, &["label", "servedLocale"]) {
                loaders.category_labels.load_many(ids.clone()).await?;
            }
            Ok::<_, ApiError>(())
        };
        let parents = async {
            let selection = node.field("parent");
            if selection.exists() {
                let parent_ids = unique(found.values().filter_map(|c| c.parent_id));
                categories_selected(ctx, &selection, parent_ids).await?;
            }
            Ok(())
        };
        tokio::try_join!(labels, parents)?;
        Ok(())
    })
}
