//! Accounts in GraphQL: `me`, signing in and out, invitations.

mod mutation;
mod query;
mod types;

pub use mutation::AccountMutation;
pub use query::AccountQuery;
pub use types::{Account, RoleGql};
