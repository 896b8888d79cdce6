//! The tantivy query of a search: each typed word with its typos, compound parts and
//! concepts across the text fields, and the filters as term and range queries.

use std::ops::Bound;
use std::sync::Arc;

use chrono::NaiveDate;
use tantivy::Term;
use tantivy::query::{
    AllQuery, AutomatonWeight, BooleanQuery, BoostQuery, DfaWrapper, EnableScoring, FuzzyTermQuery,
    Occur, Query, RangeQuery, TermQuery, TermSetQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use uuid::Uuid;

use crate::search::SearchRequest;
use crate::search::query::{QueryUnit, QueryWord};

use super::schema::{Fields, days};

/// The words within a typed word's typo budget in one field, through an automaton built
/// once for the word and shared by every field (building it costs more than using it).
#[derive(Clone)]
struct WithinTypos {
    field: Field,
    automaton: Arc<DfaWrapper>,
}

impl std::fmt::Debug for WithinTypos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WithinTypos")
            .field("field", &self.field)
            .finish_non_exhaustive()
    }
}

impl Query for WithinTypos {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(AutomatonWeight::<DfaWrapper>::new(
            self.field,
            self.automaton.clone(),
        )))
    }
}

/// Text query for one typed word across the text fields.
pub(super) fn word_query(f: &Fields, word: &QueryWord) -> Box<dyn Query> {
    let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    // The automaton does not depend on the field: any field's term gives the same one. A
    // word it cannot be built for (a budget beyond the engine's) is matched as typed.
    let automaton = (word.typos > 0)
        .then(|| FuzzyTermQuery::new(Term::from_field_text(f.title, &word.text), word.typos, true))
        .and_then(|query| query.automaton().ok())
        .map(Arc::new);
    for (field, boost) in [
        (f.title, 3.0),
        (f.body, 1.0),
        (f.context, 0.7),
        (f.parts, 1.5),
    ] {
        let term = Term::from_field_text(field, &word.text);
        alternatives.push((
            Occur::Should,
            Box::new(BoostQuery::new(
                Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                boost,
            )),
        ));
        // Compound parts with typos only for words as long as compounds are (two typos):
        // a short word with one typo would match parts of half the catalogue (every German
        // course holds the part "deutsch") and find nothing the other fields miss.
        if let Some(automaton) = automaton
            .as_ref()
            .filter(|_| field != f.parts || word.typos >= 2)
        {
            alternatives.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(WithinTypos {
                        field,
                        automaton: automaton.clone(),
                    }),
                    boost * 0.4,
                )),
            ));
        }
    }
    if !word.stems.is_empty() {
        // Another form of the word ("Frauen" for "Frau"): found, below the form typed.
        alternatives.push((
            Occur::Should,
            Box::new(BoostQuery::new(
                Box::new(TermSetQuery::new(
                    word.stems
                        .iter()
                        .map(|stem| Term::from_field_text(f.stems, stem)),
                )),
                0.5,
            )),
        ));
    }
    if let Some(parts) = &word.parts {
        let all: Vec<Box<dyn Query>> = parts.iter().map(|p| plain_word(f, p)).collect();
        alternatives.push((
            Occur::Should,
            Box::new(BoostQuery::new(
                Box::new(BooleanQuery::intersection(all)),
                1.5,
            )),
        ));
    }
    Box::new(BooleanQuery::new(alternatives))
}

/// A word exactly, in any text field.
pub(super) fn plain_word(f: &Fields, word: &str) -> Box<dyn Query> {
    let clauses: Vec<(Occur, Box<dyn Query>)> = [f.title, f.body, f.context, f.parts]
        .into_iter()
        .map(|field| {
            let q: Box<dyn Query> = Box::new(TermQuery::new(
                Term::from_field_text(field, word),
                IndexRecordOption::WithFreqs,
            ));
            (Occur::Should, q)
        })
        .collect();
    Box::new(BooleanQuery::new(clauses))
}

pub(super) fn unit_query(f: &Fields, unit: &QueryUnit) -> Box<dyn Query> {
    match unit {
        QueryUnit::Word(word) => word_query(f, word),
        QueryUnit::Concept { words, code, .. } => {
            let typed: Vec<Box<dyn Query>> = words.iter().map(|w| word_query(f, w)).collect();
            // Every document records the concepts its texts name (one term of a concept in
            // any language), so the concept is one term here, not each of its terms. Named
            // in a title, it counts as much as the typed word in a title.
            let concept_in = |field: Field, boost: f32| -> Box<dyn Query> {
                Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, code),
                        IndexRecordOption::Basic,
                    )),
                    boost,
                ))
            };
            Box::new(BooleanQuery::new(vec![
                (Occur::Should, Box::new(BooleanQuery::intersection(typed))),
                (Occur::Should, concept_in(f.concept, 0.8)),
                (Occur::Should, concept_in(f.title_concept, 2.0)),
            ]))
        }
    }
}

pub(super) fn any_of(field: Field, values: impl IntoIterator<Item = String>) -> Box<dyn Query> {
    Box::new(TermSetQuery::new(
        values.into_iter().map(|v| Term::from_field_text(field, &v)),
    ))
}

pub(super) fn filter_queries(f: &Fields, request: &SearchRequest) -> Vec<Box<dyn Query>> {
    let filter = &request.filter;
    let mut out: Vec<Box<dyn Query>> = vec![Box::new(RangeQuery::new(
        Bound::Included(Term::from_field_i64(f.valid_until, days(request.today))),
        Bound::Unbounded,
    ))];
    let lists: [(Field, Vec<String>); 8] = [
        (f.category, filter.categories.clone()),
        (
            f.region,
            filter.regions.iter().map(Uuid::to_string).collect(),
        ),
        (
            f.provider,
            filter.providers.iter().map(Uuid::to_string).collect(),
        ),
        (f.language, filter.languages.clone()),
        (f.level, filter.levels.clone()),
        (f.cost, filter.costs.clone()),
        (
            f.weekday,
            filter.weekdays.iter().map(i16::to_string).collect(),
        ),
        (f.time_of_day, filter.times_of_day.clone()),
    ];
    for (field, values) in lists {
        if !values.is_empty() {
            out.push(any_of(field, values));
        }
    }
    if let Some(childcare) = filter.childcare {
        out.push(any_of(f.childcare, [childcare.to_string()]));
    }
    if let Some(online) = filter.online {
        out.push(any_of(f.online, [online.to_string()]));
    }
    if filter.starts_after.is_some() || filter.starts_before.is_some() {
        let bound = |d: Option<NaiveDate>| {
            d.map_or(Bound::Unbounded, |d| {
                Bound::Included(Term::from_field_i64(f.starts_on, days(d)))
            })
        };
        out.push(Box::new(RangeQuery::new(
            bound(filter.starts_after),
            bound(filter.starts_before),
        )));
    }
    if let Some(since) = filter.updated_since {
        out.push(Box::new(RangeQuery::new(
            Bound::Included(Term::from_field_i64(f.updated_at, since.timestamp())),
            Bound::Unbounded,
        )));
    }
    out
}

pub(super) fn build_query(
    f: &Fields,
    request: &SearchRequest,
    units: &[QueryUnit],
    all_words: bool,
) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = filter_queries(f, request)
        .into_iter()
        .map(|q| (Occur::Must, q))
        .collect();
    if units.is_empty() {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    } else if all_words {
        for unit in units {
            clauses.push((Occur::Must, unit_query(f, unit)));
        }
    } else {
        let any: Vec<Box<dyn Query>> = units.iter().map(|u| unit_query(f, u)).collect();
        clauses.push((Occur::Must, Box::new(BooleanQuery::union(any))));
    }
    Box::new(BooleanQuery::new(clauses))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query;
    use crate::search::terms::Thesaurus;

    fn terms_looked_up(query: &dyn Query) -> usize {
        let mut count = 0;
        query.query_terms(&mut |_, _| count += 1);
        count
    }

    #[test]
    fn a_concept_is_one_term_whatever_its_size() {
        let thesaurus = Thesaurus::shipped().unwrap();
        let (_, fields) = super::super::schema::schema();
        let units = query::parse(&thesaurus, "Deutschkurs");
        let QueryUnit::Concept { terms, .. } = &units[0] else {
            panic!("Deutschkurs names a concept");
        };
        // The concept has dozens of terms in a dozen languages; the query looks up the typed
        // word in each text field, its compound parts, its stems, and the concept in titles
        // and anywhere.
        assert!(terms.len() >= 20);
        let QueryUnit::Concept { words, .. } = &units[0] else {
            panic!("Deutschkurs names a concept");
        };
        let stems = words[0].stems.len();
        let looked_up = terms_looked_up(&*unit_query(&fields, &units[0]));
        assert!(looked_up <= 14 + stems, "{looked_up} terms");
    }
}
