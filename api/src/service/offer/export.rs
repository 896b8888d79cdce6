//! Exporting offers for a file (see `exchange` for the shapes): a provider's offers for its
//! editors and admins, every provider's for admins and the operator. Offers come in a fixed
//! order (provider, external reference, id) with their parts in canonical order, so the
//! same offers always give the same file.

use entity::offer;
use entity::types::OfferStatus;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Select};
use uuid::Uuid;

use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult};
use crate::service::offer::draft::{self, OfferDraft};
use crate::service::offer::files::FileOffer;

/// Which offers to export.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExportScope {
    /// One provider's offers, or every provider's.
    pub provider_id: Option<Uuid>,
    /// Archived offers too.
    pub include_archived: bool,
}

/// Who exports: a viewer within a limit, or the operator without one.
#[derive(Debug, Clone, Copy)]
pub enum Exporter<'a> {
    Caller { viewer: &'a Viewer, max_offers: u64 },
    Operator,
}

/// The offers in scope, ready to be written.
pub async fn offers<C: ConnectionTrait>(
    db: &C,
    exporter: Exporter<'_>,
    scope: ExportScope,
) -> ApiResult<Vec<FileOffer>> {
    if let Exporter::Caller { viewer, .. } = exporter {
        match scope.provider_id {
            Some(provider_id) => viewer.require_provider_editor(provider_id).map(|_| ())?,
            None => viewer.admin().map(|_| ())?,
        }
    }
    let query = selection(scope);
    if let Exporter::Caller { max_offers, .. } = exporter {
        let count = query.clone().count(db).await?;
        if count > max_offers {
            return Err(ApiError::bad_input(format!(
                "the export would hold {count} offers; the API gives at most {max_offers} \
                 (EXPORT_MAX_OFFERS): export one provider at a time, or use the \
                 export-offers command"
            )));
        }
    }
    let mut models = query.all(db).await?;
    models.sort_by(|a, b| {
        (
            a.provider_id,
            a.external_ref.is_none(),
            &a.external_ref,
            a.id,
        )
            .cmp(&(
                b.provider_id,
                b.external_ref.is_none(),
                &b.external_ref,
                b.id,
            ))
    });
    let mut drafts = draft::load_many(db, &models).await?;
    Ok(models
        .iter()
        .filter_map(|m| {
            Some(FileOffer {
                provider_id: m.provider_id,
                draft: drafts.remove(&m.id).map(OfferDraft::canonical)?,
            })
        })
        .collect())
}

fn selection(scope: ExportScope) -> Select<offer::Entity> {
    let mut query = offer::Entity::find();
    if let Some(provider_id) = scope.provider_id {
        query = query.filter(offer::Column::ProviderId.eq(provider_id));
    }
    if !scope.include_archived {
        query = query.filter(offer::Column::Status.ne(OfferStatus::Archived));
    }
    query
}
