//! The GraphQL schema: one module per domain, merged into one query root.

pub mod account;
pub mod api_client;
pub mod audit;
pub mod category;
pub mod extensions;
pub mod loader;
pub use crate::locale;
pub mod mentoring;
pub mod node;
pub mod offer;
pub mod operation;
pub mod prefetch;
pub mod provider;
pub mod region;
pub mod relay;
pub mod scalars;
pub mod search;
pub mod subscription;

use async_graphql::{MergedObject, Schema};
use extensions::{cost, errors, limits};

use crate::config::Settings;
use crate::context::AppContext;

/// Every query of the API.
#[derive(MergedObject, Default)]
pub struct Query(
    node::NodeQuery,
    region::RegionQuery,
    category::CategoryQuery,
    offer::OfferQuery,
    offer::OfferExchangeQuery,
    provider::ProviderQuery,
    account::AccountQuery,
    audit::AuditQuery,
    api_client::ApiClientQuery,
    operation::OperationQuery,
    search::SearchQuery,
    search::SearchTermsQuery,
    mentoring::MentoringQuery,
    mentoring::match_list::MatchListQuery,
    mentoring::people::PeopleQuery,
    mentoring::statistics::StatisticsQuery,
);

/// Every mutation of the API.
#[derive(MergedObject, Default)]
pub struct Mutation(
    account::AccountMutation,
    offer::OfferMutation,
    offer::OfferExchangeMutation,
    provider::ProviderMutation,
    api_client::ApiClientMutation,
    operation::OperationMutation,
    search::SearchTermsMutation,
    mentoring::MentoringMutation,
    mentoring::intake::IntakeMutation,
    mentoring::people::PeopleMutation,
);

/// One executable schema.
pub type GraphSchema = Schema<Query, Mutation, subscription::Subscription>;

/// The schema, built twice from one definition. async-graphql runs every field of a request
/// through the schema's extensions when it has any, even extensions that only look at the
/// whole request: on a page of 50 offers that is thousands of boxed calls. So HTTP requests
/// run on a schema without extensions, their handler applying the same document limits and
/// error codes around the execution (see `http::graphql`); subscriptions, whose events the
/// WebSocket library runs, keep them as extensions.
#[derive(Clone)]
pub struct AppSchema {
    http: GraphSchema,
    socket: GraphSchema,
    limits: QueryLimits,
    sdl: std::sync::Arc<str>,
}

impl AppSchema {
    /// For queries and mutations over HTTP.
    pub fn http(&self) -> &GraphSchema {
        &self.http
    }

    /// For subscriptions over WebSocket.
    pub fn socket(&self) -> &GraphSchema {
        &self.socket
    }

    /// The limits both apply.
    pub fn limits(&self) -> &QueryLimits {
        &self.limits
    }

    /// The schema in SDL, written once when the schema is built.
    pub fn sdl(&self) -> std::sync::Arc<str> {
        self.sdl.clone()
    }
}

/// Limits that keep one query from taking the server down.
#[derive(Debug, Clone)]
pub struct QueryLimits {
    pub max_depth: usize,
    pub max_complexity: usize,
    pub max_aliases: usize,
    pub max_directives: usize,
    pub max_query_bytes: usize,
    pub max_list_items: usize,
    pub introspection: bool,
}

impl QueryLimits {
    /// The extension that measures, limits and reports a query's cost.
    pub fn cost(&self) -> cost::CostLimit {
        cost::CostLimit {
            max_complexity: self.max_complexity,
            max_depth: self.max_depth,
        }
    }

    /// The limits the settings name.
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            max_depth: settings.queries.max_query_depth,
            max_complexity: settings.queries.max_query_complexity,
            max_aliases: settings.queries.max_query_aliases,
            max_directives: settings.queries.max_query_directives,
            max_query_bytes: settings.queries.max_query_bytes,
            max_list_items: settings.queries.max_list_items,
            introspection: settings.introspection_enabled(),
        }
    }
}

/// Builds the schema with the application's shared state.
pub fn build_schema(app: AppContext, limits: &QueryLimits) -> AppSchema {
    let socket = schema_builder(app.clone(), limits)
        .extension(errors::ErrorCodes)
        .extension(limits::DocumentLimits(limits.clone()))
        .extension(limits.cost())
        .finish();
    let http = schema_builder(app, limits)
        .extension(limits.cost())
        .finish();
    AppSchema {
        sdl: sdl_of(&http).into(),
        http,
        socket,
        limits: limits.clone(),
    }
}

/// The schema with the shared state and async-graphql's own limits (complexity and
/// depth are the [`cost::CostLimit`] extension's, which reports them too).
fn schema_builder(
    app: AppContext,
    limits: &QueryLimits,
) -> async_graphql::SchemaBuilder<Query, Mutation, subscription::Subscription> {
    let builder = Schema::build(
        Query::default(),
        Mutation::default(),
        subscription::Subscription,
    )
    .data(app)
    .limit_directives(limits.max_directives);
    if limits.introspection {
        builder
    } else {
        builder.disable_introspection().disable_suggestions()
    }
}

/// The schema in SDL, as `schema.graphql` holds it.
pub fn sdl() -> String {
    sdl_of(
        &Schema::build(
            Query::default(),
            Mutation::default(),
            subscription::Subscription,
        )
        .finish(),
    )
}

/// The SDL of a schema, with the `@specifiedBy` of its scalars.
fn sdl_of(schema: &GraphSchema) -> String {
    schema.sdl_with_options(async_graphql::SDLExportOptions::new().include_specified_by())
}
