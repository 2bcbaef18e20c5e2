//! The server's secret key: receipt tokens, links that expire and keyed
//! hashes.
//!
//! Taken from `STIPPLE_SECRET_KEY` when set (needed when several servers share
//! one PostgreSQL), otherwise created once in the data directory.

use std::{fs, io::Write, path::Path};

use anyhow::Context;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

#[derive(Clone)]
pub struct SecretKey(Vec<u8>);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(***)")
    }
}

impl SecretKey {
    pub fn load(configured: Option<&str>, data_dir: &Path) -> anyhow::Result<Self> {
        if let Some(k) = configured {
            return Ok(Self(k.as_bytes().to_vec()));
        }
        let path = data_dir.join("secret.key");
        if let Ok(existing) = fs::read_to_string(&path) {
            let bytes = hex::decode(existing.trim())
                .with_context(|| format!("{} is not a hex key", path.display()))?;
            anyhow::ensure!(
                bytes.len() >= 32,
                "{} holds a key shorter than 32 bytes",
                path.display()
            );
            return Ok(Self(bytes));
        }
        fs::create_dir_all(data_dir)
            .with_context(|| format!("cannot create data directory {}", data_dir.display()))?;
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        let mut opts = fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let mut file = opts
            .open(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        file.write_all(hex::encode(key).as_bytes())?;
        Ok(Self(key.to_vec()))
    }

    /// HMAC-SHA256 of `purpose` and `message`, as URL-safe base64.
    pub fn sign(&self, purpose: &str, message: &[u8]) -> String {
        use base64::Engine;
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(message);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// A token for `message` that is good until `until` (seconds since the
    /// epoch): `until.mac`, the time inside the MAC, so it cannot be
    /// extended and needs no table.
    pub fn sign_until(&self, purpose: &str, message: &[u8], until: i64) -> String {
        format!(
            "{until}.{}",
            self.sign(purpose, &until_message(message, until))
        )
    }

    /// Whether `candidate` was made by [`SecretKey::sign_until`] for this
    /// purpose and message and is still good at `now`.
    pub fn verify_until(&self, purpose: &str, message: &[u8], candidate: &str, now: i64) -> bool {
        let Some((until, mac)) = candidate.split_once('.') else {
            return false;
        };
        let Ok(until) = until.parse::<i64>() else {
            return false;
        };
        // Checked whatever the time, so an expired token costs the same.
        let genuine = self.verify(purpose, &until_message(message, until), mac);
        genuine && now < until
    }

    /// Constant-time check of a value made by [`SecretKey::sign`].
    pub fn verify(&self, purpose: &str, message: &[u8], candidate: &str) -> bool {
        use subtle::ConstantTimeEq;
        let expected = self.sign(purpose, message);
        expected.as_bytes().ct_eq(candidate.as_bytes()).into()
    }
}

fn until_message(message: &[u8], until: i64) -> Vec<u8> {
    let mut m = message.to_vec();
    m.extend_from_slice(&until.to_be_bytes());
    m
}

/// 256 random bits, URL-safe: session and invite tokens.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored of a token: its SHA-256, so a database copy opens nothing.
pub fn sha256_hex(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_file_is_created_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let a = SecretKey::load(None, dir.path()).unwrap();
        let b = SecretKey::load(None, dir.path()).unwrap();
        assert_eq!(a.sign("p", b"m"), b.sign("p", b"m"));
        assert!(a.verify("p", b"m", &a.sign("p", b"m")));
        assert!(!a.verify("p", b"other", &a.sign("p", b"m")));
        assert!(!a.verify("q", b"m", &a.sign("p", b"m")));
    }

    #[test]
    fn expiring_tokens_cannot_be_extended() {
        let dir = tempfile::tempdir().unwrap();
        let k = SecretKey::load(None, dir.path()).unwrap();
        let t = k.sign_until("p", b"m", 1000);
        assert!(k.verify_until("p", b"m", &t, 999));
        assert!(!k.verify_until("p", b"m", &t, 1000));
        assert!(!k.verify_until("q", b"m", &t, 999));
        let (_, mac) = t.split_once('.').unwrap();
        assert!(!k.verify_until("p", b"m", &format!("5000.{mac}"), 999));
        assert!(!k.verify_until("p", b"m", "garbage", 0));
    }
}
