//! Password hashes written by Werkzeug's `generate_password_hash`, as the Flask blogs that
//! `quire import-flask` brings in have them: `pbkdf2:<digest>:<iterations>$<salt>$<hex>` and
//! `scrypt:<n>:<r>:<p>$<salt>$<hex>`. They are verified at login and then replaced by an
//! argon2id hash (see `password::verify`), so each account uses one only until it logs in.

use std::fmt;

use subtle::ConstantTimeEq as _;

/// Werkzeug's default is 1,000,000 (since 3.1; 600,000 since 2.3, 260,000 before). Twice that
/// still verifies; a row asking for more would hold a core for seconds per login attempt.
pub const MAX_PBKDF2_ITERATIONS: u32 = 2_000_000;
/// scrypt's cost is n·r·p blocks of 128·r bytes; Werkzeug's default is n = 2^15, r = 8,
/// p = 1 (32 MiB, ~100 ms). Twice its work and memory at most.
const MAX_SCRYPT_WORK: u64 = 2 * (1 << 15) * 8;
const MAX_SCRYPT_MEMORY: u64 = 2 * 128 * (1 << 15) * 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Digest {
    Sha1,
    Sha256,
    Sha512,
}

impl Digest {
    fn len(self) -> usize {
        match self {
            Digest::Sha1 => 20,
            Digest::Sha256 => 32,
            Digest::Sha512 => 64,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Pbkdf2 { digest: Digest, iterations: u32 },
    Scrypt { log_n: u8, r: u32, p: u32 },
}

/// A parsed Werkzeug hash. Its `Debug` shows the scheme only.
#[derive(Clone, PartialEq, Eq)]
pub struct WerkzeugHash {
    pub scheme: Scheme,
    salt: String,
    derived: Vec<u8>,
}

impl fmt::Debug for WerkzeugHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WerkzeugHash")
            .field("scheme", &self.scheme)
            .finish_non_exhaustive()
    }
}

/// Whether `stored` is meant to be a Werkzeug hash (it may still be one Quire refuses).
pub fn is_werkzeug(stored: &str) -> bool {
    stored.starts_with("pbkdf2:") || stored.starts_with("scrypt:")
}

impl WerkzeugHash {
    /// Parses a stored hash. The error says, for a person, why it cannot be used.
    pub fn parse(stored: &str) -> Result<WerkzeugHash, String> {
        if !is_werkzeug(stored) {
            return Err(describe_unknown(stored));
        }
        let mut parts = stored.splitn(3, '$');
        let (Some(method), Some(salt), Some(hex_hash)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(describe_unknown(stored));
        };
        let scheme = parse_method(method)?;
        if salt.is_empty() {
            return Err("it has no salt".into());
        }
        let derived = hex::decode(hex_hash)
            .map_err(|_| "its hash part is not hexadecimal (the row may be cut short)")?;
        let want = match scheme {
            Scheme::Pbkdf2 { digest, .. } => digest.len(),
            Scheme::Scrypt { .. } => 64,
        };
        if derived.len() != want {
            return Err(format!(
                "its hash is {} bytes where {method} makes {want} (the column may have cut it short)",
                derived.len()
            ));
        }
        Ok(WerkzeugHash {
            scheme,
            salt: salt.to_owned(),
            derived,
        })
    }

    /// Derives the key for `password` as Werkzeug does and compares it in constant time.
    /// Blocking: a second of CPU at the iteration cap, so callers run it off the executor.
    pub fn verify(&self, password: &str) -> bool {
        let (password, salt) = (password.as_bytes(), self.salt.as_bytes());
        match self.scheme {
            // ring's, not a generic crate's: its loop is compiled once, optimized, where a
            // generic one would run at the caller's optimization (a million rounds took
            // seconds in the tests' debug build).
            Scheme::Pbkdf2 { digest, iterations } => {
                let algorithm = match digest {
                    Digest::Sha1 => ring::pbkdf2::PBKDF2_HMAC_SHA1,
                    Digest::Sha256 => ring::pbkdf2::PBKDF2_HMAC_SHA256,
                    Digest::Sha512 => ring::pbkdf2::PBKDF2_HMAC_SHA512,
                };
                std::num::NonZeroU32::new(iterations).is_some_and(|n| {
                    ring::pbkdf2::verify(algorithm, n, salt, password, &self.derived).is_ok()
                })
            }
            Scheme::Scrypt { log_n, r, p } => {
                let mut out = vec![0u8; self.derived.len()];
                scrypt::Params::new(log_n, r, p, out.len())
                    .ok()
                    .and_then(|params| scrypt::scrypt(password, salt, &params, &mut out).ok())
                    .is_some_and(|()| bool::from(out.ct_eq(&self.derived)))
            }
        }
    }
}

fn parse_method(method: &str) -> Result<Scheme, String> {
    let mut args = method.split(':');
    match args.next() {
        Some("pbkdf2") => {
            let digest = match args.next() {
                Some("sha1") => Digest::Sha1,
                Some("sha256") => Digest::Sha256,
                Some("sha512") => Digest::Sha512,
                Some(other) => return Err(format!("pbkdf2 with {other} is not supported")),
                None => return Err("it does not say pbkdf2's digest".into()),
            };
            let iterations: u32 = args
                .next()
                .and_then(|n| n.parse().ok())
                .filter(|n| *n > 0)
                .ok_or("it does not say pbkdf2's iteration count")?;
            if iterations > MAX_PBKDF2_ITERATIONS {
                return Err(format!(
                    "{iterations} pbkdf2 iterations is above Quire's limit of {MAX_PBKDF2_ITERATIONS}"
                ));
            }
            only_these(args, method)?;
            Ok(Scheme::Pbkdf2 { digest, iterations })
        }
        Some("scrypt") => {
            let mut number = || args.next().and_then(|v| v.parse::<u64>().ok());
            let (Some(n), Some(r), Some(p)) = (number(), number(), number()) else {
                return Err("scrypt hashes need n, r and p".into());
            };
            only_these(args, method)?;
            if !n.is_power_of_two() || n < 2 || r == 0 || p == 0 {
                return Err(format!("{method} has invalid scrypt parameters"));
            }
            if n.saturating_mul(r).saturating_mul(p) > MAX_SCRYPT_WORK
                || n.saturating_mul(r).saturating_mul(128) > MAX_SCRYPT_MEMORY
            {
                return Err(format!("{method} asks for more work than Quire allows"));
            }
            Ok(Scheme::Scrypt {
                log_n: n.trailing_zeros() as u8,
                // Bounded by the work limit above.
                r: r as u32,
                p: p as u32,
            })
        }
        _ => Err(describe_unknown(method)),
    }
}

fn only_these<'a>(mut rest: impl Iterator<Item = &'a str>, method: &str) -> Result<(), String> {
    match rest.next() {
        None => Ok(()),
        Some(_) => Err(format!("{method} has more parameters than Werkzeug writes")),
    }
}

/// Names a format without showing the hash (it could be a password stored in plain text).
fn describe_unknown(stored: &str) -> String {
    if stored.starts_with("$2a$") || stored.starts_with("$2b$") || stored.starts_with("$2y$") {
        "it is a bcrypt hash, which Quire does not verify".into()
    } else if stored.contains('$') {
        "it is not a format Quire verifies (only Werkzeug's pbkdf2 and scrypt)".into()
    } else {
        "it is not a hash at all (the password may have been stored as plain text)".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Made by Werkzeug 3.1.9's generate_password_hash("correct horse ünïcode", method=…)
    // with a low cost so the tests stay fast; the full-cost hashes of the Flask fixture
    // (server/tests/fixtures/flask) are checked end to end by the integration tests.
    const PASSWORD: &str = "correct horse ünïcode";
    const PBKDF2: &str = "pbkdf2:sha256:1000$hdtg4uxJ$2035cb48c9af4d41cc63517987b7a40072ccd90ab9611d02a0a1db50171749f3";
    const VECTORS: &[&str] = &[
        PBKDF2,
        "pbkdf2:sha1:1000$xv6xTrEI$56d2b45f70f7d251693569b65ead0f503c4d6637",
        "pbkdf2:sha512:1000$egQMPnrm$c3d118a43b792a7686d89cc19fb1b4531869b158188fec11f4092583281ec4c10da916c243ae2858173b6988e46b5b881f9662fd26c96f0e52124c6afe9363f0",
        "scrypt:1024:8:1$c1YG3LvD$a9cf83b2a6c40503b0710e66d57bf0040c462034526418ae118b7a66954f655367f7bd82829fadd04fd199cd7e7c7c7b4f91b1b2b23556fe25e4b5245281b0a7",
    ];

    #[test]
    fn verifies_werkzeugs_own_hashes_and_nothing_else() {
        for stored in VECTORS {
            let hash = WerkzeugHash::parse(stored).unwrap();
            assert!(hash.verify(PASSWORD), "{stored}");
            assert!(!hash.verify("correct horse unicode"), "{stored}");
            assert!(!hash.verify(""), "{stored}");
            assert!(
                !hash.verify(&format!("{PASSWORD} ")),
                "never trimmed: {stored}"
            );
        }
    }

    #[test]
    fn parses_the_parameters_werkzeug_writes() {
        let hash = WerkzeugHash::parse(PBKDF2).unwrap();
        assert_eq!(
            hash.scheme,
            Scheme::Pbkdf2 {
                digest: Digest::Sha256,
                iterations: 1000
            }
        );
        let scrypt = format!("scrypt:32768:8:1$salt$${}", "ab".repeat(64));
        assert!(
            WerkzeugHash::parse(&scrypt).is_err(),
            "a $ in the hash part"
        );
        let scrypt = format!("scrypt:32768:8:1$salt${}", "ab".repeat(64));
        assert_eq!(
            WerkzeugHash::parse(&scrypt).unwrap().scheme,
            Scheme::Scrypt {
                log_n: 15,
                r: 8,
                p: 1
            }
        );
    }

    #[test]
    fn refuses_what_it_cannot_verify_and_says_why() {
        let hex64 = "ab".repeat(32);
        for (stored, why) in [
            ("hunter2", "plain text"),
            (
                "$2b$12$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0",
                "bcrypt",
            ),
            (&format!("pbkdf2:md5:1000$salt${hex64}") as &str, "md5"),
            (&format!("pbkdf2:sha256:3000000$salt${hex64}"), "limit"),
            (&format!("pbkdf2:sha256$salt${hex64}"), "iteration count"),
            ("pbkdf2:sha256:1000$salt$abc", "hexadecimal"),
            (
                &format!("pbkdf2:sha256:1000$salt${}", &hex64[..40]),
                "cut it short",
            ),
            (
                &format!("scrypt:65536:16:4$salt${}", "ab".repeat(64)),
                "more work",
            ),
            (
                &format!("scrypt:1000:8:1$salt${}", "ab".repeat(64)),
                "invalid",
            ),
            (&format!("pbkdf2:sha256:1000$${hex64}"), "no salt"),
        ] {
            let err = WerkzeugHash::parse(stored).unwrap_err();
            assert!(err.contains(why), "{stored}: {err}");
            assert!(
                !err.contains("hunter2"),
                "never shows the stored text: {err}"
            );
        }
    }

    #[test]
    fn debug_hides_the_salt_and_hash() {
        let shown = format!("{:?}", WerkzeugHash::parse(PBKDF2).unwrap());
        assert!(!shown.contains("hdtg4uxJ"), "{shown}");
        assert!(!shown.contains("2035cb"), "{shown}");
    }

    #[test]
    fn recognises_werkzeug_prefixes() {
        assert!(is_werkzeug(PBKDF2));
        assert!(is_werkzeug("scrypt:32768:8:1$x$y"));
        assert!(!is_werkzeug("$argon2id$v=19$m=19456,t=2,p=1$x$y"));
        assert!(!is_werkzeug("!"));
    }
}
