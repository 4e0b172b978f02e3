//! Password hashing with argon2id at OWASP's recommended cost (19 MiB, 2 passes, 1 lane),
//! run on the blocking thread pool so it never stalls the async executor. Hashes imported
//! from a Flask blog (Werkzeug's pbkdf2 and scrypt, see `werkzeug`) verify too, until the
//! login that replaces them (`needs_upgrade`).

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};

use super::werkzeug;
use crate::domain::Password;

/// At most this many hashes at once. Each takes 19 MiB and a core for a few dozen
/// milliseconds: a burst of logins or registrations queues here instead of multiplying the
/// server's memory (16 at once took it from 21 to 300 MiB).
static HASHING: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    tokio::sync::Semaphore::new(cores.clamp(1, 4))
});

/// Runs `work` on the blocking pool once a hashing slot is free.
async fn hashing<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, String> {
    let _slot = HASHING
        .acquire()
        .await
        .map_err(|e| format!("hashing is shut down: {e}"))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| format!("hashing task failed: {e}"))
}

fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password into a PHC string (algorithm, parameters, salt and hash).
pub async fn hash(password: &Password) -> Result<String, String> {
    rehash(password.expose()).await
}

/// Hashes a password that has just verified against an imported hash. Not a [`Password`]:
/// the Flask blog had no rules, and its readers keep the passwords they chose there.
pub async fn rehash(password: &str) -> Result<String, String> {
    let password = password.to_owned();
    hashing(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| format!("hashing failed: {e}"))
    })
    .await?
}

/// Checks `password` against a stored hash: argon2id, or an imported Werkzeug hash. A hash
/// that does not parse (such as the `!` of accounts that cannot log in) never matches.
pub async fn verify(password: &str, stored_hash: &str) -> bool {
    let password = password.to_owned();
    let stored_hash = stored_hash.to_owned();
    hashing(move || {
        if werkzeug::is_werkzeug(&stored_hash) {
            if let Ok(legacy) = werkzeug::WerkzeugHash::parse(&stored_hash) {
                return legacy.verify(&password);
            }
        } else if let Ok(parsed) = PasswordHash::new(&stored_hash) {
            return hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok();
        }
        // Spend the same time as a real check, so a response's timing does not tell
        // whether the account exists.
        let _ = hasher().hash_password(password.as_bytes(), &SaltString::generate(&mut OsRng));
        false
    })
    .await
    .unwrap_or(false)
}

/// Whether a hash that just verified should be replaced by an argon2id one: true for the
/// Werkzeug hashes of an imported Flask blog.
pub fn needs_upgrade(stored_hash: &str) -> bool {
    werkzeug::is_werkzeug(stored_hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_only_its_own_password() {
        let password = Password::parse("tr0ub4dor&3 horse").unwrap();
        let hashed = hash(&password).await.unwrap();
        assert!(
            hashed.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hashed}"
        );
        assert!(!hashed.contains("tr0ub4dor"));
        assert!(verify("tr0ub4dor&3 horse", &hashed).await);
        assert!(!verify("tr0ub4dor&3 hors", &hashed).await);
        assert!(
            !verify(" tr0ub4dor&3 horse", &hashed).await,
            "never trimmed"
        );
    }

    #[tokio::test]
    async fn hashes_are_salted() {
        let password = Password::parse("the same password").unwrap();
        assert_ne!(
            hash(&password).await.unwrap(),
            hash(&password).await.unwrap()
        );
    }

    #[tokio::test]
    async fn werkzeug_hashes_verify_and_ask_for_an_upgrade() {
        // Werkzeug 3.1.9, generate_password_hash("short", method="pbkdf2:sha256:1000"): a
        // Flask password need not meet Quire's rules to keep working.
        let stored = "pbkdf2:sha256:1000$HjDMghS4$7751fb119b7b73cb85bb1d7ed5b2b10674b7e463b2a4c3a55968c87b3b56ec2c";
        assert!(verify("short", stored).await);
        assert!(!verify("Short", stored).await);
        assert!(needs_upgrade(stored));
        let upgraded = rehash("short").await.unwrap();
        assert!(!needs_upgrade(&upgraded));
        assert!(verify("short", &upgraded).await);
    }

    #[tokio::test]
    async fn unusable_hashes_never_match() {
        assert!(!verify("anything at all", "!").await);
        assert!(!verify("", "").await);
        assert!(
            !verify("hunter2", "hunter2").await,
            "plain text is not a hash"
        );
        assert!(!verify("x", "pbkdf2:sha256:9000000$salt$00").await);
    }
}
