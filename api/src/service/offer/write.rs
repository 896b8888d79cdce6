//! Changing offers: creating and editing them, and the publishing workflow
//! (draft → in review → published → archived).
//!
//! Every change runs in one transaction whose first statement is the guarded write itself
//! (`… WHERE version = ?` or `… WHERE status IN (…)`), so of two concurrent changes exactly
//! one wins, and on SQLite the transaction takes the write lock before it reads anything.
//! The audit entry and the search outbox row are written in the same transaction.

use chrono::{DateTime, NaiveDate, Utc};
use entity::types::{LanguageRole, OfferStatus, OutboxEntity, OutboxOperation};
use entity::{
    offer, offer_category, offer_language, offer_location, offer_region, offer_schedule,
    offer_translation, provider, types::CodeList,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, SqlErr,
};
use serde_json::json;
use uuid::Uuid;

use crate::auth::RequestMeta;
use crate::clock;
use crate::db::WriteTransaction;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::ids;
use crate::service::audit::{self, Change};
use crate::service::changes::{Changed, Changes, Committed};
use crate::service::offer::draft::{self, CheckedDraft, OfferDraft, OfferPatch};
use crate::service::text;
use crate::service::{bulk, outbox};

/// Longest reason a reviewer can give.
const MAX_REVIEW_NOTE: usize = 2000;

/// Whether the public sees an offer in this state on `today`.
pub fn publicly_visible(
    status: OfferStatus,
    valid_until: Option<NaiveDate>,
    today: NaiveDate,
) -> bool {
    status == OfferStatus::Published && valid_until.is_none_or(|until| until >= today)
}

/// Whether the public sees this offer today.
pub(crate) fn is_public(model: &offer::Model) -> bool {
    publicly_visible(model.status, model.valid_until, clock::now().date_naive())
}

/// An offer's change, for its side effects.
fn offer_change(before: Option<&offer::Model>, after: &offer::Model) -> Changes {
    Changes::one(Changed::Offer {
        id: after.id,
        was_public: before.is_some_and(is_public),
        is_public: is_public(after),
    })
}

/// The outbox operation that brings the search index in line with an offer's state.
pub(crate) fn index_operation(model: &offer::Model) -> OutboxOperation {
    if publicly_visible(model.status, model.valid_until, clock::now().date_naive()) {
        OutboxOperation::Upsert
    } else {
        OutboxOperation::Delete
    }
}

/// A unique key violation becomes `CONFLICT`; anything else stays a database error.
pub(crate) fn conflict_on_duplicate(err: DbErr) -> ApiError {
    if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
        ApiError::Conflict("this provider already has an offer with this external reference".into())
    } else {
        ApiError::from(err)
    }
}

/// Creates a draft offer of a provider (its editors and admins).
pub async fn create(
    db: &DatabaseConnection,
    meta: &RequestMeta,
    provider_id: Uuid,
    draft: OfferDraft,
) -> ApiResult<Committed<offer::Model>> {
    meta.viewer.require_provider_editor(provider_id)?;
    provider::Entity::find_by_id(provider_id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("provider"))?;
    let checked = draft::check(db, draft, "input").await?;
    let model = new_offer(provider_id, &checked.draft, clock::now());
    let draft = &checked.draft;
    let txn = crate::db::begin_write(db).await?;
    offer::Entity::insert(offer::ActiveModel::from(model.clone()))
        .exec_without_returning(&txn)
        .await
        .map_err(conflict_on_duplicate)?;
    write_parts(&txn, &[(model.id, &checked)]).await?;
    audit::record(
        &txn,
        meta,
        Change::new("offer.create", "offer", model.id).with(json!({
            "provider": provider_id,
            "status": model.status,
            "locales": draft.translations.iter().map(|t| t.locale.as_str()).collect::<Vec<_>>(),
        })),
    )
    .await?;
    outbox::enqueue(&txn, OutboxEntity::Offer, model.id, index_operation(&model)).await?;
    txn.commit().await?;
    let changes = offer_change(None, &model);
    Ok(Committed::new(model, changes))
}

/// An offer the viewer may edit: `NOT_FOUND` when it does not exist, `FORBIDDEN` when it
/// belongs to a provider the viewer does not edit.
async fn editable(
    db: &DatabaseConnection,
    meta: &RequestMeta,
    id: Uuid,
) -> ApiResult<offer::Model> {
    meta.viewer.staff()?;
    let model = offer::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("offer"))?;
    meta.viewer.require_provider_editor(model.provider_id)?;
    Ok(model)
}

/// Changes an offer. `expected_version` is the version the editor started from: when the
/// offer has changed since, nothing is written and the answer is `CONFLICT`.
pub async fn update(
    db: &DatabaseConnection,
    meta: &RequestMeta,
    id: Uuid,
    expected_version: i32,
    patch: OfferPatch,
) -> ApiResult<Committed<offer::Model>> {
    let current = editable(db, meta, id).await?;
    if current.status == OfferStatus::Archived {
        return Err(ApiError::Conflict(
            "an archived offer cannot be edited; submit it again to reopen it".into(),
        ));
    }
    if current.version != expected_version {
        return Err(stale(current.version));
    }
    let changed = patch.changed_fields();
    let draft = patch.apply(OfferDraft::load(db, &current).await?);
    let checked = draft::check(db, draft, "input").await?;
    let draft = &checked.draft;
    let now = clock::now();
    let txn = crate::db::begin_write(db).await?;
    let written = offer::Entity::update_many()
        .set(draft_columns(
            id,
            draft,
            draft.starts_on(current.created_at.date_naive()),
            now,
        ))
        .col_expr(
            offer::Column::Version,
            Expr::col(offer::Column::Version).add(1),
        )
        .filter(offer::Column::Id.eq(id))
        .filter(offer::Column::Version.eq(expected_version))
        .filter(offer::Column::Status.ne(OfferStatus::Archived))
        .exec(&txn)
        .await
        .map_err(conflict_on_duplicate)?;
    if written.rows_affected == 0 {
        return Err(stale(expected_version));
    }
    delete_parts(&txn, &[id]).await?;
    write_parts(&txn, &[(id, &checked)]).await?;
    let updated = stored(&txn, id).await?;
    audit::record(
        &txn,
        meta,
        Change::new("offer.update", "offer", id).with(json!({
            "fields": changed,
            "version": updated.version,
        })),
    )
    .await?;
    outbox::enqueue(&txn, OutboxEntity::Offer, id, index_operation(&updated)).await?;
    txn.commit().await?;
    let changes = offer_change(Some(&current), &updated);
    Ok(Committed::new(updated, changes))
}

fn stale(version: i32) -> ApiError {
    ApiError::Conflict(format!(
        "the offer was changed by someone else (your version {version} is out of date); reload it and apply your changes again"
    ))
}

/// The reference the platform gives an offer its provider gave none: every offer has a
/// reference, so every exported file can be imported again (into the same provider, where
/// it finds the offer, or into another, where it makes a copy with that reference).
pub fn assigned_reference(offer_id: Uuid) -> String {
    format!("AP-{}", offer_id.simple())
}

/// Whether the offer's reference is the one the platform gave it (not its provider's): a
/// full-catalogue import (`archiveMissing`) leaves such offers alone.
pub fn has_assigned_reference(model: &offer::Model) -> bool {
    model.external_ref.as_deref() == Some(assigned_reference(model.id).as_str())
}

/// A new draft offer's row.
pub(crate) fn new_offer(provider_id: Uuid, draft: &OfferDraft, now: DateTime<Utc>) -> offer::Model {
    let id = ids::new_id();
    offer::Model {
        id,
        provider_id,
        external_ref: Some(
            draft
                .external_ref
                .clone()
                .unwrap_or_else(|| assigned_reference(id)),
        ),
        kind: draft.kind,
        status: OfferStatus::Draft,
        default_locale: draft.default_locale.clone(),
        cefr_level: draft.level,
        fide: draft.fide,
        cost_kind: draft.cost.kind,
        price_cents: draft.price_cents(),
        price_unit: draft.cost.unit,
        childcare: draft.childcare,
        accessibility: CodeList(draft.accessibility.clone()),
        target_groups: CodeList(draft.target_groups.clone()),
        online: draft.online,
        registration_url: draft.registration.url.clone(),
        registration_email: draft.registration.email.clone(),
        registration_phone: draft.registration.phone.clone(),
        valid_from: draft.valid_from,
        valid_until: draft.valid_until,
        starts_on: draft.starts_on(now.date_naive()),
        sort_title: draft.sort_title(),
        published_at: None,
        archived_at: None,
        review_note: None,
        version: 1,
        created_at: now,
        updated_at: now,
    }
}

/// The columns an edit of offer `id` sets: every field of the draft (the workflow columns
/// stay). A reference removed gives way to the platform's.
pub(crate) fn draft_columns(
    id: Uuid,
    draft: &OfferDraft,
    starts_on: NaiveDate,
    now: DateTime<Utc>,
) -> offer::ActiveModel {
    offer::ActiveModel {
        external_ref: Set(Some(
            draft
                .external_ref
                .clone()
                .unwrap_or_else(|| assigned_reference(id)),
        )),
        kind: Set(draft.kind),
        default_locale: Set(draft.default_locale.clone()),
        cefr_level: Set(draft.level),
        fide: Set(draft.fide),
        cost_kind: Set(draft.cost.kind),
        price_cents: Set(draft.price_cents()),
        price_unit: Set(draft.cost.unit),
        childcare: Set(draft.childcare),
        accessibility: Set(CodeList(draft.accessibility.clone())),
        target_groups: Set(CodeList(draft.target_groups.clone())),
        online: Set(draft.online),
        registration_url: Set(draft.registration.url.clone()),
        registration_email: Set(draft.registration.email.clone()),
        registration_phone: Set(draft.registration.phone.clone()),
        valid_from: Set(draft.valid_from),
        valid_until: Set(draft.valid_until),
        starts_on: Set(starts_on),
        sort_title: Set(draft.sort_title()),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// Deletes the parts (translations, languages, categories, regions, locations, schedules)
/// of these offers, before their drafts' parts are written again.
pub(crate) async fn delete_parts<C: ConnectionTrait>(txn: &C, offer_ids: &[Uuid]) -> ApiResult<()> {
    for chunk in offer_ids.chunks(bulk::IDS_PER_STATEMENT) {
        // Schedules point at locations, so they go first.
        macro_rules! delete_parts {
            ($($table:ident),*) => {
                $($table::Entity::delete_many()
                    .filter($table::Column::OfferId.is_in(chunk.iter().copied()))
                    .exec(txn)
                    .await?;)*
            };
        }
        delete_parts!(
            offer_schedule,
            offer_location,
            offer_translation,
            offer_language,
            offer_category,
            offer_region
        );
    }
    Ok(())
}

/// Writes the parts of these offers' drafts, a few multi-row inserts for all of them.
pub(crate) async fn write_parts<C: ConnectionTrait>(
    txn: &C,
    offers: &[(Uuid, &CheckedDraft)],
) -> ApiResult<()> {
    let now = clock::now();
    let mut translations = Vec::new();
    let mut languages = Vec::new();
    let mut categories = Vec::new();
    let mut regions = Vec::new();
    let mut locations = Vec::new();
    let mut schedules = Vec::new();
    for (offer_id, checked) in offers {
        let offer_id = *offer_id;
        let draft = &checked.draft;
        translations.extend(
            draft
                .translations
                .iter()
                .map(|t| offer_translation::ActiveModel {
                    offer_id: Set(offer_id),
                    locale: Set(t.locale.clone()),
                    title: Set(t.title.clone()),
                    summary: Set(t.summary.clone()),
                    description: Set(t.description.clone()),
                    machine_translated: Set(false),
                    source_hash: Set(None),
                    updated_at: Set(now),
                }),
        );
        languages.extend(
            draft
                .instruction_languages
                .iter()
                .map(|l| (l, LanguageRole::Instruction))
                .chain(
                    draft
                        .support_languages
                        .iter()
                        .map(|l| (l, LanguageRole::Support)),
                )
                .map(|(language, role)| offer_language::ActiveModel {
                    offer_id: Set(offer_id),
                    language: Set(language.clone()),
                    role: Set(role),
                }),
        );
        categories.extend(
            checked
                .category_ids
                .iter()
                .map(|id| offer_category::ActiveModel {
                    offer_id: Set(offer_id),
                    category_id: Set(*id),
                }),
        );
        regions.extend(draft.region_ids.iter().map(|id| offer_region::ActiveModel {
            offer_id: Set(offer_id),
            region_id: Set(*id),
        }));
        // Ids in the draft's order: they are time-ordered, so the locations load back in it.
        let location_ids: Vec<Uuid> = draft.locations.iter().map(|_| ids::new_id()).collect();
        locations.extend(draft.locations.iter().zip(&location_ids).map(|(l, id)| {
            offer_location::ActiveModel {
                id: Set(*id),
                offer_id: Set(offer_id),
                name: Set(l.name.clone()),
                street: Set(l.street.clone()),
                postcode: Set(l.postcode.clone()),
                locality: Set(l.locality.clone()),
                municipality_id: Set(l.municipality_id),
                lat: Set(l.lat),
                lon: Set(l.lon),
            }
        }));
        schedules.extend(draft.schedules.iter().map(|s| offer_schedule::ActiveModel {
            id: Set(ids::new_id()),
            offer_id: Set(offer_id),
            location_id: Set(s.location.and_then(|i| location_ids.get(i).copied())),
            start_date: Set(s.start_date),
            end_date: Set(s.end_date),
            weekday: Set(s.weekday),
            start_time: Set(s.start_time),
            end_time: Set(s.end_time),
            note: Set(s.note.clone()),
        }));
    }
    bulk::insert_all(txn, translations).await?;
    bulk::insert_all(txn, languages).await?;
    bulk::insert_all(txn, categories).await?;
    bulk::insert_all(txn, regions).await?;
    bulk::insert_all(txn, locations).await?;
    bulk::insert_all(txn, schedules).await?;
    Ok(())
}

/// A step of the publishing workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    /// Ask for review (from draft, or to reopen an archived offer).
    Submit,
    /// Make public (admins, or editors of a trusted provider).
    Publish,
    /// Send back to draft with a reason (admins, or editors of a trusted provider).
    Reject { reason: String },
    /// Take out of the catalogue for good.
    Archive,
}

impl Transition {
    fn source_states(&self) -> &'static [OfferStatus] {
        match self {
            Self::Submit => &[OfferStatus::Draft, OfferStatus::Archived],
            Self::Publish => &[OfferStatus::Draft, OfferStatus::InReview],
            Self::Reject { .. } => &[OfferStatus::InReview],
            Self::Archive => &[
                OfferStatus::Draft,
                OfferStatus::InReview,
                OfferStatus::Published,
            ],
        }
    }

    fn target(&self) -> OfferStatus {
        match self {
            Self::Submit => OfferStatus::InReview,
            Self::Publish => OfferStatus::Published,
            Self::Reject { .. } => OfferStatus::Draft,
            Self::Archive => OfferStatus::Archived,
        }
    }

    fn verb(&self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Publish => "publish",
            Self::Reject { .. } => "reject",
            Self::Archive => "archive",
        }
    }

    fn action(&self) -> &'static str {
        match self {
            Self::Submit => "offer.submit",
            Self::Publish => "offer.publish",
            Self::Reject { .. } => "offer.reject",
            Self::Archive => "offer.archive",
        }
    }

    /// Whether this step is a review decision.
    fn is_review(&self) -> bool {
        matches!(self, Self::Publish | Self::Reject { .. })
    }
}

/// Moves an offer one step through the workflow.
pub async fn transition(
    db: &DatabaseConnection,
    meta: &RequestMeta,
    id: Uuid,
    step: Transition,
) -> ApiResult<Committed<offer::Model>> {
    let current = editable(db, meta, id).await?;
    if step.is_review() && !meta.viewer.is_admin() {
        let trusted = provider::Entity::find_by_id(current.provider_id)
            .one(db)
            .await?
            .is_some_and(|p| p.trusted);
        if !trusted {
            return Err(ApiError::Forbidden);
        }
    }
    let today = clock::now().date_naive();
    if let Transition::Reject { reason } = &step {
        let mut errors = Vec::new();
        text::plain("reason", Some(reason), 1, MAX_REVIEW_NOTE, &mut errors);
        if !errors.is_empty() {
            return Err(ApiError::invalid_fields(errors));
        }
    }
    if step == Transition::Publish
        && let Some(until) = current.valid_until
        && until < today
    {
        return Err(ApiError::invalid_fields(vec![FieldError::new(
            "validUntil",
            "the offer has ended; change its end date before publishing it",
        )]));
    }
    let now = clock::now();
    let mut update = offer::ActiveModel {
        status: Set(step.target()),
        updated_at: Set(now),
        ..Default::default()
    };
    match &step {
        Transition::Submit => update.review_note = Set(None),
        Transition::Publish => {
            update.published_at = Set(Some(now));
            update.review_note = Set(None);
            update.archived_at = Set(None);
        }
        Transition::Reject { reason } => update.review_note = Set(Some(reason.trim().to_owned())),
        Transition::Archive => update.archived_at = Set(Some(now)),
    }
    let txn = crate::db::begin_write(db).await?;
    let written = offer::Entity::update_many()
        .set(update)
        .col_expr(
            offer::Column::Version,
            Expr::col(offer::Column::Version).add(1),
        )
        .filter(offer::Column::Id.eq(id))
        .filter(offer::Column::Status.is_in(step.source_states().iter().copied()))
        .exec(&txn)
        .await?;
    if written.rows_affected == 0 {
        let status = offer::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .map(|o| o.status)
            .unwrap_or(current.status);
        return Err(ApiError::Conflict(format!(
            "cannot {} an offer that is {}",
            step.verb(),
            status_name(status)
        )));
    }
    let updated = stored(&txn, id).await?;
    audit::record(
        &txn,
        meta,
        Change::new(step.action(), "offer", id).with(json!({
            "from": current.status,
            "to": updated.status,
            "version": updated.version,
        })),
    )
    .await?;
    outbox::enqueue(&txn, OutboxEntity::Offer, id, index_operation(&updated)).await?;
    txn.commit().await?;
    // An archived offer that was once published leaves the catalogue for those who saw it.
    let mut changes = offer_change(Some(&current), &updated);
    if step == Transition::Archive && current.published_at.is_some() {
        changes = Changes::one(Changed::Offer {
            id,
            was_public: true,
            is_public: false,
        });
    }
    Ok(Committed::new(updated, changes))
}

fn status_name(status: OfferStatus) -> &'static str {
    match status {
        OfferStatus::Draft => "a draft",
        OfferStatus::InReview => "in review",
        OfferStatus::Published => "published",
        OfferStatus::Archived => "archived",
    }
}

/// Archives published offers past their end date, with an audit entry and an outbox row
/// each. One guarded `UPDATE … RETURNING` does the work, so several instances running this
/// at once archive each offer exactly once. Returns the offers it archived, each leaving
/// the catalogue (answers cached before its end date may still list it).
pub async fn archive_expired(db: &DatabaseConnection) -> ApiResult<Committed<Vec<offer::Model>>> {
    let now = clock::now();
    let today = now.date_naive();
    let txn = crate::db::begin_write(db).await?;
    let expired: Vec<offer::Model> = offer::Entity::update_many()
        .col_expr(offer::Column::Status, Expr::value(OfferStatus::Archived))
        .col_expr(offer::Column::ArchivedAt, Expr::value(now))
        .col_expr(offer::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            offer::Column::Version,
            Expr::col(offer::Column::Version).add(1),
        )
        .filter(offer::Column::Status.eq(OfferStatus::Published))
        .filter(offer::Column::ValidUntil.lt(today))
        .exec_with_returning(&txn)
        .await?;
    for model in &expired {
        audit::record_system(
            &txn,
            Change::new("offer.expire", "offer", model.id).with(json!({
                "from": OfferStatus::Published,
                "to": OfferStatus::Archived,
                "validUntil": model.valid_until,
            })),
        )
        .await?;
    }
    let ids: Vec<Uuid> = expired.iter().map(|m| m.id).collect();
    outbox::enqueue_many(&txn, OutboxEntity::Offer, &ids, OutboxOperation::Delete).await?;
    txn.commit().await?;
    let changes = ids
        .iter()
        .map(|id| Changed::Offer {
            id: *id,
            was_public: true,
            is_public: false,
        })
        .collect();
    Ok(Committed::new(expired, changes))
}

/// The offer `id` as a transaction that wrote it leaves it.
async fn stored(txn: &WriteTransaction, id: Uuid) -> ApiResult<offer::Model> {
    offer::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::internal("an offer just written is not there"))
}
