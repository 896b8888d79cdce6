//! Who an access token names, once its signature, expiry and session have been checked:
//! the one check shared by HTTP requests and subscription connections (which re-run it at
//! every event, so a signed-out coordinator stops hearing about matches).

use crate::auth::StaffViewer;
use crate::context::AppContext;
use crate::service;
use crate::service::account::SharedSessions;

/// Why an access token does not name a signed-in staff member.
#[derive(Debug)]
pub enum TokenRefusal {
    /// Malformed, forged or expired.
    Invalid,
    /// Signed out, revoked, or the account is disabled.
    Ended,
    /// The database could not be asked.
    Unavailable(crate::error::ApiError),
}

/// The staff member an access token names, if their session is live (Redis is asked first
/// when configured; the database decides).
pub async fn staff_for_token(app: &AppContext, token: &str) -> Result<StaffViewer, TokenRefusal> {
    let verified = app.tokens.verify(token).map_err(|reason| {
        tracing::info!(%reason, "access token refused");
        TokenRefusal::Invalid
    })?;
    let shared = app.redis.as_deref().map(|store| SharedSessions {
        store,
        remember: std::time::Duration::from_secs(app.settings.session_cache_secs),
    });
    match service::account::load_viewer(&app.db, verified, shared.as_ref()).await {
        Ok(Some(staff)) => Ok(staff),
        Ok(None) => Err(TokenRefusal::Ended),
        Err(err) => Err(TokenRefusal::Unavailable(err)),
    }
}
