//! What the sign-in services use of the application, lent by its context for one call: the
//! database, the token keys, the password hasher, the sign-in throttle, the live sign-ins
//! this instance remembers, and the settings of tokens and passwords.

use sea_orm::DatabaseConnection;

use crate::auth::TokenKeys;
use crate::auth::password::Hasher;
use crate::auth::sign_ins::SignIns;
use crate::auth::throttle::SignInThrottle;
use crate::config::AuthSettings;

/// The parts of the application that signing in, out and up needs.
#[derive(Clone, Copy)]
pub struct Identity<'a> {
    pub db: &'a DatabaseConnection,
    pub tokens: &'a TokenKeys,
    pub passwords: &'a Hasher,
    pub throttle: &'a SignInThrottle,
    pub sign_ins: &'a SignIns,
    pub settings: &'a AuthSettings,
}
