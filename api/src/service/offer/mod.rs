//! Offers: finding them here (who may see which, the filters of `OfferFilter`, orderings
//! with stable keyset paging, tombstones for offline apps that sync changes); their drafts
//! and checks (`draft`), every write (`write`), the parts read beside a page (`parts`), and
//! files of offers in and out (`import`, `export`).

pub mod draft;
pub mod export;
pub mod files;
pub mod import;
pub mod parts;
pub mod write;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use entity::types::{CefrLevel, CostKind, LanguageRole, OfferStatus};
use entity::{
    category, offer, offer_category, offer_language, offer_location, offer_region, offer_schedule,
    offer_translation,
};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::auth::Viewer;
use crate::clock;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::service::counts::CountsAt;
use crate::service::page::{
    KeysetOrder, Page, PageArgs, date_key, keyset_page, text_key, timestamp_key,
};
use crate::service::provider::escape_like;
use crate::service::region;

/// Most values one list filter takes; longer lists are refused rather than sent to the
/// database as huge `IN` lists.
pub const MAX_FILTER_VALUES: usize = 100;

/// Who is asking, as far as offer visibility goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// Anonymous callers and partner apps: published, current offers only.
    Public,
    /// Staff: besides the public view, every offer of these providers (`None`: of all
    /// providers, for admins) in any state.
    Staff { providers: Option<Vec<Uuid>> },
}

impl Audience {
    /// The audience of a viewer.
    pub fn of(viewer: &Viewer) -> Self {
        match viewer {
            Viewer::Anonymous => Self::Public,
            Viewer::Staff(_) => Self::Staff {
                providers: viewer.visible_providers().map(<[Uuid]>::to_vec),
            },
        }
    }

    /// What this audience may see beyond the public view, as a condition; `None` when it
    /// sees nothing more.
    fn beyond_public(&self) -> Option<Condition> {
        match self {
            Self::Public => None,
            // Spelled as a real predicate: an empty condition would be dropped from the `OR`.
            Self::Staff { providers: None } => {
                Some(Condition::all().add(offer::Column::Id.is_not_null()))
            }
            Self::Staff {
                providers: Some(ids),
            } if ids.is_empty() => None,
            Self::Staff {
                providers: Some(ids),
            } => Some(Condition::all().add(offer::Column::ProviderId.is_in(ids.clone()))),
        }
    }
}

/// A part of the day, by the start time of a schedule slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeOfDay {
    /// Starts before noon.
    Morning,
    /// Starts from noon to before 17:00.
    Afternoon,
    /// Starts at 17:00 or later.
    Evening,
}

/// Which offers a list holds; every part narrows the list, empty parts do not.
#[derive(Debug, Clone, Default)]
pub struct OfferFilter {
    /// Category codes; a pillar stands for all its areas.
    pub category_codes: Vec<String>,
    /// Regions; see [`region::expand_for_filter`] for what each one includes.
    pub region_ids: Vec<Uuid>,
    pub provider_ids: Vec<Uuid>,
    /// Languages the offer is taught in (ISO 639 codes).
    pub instruction_languages: Vec<String>,
    pub levels: Vec<CefrLevel>,
    pub costs: Vec<CostKind>,
    pub childcare: Option<bool>,
    /// ISO weekdays (Monday = 1) on which the offer meets.
    pub weekdays: Vec<i16>,
    pub times_of_day: Vec<TimeOfDay>,
    /// The offer starts on or after this day.
    pub starts_after: Option<NaiveDate>,
    /// The offer starts on or before this day.
    pub starts_before: Option<NaiveDate>,
    pub online: Option<bool>,
    /// Changed at or after this time (delta sync).
    pub updated_since: Option<DateTime<Utc>>,
    /// Staff only; the public sees published offers.
    pub statuses: Vec<OfferStatus>,
    /// Words that must each occur in a title or summary (any language, any case); used when
    /// search answers from the database.
    pub text_words: Vec<String>,
}

/// How a list of offers is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OfferOrderField {
    /// By the first day the offer meets.
    #[default]
    StartDate,
    /// By title in the offer's own language.
    Title,
    /// Most recently changed first when descending.
    UpdatedAt,
}

/// A sort field and direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OfferOrder {
    pub field: OfferOrderField,
    pub descending: bool,
}

const BY_START: KeysetOrder<offer::Entity, offer::Model> = KeysetOrder {
    name: "offer-start",
    key: Some(offer::Column::StartsOn),
    id: offer::Column::Id,
    parse_key: date_key,
    key_of: |o| Some(o.starts_on.format("%Y-%m-%d").to_string()),
    id_of: |o| o.id,
};

const BY_TITLE: KeysetOrder<offer::Entity, offer::Model> = KeysetOrder {
    name: "offer-title",
    key: Some(offer::Column::SortTitle),
    id: offer::Column::Id,
    parse_key: text_key,
    key_of: |o| Some(o.sort_title.clone()),
    id_of: |o| o.id,
};

const BY_UPDATE: KeysetOrder<offer::Entity, offer::Model> = KeysetOrder {
    name: "offer-updated",
    key: Some(offer::Column::UpdatedAt),
    id: offer::Column::Id,
    parse_key: timestamp_key,
    key_of: |o| Some(o.updated_at.to_rfc3339()),
    id_of: |o| o.id,
};

impl OfferOrder {
    fn keyset(self) -> &'static KeysetOrder<offer::Entity, offer::Model> {
        match self.field {
            OfferOrderField::StartDate => &BY_START,
            OfferOrderField::Title => &BY_TITLE,
            OfferOrderField::UpdatedAt => &BY_UPDATE,
        }
    }
}

/// Offers the public may see: published, and not past their end date.
fn public(today: NaiveDate) -> Condition {
    Condition::all()
        .add(offer::Column::Status.eq(OfferStatus::Published))
        .add(
            Condition::any()
                .add(offer::Column::ValidUntil.is_null())
                .add(offer::Column::ValidUntil.gte(today)),
        )
}

/// A page of the offers `audience` may see that match `filter`. `remembered` holds public
/// totals at the current data version; it is used for the public audience only, whose
/// every change bumps that version (staff see drafts, which do not).
pub async fn list<C: ConnectionTrait>(
    db: &C,
    audience: &Audience,
    filter: &OfferFilter,
    order: OfferOrder,
    args: &PageArgs,
    remembered: Option<CountsAt<'_>>,
) -> ApiResult<Page<offer::Model>> {
    let condition = filter_condition(db, audience, filter).await?;
    let select = offer::Entity::find().filter(condition);
    let remembered = remembered.filter(|_| matches!(audience, Audience::Public));
    keyset_page(
        db,
        select,
        order.keyset(),
        order.descending,
        args,
        remembered,
    )
    .await
}

/// One offer, if `audience` may see it. Offers one may not see are simply not found, so
/// their existence does not leak.
pub async fn by_id<C: ConnectionTrait>(
    db: &C,
    audience: &Audience,
    id: Uuid,
) -> ApiResult<Option<offer::Model>> {
    let public = public(clock::now().date_naive());
    let visible = match audience.beyond_public() {
        Some(more) => Condition::any().add(public).add(more),
        None => public,
    };
    Ok(offer::Entity::find_by_id(id)
        .filter(visible)
        .one(db)
        .await?)
}

/// The offers among `ids` that `audience` may see, in one query (in no particular order).
pub async fn visible_by_ids<C: ConnectionTrait>(
    db: &C,
    audience: &Audience,
    ids: &[Uuid],
) -> ApiResult<Vec<offer::Model>> {
    let public = public(clock::now().date_naive());
    let visible = match audience.beyond_public() {
        Some(more) => Condition::any().add(public).add(more),
        None => public,
    };
    Ok(offer::Entity::find()
        .filter(offer::Column::Id.is_in(ids.iter().copied()))
        .filter(visible)
        .all(db)
        .await?)
}

/// Checks a filter and turns it into one SQL condition.
async fn filter_condition<C: ConnectionTrait>(
    db: &C,
    audience: &Audience,
    filter: &OfferFilter,
) -> ApiResult<Condition> {
    validate(filter)?;
    let mut all = Condition::all();
    let today = clock::now().date_naive();
    match (audience.beyond_public(), filter.statuses.is_empty()) {
        // Without `statuses` everyone gets the public view, so lists look the same to all.
        (_, true) => all = all.add(public(today)),
        (None, false) => {
            if filter.statuses.iter().any(|s| *s != OfferStatus::Published) {
                return Err(ApiError::Forbidden);
            }
            all = all.add(public(today));
        }
        (Some(more), false) => {
            all = all
                .add(offer::Column::Status.is_in(filter.statuses.clone()))
                .add(Condition::any().add(public(today)).add(more));
        }
    }
    if !filter.category_codes.is_empty() {
        let ids = category_ids_with_children(db, &filter.category_codes).await?;
        all = all.add(offer::Column::Id.in_subquery(offer_ids_where(
            offer_category::Entity,
            offer_category::Column::OfferId,
            offer_category::Column::CategoryId.is_in(ids),
        )));
    }
    if !filter.region_ids.is_empty() {
        let regions = region::expand_for_filter(db, &filter.region_ids).await?;
        all = all.add(
            Condition::any()
                .add(offer::Column::Id.in_subquery(offer_ids_where(
                    offer_region::Entity,
                    offer_region::Column::OfferId,
                    offer_region::Column::RegionId.is_in(regions.clone()),
                )))
                .add(offer::Column::Id.in_subquery(offer_ids_where(
                    offer_location::Entity,
                    offer_location::Column::OfferId,
                    offer_location::Column::MunicipalityId.is_in(regions),
                ))),
        );
    }
    if !filter.provider_ids.is_empty() {
        all = all.add(offer::Column::ProviderId.is_in(filter.provider_ids.clone()));
    }
    if !filter.instruction_languages.is_empty() {
        let languages: Vec<String> = filter
            .instruction_languages
            .iter()
            .map(|l| l.trim().to_ascii_lowercase())
            .collect();
        all = all.add(
            offer::Column::Id.in_subquery(offer_ids_where(
                offer_language::Entity,
                offer_language::Column::OfferId,
                Condition::all()
                    .add(offer_language::Column::Role.eq(LanguageRole::Instruction))
                    .add(offer_language::Column::Language.is_in(languages)),
            )),
        );
    }
    if !filter.levels.is_empty() {
        all = all.add(offer::Column::CefrLevel.is_in(filter.levels.clone()));
    }
    if !filter.costs.is_empty() {
        all = all.add(offer::Column::CostKind.is_in(filter.costs.clone()));
    }
    if let Some(childcare) = filter.childcare {
        all = all.add(offer::Column::Childcare.eq(childcare));
    }
    if let Some(online) = filter.online {
        all = all.add(offer::Column::Online.eq(online));
    }
    if !filter.weekdays.is_empty() || !filter.times_of_day.is_empty() {
        all = all.add(offer::Column::Id.in_subquery(offer_ids_where(
            offer_schedule::Entity,
            offer_schedule::Column::OfferId,
            schedule_condition(filter),
        )));
    }
    if let Some(after) = filter.starts_after {
        all = all.add(offer::Column::StartsOn.gte(after));
    }
    if let Some(before) = filter.starts_before {
        all = all.add(offer::Column::StartsOn.lte(before));
    }
    if let Some(since) = filter.updated_since {
        all = all.add(offer::Column::UpdatedAt.gte(clock::normalise(since)));
    }
    for word in &filter.text_words {
        let pattern = format!("%{}%", escape_like(&word.to_lowercase()));
        let lower = |column: offer_translation::Column| {
            Expr::expr(Func::lower(Expr::col(column)))
                .like(LikeExpr::new(pattern.clone()).escape('\\'))
        };
        all = all.add(
            offer::Column::Id.in_subquery(offer_ids_where(
                offer_translation::Entity,
                offer_translation::Column::OfferId,
                Condition::any()
                    .add(lower(offer_translation::Column::Title))
                    .add(lower(offer_translation::Column::Summary)),
            )),
        );
    }
    Ok(all)
}

/// A slot matches when it falls on one of the weekdays and starts in one of the parts of
/// the day (each part of the filter only when given).
fn schedule_condition(filter: &OfferFilter) -> Condition {
    let mut slot = Condition::all();
    if !filter.weekdays.is_empty() {
        slot = slot.add(offer_schedule::Column::Weekday.is_in(filter.weekdays.clone()));
    }
    if !filter.times_of_day.is_empty() {
        let noon = NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default();
        let five = NaiveTime::from_hms_opt(17, 0, 0).unwrap_or_default();
        let mut parts = Condition::any();
        for part in &filter.times_of_day {
            let column = offer_schedule::Column::StartTime;
            parts = parts.add(match part {
                TimeOfDay::Morning => Condition::all().add(column.lt(noon)),
                TimeOfDay::Afternoon => Condition::all().add(column.gte(noon)).add(column.lt(five)),
                TimeOfDay::Evening => Condition::all().add(column.gte(five)),
            });
        }
        slot = slot.add(parts);
    }
    slot
}

/// `SELECT <offer id column> FROM <table> WHERE <condition>`.
fn offer_ids_where<E: EntityTrait>(
    entity: E,
    offer_id: E::Column,
    condition: impl Into<Condition>,
) -> SelectStatement {
    Query::select()
        .column(offer_id)
        .from(entity)
        .cond_where(condition.into())
        .to_owned()
}

/// Ids of the categories with these codes and of their children.
async fn category_ids_with_children<C: ConnectionTrait>(
    db: &C,
    codes: &[String],
) -> ApiResult<Vec<Uuid>> {
    let named: Vec<Uuid> = category::Entity::find()
        .select_only()
        .column(category::Column::Id)
        .filter(category::Column::Code.is_in(codes.iter().cloned()))
        .into_tuple()
        .all(db)
        .await?;
    let children: Vec<Uuid> = category::Entity::find()
        .select_only()
        .column(category::Column::Id)
        .filter(category::Column::ParentId.is_in(named.clone()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(named.into_iter().chain(children).collect())
}

/// Every problem of a filter at once.
fn validate(filter: &OfferFilter) -> ApiResult<()> {
    let mut errors = Vec::new();
    let lists = [
        ("categoryCodes", filter.category_codes.len()),
        ("regionIds", filter.region_ids.len()),
        ("providerIds", filter.provider_ids.len()),
        ("instructionLanguages", filter.instruction_languages.len()),
        ("weekdays", filter.weekdays.len()),
    ];
    for (field, len) in lists {
        if len > MAX_FILTER_VALUES {
            errors.push(FieldError::new(
                format!("filter.{field}"),
                format!("at most {MAX_FILTER_VALUES} values"),
            ));
        }
    }
    if filter.weekdays.iter().any(|d| !(1..=7).contains(d)) {
        errors.push(FieldError::new(
            "filter.weekdays",
            "weekdays run from 1 (Monday) to 7",
        ));
    }
    if let (Some(after), Some(before)) = (filter.starts_after, filter.starts_before)
        && after > before
    {
        errors.push(FieldError::new(
            "filter.startsBefore",
            "must not lie before startsAfter",
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid_fields(errors))
    }
}

/// Why an offer left the public view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemovalReason {
    Archived,
    /// Sent back to draft or review after it was published.
    Unpublished,
    /// Past its end date.
    Expired,
}

/// An offer that offline apps should drop.
#[derive(Debug, Clone)]
pub struct Tombstone {
    pub offer_id: Uuid,
    pub removed_at: DateTime<Utc>,
    pub reason: RemovalReason,
}

/// Offers that were public once and have left the public view since `since`: archived,
/// unpublished, or past their end date. Offers are never deleted (they are archived), so
/// these are all an app needs to drop. Offers that were never published are not listed:
/// their existence stays private.
pub async fn tombstones<C: ConnectionTrait>(
    db: &C,
    since: DateTime<Utc>,
    args: &PageArgs,
) -> ApiResult<Page<Tombstone>> {
    let since = clock::normalise(since);
    let today = clock::now().date_naive();
    let changed_out_of_view = Condition::all()
        .add(offer::Column::Status.ne(OfferStatus::Published))
        .add(offer::Column::UpdatedAt.gte(since));
    let expired = Condition::all()
        .add(offer::Column::Status.eq(OfferStatus::Published))
        .add(offer::Column::ValidUntil.lt(today))
        .add(offer::Column::ValidUntil.gte(since.date_naive()));
    let select = offer::Entity::find()
        .filter(offer::Column::PublishedAt.is_not_null())
        .filter(Condition::any().add(changed_out_of_view).add(expired));
    let page = keyset_page(db, select, &BY_UPDATE, false, args, None).await?;
    Ok(page.map(|o| Tombstone {
        offer_id: o.id,
        reason: match o.status {
            OfferStatus::Archived if archived_by_expiry(&o) => RemovalReason::Expired,
            OfferStatus::Archived => RemovalReason::Archived,
            OfferStatus::Published => RemovalReason::Expired,
            OfferStatus::Draft | OfferStatus::InReview => RemovalReason::Unpublished,
        },
        removed_at: match (o.status, o.valid_until) {
            (OfferStatus::Published, Some(until)) => until
                .succ_opt()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|d| d.and_utc())
                .unwrap_or(o.updated_at),
            _ => o.archived_at.unwrap_or(o.updated_at),
        },
    }))
}

/// Whether an archived offer was archived because it had ended (by the expiry job).
fn archived_by_expiry(o: &offer::Model) -> bool {
    match (o.valid_until, o.archived_at) {
        (Some(until), Some(archived)) => until < archived.date_naive(),
        _ => false,
    }
}
