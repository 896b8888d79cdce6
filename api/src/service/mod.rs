//! Business rules, free of GraphQL and HTTP. Functions take any `ConnectionTrait` (a pool or a
//! transaction) and return `ApiResult`.

pub mod account;
pub mod api_client;
pub mod audit;
pub mod bulk;
pub mod category;
pub mod changes;
pub mod counts;
pub mod held_reference;
pub mod identity;
pub mod indexing;
pub mod markdown;
pub mod mentoring;
pub mod offer;
pub mod operation;
pub mod outbox;
pub mod page;
pub mod provider;
pub mod provider_write;
pub mod region;
pub mod region_import;
pub mod search;
pub mod search_misses;
pub mod search_terms;
pub mod session;
pub mod signed_in;
pub mod text;

use std::collections::HashMap;

use uuid::Uuid;

/// Groups child rows by their parent's id, with an (empty) entry for every parent asked for,
/// so a loader's cache also remembers "nothing there".
pub(crate) fn group_by<T>(
    parents: &[Uuid],
    rows: impl IntoIterator<Item = T>,
    parent_of: impl Fn(&T) -> Uuid,
) -> HashMap<Uuid, Vec<T>> {
    let mut out: HashMap<Uuid, Vec<T>> = parents.iter().map(|id| (*id, Vec::new())).collect();
    for row in rows {
        out.entry(parent_of(&row)).or_default().push(row);
    }
    out
}
