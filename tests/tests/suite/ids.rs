//! Global ids of records the tests create straight in the database.

use angebotsplattform::graphql::relay::{NodeType, global_id};
use uuid::Uuid;

pub fn offer_gid(id: Uuid) -> String {
    global_id(NodeType::Offer, id).0
}

pub fn provider_gid(id: Uuid) -> String {
    global_id(NodeType::Provider, id).0
}

pub fn region_gid(id: Uuid) -> String {
    global_id(NodeType::Region, id).0
}

/// The global id of any record.
pub fn gid(kind: NodeType, id: Uuid) -> String {
    global_id(kind, id).0
}

/// The uuid inside a global id.
pub fn uuid_of(global: &str) -> Uuid {
    angebotsplattform::graphql::relay::parse_global_id(global)
        .unwrap()
        .1
}
