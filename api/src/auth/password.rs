//! Password hashing with Argon2id.
//!
//! Parameters follow the OWASP recommendation for Argon2id (19 MiB, two passes, one lane);
//! they are stored in each hash, so raising them later still verifies old hashes. Hashing
//! takes tens of milliseconds of CPU on purpose, so it runs on the blocking thread pool.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::{ApiError, ApiResult};

fn hasher() -> ApiResult<Argon2<'static>> {
    let params = Params::new(19 * 1024, 2, 1, None)
        .map_err(|err| ApiError::internal(format_args!("invalid Argon2 parameters: {err}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// The PHC string of a new hash of `password`.
pub fn hash(password: &str) -> ApiResult<String> {
    let mut salt = [0u8; 16];
    rand::fill(&mut salt);
    let salt = SaltString::encode_b64(&salt)
        .map_err(|err| ApiError::internal(format_args!("cannot encode a password salt: {err}")))?;
    hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|err| ApiError::internal(format_args!("cannot hash a password: {err}")))
}

/// Whether `password` matches the stored hash. A malformed hash never matches.
pub fn verify(stored: &str, password: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        tracing::error!("a stored password hash cannot be parsed");
        return false;
    };
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

/// A hash of no one's password, verified against when the e-mail is unknown so that a
/// failed sign-in takes as long whether or not the account exists.
pub fn decoy_hash() -> ApiResult<String> {
    hash("decoy password that belongs to no account")
}

/// Runs hashing and verification on a few dedicated threads. Each hash takes 19 MiB and a
/// core for tens of milliseconds: a flood of sign-ins must queue rather than multiply memory,
/// and a small fixed set of threads keeps the allocator from growing an arena per thread.
#[derive(Debug)]
pub struct Hasher {
    jobs: std::sync::mpsc::SyncSender<Job>,
}

type Job = Box<dyn FnOnce() + Send>;

/// Sign-ins waiting for a hashing thread before new ones are turned away.
const QUEUE: usize = 256;

impl Hasher {
    /// `threads` hashing threads; 0 means one per CPU. They end when the hasher is dropped.
    pub fn new(threads: usize) -> Self {
        let threads = if threads == 0 {
            std::thread::available_parallelism().map_or(2, usize::from)
        } else {
            threads
        };
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Job>(QUEUE);
        let receiver = std::sync::Arc::new(std::sync::Mutex::new(receiver));
        for i in 0..threads {
            let receiver = receiver.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("password-{i}"))
                .spawn(move || {
                    loop {
                        let job = match receiver.lock() {
                            Ok(queue) => queue.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                });
            if let Err(err) = spawned {
                tracing::error!(error = %err, "cannot start a password hashing thread");
            }
        }
        Self { jobs: sender }
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> ApiResult<T> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = reply.send(work());
        });
        self.jobs.try_send(job).map_err(|err| match err {
            std::sync::mpsc::TrySendError::Full(_) => {
                tracing::warn!("password hashing queue full: sign-in refused");
                ApiError::ServiceUnavailable
            }
            std::sync::mpsc::TrySendError::Disconnected(_) => {
                ApiError::internal("no password hashing thread is running")
            }
        })?;
        answer
            .await
            .map_err(|_| ApiError::internal("the password hashing thread dropped a request"))
    }

    /// [`hash`] on a hashing thread.
    pub async fn hash(&self, password: String) -> ApiResult<String> {
        self.run(move || hash(&password)).await?
    }

    /// [`verify`] on a hashing thread.
    pub async fn verify(&self, stored: String, password: String) -> ApiResult<bool> {
        self.run(move || verify(&stored, &password)).await
    }
}

/// Checks a new password against the length rule; the message names the rule.
pub fn check_strength(password: &str, min_length: usize) -> Result<(), String> {
    let length = password.chars().count();
    if length < min_length {
        return Err(format!("must have at least {min_length} characters"));
    }
    if length > 512 {
        return Err("must have at most 512 characters".into());
    }
    if password.trim().is_empty() {
        return Err("must not be only spaces".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let stored = hash("correct horse battery").unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify(&stored, "correct horse battery"));
        assert!(!verify(&stored, "correct horse batterY"));
        assert!(!verify("not a hash", "anything"));
    }

    #[test]
    fn strength_rules() {
        assert!(check_strength("short", 12).is_err());
        assert!(check_strength("            ", 12).is_err());
        assert!(check_strength("long enough password", 12).is_ok());
    }
}
