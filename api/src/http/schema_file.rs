//! `GET /schema.graphql`: the schema in SDL, for code generators and schema checks. It is
//! served in production too, where introspection is off: the SDL tells what the API offers,
//! never what it holds.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use crate::graphql::AppSchema;

/// The SDL, cacheable for an hour (it changes only with a new release).
pub async fn schema_file(schema: web::Data<AppSchema>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(schema.sdl().to_string())
}
