//! SHA-256 digests in lower-case hex, the one form the platform stores and compares them
//! in: secrets at rest, persisted-query hashes, cache keys, entity tags.

use sha2::{Digest, Sha256};

/// The lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
