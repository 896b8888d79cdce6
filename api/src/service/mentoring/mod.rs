//! Mentoring pools: who may see and change a pool's people, loading mentors and requests as
//! the matching sees them, ranked candidates and the pool-wide proposal, and the match
//! lifecycle with its capacity guarantee.

pub mod access;
pub mod erasure;
pub mod held_profiles;
pub mod intake;
pub mod match_list;
pub mod matches;
pub mod people;
pub mod pools;
pub mod profiles;
pub mod proposals;
pub mod reopen;
pub mod screening;
pub mod statistics;
