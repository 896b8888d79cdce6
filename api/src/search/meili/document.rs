//! An offer as Meilisearch stores it, and the fields a hit brings back.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::NO_END;
use super::settings::concept_word;
use crate::search::terms::Thesaurus;
use crate::search::{OfferDocument, analysis};

/// An offer as Meilisearch stores it: its texts folded into the platform's words.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(super) struct MeiliDocument {
    pub(super) id: Uuid,
    pub(super) title: Vec<String>,
    pub(super) body: Vec<String>,
    pub(super) context: Vec<String>,
    /// The parts of the compound words in titles and texts.
    pub(super) parts: String,
    /// The term file's concepts its titles name, as `settings::concept_word`s (the concept's
    /// terms are synonyms of that word, so a query naming it finds the offer).
    pub(super) title_concept: Vec<String>,
    /// The concepts its texts name anywhere.
    pub(super) concept: Vec<String>,
    pub(super) words: Vec<String>,
    pub(super) category: Vec<String>,
    pub(super) region: Vec<Uuid>,
    pub(super) district: Vec<String>,
    pub(super) provider: Uuid,
    pub(super) language: Vec<String>,
    pub(super) level: Option<String>,
    pub(super) cost: String,
    pub(super) weekday: Vec<String>,
    pub(super) time_of_day: Vec<String>,
    pub(super) childcare: bool,
    pub(super) online: bool,
    /// Days since the Common Era, as the embedded engine keeps them.
    pub(super) starts_on: i64,
    pub(super) valid_until: i64,
    pub(super) updated_at: i64,
    #[serde(rename = "_geo", skip_serializing_if = "Option::is_none", default)]
    pub(super) geo: Option<GeoPoint>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub(super) struct GeoPoint {
    pub(super) lat: f64,
    pub(super) lng: f64,
}

/// The fields read back from a hit.
#[derive(Debug, Deserialize)]
pub(super) struct HitFields {
    pub(super) id: Uuid,
    #[serde(rename = "_geo", default)]
    pub(super) geo: Option<GeoPoint>,
}

/// Folded texts as the platform's words, each text's joined by spaces: Meilisearch then
/// reads the words the embedded engine reads (a Tamil word with its vowel signs, "d'allemand"
/// as "d allemand"). Hits are read back by id only, so nothing shows these texts.
fn words_of_texts(folded: &[String]) -> Vec<String> {
    folded
        .iter()
        .map(|text| analysis::words(text).collect::<Vec<_>>().join(" "))
        .collect()
}

pub(super) fn days(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce())
}

impl MeiliDocument {
    pub(super) fn of(doc: &OfferDocument, thesaurus: &Thesaurus) -> Self {
        let fold =
            |texts: &[String]| -> Vec<String> { texts.iter().map(|t| analysis::fold(t)).collect() };
        let labels = fold(&doc.category_labels);
        let (titles, bodies, context) = (
            fold(&doc.titles),
            fold(&doc.bodies),
            [labels.clone(), fold(&doc.context)].concat(),
        );
        let parts = analysis::compound_parts(titles.iter().chain(&bodies).map(String::as_str));
        let others: Vec<String> = bodies.iter().chain(&context).cloned().collect();
        // Concepts its categories name count like those its titles name.
        let named_like_titles = [titles.clone(), labels].concat();
        let named = thesaurus.concepts_of_offer(&named_like_titles, &others, &parts);
        let words_of =
            |codes: Vec<&str>| -> Vec<String> { codes.into_iter().map(concept_word).collect() };
        let words: BTreeSet<String> = doc
            .titles
            .iter()
            .flat_map(|t| analysis::tokens(t))
            .collect();
        Self {
            id: doc.id,
            title: words_of_texts(&titles),
            body: words_of_texts(&bodies),
            context: words_of_texts(&context),
            parts: parts.join(" "),
            title_concept: words_of(named.in_titles),
            concept: words_of(named.anywhere),
            words: words.into_iter().collect(),
            category: doc.categories.clone(),
            region: doc.regions.clone(),
            district: doc.districts.clone(),
            provider: doc.provider_id,
            language: doc.instruction_languages.clone(),
            level: doc.level.clone(),
            cost: doc.cost.clone(),
            weekday: doc.weekdays.iter().map(i16::to_string).collect(),
            time_of_day: doc.times_of_day.clone(),
            childcare: doc.childcare,
            online: doc.online,
            starts_on: days(doc.starts_on),
            valid_until: doc.valid_until.map_or(NO_END, days),
            updated_at: doc.updated_at.timestamp(),
            geo: doc.point.map(|(lat, lng)| GeoPoint { lat, lng }),
        }
    }
}
