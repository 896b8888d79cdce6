//! The GraphQL endpoint: runs a request with fresh loaders and the caller's language.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::http::GraphiQLSource;
use async_graphql_actix_web::{GraphQLRequest, GraphQLResponse};

use crate::context::AppContext;
use crate::graphql::AppSchema;
use crate::graphql::loader::Loaders;
use crate::graphql::locale::AcceptLanguage;

/// Executes one GraphQL request.
pub async fn execute(
    schema: web::Data<AppSchema>,
    app: web::Data<AppContext>,
    http: HttpRequest,
    request: GraphQLRequest,
) -> GraphQLResponse {
    let accept_language = http
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let request = request
        .into_inner()
        .data(Loaders::new(&app.db))
        .data(AcceptLanguage(accept_language));
    schema.execute(request).await.into()
}

/// The GraphiQL page, for people exploring the API in a browser.
pub async fn graphiql() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(GraphiQLSource::build().endpoint("/graphql").finish())
}
