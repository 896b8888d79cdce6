//! The search term file in GraphQL: its rows in use (anyone may read them: they are words,
//! not data about anyone), and `setSearchTerms` for admins.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use crate::auth::RequestMeta;
use crate::context::AppContext;
use crate::error::ApiResult;
use crate::search::terms::TermRow;
use crate::service::search_terms::{self, RowInUse, TermsInUse};

/// A concept's terms in one language, as searches read them.
#[derive(SimpleObject)]
pub struct SearchTermRow {
    /// The concept's code (`german-course`).
    pub concept: String,
    /// The language the terms are in.
    pub locale: String,
    /// Terms that name the concept wherever they occur: offers holding one are tagged with
    /// it, and a query holding one finds them in every language.
    pub terms: Vec<String>,
    /// Terms that name the concept in queries only (too general to tag an offer).
    pub query_terms: Vec<String>,
    /// When an admin last set the row; null for a row as shipped.
    pub changed_at: Option<DateTime<Utc>>,
}

impl From<RowInUse> for SearchTermRow {
    fn from(in_use: RowInUse) -> Self {
        Self {
            concept: in_use.row.concept,
            locale: in_use.row.locale,
            terms: in_use.row.terms,
            query_terms: in_use.row.query_terms,
            changed_at: in_use.changed_at,
        }
    }
}

/// The terms of a concept in one language.
#[derive(InputObject)]
pub struct SetSearchTermsInput {
    /// A concept code: lower-case letters, digits and `-`; a new code adds a concept.
    pub concept: String,
    pub locale: String,
    pub terms: Vec<String>,
    #[graphql(default)]
    pub query_terms: Vec<String>,
}

#[derive(Default)]
pub struct SearchTermsQuery;

#[Object]
impl SearchTermsQuery {
    /// The term file in use: the shipped rows with the canton's changes, by concept and
    /// language, optionally of one concept or one language.
    async fn search_terms(
        &self,
        ctx: &Context<'_>,
        concept: Option<String>,
        locale: Option<String>,
    ) -> ApiResult<Vec<SearchTermRow>> {
        let app = AppContext::of(ctx)?;
        Ok(search_terms::rows(&app.db)
            .await?
            .into_iter()
            .filter(|r| concept.as_ref().is_none_or(|c| *c == r.row.concept))
            .filter(|r| {
                locale
                    .as_ref()
                    .is_none_or(|l| l.eq_ignore_ascii_case(&r.row.locale))
            })
            .map(Into::into)
            .collect())
    }
}

#[derive(Default)]
pub struct SearchTermsMutation;

#[Object]
impl SearchTermsMutation {
    /// Sets a concept's terms in one language (admins): replaces the shipped row or adds
    /// one; empty lists remove the row. The whole term file is checked first (a term may
    /// name one concept only, and has one to four words): a refused change writes nothing.
    /// Searches read the new terms at once; the offers whose texts hold the words of a term
    /// added or removed are indexed again within seconds, not the whole catalogue.
    async fn set_search_terms(
        &self,
        ctx: &Context<'_>,
        input: SetSearchTermsInput,
    ) -> ApiResult<SearchTermRow> {
        let app = AppContext::of(ctx)?;
        let place = TermsInUse {
            db: &app.db,
            index: &*app.search,
            live: &app.thesaurus,
        };
        let row = TermRow {
            concept: input.concept,
            locale: input.locale,
            terms: input.terms,
            query_terms: input.query_terms,
        };
        Ok(search_terms::set_row(place, RequestMeta::of(ctx), row)
            .await?
            .into())
    }
}
