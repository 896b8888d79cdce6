//! Writing an import's plan in one transaction: new offers and their parts with multi-row
//! inserts, each update and archive guarded by the version the plan was made from, and
//! audit and search outbox rows for every offer touched. If any offer changed since the
//! plan was made, the transaction rolls back and the import is refused as a conflict.

use std::collections::HashMap;

use entity::offer;
use entity::types::{OfferStatus, OutboxEntity, OutboxOperation};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter,
};
use serde_json::json;
use uuid::Uuid;

use super::plan::{Action, Plan, Written};
use crate::clock;
use crate::error::{ApiError, ApiResult};
use crate::service::audit::{self, Actor, Change};
use crate::service::changes::Changed;
use crate::service::offer::draft::CheckedDraft;
use crate::service::offer::write::{
    conflict_on_duplicate, delete_parts, draft_columns, index_operation, is_public, new_offer,
    write_parts,
};
use crate::service::{bulk, outbox};

/// Writes the plan; on any failure nothing is written.
pub(super) async fn apply(
    db: &DatabaseConnection,
    actor: &Actor,
    provider_id: Uuid,
    plan: &Plan,
) -> ApiResult<Written> {
    let now = clock::now();
    let mut written = Written::default();
    let mut created: Vec<offer::Model> = Vec::new();
    let mut parts: Vec<(Uuid, &CheckedDraft)> = Vec::new();
    let mut updated_ids: Vec<Uuid> = Vec::new();
    // Whether the public saw each updated offer before.
    let mut was_public: HashMap<Uuid, bool> = HashMap::new();
    let mut archived_ids: Vec<Uuid> = Vec::new();
    let mut changes: Vec<Change> = Vec::new();

    let txn = crate::db::begin_write(db).await?;
    for (index, entry) in plan.entries.iter().enumerate() {
        match &entry.action {
            Action::Create(draft) => {
                let model = new_offer(provider_id, &draft.draft, now);
                written.created.insert(index, model.id);
                parts.push((model.id, draft));
                changes.push(Change::new("offer.create", "offer", model.id).with(json!({
                    "provider": provider_id,
                    "status": model.status,
                    "import": true,
                })));
                created.push(model);
            }
            Action::Update {
                current,
                draft,
                fields,
            } => {
                let starts_on = draft.draft.starts_on(current.created_at.date_naive());
                let outcome = offer::Entity::update_many()
                    .set(draft_columns(current.id, &draft.draft, starts_on, now))
                    .col_expr(
                        offer::Column::Version,
                        Expr::col(offer::Column::Version).add(1),
                    )
                    .filter(offer::Column::Id.eq(current.id))
                    .filter(offer::Column::Version.eq(current.version))
                    .filter(offer::Column::Status.ne(OfferStatus::Archived))
                    .exec(&txn)
                    .await
                    .map_err(conflict_on_duplicate)?;
                if outcome.rows_affected == 0 {
                    return Err(changed_meanwhile(entry.external_ref.as_deref()));
                }
                updated_ids.push(current.id);
                was_public.insert(current.id, is_public(current));
                parts.push((current.id, draft));
                changes.push(
                    Change::new("offer.update", "offer", current.id).with(json!({
                        "fields": fields,
                        "version": current.version + 1,
                        "import": true,
                    })),
                );
            }
            Action::Archive(current) => {
                let outcome = offer::Entity::update_many()
                    .set(offer::ActiveModel {
                        status: Set(OfferStatus::Archived),
                        archived_at: Set(Some(now)),
                        updated_at: Set(now),
                        ..Default::default()
                    })
                    .col_expr(
                        offer::Column::Version,
                        Expr::col(offer::Column::Version).add(1),
                    )
                    .filter(offer::Column::Id.eq(current.id))
                    .filter(offer::Column::Version.eq(current.version))
                    .exec(&txn)
                    .await?;
                if outcome.rows_affected == 0 {
                    return Err(changed_meanwhile(entry.external_ref.as_deref()));
                }
                archived_ids.push(current.id);
                // Only an offer the public could have seen leaves the catalogue.
                was_public.insert(current.id, current.published_at.is_some());
                changes.push(
                    Change::new("offer.archive", "offer", current.id).with(json!({
                        "from": current.status,
                        "to": OfferStatus::Archived,
                        "version": current.version + 1,
                        "import": true,
                    })),
                );
            }
            Action::Keep(_) | Action::Invalid(_) => {}
        }
    }

    let created_ids: Vec<Uuid> = created.iter().map(|m| m.id).collect();
    bulk::insert_all(
        &txn,
        created.into_iter().map(offer::ActiveModel::from).collect(),
    )
    .await
    .map_err(conflict_on_duplicate)?;
    delete_parts(&txn, &updated_ids).await?;
    write_parts(&txn, &parts).await?;

    let updated = reload(&txn, &updated_ids).await?;
    let archived = reload(&txn, &archived_ids).await?;
    // As `createOffer` does: every change leaves an outbox row, and a draft's row tells the
    // indexer that the offer is not public.
    outbox::enqueue_many(
        &txn,
        OutboxEntity::Offer,
        &created_ids,
        OutboxOperation::Delete,
    )
    .await?;
    let (visible, hidden): (Vec<&offer::Model>, Vec<&offer::Model>) = updated
        .iter()
        .partition(|m| index_operation(m) == OutboxOperation::Upsert);
    let ids = |models: &[&offer::Model]| models.iter().map(|m| m.id).collect::<Vec<_>>();
    outbox::enqueue_many(
        &txn,
        OutboxEntity::Offer,
        &ids(&visible),
        OutboxOperation::Upsert,
    )
    .await?;
    outbox::enqueue_many(
        &txn,
        OutboxEntity::Offer,
        &ids(&hidden),
        OutboxOperation::Delete,
    )
    .await?;
    outbox::enqueue_many(
        &txn,
        OutboxEntity::Offer,
        &archived_ids,
        OutboxOperation::Delete,
    )
    .await?;

    changes.push(
        Change::new("offer.import", "provider", provider_id).with(json!({
            "created": created_ids.len(),
            "updated": updated_ids.len(),
            "archived": archived_ids.len(),
            "unchanged": plan.entries.iter().filter(|e| matches!(e.action, Action::Keep(_))).count(),
        })),
    );
    audit::record_many(&txn, actor, changes).await?;
    txn.commit().await?;

    written.changes = updated
        .iter()
        .chain(&archived)
        .map(|m| Changed::Offer {
            id: m.id,
            was_public: was_public.get(&m.id).copied().unwrap_or(false),
            is_public: is_public(m),
        })
        .collect();
    Ok(written)
}

/// The offers with these ids, as they are now.
async fn reload(txn: &DatabaseTransaction, ids: &[Uuid]) -> ApiResult<Vec<offer::Model>> {
    let mut models = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(bulk::IDS_PER_STATEMENT) {
        models.extend(
            offer::Entity::find()
                .filter(offer::Column::Id.is_in(chunk.iter().copied()))
                .all(txn)
                .await?,
        );
    }
    let order: HashMap<Uuid, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    models.sort_by_key(|m| order.get(&m.id).copied());
    Ok(models)
}

fn changed_meanwhile(reference: Option<&str>) -> ApiError {
    ApiError::Conflict(format!(
        "the offer `{}` changed while the import ran; nothing was imported: run it again",
        reference.unwrap_or_default()
    ))
}
