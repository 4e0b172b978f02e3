//! Two-factor sign-in: time-based codes (RFC 6238 as every authenticator app reads it: SHA-1,
//! six digits, 30-second steps) and single-use recovery codes.

use totp_rs::{Algorithm, Secret, TOTP};

/// Recovery codes made at a time; each works once.
pub const RECOVERY_CODES: usize = 10;

const STEP_SECONDS: u64 = 30;
const DIGITS: usize = 6;

/// A new secret: 160 random bits (RFC 4226's recommendation), base32 as apps take it typed.
pub fn new_secret() -> String {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    let mut bytes = vec![0u8; 20];
    OsRng.fill_bytes(&mut bytes);
    Secret::Raw(bytes).to_encoded().to_string()
}

/// The code generator for `secret`, labelled for the app's list as `account` at `issuer`
/// (neither may hold a colon, which the otpauth label uses as its separator).
fn generator(secret: &str, issuer: &str, account: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().ok()?;
    TOTP::new(
        Algorithm::SHA1,
        DIGITS,
        0,
        STEP_SECONDS,
        bytes,
        Some(issuer.replace(':', " ")),
        account.replace(':', " "),
    )
    .ok()
}

/// The `otpauth://` address an authenticator app enrols from.
pub fn enrolment_url(secret: &str, issuer: &str, account: &str) -> Option<String> {
    generator(secret, issuer, account).map(|g| g.get_url())
}

/// `text` as a QR code in SVG, drawn here: the enrolment secret never leaves the blog.
pub fn qr_svg(text: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .dark_color(qrcode::render::svg::Color("#000000"))
            .light_color(qrcode::render::svg::Color("#ffffff"))
            .build(),
    )
}

/// The 30-second step `now` falls in.
pub fn step_at(now_unix: u64) -> u64 {
    now_unix / STEP_SECONDS
}

/// The step `code` is right for, among the one `now` falls in and one either side (clocks
/// drift, and people type slowly). Anything but six digits is no code.
pub fn matching_step(secret: &str, code: &str, now_unix: u64) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let generator = generator(secret, "-", "-")?;
    let now = step_at(now_unix);
    [now.saturating_sub(1), now, now + 1]
        .into_iter()
        .find(|&step| generator.check(&code, step * STEP_SECONDS))
}

/// The code for `secret` at `unix` (for tests, as an app would show it).
pub fn code_at(secret: &str, unix: u64) -> Option<String> {
    generator(secret, "-", "-").map(|g| g.generate(unix))
}

/// A recovery code as shown once to its owner: ten base32 letters and digits in two groups
/// (50 random bits; they are single-use and tried under the login throttle).
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryCode(String);

// A recovery code is a password: never in a log line.
impl std::fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryCode(…)")
    }
}

const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";

impl RecoveryCode {
    pub fn generate() -> RecoveryCode {
        use argon2::password_hash::rand_core::{OsRng, RngCore};
        let mut bytes = [0u8; 10];
        OsRng.fill_bytes(&mut bytes);
        // Each byte picks one of 32 symbols: the low five bits, uniform.
        let letters: String = bytes
            .iter()
            .map(|b| char::from(ALPHABET[usize::from(b & 31)]))
            .collect();
        RecoveryCode(format!("{}-{}", &letters[..5], &letters[5..]))
    }

    /// A code as typed: any case, with or without its dash or spaces.
    pub fn parse(raw: &str) -> Option<RecoveryCode> {
        let letters: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let ok = letters.len() == 10 && letters.bytes().all(|b| ALPHABET.contains(&b));
        ok.then(|| RecoveryCode(format!("{}-{}", &letters[..5], &letters[5..])))
    }

    /// What the database keeps.
    pub fn hash(&self) -> String {
        super::digest_hex(&self.0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_their_step_and_one_either_side_only() {
        let secret = new_secret();
        let now = 1_800_000_015;
        let code = code_at(&secret, now).unwrap();
        assert_eq!(matching_step(&secret, &code, now), Some(step_at(now)));
        assert_eq!(matching_step(&secret, &code, now + 30), Some(step_at(now)));
        assert_eq!(matching_step(&secret, &code, now - 30), Some(step_at(now)));
        assert_eq!(matching_step(&secret, &code, now + 90), None);
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(matching_step(&secret, &spaced, now), Some(step_at(now)));
        assert_eq!(matching_step(&new_secret(), &code, now), None);
        for junk in ["", "12345", "1234567", "abcdef"] {
            assert_eq!(matching_step(&secret, junk, now), None, "{junk}");
        }
    }

    #[test]
    fn the_rfc_6238_test_vector_is_met() {
        // RFC 6238 appendix B: SHA-1, the ASCII secret "12345678901234567890", 8 digits;
        // six-digit codes are its last six.
        let secret = Secret::Raw(b"12345678901234567890".to_vec())
            .to_encoded()
            .to_string();
        assert_eq!(code_at(&secret, 59).unwrap(), "287082");
        assert_eq!(code_at(&secret, 1_111_111_109).unwrap(), "081804");
    }

    #[test]
    fn the_enrolment_address_and_qr_code_carry_the_secret() {
        let secret = new_secret();
        let url = enrolment_url(&secret, "Quire: blog", "ada@example.test").unwrap();
        assert!(url.starts_with("otpauth://totp/"), "{url}");
        assert!(url.contains(&format!("secret={secret}")), "{url}");
        let svg = qr_svg(&url).unwrap();
        assert!(svg.contains("<svg") && svg.contains("<path"), "{svg}");
    }

    #[test]
    fn recovery_codes_are_fresh_and_parse_back_however_typed() {
        let code = RecoveryCode::generate();
        assert_ne!(code, RecoveryCode::generate());
        assert_eq!(code.as_str().len(), 11);
        assert_eq!(RecoveryCode::parse(code.as_str()), Some(code.clone()));
        let typed = code.as_str().replace('-', " ").to_uppercase();
        assert_eq!(RecoveryCode::parse(&typed), Some(code.clone()));
        assert_eq!(code.hash().len(), 64);
        for junk in ["", "123456", "abcde-fghi1", "abcde-fghijk"] {
            assert_eq!(RecoveryCode::parse(junk), None, "{junk}");
        }
        assert!(!format!("{code:?}").contains(code.as_str()));
    }
}
