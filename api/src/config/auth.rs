//! Tokens, keys, passwords, sign-in throttling and remembered sign-ins.

use super::JwtAlgorithm;
use clap::Args;
use secrecy::SecretString;
use std::path::PathBuf;

/// Tokens, keys, passwords, sign-in throttling and remembered sign-ins.
#[derive(Debug, Clone, Args)]
pub struct AuthSettings {
    /// Algorithm of access tokens.
    #[arg(long, env = "JWT_ALGORITHM", value_enum, default_value_t = JwtAlgorithm::Hs256, global = true)]
    pub jwt_algorithm: JwtAlgorithm,

    /// HS256 signing secret (at least 32 bytes). In development a random one is generated
    /// once and kept in the data directory; in production it must be set.
    #[arg(long, env = "JWT_SECRET", global = true, hide_env_values = true)]
    pub jwt_secret: Option<SecretString>,

    /// PEM private key that signs tokens (EdDSA or RS256).
    #[arg(long, env = "JWT_PRIVATE_KEY_FILE", global = true)]
    pub jwt_private_key_file: Option<PathBuf>,

    /// PEM public key of the signing key (EdDSA or RS256), to verify the tokens it signs.
    #[arg(long, env = "JWT_PUBLIC_KEY_FILE", global = true)]
    pub jwt_public_key_file: Option<PathBuf>,

    /// Key id (`kid`) written into new tokens; derived from the key when unset.
    #[arg(long, env = "JWT_KEY_ID", global = true)]
    pub jwt_key_id: Option<String>,

    /// Further keys that still verify tokens, as `kid=FILE` (a PEM public key, or a file
    /// holding an HS256 secret), comma-separated: keys being rotated out.
    #[arg(long, env = "JWT_VERIFY_KEYS", value_delimiter = ',', global = true)]
    pub jwt_verify_keys: Vec<String>,

    /// `iss` of access tokens.
    #[arg(
        long,
        env = "JWT_ISSUER",
        default_value = "angebotsplattform",
        global = true
    )]
    pub jwt_issuer: String,

    /// `aud` of access tokens.
    #[arg(
        long,
        env = "JWT_AUDIENCE",
        default_value = "angebotsplattform-api",
        global = true
    )]
    pub jwt_audience: String,

    /// Seconds of clock difference tolerated on `exp` and `nbf` (at most 30).
    #[arg(long, env = "JWT_LEEWAY_SECS", default_value_t = 30, global = true)]
    pub jwt_leeway_secs: u64,

    /// Lifetime of an access token, in seconds.
    #[arg(
        long,
        env = "ACCESS_TOKEN_TTL_SECS",
        default_value_t = 900,
        global = true
    )]
    pub access_token_ttl_secs: u64,

    /// Lifetime of a refresh token (a sign-in), in days.
    #[arg(
        long,
        env = "REFRESH_TOKEN_TTL_DAYS",
        default_value_t = 30,
        global = true
    )]
    pub refresh_token_ttl_days: u32,

    /// Hours an invitation can be accepted.
    #[arg(
        long,
        env = "INVITATION_TTL_HOURS",
        default_value_t = 168,
        global = true
    )]
    pub invitation_ttl_hours: u32,

    /// Shortest password a staff account may choose.
    #[arg(long, env = "PASSWORD_MIN_LENGTH", default_value_t = 12, global = true)]
    pub password_min_length: usize,

    /// Password hashes computed at once (each takes 19 MiB and a core); 0 means one per CPU.
    #[arg(
        long,
        env = "PASSWORD_HASH_CONCURRENCY",
        default_value_t = 0,
        global = true
    )]
    pub password_hash_concurrency: usize,

    /// Failed sign-ins for one account within the throttle window before it is locked.
    #[arg(
        long,
        env = "LOGIN_MAX_FAILURES_PER_ACCOUNT",
        default_value_t = 5,
        global = true
    )]
    pub login_max_failures_per_account: u32,

    /// Failed sign-ins from one network address within the throttle window before it is
    /// locked.
    #[arg(
        long,
        env = "LOGIN_MAX_FAILURES_PER_ADDRESS",
        default_value_t = 30,
        global = true
    )]
    pub login_max_failures_per_address: u32,

    /// Length of the sign-in throttle window, in seconds.
    #[arg(
        long,
        env = "LOGIN_THROTTLE_WINDOW_SECS",
        default_value_t = 900,
        global = true
    )]
    pub login_throttle_window_secs: u64,

    /// Seconds an instance may serve a sign-in (live, with its account's role and scopes)
    /// from memory without asking the database. Sign-outs on the instance are seen at once;
    /// with Redis, those on other instances too, otherwise within these seconds. 0 asks the
    /// database on every request.
    #[arg(long, env = "SESSION_CACHE_SECS", default_value_t = 30, global = true)]
    pub session_cache_secs: u64,

    /// Sign-ins one instance remembers at most (see `SESSION_CACHE_SECS`).
    #[arg(
        long,
        env = "SESSION_CACHE_SIGN_INS",
        default_value_t = 100_000,
        global = true
    )]
    pub session_cache_sign_ins: u64,
}
