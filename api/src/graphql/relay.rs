//! Relay conventions: opaque global ids (`base64url("Type:uuid")`) and connections with
//! `totalCount`, built from a service `Page`.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{ID, OutputType, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::service::page::{Page, PageArgs};

/// The types that have global ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeType {
    Offer,
    Provider,
    Region,
    Category,
    Account,
    MentoringPool,
    Invitation,
    ApiClient,
    AuditEntry,
    Mentor,
    MentoringRequest,
    MentorMatch,
    CheckIn,
}

impl NodeType {
    fn name(self) -> &'static str {
        match self {
            Self::Offer => "Offer",
            Self::Provider => "Provider",
            Self::Region => "Region",
            Self::Category => "Category",
            Self::Account => "Account",
            Self::MentoringPool => "MentoringPool",
            Self::Invitation => "Invitation",
            Self::ApiClient => "ApiClient",
            Self::AuditEntry => "AuditEntry",
            Self::Mentor => "Mentor",
            Self::MentoringRequest => "MentoringRequest",
            Self::MentorMatch => "MentorMatch",
            Self::CheckIn => "CheckIn",
        }
    }

    /// The type of the records the audit log names by `entity_type` (the table they live
    /// in), if they have global ids.
    pub fn of_audited(entity_type: &str) -> Option<Self> {
        Some(match entity_type {
            "offer" => Self::Offer,
            "provider" => Self::Provider,
            "user_account" => Self::Account,
            "mentoring_pool" => Self::MentoringPool,
            "invitation" => Self::Invitation,
            "api_client" => Self::ApiClient,
            "mentor" => Self::Mentor,
            "mentoring_request" => Self::MentoringRequest,
            "mentor_match" => Self::MentorMatch,
            "check_in" => Self::CheckIn,
            _ => return None,
        })
    }

    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "Offer" => Self::Offer,
            "Provider" => Self::Provider,
            "Region" => Self::Region,
            "Category" => Self::Category,
            "Account" => Self::Account,
            "MentoringPool" => Self::MentoringPool,
            "Invitation" => Self::Invitation,
            "ApiClient" => Self::ApiClient,
            "AuditEntry" => Self::AuditEntry,
            "Mentor" => Self::Mentor,
            "MentoringRequest" => Self::MentoringRequest,
            "MentorMatch" => Self::MentorMatch,
            "CheckIn" => Self::CheckIn,
            _ => return None,
        })
    }
}

/// The global id of a record.
pub fn global_id(kind: NodeType, id: Uuid) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{id}", kind.name())))
}

/// Reads any global id.
pub fn parse_global_id(id: &str) -> ApiResult<(NodeType, Uuid)> {
    URL_SAFE_NO_PAD
        .decode(id)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| {
            let (kind, uuid) = text.split_once(':')?;
            Some((NodeType::from_name(kind)?, Uuid::parse_str(uuid).ok()?))
        })
        .ok_or_else(|| ApiError::bad_input("invalid id"))
}

/// Reads a global id that must name a record of one type.
pub fn expect_global_id(id: &str, kind: NodeType) -> ApiResult<Uuid> {
    match parse_global_id(id)? {
        (found, uuid) if found == kind => Ok(uuid),
        _ => Err(ApiError::bad_input(format!("id is not a {}", kind.name()))),
    }
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
    Ok(
        PageArgs::new(first, after, last, before, app.settings.max_page_size)?
            .counting(wants_total),
    )
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
