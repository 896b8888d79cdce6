//! The platform's notion of "now".
//!
//! Timestamps are cut to whole seconds before they are stored: SQLite keeps them as text and
//! the driver writes a fraction of varying length, which would break ordering by text. Whole
//! seconds sort correctly on both engines and are precise enough for every use here.

use chrono::{DateTime, SubsecRound, Utc};

/// The current time, cut to whole seconds.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(0)
}

/// Cuts a client-supplied time to whole seconds so comparisons with stored values hold.
pub fn normalise(time: DateTime<Utc>) -> DateTime<Utc> {
    time.trunc_subsecs(0)
}
