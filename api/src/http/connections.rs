//! Open connections per client network. A client that opens thousands of connections and
//! trickles a byte into each holds as many file descriptors; the cap leaves it
//! `MAX_CONNECTIONS_PER_ADDRESS` of them, and answers every request on a connection beyond
//! that with 429 and `Connection: close`, so the descriptor is given back at once.
//!
//! Connections are counted when accepted and given back when closed (the count rides in
//! the connection's data, which actix drops with the connection). Behind a trusted proxy
//! every connection comes from the proxy, so the cap is the proxy's job and is off here.

use std::any::Any;
use std::sync::Arc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Extensions, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;

use crate::error::Code;
use crate::network::connection_count::{ConnectionCounter, ConnectionSlot};

/// The server's hook for new connections: counts TCP connections by their peer.
pub fn on_connect(
    counter: Arc<ConnectionCounter>,
) -> impl Fn(&dyn Any, &mut Extensions) + Send + Sync + 'static {
    move |connection, data| {
        if let Some(stream) = connection.downcast_ref::<actix_web::rt::net::TcpStream>()
            && let Ok(peer) = stream.peer_addr()
        {
            data.insert(counter.accept(peer.ip()));
        }
    }
}

/// The middleware: a request on a connection over its network's cap is answered 429 and
/// the connection closed, before anything else runs.
pub async fn refuse_over_cap(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let over = request
        .conn_data::<ConnectionSlot>()
        .is_some_and(|slot| slot.over);
    if !over {
        return next
            .call(request)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    }
    let mut response = crate::http::refusal::refusal(
        Code::RateLimited,
        "too many open connections from your network; close some and try again",
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
        .head_mut()
        .set_connection_type(actix_web::http::ConnectionType::Close);
    Ok(request.into_response(response))
}
