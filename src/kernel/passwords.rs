//! Password hashing with argon2id (OWASP parameters), off the async executor and a few at a time:
//! each hash takes ~19 MiB and tens of milliseconds, so an unbounded burst of sign-ins would
//! starve the server.

use std::sync::{Arc, LazyLock};

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

/// Hashing could not be done (bad parameters, a panicked worker, a closed service): a server
/// fault, never the user's.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct PasswordError(String);

/// OWASP's argon2id recommendation: 19 MiB, 2 passes, 1 lane.
const MEMORY_KIB: u32 = 19_456;
const PASSES: u32 = 2;
const LANES: u32 = 1;

fn argon2() -> Result<Argon2<'static>, argon2::Error> {
    Ok(Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(MEMORY_KIB, PASSES, LANES, None)?,
    ))
}

/// Hashes `password` to a PHC string (blocking; use `Passwords` from async code).
pub fn hash_blocking(password: &str) -> Result<String, PasswordError> {
    let hasher = argon2().map_err(|e| PasswordError(e.to_string()))?;
    hasher
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| PasswordError(format!("hashing a password: {e}")))
}

/// Whether `password` matches the PHC string `hash` (blocking).
pub fn verify_blocking(password: &str, hash: &str) -> bool {
    argon2().is_ok_and(|a| a.verify_password(password.as_bytes(), hash).is_ok())
}

/// A hash of a password nobody knows: checking unknown emails against it costs as much time as a
/// real check, so response times do not tell whether an email exists.
static DECOY_HASH: LazyLock<String> = LazyLock::new(|| {
    let secret: [u8; 16] = rand::random();
    hash_blocking(&hex::encode(secret)).unwrap_or_default()
});

/// The hashing service: at most `permits` hashes at once, each on the blocking pool.
#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
}

impl Passwords {
    /// A service running at most `parallel` hashes at once.
    pub fn new(parallel: usize) -> Passwords {
        Passwords {
            permits: Arc::new(Semaphore::new(parallel.max(1))),
        }
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: String) -> Result<String, PasswordError> {
        let _permit = self.permit().await?;
        tokio::task::spawn_blocking(move || hash_blocking(&password))
            .await
            .map_err(|_| PasswordError("password hashing panicked".into()))?
    }

    /// Checks a password against a stored hash, or against the decoy when there is none.
    pub async fn verify(
        &self,
        password: String,
        hash: Option<String>,
    ) -> Result<bool, PasswordError> {
        let _permit = self.permit().await?;
        tokio::task::spawn_blocking(move || match hash {
            Some(hash) => verify_blocking(&password, &hash),
            None => {
                verify_blocking(&password, &DECOY_HASH);
                false
            }
        })
        .await
        .map_err(|_| PasswordError("password check panicked".into()))
    }

    async fn permit(&self) -> Result<tokio::sync::SemaphorePermit<'_>, PasswordError> {
        self.permits
            .acquire()
            .await
            .map_err(|_| PasswordError("password service closed".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let hash = hash_blocking("correct horse").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_blocking("correct horse", &hash));
        assert!(!verify_blocking("correct horsf", &hash));
        assert!(!verify_blocking("correct horse", "not a hash"));
    }
}
