//! Opaque secrets handed to clients once (refresh tokens, invitation tokens, API keys) and
//! stored only as a hash.
//!
//! They carry 256 random bits, so a plain SHA-256 is enough to store them: unlike passwords
//! they cannot be guessed, and a fast hash lets the server find the row by its hash.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// A new random secret, URL-safe, with a short prefix naming what it is for.
pub fn generate(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    format!("{prefix}_{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The stored form of a secret: hex SHA-256.
pub fn hash(secret: &str) -> String {
    crate::digest::sha256_hex(secret.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_unique_and_hash_stably() {
        let a = generate("rt");
        let b = generate("rt");
        assert_ne!(a, b);
        assert!(a.starts_with("rt_"));
        assert_eq!(hash(&a), hash(&a));
        assert_ne!(hash(&a), hash(&b));
        assert_eq!(hash(&a).len(), 64);
    }
}
