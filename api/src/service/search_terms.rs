//! The search term file as the canton keeps it: the shipped rows
//! (`reference/search-terms.csv`), with the rows admins changed (`search_term_row`) in place
//! of the shipped row of the same concept and language. An edit is checked as a whole file
//! (nothing is written when any row would be refused), written in one transaction with the
//! re-indexing of the offers whose texts hold the words of the terms it changes (not the
//! whole catalogue), and put in use on this instance at once; other instances pick it up at
//! their indexer's next round (`refresh`), before those offers are written again.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use entity::search_term_row;
use entity::types::{OutboxEntity, OutboxOperation};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait, QueryOrder};
use serde_json::json;
use uuid::Uuid;

use crate::auth::RequestMeta;
use crate::clock;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::search::SearchIndex;
use crate::search::analysis;
use crate::search::terms::{self, LiveTerms, TermRow, Thesaurus};
use crate::service::audit::{self, Change};
use crate::service::outbox;

/// Most terms in one list of a row.
const MAX_TERMS_PER_LIST: usize = 50;
/// Longest term, in characters.
const MAX_TERM_CHARS: usize = 100;
/// How long after an edit the offers it concerns are indexed again: longer than an
/// indexer's round, so every instance reads the new terms first.
const TERMS_SETTLE: chrono::Duration = chrono::Duration::seconds(3);

/// A row of the term file in use, and whether (and when) the canton changed it.
#[derive(Debug, Clone, PartialEq)]
pub struct RowInUse {
    pub row: TermRow,
    /// When an admin last set it; `None` for a shipped row as shipped.
    pub changed_at: Option<DateTime<Utc>>,
}

/// Where the terms are in use: the database keeps the canton's rows, the search engine and
/// the API read the terms.
#[derive(Clone, Copy)]
pub struct TermsInUse<'a> {
    pub db: &'a DatabaseConnection,
    pub index: &'a dyn SearchIndex,
    pub live: &'a LiveTerms,
}

/// The shipped rows with the canton's in their place; a canton's row without any term
/// removes the shipped one.
fn merge(shipped: Vec<TermRow>, changed: &[search_term_row::Model]) -> Vec<RowInUse> {
    let mut rows: Vec<RowInUse> = shipped
        .into_iter()
        .map(|row| RowInUse {
            row,
            changed_at: None,
        })
        .collect();
    for model in changed {
        let row = TermRow {
            concept: model.concept.clone(),
            locale: model.locale.clone(),
            terms: strings(&model.terms),
            query_terms: strings(&model.query_terms),
        };
        let in_use = RowInUse {
            row,
            changed_at: Some(model.updated_at),
        };
        match rows
            .iter()
            .position(|r| r.row.concept == model.concept && r.row.locale == model.locale)
        {
            Some(at) => rows[at] = in_use,
            None => rows.push(in_use),
        }
    }
    rows.retain(|r| !(r.row.terms.is_empty() && r.row.query_terms.is_empty()));
    rows
}

fn strings(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

async fn changed_rows(db: &DatabaseConnection) -> ApiResult<Vec<search_term_row::Model>> {
    Ok(search_term_row::Entity::find()
        .order_by_asc(search_term_row::Column::Concept)
        .order_by_asc(search_term_row::Column::Locale)
        .all(db)
        .await?)
}

fn shipped() -> ApiResult<Vec<TermRow>> {
    terms::shipped_rows().map_err(ApiError::internal)
}

/// The rows in use, concept by concept.
pub async fn rows(db: &DatabaseConnection) -> ApiResult<Vec<RowInUse>> {
    let mut rows = merge(shipped()?, &changed_rows(db).await?);
    rows.sort_by(|a, b| (&a.row.concept, &a.row.locale).cmp(&(&b.row.concept, &b.row.locale)));
    Ok(rows)
}

/// The terms in use: the shipped file with the canton's rows.
pub async fn in_use(db: &DatabaseConnection) -> ApiResult<Thesaurus> {
    let rows: Vec<TermRow> = merge(shipped()?, &changed_rows(db).await?)
        .into_iter()
        .map(|r| r.row)
        .collect();
    Thesaurus::from_rows(&rows).map_err(ApiError::internal)
}

/// What identifies the canton's rows as they are: when one is set, it changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version(Vec<(String, String, DateTime<Utc>)>);

async fn version(db: &DatabaseConnection) -> ApiResult<Version> {
    Ok(Version(
        changed_rows(db)
            .await?
            .into_iter()
            .map(|m| (m.concept, m.locale, m.updated_at))
            .collect(),
    ))
}

/// Sets the terms of a concept in one language (admins): replaces the shipped row, or adds
/// one; empty lists remove the row. The offers whose texts hold the words of a term that
/// tags offers and was added or removed are written to the index again.
pub async fn set_row(
    place: TermsInUse<'_>,
    meta: &RequestMeta,
    row: TermRow,
) -> ApiResult<RowInUse> {
    meta.viewer.admin()?;
    let row = checked(row)?;
    let before = rows(place.db).await?;
    let mut after: Vec<TermRow> = before.iter().map(|r| r.row.clone()).collect();
    match after
        .iter()
        .position(|r| r.concept == row.concept && r.locale == row.locale)
    {
        Some(at) if row.terms.is_empty() && row.query_terms.is_empty() => {
            after.remove(at);
        }
        Some(at) => after[at] = row.clone(),
        None if row.terms.is_empty() && row.query_terms.is_empty() => {}
        None => after.push(row.clone()),
    }
    let thesaurus = Thesaurus::from_rows(&after)
        .map_err(|message| ApiError::invalid_fields(vec![FieldError::new("input", message)]))?;
    let old_terms: Vec<String> = before
        .iter()
        .find(|r| r.row.concept == row.concept && r.row.locale == row.locale)
        .map(|r| r.row.terms.clone())
        .unwrap_or_default();
    let concerned = offers_concerned(place.index, &old_terms, &row.terms).await?;

    let now = clock::now();
    let txn = crate::db::begin_write(place.db).await?;
    search_term_row::Entity::insert(search_term_row::ActiveModel {
        concept: Set(row.concept.clone()),
        locale: Set(row.locale.clone()),
        terms: Set(json!(row.terms)),
        query_terms: Set(json!(row.query_terms)),
        updated_at: Set(now),
        updated_by: Set(meta.viewer.account_id()),
    })
    .on_conflict(
        OnConflict::columns([
            search_term_row::Column::Concept,
            search_term_row::Column::Locale,
        ])
        .update_columns([
            search_term_row::Column::Terms,
            search_term_row::Column::QueryTerms,
            search_term_row::Column::UpdatedAt,
            search_term_row::Column::UpdatedBy,
        ])
        .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    // Due a little later, so that every instance's indexer has read the new terms
    // (`refresh`, each round) before it writes these offers again.
    outbox::enqueue_many_after(
        &txn,
        OutboxEntity::Offer,
        &concerned,
        OutboxOperation::Upsert,
        TERMS_SETTLE,
    )
    .await?;
    audit::record(
        &txn,
        meta,
        Change {
            action: "search_terms.set",
            entity_type: "search_term_row",
            entity_id: None,
            summary: json!({
                "concept": row.concept,
                "locale": row.locale,
                "terms": row.terms.len(),
                "queryTerms": row.query_terms.len(),
                "offersReindexed": concerned.len(),
            }),
        },
    )
    .await?;
    txn.commit().await?;
    put_in_use(place, Arc::new(thesaurus)).await;
    Ok(RowInUse {
        row,
        changed_at: Some(now),
    })
}

/// Trims and bounds a row as typed.
fn checked(row: TermRow) -> ApiResult<TermRow> {
    let mut errors = Vec::new();
    let concept = row.concept.trim().to_owned();
    let locale = row.locale.trim().to_ascii_lowercase();
    if !(2..=12).contains(&locale.len())
        || !locale
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        errors.push(FieldError::new(
            "locale",
            "a language tag: 2 to 12 letters, digits and '-'",
        ));
    }
    let mut list = |name: &str, terms: Vec<String>| -> Vec<String> {
        let terms: Vec<String> = terms
            .into_iter()
            .map(|t| crate::nfc::nfc(t.trim()).into_owned())
            .filter(|t| !t.is_empty())
            .collect();
        if terms.len() > MAX_TERMS_PER_LIST {
            errors.push(FieldError::new(
                name,
                format!("at most {MAX_TERMS_PER_LIST} terms"),
            ));
        }
        if terms.iter().any(|t| t.chars().count() > MAX_TERM_CHARS) {
            errors.push(FieldError::new(
                name,
                format!("a term has at most {MAX_TERM_CHARS} characters"),
            ));
        }
        if terms.iter().any(|t| t.contains('|')) {
            errors.push(FieldError::new(name, "a term holds no '|'"));
        }
        terms
    };
    let terms = list("terms", row.terms);
    let query_terms = list("queryTerms", row.query_terms);
    if !errors.is_empty() {
        return Err(ApiError::invalid_fields(errors));
    }
    Ok(TermRow {
        concept,
        locale,
        terms,
        query_terms,
    })
}

/// The offers whose texts hold all words of a term that tags texts and is in one list but
/// not the other: the concepts they record may change.
async fn offers_concerned(
    index: &dyn SearchIndex,
    before: &[String],
    after: &[String],
) -> ApiResult<Vec<Uuid>> {
    let folded = |terms: &[String]| -> BTreeSet<Vec<String>> {
        terms.iter().map(|t| analysis::tokens(t)).collect()
    };
    let (before, after) = (folded(before), folded(after));
    let mut ids: HashSet<Uuid> = HashSet::new();
    for words in before.symmetric_difference(&after) {
        let holding = index
            .holding_words(words.clone())
            .await
            .map_err(|err| {
                tracing::error!(error = %err, "the search engine cannot say which offers a term change concerns");
                ApiError::ServiceUnavailable
            })?;
        ids.extend(holding);
    }
    let mut ids: Vec<Uuid> = ids.into_iter().collect();
    ids.sort_unstable();
    Ok(ids)
}

async fn put_in_use(place: TermsInUse<'_>, thesaurus: Arc<Thesaurus>) {
    place.live.replace(thesaurus.clone());
    if let Err(err) = place.index.use_terms(thesaurus).await {
        // The engine keeps the old terms until the next refresh tries again.
        tracing::error!(error = %err, "the search engine did not take the new terms");
    }
}

/// Puts the canton's rows in use when they changed since `seen` (another instance set
/// one); true when they did. The indexer calls it before each round, so the offers an edit
/// queued are written under the new terms on every instance.
pub async fn refresh(place: TermsInUse<'_>, seen: &mut Option<Version>) -> ApiResult<bool> {
    let now = version(place.db).await?;
    if seen.as_ref() == Some(&now) {
        return Ok(false);
    }
    let first = seen.is_none();
    let thesaurus = Arc::new(in_use(place.db).await?);
    *seen = Some(now);
    // The terms loaded at start are usually these: nothing to put in use.
    if first && place.live.current().concepts == thesaurus.concepts {
        return Ok(false);
    }
    put_in_use(place, thesaurus).await;
    Ok(true)
}
