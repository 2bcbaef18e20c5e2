//! Staff passwords: argon2id, never stored or logged in the clear.

use std::sync::OnceLock;

use argon2::{
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use rand::RngCore;

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 1024;

/// The least zxcvbn score accepted (0–4): 3 is "safely unguessable",
/// about 10^10 guesses, out of reach of online guessing and slow to crack
/// from an argon2 hash.
const MIN_SCORE: u8 = 3;

/// A password that meets the rules. Parsing is the only way to get one.
pub struct NewPassword(String);

impl NewPassword {
    /// At least 12 characters and not guessable: checked with zxcvbn, which
    /// knows the common passwords, words, names, dates and keyboard
    /// patterns. A refusal says what to do instead.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim_end_matches(['\r', '\n']);
        let chars = raw.chars().count();
        if chars < MIN_LENGTH {
            return Err("The password must be at least 12 characters long".into());
        }
        if raw.len() > MAX_LENGTH {
            return Err("The password is too long".into());
        }
        let estimate =
            zxcvbn::zxcvbn(raw, &[]).map_err(|_| "Choose another password".to_string())?;
        if estimate.score() < MIN_SCORE {
            let mut why = String::from("This password is too easy to guess.");
            if let Some(feedback) = estimate.feedback() {
                if let Some(w) = feedback.warning() {
                    why.push_str(&format!(" {w}."));
                }
                for s in feedback.suggestions() {
                    why.push_str(&format!(" {s}"));
                }
            }
            why.push_str(" A few unrelated words make a strong password that is easy to remember.");
            return Err(why);
        }
        Ok(Self(raw.to_string()))
    }

    /// The fixed password behind the dummy hash: no rules, it is never an account's.
    fn dummy() -> Self {
        Self("not a password anyone has".into())
    }

    /// The argon2id PHC string to store.
    pub fn hash(&self) -> String {
        let mut salt = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        let salt = SaltString::encode_b64(&salt).expect("16 bytes is a valid salt");
        Argon2::default()
            .hash_password(self.0.as_bytes(), &salt)
            .expect("argon2 with default parameters does not fail")
            .to_string()
    }
}

/// Checks `password` against a stored hash. With no hash (an unknown
/// e-mail) a fixed dummy hash is checked instead, so both cases cost the
/// same time and an attacker cannot tell which addresses have accounts.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| NewPassword::dummy().hash());
    // An invited colleague has no password yet: the same cost as unknown.
    let (hash, real) = match stored {
        Some(h) if !h.is_empty() => (h, true),
        _ => (dummy.as_str(), false),
    };
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let ok = password.len() <= MAX_LENGTH
        && Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
    ok && real
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_or_guessable_passwords_are_refused() {
        assert!(NewPassword::parse("lantern orbit cactus").is_ok());
        assert!(NewPassword::parse("short one").is_err());
        assert!(NewPassword::parse("ééééééééééé").is_err());
        for weak in [
            "password1234",
            "qwertyuiop123",
            "123456789012",
            "aaaaaaaaaaaaaaaa",
        ] {
            let why = NewPassword::parse(weak)
                .err()
                .unwrap_or_else(|| panic!("{weak} accepted"));
            assert!(why.contains("too easy to guess"), "{why}");
        }
    }

    #[test]
    fn common_passwords_of_twelve_or_more_are_refused() {
        // From the estimator's bundled frequency lists (leaked passwords,
        // words, names, keyboard walks and sequences).
        for common in [
            "iloveyou1234",
            "1qaz2wsx3edc",
            "qwerty123456",
            "password12345",
            "abcdefghijkl",
            "michael12345",
            "baseball1234",
        ] {
            assert!(NewPassword::parse(common).is_err(), "{common} accepted");
        }
    }

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = NewPassword::parse("correct horse battery").unwrap().hash();
        assert!(!h.contains("correct"));
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify("correct horse battery", Some(&h)));
        assert!(!verify("correct horse batterY", Some(&h)));
        assert!(!verify("not a password anyone has", None));
        assert!(!verify("anything", Some("not a hash")));
    }
}
