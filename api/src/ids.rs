//! New record ids: UUID v7, ordered by creation time, so indexes stay compact and a fresh
//! row sorts after older ones.

use uuid::Uuid;

/// A new, time-ordered id.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}
