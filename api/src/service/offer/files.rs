//! The offers of a file as the import and export services take and give them: the rows a
//! file held (where each stands, the draft or its problems, how the file names its fields)
//! and the stored offers to write. Reading and writing the formats is `exchange`'s.

use std::sync::Arc;

use uuid::Uuid;

use crate::error::FieldError;
use crate::service::offer::draft::OfferDraft;

/// One offer as read from a file.
#[derive(Debug, Clone)]
pub struct FileRow {
    /// Where the offer stands: the spreadsheet row for CSV (the header is row 1), the
    /// position from 1 for JSON.
    pub row: usize,
    /// The provider's reference, when the row gives one (also for rows with problems).
    pub external_ref: Option<String>,
    /// The provider the row names, when it names one (`providerId`).
    pub provider_id: Option<Uuid>,
    /// The offer, or every problem found while reading the row.
    pub draft: Result<OfferDraft, Vec<FieldError>>,
    /// How this row's fields are named in its file, for reporting problems.
    pub names: Arc<dyn FieldNaming>,
}

/// How a file names a field of a draft, for reporting problems in the file's own terms
/// (`translations[0].title` is `title.de` in a CSV file).
pub trait FieldNaming: Send + Sync + std::fmt::Debug {
    fn name(&self, path: &str) -> String;
}

/// A stored offer to write into a file.
#[derive(Debug, Clone)]
pub struct FileOffer {
    pub provider_id: Uuid,
    pub draft: OfferDraft,
}
