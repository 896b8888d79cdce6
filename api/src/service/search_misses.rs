//! Words of searches that found nothing, so the canton learns which words its term file is
//! missing. Only folded words are counted, per month; no query, time, address or account is
//! kept. Searches add to a tally in memory (a search writes nothing), which a job adds to
//! the database every little while (`jobs::search_misses`); a word is shown only once
//! several searches used it in a month, so a name someone typed once stays unseen, and
//! months past the retention are deleted.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{Datelike, Months, NaiveDate};
use entity::search_miss;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::clock;
use crate::error::{ApiError, ApiResult};
use crate::search::analysis;

/// Searches that must have used a word in a month before it is shown.
pub const MIN_SHOWN_MISSES: i32 = 3;
/// Longest word counted, in characters: longer ones are pasted text, not words.
const MAX_WORD_CHARS: usize = 30;
/// Words counted per search.
const MAX_WORDS_PER_SEARCH: usize = 5;

/// The tally of words not yet written.
#[derive(Debug)]
pub struct MissTally {
    pending: Mutex<HashMap<String, i32>>,
    /// Distinct words held between two writes; words beyond it are not counted (a flood of
    /// made-up words cannot grow the memory or the table without bound).
    max_pending: usize,
}

impl MissTally {
    pub fn new(max_pending: usize) -> Self {
        Self {
            pending: Mutex::default(),
            max_pending,
        }
    }

    /// Counts the words of a search that found nothing. Numbers, single letters and very
    /// long words are left out: they are not vocabulary, and may be personal (a phone
    /// number, a date of birth).
    pub fn record(&self, text: &str) {
        let mut words = analysis::tokens(text);
        words.sort_unstable();
        words.dedup();
        let Ok(mut pending) = self.pending.lock() else {
            return;
        };
        for word in words
            .into_iter()
            .filter(|w| counted(w))
            .take(MAX_WORDS_PER_SEARCH)
        {
            let held = pending.len();
            match pending.get_mut(&word) {
                Some(count) => *count = count.saturating_add(1),
                None if held < self.max_pending => {
                    pending.insert(word, 1);
                }
                None => {}
            }
        }
    }

    /// Adds the tally to this month's counts and empties it; the number of words written.
    /// A failed write puts the words back, to be written next time.
    pub async fn write(&self, db: &DatabaseConnection) -> ApiResult<usize> {
        let taken: Vec<(String, i32)> = match self.pending.lock() {
            Ok(mut pending) => pending.drain().collect(),
            Err(_) => return Err(ApiError::internal("the search miss tally is poisoned")),
        };
        if taken.is_empty() {
            return Ok(0);
        }
        let month = month_of(clock::now().date_naive());
        let rows = taken.iter().map(|(term, misses)| search_miss::ActiveModel {
            month: Set(month.clone()),
            term: Set(term.clone()),
            misses: Set(*misses),
        });
        let written = search_miss::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns([search_miss::Column::Month, search_miss::Column::Term])
                    .value(
                        search_miss::Column::Misses,
                        Expr::col((search_miss::Entity, search_miss::Column::Misses))
                            .add(Expr::cust("excluded.misses")),
                    )
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await;
        if let Err(err) = written {
            if let Ok(mut pending) = self.pending.lock() {
                for (term, misses) in taken {
                    *pending.entry(term).or_default() += misses;
                }
            }
            return Err(err.into());
        }
        Ok(taken.len())
    }
}

/// Whether a folded word is worth counting.
fn counted(word: &str) -> bool {
    let chars = word.chars().count();
    (2..=MAX_WORD_CHARS).contains(&chars) && !word.chars().any(char::is_numeric)
}

/// `YYYY-MM`.
pub fn month_of(day: NaiveDate) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

/// The words most searched for without result in `month`, each used by at least
/// `MIN_SHOWN_MISSES` searches, most used first.
pub async fn most_missed(
    db: &DatabaseConnection,
    month: &str,
    first: u64,
) -> ApiResult<Vec<search_miss::Model>> {
    let valid =
        month.len() == 7 && NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").is_ok();
    if !valid {
        return Err(ApiError::bad_input("`month` is written YYYY-MM"));
    }
    Ok(search_miss::Entity::find()
        .filter(search_miss::Column::Month.eq(month))
        .filter(search_miss::Column::Misses.gte(MIN_SHOWN_MISSES))
        .order_by_desc(search_miss::Column::Misses)
        .order_by_asc(search_miss::Column::Term)
        .limit(first)
        .all(db)
        .await?)
}

/// Deletes the counts of months more than `keep_months` before this one.
pub async fn forget_old_months(db: &DatabaseConnection, keep_months: u32) -> ApiResult<u64> {
    let today = clock::now().date_naive();
    let Some(oldest_kept) = today.checked_sub_months(Months::new(keep_months)) else {
        return Ok(0);
    };
    let deleted = search_miss::Entity::delete_many()
        .filter(search_miss::Column::Month.lt(month_of(oldest_kept)))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_words_are_counted_and_the_tally_is_bounded() {
        let tally = MissTally::new(3);
        tally.record("Kurs 079 123 45 67 a Kurs xyzzy");
        tally.record("Kurs");
        tally.record("alpha beta gamma delta");
        let pending = tally.pending.lock().unwrap();
        assert_eq!(pending.get("kurs"), Some(&2));
        assert!(pending.keys().all(|w| !w.chars().any(char::is_numeric)));
        assert!(!pending.contains_key("a"));
        assert_eq!(pending.len(), 3);
        assert_eq!(
            month_of(NaiveDate::from_ymd_opt(2026, 3, 9).unwrap()),
            "2026-03"
        );
    }
}
