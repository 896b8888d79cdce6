//! What the search index holds of an offer: its texts in every language, the codes it is
//! filtered and counted by, when it starts and where it takes place. The catalogue fills it
//! (`service::indexing::documents`); nothing personal is in it (offers and providers only).

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use entity::offer;
use entity::types::OfferStatus;
use uuid::Uuid;

/// One offer as indexed.
#[derive(Debug, Clone, PartialEq)]
pub struct OfferDocument {
    pub id: Uuid,
    pub provider_id: Uuid,
    /// Titles in every locale.
    pub titles: Vec<String>,
    /// Summaries and descriptions in every locale.
    pub bodies: Vec<String>,
    /// Labels of its categories in every locale: found like the context, and the concepts
    /// they name count like those its titles name (a category is what an offer is).
    pub category_labels: Vec<String>,
    /// The provider's name, places: found, but weighted less.
    pub context: Vec<String>,
    /// Category codes, areas with their pillars.
    pub categories: Vec<String>,
    /// Served regions and the municipalities of its locations.
    pub regions: Vec<Uuid>,
    /// Codes of the districts it is in or serves, for counting.
    pub districts: Vec<String>,
    pub instruction_languages: Vec<String>,
    pub level: Option<String>,
    pub cost: String,
    pub childcare: bool,
    pub online: bool,
    /// ISO weekdays of its sessions.
    pub weekdays: Vec<i16>,
    /// `MORNING`, `AFTERNOON`, `EVENING` of its sessions.
    pub times_of_day: Vec<String>,
    pub starts_on: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub updated_at: DateTime<Utc>,
    /// The first location with coordinates (lat, lon).
    pub point: Option<(f64, f64)>,
}

/// Whether an offer belongs in the search index now.
pub fn is_searchable(model: &offer::Model, today: NaiveDate) -> bool {
    model.status == OfferStatus::Published && model.valid_until.is_none_or(|u| u >= today)
}

/// The part of the day a session starting at `time` falls in.
pub fn time_of_day(time: NaiveTime) -> &'static str {
    let noon = NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default();
    let five = NaiveTime::from_hms_opt(17, 0, 0).unwrap_or_default();
    if time < noon {
        "MORNING"
    } else if time < five {
        "AFTERNOON"
    } else {
        "EVENING"
    }
}
