//! Inputs of the offer queries: `OfferFilter` and `OfferOrder`, checked and turned into the
//! service's terms.

use async_graphql::{Enum, ID, InputObject};
use chrono::{DateTime, Utc};

use crate::error::{ApiError, ApiResult, FieldError};
use crate::graphql::offer::types::{CefrLevelGql, CostKindGql, OfferStatusGql, Weekday};
use crate::graphql::relay::{NodeType, expect_global_id};
use crate::graphql::scalars::Date;
use crate::service::offer::{OfferFilter, TimeOfDay};

/// A part of the day, by when a session starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "TimeOfDay")]
pub enum TimeOfDayGql {
    /// Starts before 12:00.
    Morning,
    /// Starts from 12:00 to 16:59.
    Afternoon,
    /// Starts at 17:00 or later.
    Evening,
}

/// What offers to list; every given field narrows the list.
#[derive(Debug, Clone, Default, InputObject)]
#[graphql(name = "OfferFilter")]
pub struct OfferFilterInput {
    /// Category codes (`language`, `early-childhood`…); a pillar includes its areas.
    pub category_codes: Option<Vec<String>>,
    /// Regions: a region includes what lies inside it, what it lies in (regional and
    /// canton-wide offers) and the lead municipalities that serve it.
    pub region_ids: Option<Vec<ID>>,
    pub provider_ids: Option<Vec<ID>>,
    /// Languages of instruction (ISO 639 codes such as `de`, `fr`).
    pub instruction_languages: Option<Vec<String>>,
    /// CEFR levels of language courses.
    pub levels: Option<Vec<CefrLevelGql>>,
    pub costs: Option<Vec<CostKindGql>>,
    /// Only offers with (true) or without (false) childcare.
    pub childcare: Option<bool>,
    /// Meets on one of these days.
    pub weekdays: Option<Vec<Weekday>>,
    /// Has a session starting in one of these parts of the day.
    pub times_of_day: Option<Vec<TimeOfDayGql>>,
    /// Starts on or after this day.
    pub starts_after: Option<Date>,
    /// Starts on or before this day.
    pub starts_before: Option<Date>,
    pub online: Option<bool>,
    /// Changed at or after this time (delta sync; see `offerTombstones` for removals).
    pub updated_since: Option<DateTime<Utc>>,
    /// Workflow statuses (staff only; the public sees published offers).
    pub statuses: Option<Vec<OfferStatusGql>>,
}

impl OfferFilterInput {
    /// The service filter; every unreadable id is reported at once.
    pub fn into_service(self) -> ApiResult<OfferFilter> {
        let mut errors = Vec::new();
        let region_ids = ids(
            self.region_ids,
            NodeType::Region,
            "filter.regionIds",
            &mut errors,
        );
        let provider_ids = ids(
            self.provider_ids,
            NodeType::Provider,
            "filter.providerIds",
            &mut errors,
        );
        if !errors.is_empty() {
            return Err(ApiError::invalid_fields(errors));
        }
        Ok(OfferFilter {
            category_codes: self.category_codes.unwrap_or_default(),
            region_ids,
            provider_ids,
            instruction_languages: self.instruction_languages.unwrap_or_default(),
            levels: list(self.levels),
            costs: list(self.costs),
            childcare: self.childcare,
            weekdays: self
                .weekdays
                .unwrap_or_default()
                .into_iter()
                .map(Weekday::iso)
                .collect(),
            times_of_day: self
                .times_of_day
                .unwrap_or_default()
                .into_iter()
                .map(|t| match t {
                    TimeOfDayGql::Morning => TimeOfDay::Morning,
                    TimeOfDayGql::Afternoon => TimeOfDay::Afternoon,
                    TimeOfDayGql::Evening => TimeOfDay::Evening,
                })
                .collect(),
            starts_after: self.starts_after.map(Into::into),
            starts_before: self.starts_before.map(Into::into),
            online: self.online,
            updated_since: self.updated_since,
            statuses: list(self.statuses),
            text_words: Vec::new(),
        })
    }
}

fn list<G, S: From<G>>(values: Option<Vec<G>>) -> Vec<S> {
    values
        .unwrap_or_default()
        .into_iter()
        .map(S::from)
        .collect()
}

/// Reads a list of global ids of one kind, reporting every unreadable one.
pub(crate) fn ids(
    values: Option<Vec<ID>>,
    kind: NodeType,
    field: &str,
    errors: &mut Vec<FieldError>,
) -> Vec<uuid::Uuid> {
    let mut out = Vec::new();
    for (i, id) in values.unwrap_or_default().iter().enumerate() {
        match expect_global_id(id, kind) {
            Ok(uuid) => out.push(uuid),
            Err(err) => errors.push(FieldError::new(format!("{field}[{i}]"), err.to_string())),
        }
    }
    out
}

/// What to sort offers by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Default)]
pub enum OfferOrderField {
    /// The first day the offer meets.
    #[default]
    StartDate,
    /// The title in the offer's own language.
    Title,
    /// When the offer last changed.
    UpdatedAt,
}

/// Which way to sort.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Default)]
pub enum OrderDirection {
    #[default]
    Asc,
    Desc,
}

/// How to sort offers; ties are broken by id, so the order is stable.
#[derive(Debug, Clone, Copy, Default, InputObject)]
pub struct OfferOrder {
    #[graphql(default)]
    pub field: OfferOrderField,
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl OfferOrder {
    /// The service ordering.
    pub fn into_service(self) -> crate::service::offer::OfferOrder {
        crate::service::offer::OfferOrder {
            field: match self.field {
                OfferOrderField::StartDate => crate::service::offer::OfferOrderField::StartDate,
                OfferOrderField::Title => crate::service::offer::OfferOrderField::Title,
                OfferOrderField::UpdatedAt => crate::service::offer::OfferOrderField::UpdatedAt,
            },
            descending: self.direction == OrderDirection::Desc,
        }
    }
}
