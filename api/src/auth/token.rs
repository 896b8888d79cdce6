//! Access tokens: short-lived JWTs signed with the configured algorithm.
//!
//! Verification never trusts the token's header: the algorithm is the configured one, the
//! key is chosen by `kid` among the configured keys, and `exp`, `iss`, `aud` and `sub` are
//! required (`nbf` is checked too; jsonwebtoken's defaults check neither `nbf` nor `iss`).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::keys::{KeyError, KeyRing};
use crate::config::Settings;
use crate::error::{ApiError, ApiResult};

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    /// The account id.
    pub sub: String,
    pub iss: String,
    pub aud: String,
    pub exp: i64,
    pub nbf: i64,
    pub iat: i64,
    /// The sign-in (refresh token family) the token belongs to: signing out ends it.
    pub sid: String,
}

/// Why a token was refused. Clients only learn that it was; the reason is logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("malformed token")]
    Malformed,
    #[error("token signed with another algorithm")]
    WrongAlgorithm,
    #[error("token names no known key")]
    UnknownKey,
    #[error("bad signature")]
    BadSignature,
    #[error("token expired")]
    Expired,
    #[error("token not yet valid")]
    NotYetValid,
    #[error("token for another audience")]
    WrongAudience,
    #[error("token from another issuer")]
    WrongIssuer,
    #[error("token lacks a required claim")]
    MissingClaim,
}

/// A verified token: who, and which sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifiedToken {
    pub account_id: Uuid,
    pub session_id: Uuid,
}

/// A freshly issued token.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// Signs and verifies access tokens.
pub struct TokenKeys {
    algorithm: Algorithm,
    signing_kid: String,
    signing: EncodingKey,
    verifying: HashMap<String, DecodingKey>,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl_secs: i64,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKeys")
            .field("algorithm", &self.algorithm)
            .field("signing_kid", &self.signing_kid)
            .field("verifying_kids", &self.verifying.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl TokenKeys {
    /// Loads the keys and the validation rules the settings name.
    pub fn from_settings(settings: &Settings) -> Result<Self, KeyError> {
        let ring = KeyRing::load(settings)?;
        let mut validation = Validation::new(ring.algorithm);
        validation.leeway = settings.auth.jwt_leeway_secs;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.validate_aud = true;
        validation.set_issuer(&[&settings.auth.jwt_issuer]);
        validation.set_audience(&[&settings.auth.jwt_audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        Ok(Self {
            algorithm: ring.algorithm,
            signing_kid: ring.signing_kid,
            signing: ring.signing,
            verifying: ring.verifying,
            validation,
            issuer: settings.auth.jwt_issuer.clone(),
            audience: settings.auth.jwt_audience.clone(),
            ttl_secs: i64::try_from(settings.auth.access_token_ttl_secs).unwrap_or(900),
        })
    }

    /// The `kid` new tokens carry.
    pub fn signing_kid(&self) -> &str {
        &self.signing_kid
    }

    /// A new access token for an account's sign-in.
    pub fn issue(
        &self,
        account_id: Uuid,
        session_id: Uuid,
        now: DateTime<Utc>,
    ) -> ApiResult<IssuedToken> {
        let expires_at = now + chrono::Duration::seconds(self.ttl_secs);
        let claims = AccessClaims {
            sub: account_id.to_string(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            exp: expires_at.timestamp(),
            nbf: now.timestamp(),
            iat: now.timestamp(),
            sid: session_id.to_string(),
        };
        let mut header = Header::new(self.algorithm);
        header.kid = Some(self.signing_kid.clone());
        let token = jsonwebtoken::encode(&header, &claims, &self.signing).map_err(|err| {
            ApiError::internal(format_args!("cannot sign an access token: {err}"))
        })?;
        Ok(IssuedToken { token, expires_at })
    }

    /// Checks a token and returns whom it names.
    pub fn verify(&self, token: &str) -> Result<VerifiedToken, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Malformed)?;
        if header.alg != self.algorithm {
            return Err(TokenError::WrongAlgorithm);
        }
        let key = header
            .kid
            .as_deref()
            .and_then(|kid| self.verifying.get(kid))
            .ok_or(TokenError::UnknownKey)?;
        let data =
            jsonwebtoken::decode::<AccessClaims>(token, key, &self.validation).map_err(|err| {
                match err.kind() {
                    ErrorKind::InvalidSignature => TokenError::BadSignature,
                    ErrorKind::ExpiredSignature => TokenError::Expired,
                    ErrorKind::ImmatureSignature => TokenError::NotYetValid,
                    ErrorKind::InvalidAudience => TokenError::WrongAudience,
                    ErrorKind::InvalidIssuer => TokenError::WrongIssuer,
                    ErrorKind::MissingRequiredClaim(_) => TokenError::MissingClaim,
                    ErrorKind::InvalidAlgorithm => TokenError::WrongAlgorithm,
                    _ => TokenError::Malformed,
                }
            })?;
        let parse = |value: &str| Uuid::parse_str(value).map_err(|_| TokenError::Malformed);
        Ok(VerifiedToken {
            account_id: parse(&data.claims.sub)?,
            session_id: parse(&data.claims.sid)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn keys(secret: &str, kid: &str) -> TokenKeys {
        let mut settings = Settings::for_data_dir(PathBuf::from("/nonexistent"));
        settings.auth.jwt_secret = Some(secret.into());
        settings.auth.jwt_key_id = Some(kid.into());
        TokenKeys::from_settings(&settings).unwrap()
    }

    #[test]
    fn a_token_verifies_with_its_key_only() {
        let a = keys("first secret of at least thirty-two bytes", "k1");
        let b = keys("other secret of at least thirty-two bytes", "k1");
        let (account, session) = (Uuid::now_v7(), Uuid::now_v7());
        let issued = a.issue(account, session, Utc::now()).unwrap();
        let verified = a.verify(&issued.token).unwrap();
        assert_eq!(verified.account_id, account);
        assert_eq!(verified.session_id, session);
        assert_eq!(b.verify(&issued.token), Err(TokenError::BadSignature));
    }

    #[test]
    fn expiry_is_checked_with_the_leeway() {
        let k = keys("first secret of at least thirty-two bytes", "k1");
        let old = Utc::now() - chrono::Duration::seconds(900 + 31);
        let issued = k.issue(Uuid::now_v7(), Uuid::now_v7(), old).unwrap();
        assert_eq!(k.verify(&issued.token), Err(TokenError::Expired));
        let future = Utc::now() + chrono::Duration::seconds(120);
        let issued = k.issue(Uuid::now_v7(), Uuid::now_v7(), future).unwrap();
        assert_eq!(k.verify(&issued.token), Err(TokenError::NotYetValid));
    }
}
