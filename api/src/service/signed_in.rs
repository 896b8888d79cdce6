//! Who an access token names, once its signature, expiry and session have been checked:
//! the one check shared by HTTP requests and subscription connections (which re-run it at
//! every event, so a signed-out coordinator stops hearing about matches).

use crate::auth::StaffViewer;
use crate::auth::sign_ins::Known;
use crate::service;
use crate::service::identity::Identity;

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

/// The staff member an access token names, if their sign-in is live: from what this
/// instance remembers (and Redis, when configured, says of sign-outs elsewhere), else from
/// the database.
pub async fn staff_for_token(app: &Identity<'_>, token: &str) -> Result<StaffViewer, TokenRefusal> {
    let verified = app.tokens.verify(token).map_err(|reason| {
        tracing::info!(%reason, "access token refused");
        TokenRefusal::Invalid
    })?;
    let known_live = match app
        .sign_ins
        .known(verified.session_id, verified.account_id)
        .await
    {
        Known::Ended => return Err(TokenRefusal::Ended),
        Known::Remembered(staff) => return Ok(staff),
        Known::Unknown { live } => live,
    };
    match service::account::load_viewer(app.db, verified, known_live).await {
        Ok(Some(staff)) => {
            app.sign_ins.remember(&staff).await;
            Ok(staff)
        }
        Ok(None) => Err(TokenRefusal::Ended),
        Err(err) => Err(TokenRefusal::Unavailable(err)),
    }
}
