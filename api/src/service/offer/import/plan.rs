//! Matching a file's rows to a provider's offers: what to create, update, leave as it is
//! and archive, and every problem, before anything is written.

use std::collections::{HashMap, HashSet};

use entity::offer;
use entity::types::OfferStatus;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{ImportReport, Outcome, RowReport};
use crate::error::{ApiResult, FieldError};
use crate::service::changes::{Changes, Committed};
use crate::service::offer::draft::{self, CheckedDraft, OfferDraft};
use crate::service::offer::files::FileRow;
use crate::service::offer::write::has_assigned_reference;

/// The name drafts are checked under; stripped again from the problems' paths.
const PREFIX: &str = "offer";

/// What to do with one offer.
#[derive(Debug)]
pub(super) enum Action {
    Create(CheckedDraft),
    Update {
        current: Box<offer::Model>,
        draft: CheckedDraft,
        fields: Vec<&'static str>,
    },
    Keep(offer::Model),
    Archive(offer::Model),
    Invalid(Vec<FieldError>),
}

/// One offer of the plan.
#[derive(Debug)]
pub(super) struct Entry {
    pub row: Option<usize>,
    pub external_ref: Option<String>,
    pub action: Action,
}

/// The whole import, decided.
#[derive(Debug)]
pub(super) struct Plan {
    pub entries: Vec<Entry>,
}

/// What writing the plan produced.
#[derive(Debug, Default)]
pub(super) struct Written {
    /// The new offers' ids, by entry.
    pub created: HashMap<usize, Uuid>,
    /// What the public may notice, for the side effects.
    pub changes: Changes,
}

impl Plan {
    pub fn has_problems(&self) -> bool {
        self.entries
            .iter()
            .any(|e| matches!(e.action, Action::Invalid(_)))
    }

    /// Whether writing the plan would change anything.
    pub fn has_changes(&self) -> bool {
        self.entries.iter().any(|e| {
            matches!(
                e.action,
                Action::Create(_) | Action::Update { .. } | Action::Archive(_)
            )
        })
    }

    /// The report: of what was written, or (without `written`) of what would be; with what
    /// the writing changed.
    pub fn report(self, written: Option<Written>) -> Committed<ImportReport> {
        let done = written.is_some();
        let mut written = written.unwrap_or_default();
        let rows = self
            .entries
            .into_iter()
            .enumerate()
            .map(|(index, entry)| {
                let (outcome, offer_id, changed_fields, problems) = match entry.action {
                    Action::Create(_) => (
                        Outcome::Created,
                        written.created.remove(&index),
                        Vec::new(),
                        Vec::new(),
                    ),
                    Action::Update {
                        current, fields, ..
                    } => (Outcome::Updated, Some(current.id), fields, Vec::new()),
                    Action::Keep(current) => {
                        (Outcome::Unchanged, Some(current.id), Vec::new(), Vec::new())
                    }
                    Action::Archive(current) => {
                        (Outcome::Archived, Some(current.id), Vec::new(), Vec::new())
                    }
                    Action::Invalid(problems) => (Outcome::Invalid, None, Vec::new(), problems),
                };
                RowReport {
                    row: entry.row,
                    external_ref: entry.external_ref,
                    outcome,
                    offer_id,
                    changed_fields,
                    problems,
                }
            })
            .collect();
        Committed::new(
            ImportReport {
                rows,
                written: done,
            },
            written.changes,
        )
    }
}

/// A row on its way through the checks.
struct Pending {
    row: usize,
    external_ref: Option<String>,
    draft: Option<OfferDraft>,
    problems: Vec<FieldError>,
    names: std::sync::Arc<dyn crate::service::offer::files::FieldNaming>,
}

/// Decides what to do with every row of a file (and, with `archive_missing`, with the
/// provider's offers the file leaves out).
pub(super) async fn make<C: ConnectionTrait>(
    db: &C,
    provider_id: Uuid,
    rows: Vec<FileRow>,
    archive_missing: bool,
) -> ApiResult<Plan> {
    let mut pending = pending_rows(rows, provider_id);

    // Every draft that could be read is checked, so a row's problems are all told at once.
    let mut indexes = Vec::new();
    let mut drafts = Vec::new();
    for (index, p) in pending.iter_mut().enumerate() {
        if let Some(draft) = p.draft.take() {
            indexes.push(index);
            drafts.push(draft);
        }
    }
    let mut checked: Vec<Option<CheckedDraft>> = pending.iter().map(|_| None).collect();
    let results = draft::check_many(db, drafts, PREFIX).await?;
    for (index, result) in indexes.into_iter().zip(results) {
        match result {
            Ok(draft) => checked[index] = Some(draft),
            Err(problems) => {
                let p = &mut pending[index];
                for problem in problems {
                    let path = problem
                        .field
                        .strip_prefix(PREFIX)
                        .and_then(|rest| rest.strip_prefix('.'))
                        .unwrap_or(&problem.field);
                    let name = p.names.name(path);
                    p.problems.push(FieldError::new(name, problem.message));
                }
            }
        }
    }

    let existing: HashMap<String, offer::Model> = offer::Entity::find()
        .filter(offer::Column::ProviderId.eq(provider_id))
        .filter(offer::Column::ExternalRef.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .filter_map(|m| Some((m.external_ref.clone()?, m)))
        .collect();
    let matched: Vec<offer::Model> = pending
        .iter()
        .zip(&checked)
        .filter(|(_, c)| c.is_some())
        .filter_map(|(p, _)| existing.get(p.external_ref.as_deref()?).cloned())
        .collect();
    let mut stored = draft::load_many(db, &matched).await?;

    let listed: HashSet<String> = pending
        .iter()
        .filter_map(|p| p.external_ref.clone())
        .collect();
    let mut entries = Vec::with_capacity(pending.len());
    for (p, checked) in pending.into_iter().zip(checked) {
        let current = p.external_ref.as_deref().and_then(|r| existing.get(r));
        let action = match (checked, current) {
            _ if !p.problems.is_empty() => Action::Invalid(p.problems),
            (None, _) => Action::Invalid(p.problems),
            (Some(draft), None) => Action::Create(draft),
            (Some(draft), Some(current)) => {
                let before = stored
                    .remove(&current.id)
                    .map(OfferDraft::canonical)
                    .unwrap_or_else(|| draft.draft.clone());
                let fields = differing_fields(&before, &draft.draft.clone().canonical());
                if fields.is_empty() {
                    Action::Keep(current.clone())
                } else if current.status == OfferStatus::Archived {
                    Action::Invalid(vec![FieldError::new(
                        "externalRef",
                        "the offer with this reference is archived: reopen it (submitOffer) \
                         before importing changes to it",
                    )])
                } else {
                    Action::Update {
                        current: Box::new(current.clone()),
                        draft,
                        fields,
                    }
                }
            }
        };
        entries.push(Entry {
            row: Some(p.row),
            external_ref: p.external_ref,
            action,
        });
    }
    if archive_missing {
        let mut missing: Vec<&offer::Model> = existing
            .iter()
            .filter(|(reference, m)| {
                !listed.contains(*reference)
                    && m.status != OfferStatus::Archived
                    && !has_assigned_reference(m)
            })
            .map(|(_, m)| m)
            .collect();
        missing.sort_by(|a, b| a.external_ref.cmp(&b.external_ref));
        entries.extend(missing.into_iter().map(|m| Entry {
            row: None,
            external_ref: m.external_ref.clone(),
            action: Action::Archive(m.clone()),
        }));
    }
    Ok(Plan { entries })
}

/// The fields in which two drafts (in canonical order) differ, named as in the API.
fn differing_fields(a: &OfferDraft, b: &OfferDraft) -> Vec<&'static str> {
    let mut fields = Vec::new();
    macro_rules! compare {
        ($($field:ident => $name:literal),* $(,)?) => {
            $(if a.$field != b.$field {
                fields.push($name);
            })*
        };
    }
    compare!(
        kind => "kind",
        default_locale => "defaultLocale",
        external_ref => "externalRef",
        level => "level",
        fide => "fide",
        cost => "cost",
        childcare => "childcare",
        online => "online",
        accessibility => "accessibility",
        target_groups => "targetGroups",
        registration => "registration",
        valid_from => "validFrom",
        valid_until => "validUntil",
        translations => "translations",
        instruction_languages => "instructionLanguages",
        support_languages => "supportLanguages",
        category_codes => "categoryCodes",
        region_ids => "regionIds",
        locations => "locations",
        schedules => "schedules",
    );
    fields
}

/// The rows with the problems that need no database: a missing or repeated reference, a
/// record of another provider.
fn pending_rows(rows: Vec<FileRow>, provider_id: Uuid) -> Vec<Pending> {
    let mut uses: HashMap<String, Vec<usize>> = HashMap::new();
    for row in &rows {
        if let Some(reference) = reference(row.external_ref.as_deref()) {
            uses.entry(reference).or_default().push(row.row);
        }
    }

    let mut pending: Vec<Pending> = Vec::with_capacity(rows.len());
    for row in rows {
        let external_ref = reference(row.external_ref.as_deref());
        let (draft, mut problems) = match row.draft {
            Ok(draft) => (Some(draft), Vec::new()),
            Err(problems) => (None, problems),
        };
        match &external_ref {
            None => problems.push(FieldError::new(
                "externalRef",
                "is required: the import finds an offer by its reference",
            )),
            Some(reference) => {
                if let Some(rows) = uses.get(reference).filter(|rows| rows.len() > 1) {
                    let rows: Vec<String> = rows.iter().map(usize::to_string).collect();
                    problems.push(FieldError::new(
                        "externalRef",
                        format!("appears in rows {}: list each offer once", rows.join(", ")),
                    ));
                }
            }
        }
        if let Some(named) = row.provider_id
            && named != provider_id
        {
            problems.push(FieldError::new(
                "providerId",
                "names another provider than the one the file is imported into",
            ));
        }
        pending.push(Pending {
            row: row.row,
            external_ref,
            draft,
            problems,
            names: row.names,
        });
    }

    pending
}

fn reference(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}
