//! The keys that sign and verify access tokens, loaded from the settings.
//!
//! HS256 uses a shared secret: `JWT_SECRET`, or in development a random secret generated
//! once and kept in the data directory (so sign-ins survive a restart). EdDSA and RS256 use a
//! PEM key pair. Every key has a `kid`; keys listed in `JWT_VERIFY_KEYS` only verify, so a
//! new signing key can be introduced while tokens signed by the old one stay valid until
//! they expire.

use std::collections::HashMap;
use std::path::Path;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
use secrecy::ExposeSecret;

use crate::auth::secret;
use crate::config::{JwtAlgorithm, Mode, Settings};

/// Shortest HS256 secret accepted, in bytes (the output size of SHA-256).
const MIN_SECRET_BYTES: usize = 32;
/// Largest tolerated clock difference, in seconds.
pub const MAX_LEEWAY_SECS: u64 = 30;
/// File under the data directory that keeps the generated development secret.
const GENERATED_SECRET_FILE: &str = "jwt-secret";

/// Why the keys could not be loaded; shown as one line at start-up.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("JWT_SECRET must be set in production mode (HS256)")]
    MissingSecret,
    #[error("JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes long")]
    ShortSecret,
    #[error("JWT_PRIVATE_KEY_FILE and JWT_PUBLIC_KEY_FILE must be set for {0}")]
    MissingKeyFile(&'static str),
    #[error("cannot read key file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("key file {0} does not hold a PEM key for the configured algorithm")]
    BadKey(String),
    #[error("JWT_VERIFY_KEYS entry {0:?} is not of the form kid=FILE")]
    BadVerifyEntry(String),
    #[error("key id {0:?} is used twice")]
    DuplicateKid(String),
    #[error("JWT_LEEWAY_SECS must be at most {MAX_LEEWAY_SECS}")]
    Leeway,
    #[error("ACCESS_TOKEN_TTL_SECS must be between 60 and 86400")]
    Lifetime,
    #[error("cannot keep the generated JWT secret in {path}: {source}")]
    Store {
        path: String,
        source: std::io::Error,
    },
}

/// The loaded keys: one that signs, any number that verify.
pub struct KeyRing {
    pub algorithm: Algorithm,
    pub signing_kid: String,
    pub signing: EncodingKey,
    pub verifying: HashMap<String, DecodingKey>,
}

impl KeyRing {
    /// Loads the keys the settings name.
    pub fn load(settings: &Settings) -> Result<Self, KeyError> {
        if settings.auth.jwt_leeway_secs > MAX_LEEWAY_SECS {
            return Err(KeyError::Leeway);
        }
        if !(60..=86_400).contains(&settings.auth.access_token_ttl_secs) {
            return Err(KeyError::Lifetime);
        }
        let mut ring = match settings.auth.jwt_algorithm {
            JwtAlgorithm::Hs256 => {
                let secret = hs256_secret(settings)?;
                let kid = settings
                    .auth
                    .jwt_key_id
                    .clone()
                    .unwrap_or_else(|| derived_kid("hs", &secret));
                let mut verifying = HashMap::new();
                verifying.insert(kid.clone(), DecodingKey::from_secret(&secret));
                Self {
                    algorithm: Algorithm::HS256,
                    signing_kid: kid,
                    signing: EncodingKey::from_secret(&secret),
                    verifying,
                }
            }
            JwtAlgorithm::EdDsa | JwtAlgorithm::Rs256 => {
                let name = algorithm_name(settings.auth.jwt_algorithm);
                let (Some(private), Some(public)) = (
                    settings.auth.jwt_private_key_file.as_deref(),
                    settings.auth.jwt_public_key_file.as_deref(),
                ) else {
                    return Err(KeyError::MissingKeyFile(name));
                };
                let private_pem = read(private)?;
                let public_pem = read(public)?;
                let signing = match settings.auth.jwt_algorithm {
                    JwtAlgorithm::EdDsa => EncodingKey::from_ed_pem(&private_pem),
                    _ => EncodingKey::from_rsa_pem(&private_pem),
                }
                .map_err(|_| KeyError::BadKey(private.display().to_string()))?;
                let verify = public_key(settings.auth.jwt_algorithm, public, &public_pem)?;
                let kid = settings
                    .auth
                    .jwt_key_id
                    .clone()
                    .unwrap_or_else(|| derived_kid(&name.to_ascii_lowercase(), &public_pem));
                let mut verifying = HashMap::new();
                verifying.insert(kid.clone(), verify);
                Self {
                    algorithm: match settings.auth.jwt_algorithm {
                        JwtAlgorithm::EdDsa => Algorithm::EdDSA,
                        _ => Algorithm::RS256,
                    },
                    signing_kid: kid,
                    signing,
                    verifying,
                }
            }
        };
        for entry in &settings.auth.jwt_verify_keys {
            let entry = entry.trim();
            if entry.is_empty() {
                continue;
            }
            let Some((kid, file)) = entry.split_once('=') else {
                return Err(KeyError::BadVerifyEntry(entry.to_owned()));
            };
            let (kid, path) = (kid.trim(), Path::new(file.trim()));
            if kid.is_empty() || file.trim().is_empty() {
                return Err(KeyError::BadVerifyEntry(entry.to_owned()));
            }
            let content = read(path)?;
            let key = match settings.auth.jwt_algorithm {
                JwtAlgorithm::Hs256 => {
                    let secret = trimmed(&content);
                    if secret.len() < MIN_SECRET_BYTES {
                        return Err(KeyError::ShortSecret);
                    }
                    DecodingKey::from_secret(secret)
                }
                other => public_key(other, path, &content)?,
            };
            if ring.verifying.insert(kid.to_owned(), key).is_some() {
                return Err(KeyError::DuplicateKid(kid.to_owned()));
            }
        }
        Ok(ring)
    }
}

fn algorithm_name(algorithm: JwtAlgorithm) -> &'static str {
    match algorithm {
        JwtAlgorithm::Hs256 => "HS256",
        JwtAlgorithm::EdDsa => "EdDSA",
        JwtAlgorithm::Rs256 => "RS256",
    }
}

fn public_key(algorithm: JwtAlgorithm, path: &Path, pem: &[u8]) -> Result<DecodingKey, KeyError> {
    match algorithm {
        JwtAlgorithm::EdDsa => DecodingKey::from_ed_pem(pem),
        _ => DecodingKey::from_rsa_pem(pem),
    }
    .map_err(|_| KeyError::BadKey(path.display().to_string()))
}

fn read(path: &Path) -> Result<Vec<u8>, KeyError> {
    std::fs::read(path).map_err(|source| KeyError::Read {
        path: path.display().to_string(),
        source,
    })
}

/// A secret file's bytes without the line break editors add.
fn trimmed(content: &[u8]) -> &[u8] {
    let end = content
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    &content[..end]
}

/// A key id that names the key without revealing it: a prefix of the key's hash.
fn derived_kid(prefix: &str, key: &[u8]) -> String {
    let digest = secret::hash(&String::from_utf8_lossy(key));
    format!("{prefix}-{}", &digest[..12])
}

/// The HS256 secret: configured, or generated once in development.
fn hs256_secret(settings: &Settings) -> Result<Vec<u8>, KeyError> {
    if let Some(secret) = &settings.auth.jwt_secret {
        let bytes = secret.expose_secret().as_bytes().to_vec();
        if bytes.len() < MIN_SECRET_BYTES {
            return Err(KeyError::ShortSecret);
        }
        return Ok(bytes);
    }
    if settings.server.mode == Mode::Production {
        return Err(KeyError::MissingSecret);
    }
    let path = settings.server.data_dir.join(GENERATED_SECRET_FILE);
    let store_error = |source| KeyError::Store {
        path: path.display().to_string(),
        source,
    };
    match std::fs::read(&path) {
        Ok(content) if trimmed(&content).len() >= MIN_SECRET_BYTES => {
            tracing::warn!(
                file = %path.display(),
                "JWT_SECRET is not set: using the development secret kept in the data directory"
            );
            Ok(trimmed(&content).to_vec())
        }
        Ok(_) => Err(KeyError::ShortSecret),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(&settings.server.data_dir).map_err(store_error)?;
            let generated = secret::generate("hs256");
            write_private(&path, generated.as_bytes()).map_err(store_error)?;
            tracing::warn!(
                file = %path.display(),
                "JWT_SECRET is not set: generated a development secret in the data directory"
            );
            Ok(generated.into_bytes())
        }
        Err(err) => Err(store_error(err)),
    }
}

/// Writes a file only its owner can read.
fn write_private(path: &Path, content: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(content)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(dir: &Path) -> Settings {
        Settings::for_data_dir(dir.to_path_buf())
    }

    #[test]
    fn development_secret_is_generated_once_and_kept() {
        let dir = std::env::temp_dir().join(format!("keys-{}", uuid::Uuid::new_v4()));
        let first = KeyRing::load(&settings(&dir)).unwrap();
        let second = KeyRing::load(&settings(&dir)).unwrap();
        assert_eq!(first.signing_kid, second.signing_kid);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn production_needs_a_secret_of_enough_length() {
        let dir = std::env::temp_dir().join(format!("keys-{}", uuid::Uuid::new_v4()));
        let mut s = settings(&dir);
        s.server.mode = Mode::Production;
        assert!(matches!(KeyRing::load(&s), Err(KeyError::MissingSecret)));
        s.auth.jwt_secret = Some("too short".into());
        assert!(matches!(KeyRing::load(&s), Err(KeyError::ShortSecret)));
        s.auth.jwt_secret = Some("a production secret of more than 32 bytes".into());
        assert!(KeyRing::load(&s).is_ok());
        s.auth.jwt_leeway_secs = 31;
        assert!(matches!(KeyRing::load(&s), Err(KeyError::Leeway)));
        assert!(!dir.exists(), "nothing is written in production");
    }
}
