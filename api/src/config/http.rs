//! The HTTP and WebSocket doors: bodies, time limits, connections, rates, forwarded headers and CORS.

use clap::Args;

/// The HTTP and WebSocket doors: bodies, time limits, connections, rates, forwarded headers and CORS.
#[derive(Debug, Clone, Args)]
pub struct HttpSettings {
    /// Largest request body, in bytes.
    #[arg(long, env = "MAX_BODY_BYTES", default_value_t = 1024 * 1024, global = true)]
    pub max_body_bytes: usize,

    /// Seconds a GraphQL request may run before it is stopped.
    #[arg(
        long,
        env = "REQUEST_TIMEOUT_SECS",
        default_value_t = 15,
        global = true
    )]
    pub request_timeout_secs: u64,

    /// Take the client address from `Forwarded` / `X-Forwarded-For` (only behind a proxy that
    /// sets them; otherwise clients could pick their own address and dodge throttling).
    #[arg(long, env = "TRUST_FORWARDED_HEADERS", default_value_t = false, action = clap::ArgAction::Set, global = true)]
    pub trust_forwarded_headers: bool,

    /// Requests per minute from one network address (a minute's worth may come at once).
    #[arg(
        long,
        env = "RATE_LIMIT_PER_ADDRESS",
        default_value_t = 600,
        global = true
    )]
    pub rate_limit_per_address: u32,

    /// Requests per minute for one API key, unless the key has its own limit.
    #[arg(
        long,
        env = "RATE_LIMIT_PER_KEY",
        default_value_t = 6000,
        global = true
    )]
    pub rate_limit_per_key: u32,

    /// Milliseconds a client has to send a request's head once connected (slow clients are
    /// answered 408 and disconnected).
    #[arg(
        long,
        env = "CLIENT_HEADER_TIMEOUT_MS",
        default_value_t = 5000,
        global = true
    )]
    pub client_header_timeout_ms: u64,

    /// Milliseconds a client has to send a request's whole body once its head arrived (slow
    /// clients are answered 408 and disconnected); signed-in staff sending offer files have
    /// `IMPORT_TIMEOUT_SECS`.
    #[arg(
        long,
        env = "CLIENT_BODY_TIMEOUT_MS",
        default_value_t = 10_000,
        global = true
    )]
    pub client_body_timeout_ms: u64,

    /// Connections one client network (an IPv4 address or an IPv6 /64) may hold open at
    /// once; requests on further ones are answered 429 and closed (0: no cap). Off behind a
    /// trusted proxy, where every connection comes from the proxy.
    #[arg(
        long,
        env = "MAX_CONNECTIONS_PER_ADDRESS",
        default_value_t = 256,
        global = true
    )]
    pub max_connections_per_address: usize,

    /// Open connections each worker thread accepts (there is one worker per CPU).
    #[arg(
        long,
        env = "MAX_CONNECTIONS_PER_WORKER",
        default_value_t = 25_000,
        global = true
    )]
    pub max_connections_per_worker: usize,

    /// Subscription (WebSocket) connections one instance holds open at most.
    #[arg(
        long,
        env = "WS_MAX_CONNECTIONS",
        default_value_t = 10_000,
        global = true
    )]
    pub ws_max_connections: usize,

    /// Subscriptions one WebSocket connection may run at once.
    #[arg(
        long,
        env = "WS_MAX_SUBSCRIPTIONS_PER_CONNECTION",
        default_value_t = 25,
        global = true
    )]
    pub ws_max_subscriptions_per_connection: usize,

    /// Bytes a subscription connection may send in a burst; its allowance refills at
    /// `WS_INBOUND_BYTES_PER_SEC`. Beyond, the connection is closed.
    #[arg(long, env = "WS_MAX_INBOUND_BURST_BYTES", default_value_t = 64 * 1024, global = true)]
    pub ws_max_inbound_burst_bytes: usize,

    /// Bytes per second a subscription connection may send in the long run.
    #[arg(
        long,
        env = "WS_INBOUND_BYTES_PER_SEC",
        default_value_t = 1024,
        global = true
    )]
    pub ws_inbound_bytes_per_sec: usize,

    /// Web origins allowed to call the API from a browser (`*` for any, the default; or a
    /// comma-separated list such as `https://www.integration-so.ch,https://app.example.org`).
    #[arg(long, env = "CORS_ALLOWED_ORIGINS", default_value = "*", global = true)]
    pub cors_allowed_origins: String,

    /// Request headers browsers may send beside the API's own (`Authorization`,
    /// `Content-Type`, `Accept-Language`, `If-None-Match`, `X-Api-Key`): a comma-separated
    /// list, or `*` for any. The default lets tracing and client-library headers through.
    #[arg(
        long,
        env = "CORS_ALLOWED_HEADERS",
        default_value = "traceparent,tracestate,baggage,x-request-id,apollographql-client-name,apollographql-client-version,apollo-require-preflight,x-apollo-operation-name,graphql-client-name,graphql-client-version",
        global = true
    )]
    pub cors_allowed_headers: String,
}
