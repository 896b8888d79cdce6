//! GraphQL subscriptions over WebSocket (`graphql-transport-ws`, and the older `graphql-ws`
//! that Apollo's legacy client speaks), on the same `/graphql` path as queries.
//!
//! Browsers cannot set headers on a WebSocket, so a coordinator signs in through the
//! `connection_init` payload: `{ "authorization": "Bearer <access token>" }`. A token that
//! does not hold closes the connection before any subscription starts (code 1002, the one
//! async-graphql uses, with the reason); without one the connection is anonymous and may
//! follow public offers only.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::Data;
use async_graphql_actix_web::GraphQLSubscription;

use crate::auth::RequestMeta;
use crate::auth::Viewer;
use crate::context::AppContext;
use crate::error::Code;
use crate::graphql::AppSchema;
use crate::graphql::loader::Loaders;
use crate::graphql::locale::AcceptLanguage;
use crate::graphql::subscription::SubscriberToken;
use crate::http::caller;
use crate::http::refusal::refusal;
use crate::http::socket_gate::{OpenSubscriptions, SocketGate};
use crate::http::{rate_limit, ws_limits};
use crate::ids;
use crate::service::signed_in::{self, TokenRefusal};

/// Whether a request asks to become a WebSocket.
pub fn is_upgrade(ctx: &actix_web::guard::GuardContext<'_>) -> bool {
    ctx.head()
        .headers()
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// Opens a subscription connection.
pub async fn connect(
    schema: web::Data<AppSchema>,
    app: web::Data<AppContext>,
    http: HttpRequest,
    payload: web::Payload,
) -> actix_web::Result<HttpResponse> {
    // Connecting counts against the address's rate limit like any request.
    let address = caller::address(&app, &http);
    if let Err(response) = rate_limit::check_address(&app, address.as_deref()).await {
        return Ok(response);
    }
    let Ok(slot) = app.ws_slots.clone().try_acquire_owned() else {
        return Ok(refusal(
            Code::ServiceUnavailable,
            "too many subscription connections; try again later",
        ));
    };
    let inbound = ws_limits::limited(
        payload,
        slot,
        app.settings.http.ws_max_inbound_burst_bytes,
        app.settings.http.ws_inbound_bytes_per_sec,
    );
    let accept_language = http
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let context = app.get_ref().clone();
    let gate = SocketGate {
        schema: AppSchema::clone(&schema),
        app: context.clone(),
    };
    let started = GraphQLSubscription::new(gate)
        .on_connection_init(move |init| connection_data(context, init, address, accept_language))
        .start(&http, Box::pin(inbound));
    match started {
        Ok(response) => Ok(response),
        Err(_) => Ok(refusal(
            Code::BadUserInput,
            "a subscription needs the graphql-transport-ws (or graphql-ws) WebSocket protocol",
        )),
    }
}

/// What every operation of the connection sees: who signed in, their language, and loaders
/// without a cache (the connection outlives any one event).
async fn connection_data(
    app: AppContext,
    init: serde_json::Value,
    address: Option<String>,
    accept_language: Option<String>,
) -> async_graphql::Result<Data> {
    let token = init_token(&init)?;
    let viewer = match &token {
        None => Viewer::Anonymous,
        Some(token) => match signed_in::staff_for_token(&app.identity(), token).await {
            Ok(staff) => Viewer::Staff(staff),
            Err(TokenRefusal::Unavailable(_)) => {
                return Err("the service is temporarily unavailable".into());
            }
            Err(_) => return Err("invalid or expired access token".into()),
        },
    };
    let language = init
        .get("acceptLanguage")
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned)
        .or(accept_language);
    let mut data = Data::default();
    data.insert(RequestMeta {
        viewer,
        client: None,
        address,
        request_id: Some(ids::new_id().simple().to_string()),
    });
    data.insert(SubscriberToken(token));
    data.insert(AcceptLanguage(language));
    data.insert(Loaders::uncached(&app.db, &app.reference));
    data.insert(OpenSubscriptions::default());
    Ok(data)
}

/// The access token of a `connection_init` payload (`authorization: "Bearer …"`, in any
/// case of the key, or a bare `accessToken`).
fn init_token(init: &serde_json::Value) -> async_graphql::Result<Option<String>> {
    let Some(fields) = init.as_object() else {
        return Ok(None);
    };
    if let Some(token) = fields
        .get("accessToken")
        .and_then(serde_json::Value::as_str)
    {
        return Ok(Some(token.trim().to_owned()));
    }
    let authorization = fields
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case("authorization"))
        .and_then(|(_, value)| value.as_str());
    match authorization {
        None => Ok(None),
        Some(value) => caller::bearer(value)
            .map(|token| Some(token.to_owned()))
            .ok_or_else(|| "`authorization` must be `Bearer <access token>`".into()),
    }
}
