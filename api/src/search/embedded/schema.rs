//! The embedded index's schema: its fields, how each is indexed, and dates as day numbers.

use chrono::NaiveDate;
use tantivy::Index;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{TextAnalyzer, WhitespaceTokenizer};

/// The tokenizer of the text fields. The platform's analysis (`search::analysis`) has made
/// the words already, by Unicode's rules, and joined them with spaces; tantivy's own
/// tokenizer would cut them again wherever a character is not a letter or digit (a Tamil
/// virama, say).
const WORDS: &str = "words";

/// Makes the text fields' tokenizer known to an index (tokenizers are not stored with it).
pub(super) fn register_tokenizers(index: &Index) {
    index
        .tokenizers()
        .register(WORDS, TextAnalyzer::from(WhitespaceTokenizer::default()));
}

/// A text field split into the words the analysis made, with frequencies and positions.
fn words() -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(WORDS)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    )
}

/// The index's fields.
#[derive(Debug, Clone, Copy)]
pub(super) struct Fields {
    pub(super) id: Field,
    pub(super) title: Field,
    pub(super) body: Field,
    pub(super) context: Field,
    pub(super) parts: Field,
    /// The stems of the words of titles, descriptions and context (`search::stems`).
    pub(super) stems: Field,
    /// The term file's concepts the offer's texts name (`Thesaurus::concepts_named`).
    pub(super) concept: Field,
    /// The concepts its titles name: an offer called "Deutschkurs" is about German more
    /// surely than one whose description mentions it.
    pub(super) title_concept: Field,
    pub(super) category: Field,
    pub(super) region: Field,
    pub(super) district: Field,
    pub(super) provider: Field,
    pub(super) language: Field,
    pub(super) level: Field,
    pub(super) cost: Field,
    pub(super) weekday: Field,
    pub(super) time_of_day: Field,
    pub(super) childcare: Field,
    pub(super) online: Field,
    pub(super) starts_on: Field,
    pub(super) valid_until: Field,
    pub(super) updated_at: Field,
    pub(super) lat: Field,
    pub(super) lon: Field,
}

pub(super) fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let keyword = STRING | FAST;
    let fields = Fields {
        id: builder.add_text_field("id", STRING | STORED),
        title: builder.add_text_field("title", words()),
        body: builder.add_text_field("body", words()),
        context: builder.add_text_field("context", words()),
        parts: builder.add_text_field("parts", words()),
        stems: builder.add_text_field("stems", words()),
        concept: builder.add_text_field("concept", STRING),
        title_concept: builder.add_text_field("title_concept", STRING),
        category: builder.add_text_field("category", keyword.clone()),
        region: builder.add_text_field("region", STRING),
        district: builder.add_text_field("district", keyword.clone()),
        provider: builder.add_text_field("provider", STRING),
        language: builder.add_text_field("language", keyword.clone()),
        level: builder.add_text_field("level", keyword.clone()),
        cost: builder.add_text_field("cost", keyword.clone()),
        weekday: builder.add_text_field("weekday", keyword.clone()),
        time_of_day: builder.add_text_field("time_of_day", keyword.clone()),
        childcare: builder.add_text_field("childcare", keyword.clone()),
        online: builder.add_text_field("online", STRING),
        starts_on: builder.add_i64_field("starts_on", INDEXED | FAST),
        valid_until: builder.add_i64_field("valid_until", INDEXED | FAST),
        updated_at: builder.add_i64_field("updated_at", INDEXED | FAST),
        lat: builder.add_f64_field("lat", FAST),
        lon: builder.add_f64_field("lon", FAST),
    };
    (builder.build(), fields)
}

pub(super) fn days(date: NaiveDate) -> i64 {
    i64::from(chrono::Datelike::num_days_from_ce(&date))
}
