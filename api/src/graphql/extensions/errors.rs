//! Gives every GraphQL error a stable `extensions.code`.
//!
//! Resolvers return `ApiError`s, which async-graphql keeps as the error's source;
//! [`classify_all`] finds them and writes their code (the HTTP handler calls it on every
//! answer, the WebSocket schema through this extension). Errors raised by async-graphql itself (parse,
//! validation, limits) get `BAD_USER_INPUT` or `QUERY_TOO_COMPLEX`.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextRequest, NextSubscribe,
};
use async_graphql::{Response, ServerError};
use futures_util::StreamExt;
use futures_util::stream::BoxStream;

use crate::error::ApiError;
use crate::error::Code;

/// The extension factory to register on the schema.
pub struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodesExtension)
    }
}

struct ErrorCodesExtension;

#[async_graphql::async_trait::async_trait]
impl Extension for ErrorCodesExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        classify_all(&mut response);
        response
    }

    /// Subscription events do not pass through `request`: each is classified here.
    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        next.run(ctx, stream)
            .map(|mut response| {
                classify_all(&mut response);
                response
            })
            .boxed()
    }
}

/// Gives every error of an answer its code.
pub fn classify_all(response: &mut Response) {
    for error in &mut response.errors {
        classify(error);
    }
}

fn classify(error: &mut ServerError) {
    if let Some(api) = error.source::<ApiError>().cloned() {
        api.log_if_internal();
        api.write_extensions(error.extensions.get_or_insert_with(Default::default));
        return;
    }
    let has_code = error
        .extensions
        .as_ref()
        .is_some_and(|ext| ext.get("code").is_some());
    if has_code {
        return;
    }
    let code = if is_limit_error(&error.message) {
        Code::QueryTooComplex
    } else {
        Code::BadUserInput
    };
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code.as_str());
}

/// async-graphql reports its limits in words only; these are its messages.
fn is_limit_error(message: &str) -> bool {
    const LIMITS: [&str; 3] = ["too many directives", "recursion depth", "The number of"];
    LIMITS.iter().any(|m| message.contains(m))
}
