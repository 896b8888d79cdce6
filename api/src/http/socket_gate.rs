//! What the WebSocket runs: subscriptions only, each one counted against the caller's
//! address like an HTTP request, within the same query limits, and at most
//! `WS_MAX_SUBSCRIPTIONS_PER_CONNECTION` at once on one connection.
//!
//! The `graphql-transport-ws` protocol can carry queries and mutations too, but a socket
//! that runs them is a second door beside `POST /graphql` with none of its checks (time
//! limit, response cache, persisted-query rules). Clients send those over HTTP, as Apollo's
//! and urql's split links do by default.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_graphql::parser::types::OperationType;
use async_graphql::{Data, Executor, Request, Response};
use futures_util::StreamExt;
use futures_util::stream::{self, BoxStream};

use crate::auth::RequestMeta;
use crate::context::AppContext;
use crate::error::Code;
use crate::graphql::AppSchema;
use crate::graphql::extensions::{limits, unicode_input};
use crate::http::operation;
use crate::http::rate_limit;

/// The subscriptions running on one connection, kept in the connection's data.
#[derive(Debug, Default)]
pub struct OpenSubscriptions(Arc<AtomicUsize>);

/// Gives a subscription slot back when its stream ends.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl OpenSubscriptions {
    /// A slot, when fewer than `max` are taken.
    fn take(&self, max: usize) -> Option<Slot> {
        self.0
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |open| {
                (open < max).then_some(open + 1)
            })
            .ok()
            .map(|_| Slot(self.0.clone()))
    }
}

/// The executor the WebSocket handler is given in place of the schema.
#[derive(Clone)]
pub struct SocketGate {
    pub schema: AppSchema,
    pub app: AppContext,
}

impl Executor for SocketGate {
    async fn execute(&self, _request: Request) -> Response {
        refused(
            Code::BadUserInput,
            "only subscriptions run over WebSocket: send queries and mutations with POST /graphql",
        )
    }

    fn execute_stream(
        &self,
        request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let gate = self.clone();
        stream::once(async move { gate.admit(request, session_data).await })
            .flat_map(|admitted| match admitted {
                Ok(events) => events,
                Err(response) => stream::once(async move { response }).boxed(),
            })
            .boxed()
    }
}

impl SocketGate {
    /// The subscription's events, or the one answer that refuses it.
    async fn admit(
        &self,
        request: Request,
        session_data: Option<Arc<Data>>,
    ) -> Result<BoxStream<'static, Response>, Response> {
        let settings = &self.app.settings;
        if let Err(error) =
            limits::check_query_size(&request.query, settings.queries.max_query_bytes)
        {
            return Err(Response::from_errors(vec![error]));
        }
        let mut request = request;
        unicode_input::compose(&mut request);
        let kind = operation::describe(&mut request).map(|o| o.kind);
        if matches!(kind, Some(OperationType::Query | OperationType::Mutation)) {
            return Err(refused(
                Code::BadUserInput,
                "only subscriptions run over WebSocket: send queries and mutations with POST /graphql",
            ));
        }
        let data = session_data.unwrap_or_default();
        if let Some(address) = data
            .get(&std::any::TypeId::of::<RequestMeta>())
            .and_then(|d| d.downcast_ref::<RequestMeta>())
            .and_then(|meta| meta.address.as_deref())
            && let Err(seconds) = rate_limit::allowance(
                &self.app,
                &rate_limit::address_bucket(address),
                settings.http.rate_limit_per_address,
            )
            .await
        {
            let mut response = refused(Code::RateLimited, "too many requests; try again later");
            for error in &mut response.errors {
                error
                    .extensions
                    .get_or_insert_with(Default::default)
                    .set("retryAfter", seconds);
            }
            return Err(response);
        }
        let slot = data
            .get(&std::any::TypeId::of::<OpenSubscriptions>())
            .and_then(|d| d.downcast_ref::<OpenSubscriptions>())
            .map(|open| open.take(settings.http.ws_max_subscriptions_per_connection));
        let slot = match slot {
            Some(Some(slot)) => Some(slot),
            Some(None) => {
                return Err(refused(
                    Code::RateLimited,
                    &format!(
                        "at most {} subscriptions run at once on one connection",
                        settings.http.ws_max_subscriptions_per_connection
                    ),
                ));
            }
            // A connection without the counter (not made by `connect`) runs unlimited.
            None => None,
        };
        let events = self
            .schema
            .socket()
            .execute_stream_with_session_data(request, data);
        // The slot lives as long as the stream: dropping the stream frees it.
        Ok(events
            .map(move |response| {
                let _held = &slot;
                response
            })
            .boxed())
    }
}

/// One answer carrying one error with `code`.
fn refused(code: Code, message: &str) -> Response {
    Response::from_errors(vec![code.server_error(message)])
}
