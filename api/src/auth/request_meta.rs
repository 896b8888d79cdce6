//! Who sends a request, through which partner app, from which network and under which id:
//! what every service and log line may know of the caller besides the query.

use async_graphql::Context;
use uuid::Uuid;

use crate::auth::Viewer;

/// The partner app that sent a request, named by its API key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiClient {
    pub id: Uuid,
    pub name: String,
    /// Its own rate limit, if it has one.
    pub requests_per_minute: Option<i32>,
    /// Whether it may send registered operations only.
    pub allow_list_only: bool,
}

/// What one request carries besides its query: who sends it, through which client, from
/// which address, under which id.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub viewer: Viewer,
    pub client: Option<ApiClient>,
    /// The caller's network as the limits count it (an IPv4 address or an IPv6 /64), for
    /// rate limits and sign-in throttling.
    pub address: Option<String>,
    /// Ties log lines and audit entries of one request together.
    pub request_id: Option<String>,
}

impl RequestMeta {
    /// What kind of caller this is, for logs: `staff`, `partner` (an API key) or
    /// `anonymous`. Never who.
    pub fn caller_kind(&self) -> &'static str {
        match (&self.viewer, &self.client) {
            (Viewer::Staff(_), _) => "staff",
            (Viewer::Anonymous, Some(_)) => "partner",
            (Viewer::Anonymous, None) => "anonymous",
        }
    }

    /// The request's metadata; an anonymous request when the schema runs without HTTP.
    pub fn of<'a>(ctx: &'a Context<'_>) -> &'a Self {
        static ANONYMOUS: std::sync::OnceLock<RequestMeta> = std::sync::OnceLock::new();
        ctx.data_opt::<Self>()
            .unwrap_or_else(|| ANONYMOUS.get_or_init(Self::default))
    }
}
