//! A real server on a loopback port and a `graphql-transport-ws` client for it, for the
//! subscription tests (WebSockets need a real connection, not actix's test service).

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers stop the test on failure"
)]

use std::net::SocketAddr;
use std::time::Duration;

use angebotsplattform::build_schema;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::TestApp;

/// How long a test waits for a message it expects.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// The app served over HTTP on a loopback port; stopped when dropped.
pub struct Served {
    pub addr: SocketAddr,
    handle: actix_web::dev::ServerHandle,
}

impl Drop for Served {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        // Stopping waits for connections; nobody needs to wait for it here.
        drop(handle.stop(false));
    }
}

impl TestApp {
    /// Serves the app on a free loopback port, as the real server does (its connection
    /// limits included), with one worker.
    pub fn serve(&self) -> Served {
        let schema = build_schema(self.app.clone(), &self.limits);
        let (server, addrs) = angebotsplattform::http_server(
            self.app.clone(),
            schema,
            std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            Some(1),
        )
        .unwrap();
        let addr = addrs[0];
        let handle = server.handle();
        actix_web::rt::spawn(server);
        Served { addr, handle }
    }
}

/// Waits until the app has `count` subscribers: a `subscribe` message has no answer, so a
/// test must not cause an event before the subscription is listening.
pub async fn wait_for_subscribers(app: &TestApp, count: usize) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while app.app.events.subscriber_count() < count {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the subscription never started"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// A client speaking `graphql-transport-ws`.
pub struct WsClient {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// How the server answered `connection_init`.
pub enum Init {
    Acknowledged(Box<WsClient>),
    /// Closed with this code and reason.
    Closed(u16, String),
}

impl WsClient {
    /// Connects and sends `connection_init` with `payload`.
    pub async fn connect(addr: SocketAddr, payload: Value) -> Init {
        let mut request = format!("ws://{addr}/graphql")
            .into_client_request()
            .unwrap();
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            HeaderValue::from_static("graphql-transport-ws"),
        );
        let (socket, response) = tokio_tungstenite::connect_async(request).await.unwrap();
        assert_eq!(
            response
                .headers()
                .get("Sec-WebSocket-Protocol")
                .and_then(|v| v.to_str().ok()),
            Some("graphql-transport-ws")
        );
        let mut client = Self { socket };
        client
            .send(json!({ "type": "connection_init", "payload": payload }))
            .await;
        loop {
            match tokio::time::timeout(PATIENCE, client.socket.next()).await {
                Ok(Some(Ok(Message::Text(text)))) => {
                    let message: Value = serde_json::from_str(&text).unwrap();
                    assert_eq!(message["type"], "connection_ack", "{message}");
                    return Init::Acknowledged(Box::new(client));
                }
                Ok(Some(Ok(Message::Close(frame)))) => {
                    let (code, reason) = frame
                        .map(|f| (u16::from(f.code), f.reason.to_string()))
                        .unwrap_or((0, String::new()));
                    return Init::Closed(code, reason);
                }
                Ok(Some(Ok(_))) => continue,
                other => panic!("no answer to connection_init: {other:?}"),
            }
        }
    }

    /// Connects, and the server must acknowledge.
    pub async fn accepted(addr: SocketAddr, payload: Value) -> Self {
        match Self::connect(addr, payload).await {
            Init::Acknowledged(client) => *client,
            Init::Closed(code, reason) => panic!("connection closed: {code} {reason}"),
        }
    }

    /// Starts a subscription under `id`.
    pub async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({
            "id": id,
            "type": "subscribe",
            "payload": { "query": query, "variables": variables }
        }))
        .await;
    }

    /// The next `next`, `error` or `complete` message, within [`PATIENCE`].
    pub async fn message(&mut self) -> Value {
        self.message_within(PATIENCE)
            .await
            .expect("a subscription message in time")
    }

    /// The next message within `wait`, or `None` when none came.
    pub async fn message_within(&mut self, wait: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match tokio::time::timeout(left, self.socket.next()).await {
                Err(_) => return None,
                Ok(Some(Ok(Message::Text(text)))) => {
                    let message: Value = serde_json::from_str(&text).unwrap();
                    match message["type"].as_str() {
                        Some("ping") => self.send(json!({ "type": "pong" })).await,
                        Some("pong") => {}
                        _ => return Some(message),
                    }
                }
                Ok(Some(Ok(_))) => {}
                other => panic!("the connection ended: {other:?}"),
            }
        }
    }

    async fn send(&mut self, message: Value) {
        self.socket
            .send(Message::Text(message.to_string().into()))
            .await
            .unwrap();
    }
}

impl WsClient {
    /// Sends raw text, as a client that ignores the protocol would.
    pub async fn send_text(&mut self, text: String) {
        self.socket.send(Message::Text(text.into())).await.unwrap();
    }

    /// Whether the server closes the connection (or it ends) within `wait`.
    pub async fn closed_within(&mut self, wait: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match tokio::time::timeout(left, self.socket.next()).await {
                Err(_) => return false,
                Ok(None | Some(Err(_)) | Some(Ok(Message::Close(_)))) => return true,
                Ok(Some(Ok(_))) => {}
            }
        }
    }
}

/// Opens a WebSocket upgrade and returns the HTTP status of the answer (101 when accepted).
pub async fn upgrade_status(addr: SocketAddr) -> u16 {
    let mut request = format!("ws://{addr}/graphql")
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    match tokio_tungstenite::connect_async(request).await {
        Ok((_, response)) => response.status().as_u16(),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => response.status().as_u16(),
        Err(other) => panic!("unexpected WebSocket failure: {other}"),
    }
}
