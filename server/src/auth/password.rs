//! Staff passwords: argon2id, never stored or logged in the clear.

use std::sync::OnceLock;

use argon2::{
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use rand::RngCore;

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 1024;

/// A password that meets the rules. Parsing is the only way to get one.
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let raw = raw.trim_end_matches(['\r', '\n']);
        let chars = raw.chars().count();
        if chars < MIN_LENGTH {
            return Err("The password must be at least 12 characters long");
        }
        if raw.len() > MAX_LENGTH {
            return Err("The password is too long");
        }
        Ok(Self(raw.to_string()))
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
    let dummy = DUMMY.get_or_init(|| {
        NewPassword::parse("not a password anyone has")
            .expect("long enough")
            .hash()
    });
    let (hash, real) = match stored {
        Some(h) => (h, true),
        None => (dummy.as_str(), false),
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
    fn short_passwords_are_refused() {
        assert!(NewPassword::parse("eleven chars").is_ok());
        assert!(NewPassword::parse("short one").is_err());
        assert!(NewPassword::parse("ééééééééééé").is_err());
    }

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = NewPassword::parse("correct horse battery").unwrap().hash();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify("correct horse battery", Some(&h)));
        assert!(!verify("correct horse batterY", Some(&h)));
        assert!(!verify("not a password anyone has", None));
        assert!(!verify("anything", Some("not a hash")));
    }
}
