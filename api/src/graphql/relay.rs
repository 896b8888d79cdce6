//! Relay conventions: opaque global ids (`base64url("Type:uuid")`) and connections with
//! `totalCount`, built from a service `Page`.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{ID, OutputType, SimpleObject};
use uuid::Uuid;

use crate::error::ApiResult;
use crate::service::page::{Page, PageArgs};

pub use crate::ids::{NodeType, expect_global_id, parse_global_id};

/// The global id of a record, as the schema's `ID`.
pub fn global_id(kind: NodeType, id: Uuid) -> ID {
    ID(crate::ids::global_id(kind, id))
}

/// Extra fields on every connection.
#[derive(Debug, Clone, SimpleObject)]
pub struct ConnectionFields {
    /// How many items the whole list holds, across all pages.
    pub total_count: u64,
}

/// A connection of `N` with `totalCount`, named after `N` (`OfferConnection`, `OfferEdge`).
pub type RelayConnection<N> = Connection<String, N, ConnectionFields>;

/// Builds a connection from a service page, wrapping each model.
pub fn connection<M, N: OutputType>(page: Page<M>, wrap: impl Fn(M) -> N) -> RelayConnection<N> {
    let mut connection = Connection::with_additional_fields(
        page.has_previous_page,
        page.has_next_page,
        ConnectionFields {
            total_count: page.total_count,
        },
    );
    connection.edges.extend(
        page.items
            .into_iter()
            .map(|(cursor, model)| Edge::new(cursor.encode(), wrap(model))),
    );
    connection
}

/// Page arguments of a connection field: checked against the page-size cap, and counting
/// the whole list only when the query selects `totalCount`.
pub fn page_args(
    ctx: &async_graphql::Context<'_>,
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> ApiResult<PageArgs> {
    let app = crate::context::AppContext::of(ctx)?;
    let wants_total = ctx.look_ahead().field("totalCount").exists();
    Ok(PageArgs::new(
        first,
        after,
        last,
        before,
        app.settings.queries.max_page_size,
    )?
    .counting(wants_total))
}

/// The complexity of a connection field: what one item selects, times the page size asked
/// for (the default page when none is named).
pub fn page_cost(first: Option<i32>, last: Option<i32>, child_complexity: usize) -> usize {
    let size = first
        .or(last)
        .unwrap_or(crate::service::page::DEFAULT_PAGE_SIZE as i32)
        .max(1);
    usize::try_from(size)
        .unwrap_or(1)
        .saturating_mul(child_complexity)
        .saturating_add(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_ids_round_trip_and_check_their_type() {
        let uuid = Uuid::now_v7();
        let id = global_id(NodeType::Offer, uuid);
        assert_eq!(parse_global_id(&id).unwrap(), (NodeType::Offer, uuid));
        assert_eq!(expect_global_id(&id, NodeType::Offer).unwrap(), uuid);
        assert!(expect_global_id(&id, NodeType::Region).is_err());
        assert!(parse_global_id("nonsense").is_err());
    }
}
