//! Offer files in GraphQL: `importOffers` and `offerExport`, in the CSV and JSON shapes of
//! `exchange`.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};

use crate::auth::RequestMeta;
use crate::context::AppContext;
use crate::error::ApiResult;
use crate::exchange::{self, FileLimits, Format, RegionCodes};
use crate::graphql::offer::CreateOfferRecords;
use crate::graphql::relay::{NodeType, expect_global_id, global_id};
use crate::service::offer::export::{self, ExportScope, Exporter};
use crate::service::offer::import::{self, ImportOptions, ImportReport, Importer, Outcome};

/// The shape of an offer file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "OfferFileFormat", remote = "crate::exchange::Format")]
pub enum OfferFileFormat {
    /// One row per offer, columns as the README describes (`externalRef`, `kind`,
    /// `title.de`, `schedule1.startDate`, …); commas or semicolons between cells.
    Csv,
    /// An array of `CreateOfferInput` objects.
    Json,
}

/// What happens, or would happen, to one offer of an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(
    name = "ImportOutcome",
    remote = "crate::service::offer::import::Outcome"
)]
pub enum ImportOutcomeGql {
    Created,
    Updated,
    Unchanged,
    /// The row has problems; nothing of the file is written.
    Invalid,
    /// Not in the file, archived because `archiveMissing` asked for it.
    Archived,
}

/// A problem with one field of a row, named as the file names it (a CSV column such as
/// `title.de`, or a JSON path such as `translations[0].title`).
#[derive(Debug, Clone, SimpleObject)]
pub struct ImportProblem {
    pub field: String,
    pub message: String,
}

/// One offer's line of an import report.
#[derive(Debug, Clone, SimpleObject)]
pub struct OfferImportRow {
    /// The row in the file (CSV: as a spreadsheet numbers it, the header being 1; JSON:
    /// the position from 1); null for offers archived because the file left them out.
    pub row: Option<i32>,
    pub external_ref: Option<String>,
    pub outcome: ImportOutcomeGql,
    /// The offer, once it exists (not for rows a dry run would create).
    pub offer_id: Option<ID>,
    /// For updates: the fields that change.
    pub changed_fields: Vec<String>,
    /// For invalid rows: every problem.
    pub problems: Vec<ImportProblem>,
}

/// What an import did, or would do.
pub struct OfferImportReport {
    report: ImportReport,
    dry_run: bool,
}

/// What an import did, or would do.
#[Object]
impl OfferImportReport {
    /// Whether anything was written: false for a dry run, and for a file with any invalid
    /// row (then nothing at all is written).
    async fn written(&self) -> bool {
        self.report.written
    }

    async fn dry_run(&self) -> bool {
        self.dry_run
    }

    async fn created(&self) -> usize {
        self.report.count(Outcome::Created)
    }

    async fn updated(&self) -> usize {
        self.report.count(Outcome::Updated)
    }

    async fn unchanged(&self) -> usize {
        self.report.count(Outcome::Unchanged)
    }

    async fn invalid(&self) -> usize {
        self.report.count(Outcome::Invalid)
    }

    async fn archived(&self) -> usize {
        self.report.count(Outcome::Archived)
    }

    /// Every offer's line, in file order, then the archived ones; `outcomes` picks some.
    async fn rows(&self, outcomes: Option<Vec<ImportOutcomeGql>>) -> Vec<OfferImportRow> {
        self.report
            .rows
            .iter()
            .filter(|r| {
                outcomes
                    .as_ref()
                    .is_none_or(|wanted| wanted.contains(&r.outcome.into()))
            })
            .map(|r| OfferImportRow {
                row: r.row.and_then(|n| i32::try_from(n).ok()),
                external_ref: r.external_ref.clone(),
                outcome: r.outcome.into(),
                offer_id: r.offer_id.map(|id| global_id(NodeType::Offer, id)),
                changed_fields: r.changed_fields.iter().map(|f| (*f).to_owned()).collect(),
                problems: r
                    .problems
                    .iter()
                    .map(|p| ImportProblem {
                        field: p.field.clone(),
                        message: p.message.clone(),
                    })
                    .collect(),
            })
            .collect()
    }
}

#[derive(Default)]
pub struct OfferExchangeQuery;

#[Object]
impl OfferExchangeQuery {
    /// A provider's offers as a file that `importOffers` takes back unchanged (the
    /// provider's editors, admins); without `providerId`, every provider's offers (admins),
    /// each CSV row then naming its provider. Archived offers only when asked for.
    async fn offer_export(
        &self,
        ctx: &Context<'_>,
        provider_id: Option<ID>,
        format: OfferFileFormat,
        #[graphql(default)] include_archived: bool,
    ) -> ApiResult<String> {
        let app = AppContext::of(ctx)?;
        let meta = RequestMeta::of(ctx);
        meta.viewer.staff()?;
        let provider_id = provider_id
            .map(|id| expect_global_id(&id, NodeType::Provider))
            .transpose()?;
        let exporter = Exporter::Caller {
            viewer: &meta.viewer,
            max_offers: app.settings.catalogue.export_max_offers,
        };
        let scope = ExportScope {
            provider_id,
            include_archived,
        };
        let offers = export::offers(&app.db, exporter, scope).await?;
        let regions = RegionCodes::load(&app.db).await?;
        exchange::write(
            format.into(),
            &offers,
            &regions,
            &CreateOfferRecords,
            provider_id.is_none(),
        )
    }
}

#[derive(Default)]
pub struct OfferExchangeMutation;

#[Object]
impl OfferExchangeMutation {
    /// Imports a file of offers into a provider (its editors, admins). Offers are matched
    /// by `externalRef`: new ones are created as drafts, changed ones updated, the same
    /// ones left alone, so importing a file twice changes nothing. The file is checked
    /// whole first; with any invalid row nothing is written and the report lists every
    /// problem. `dryRun` only reports. `archiveMissing` archives the provider's offers
    /// (with a reference) that the file leaves out: for files holding the whole catalogue.
    async fn import_offers(
        &self,
        ctx: &Context<'_>,
        provider_id: ID,
        format: OfferFileFormat,
        data: String,
        #[graphql(default)] dry_run: bool,
        #[graphql(default)] archive_missing: bool,
    ) -> ApiResult<OfferImportReport> {
        let app = AppContext::of(ctx)?;
        let meta = RequestMeta::of(ctx);
        meta.viewer.staff()?;
        let provider_id = expect_global_id(&provider_id, NodeType::Provider)?;
        // The service checks again; checking first spares reading the file of a caller
        // who may not import it.
        meta.viewer.require_provider_editor(provider_id)?;
        let regions = RegionCodes::load(&app.db).await?;
        let limits = FileLimits {
            max_bytes: app.settings.catalogue.import_max_bytes,
            max_rows: app.settings.catalogue.import_max_rows,
        };
        let rows = exchange::read(
            Format::from(format),
            data.as_bytes(),
            &regions,
            &CreateOfferRecords,
            limits,
        )?;
        let options = ImportOptions {
            dry_run,
            archive_missing,
        };
        let written =
            import::run(&app.db, Importer::Caller(meta), provider_id, rows, options).await?;
        let report = app.effects.apply(written).await;
        Ok(OfferImportReport { report, dry_run })
    }
}
