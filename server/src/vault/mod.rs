//! The data key, and health data sealed with it at rest.
//!
//! Health answers, the signature (image and strokes), consent PDFs, staff
//! notes and queued mail bodies are stored sealed (XChaCha20-Poly1305). Each
//! sealed value carries the id of its key and is bound to its table, column
//! and row (associated data): moved to another row or column it no longer
//! opens. Names, e-mail addresses, phone numbers, dates, statuses, flag codes
//! and hashes stay in clear, so the queue can be searched and sorted.
//!
//! The key lives outside the data directory (`STIPPLE_DATA_KEY_FILE`, or
//! `STIPPLE_DATA_KEY`); without either it is created once in the user's
//! configuration directory. A copy of the database alone opens nothing.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
};

use base64::Engine;
use chacha20poly1305::{
    aead::{Aead, AeadCore, KeyInit, OsRng, Payload},
    XChaCha20Poly1305, XNonce,
};
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Sealed values begin with this, then the key id (4 bytes) and the nonce.
const MAGIC: &[u8; 3] = b"SV1";
const HEADER: usize = 3 + 4 + 24;
/// Sealed text columns hold `sv1:` and the sealed bytes in base64.
const TEXT_PREFIX: &str = "sv1:";

/// Where a sealed value lives; part of what it is sealed with.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub table: &'static str,
    pub column: &'static str,
    pub row: Uuid,
}

impl Field {
    pub fn new(table: &'static str, column: &'static str, row: Uuid) -> Self {
        Self { table, column, row }
    }

    fn aad(&self, header: &[u8]) -> Vec<u8> {
        let mut aad = header.to_vec();
        aad.extend_from_slice(format!("{}.{}:{}", self.table, self.column, self.row).as_bytes());
        aad
    }
}

/// Every sealed column, named once: where a value lives is part of what
/// it is sealed with.
pub mod at {
    use super::Field;
    use uuid::Uuid;

    pub fn answers(submission: Uuid) -> Field {
        Field::new("submission", "answers", submission)
    }
    pub fn signature(submission: Uuid) -> Field {
        Field::new("submission", "signature_png", submission)
    }
    pub fn strokes(submission: Uuid) -> Field {
        Field::new("submission", "signature_strokes", submission)
    }
    pub fn pdf(submission: Uuid) -> Field {
        Field::new("consent_pdf", "pdf", submission)
    }
    pub fn note(note: Uuid) -> Field {
        Field::new("submission_note", "text", note)
    }
    pub fn mail_body(mail: Uuid) -> Field {
        Field::new("mail_message", "body_text", mail)
    }
    pub fn totp_secret(staff: Uuid) -> Field {
        Field::new("staff_user", "totp_secret", staff)
    }
    pub fn totp_pending(staff: Uuid) -> Field {
        Field::new("staff_user", "totp_pending", staff)
    }
    /// The first answer to an idempotent invite request, by invite.
    pub fn idempotent_response(invite: Uuid) -> Field {
        Field::new("api_idempotency", "response", invite)
    }
    pub fn webhook_secret(endpoint: Uuid) -> Field {
        Field::new("webhook_endpoint", "secret", endpoint)
    }
    pub fn course_notes(course: Uuid) -> Field {
        Field::new("course", "notes", course)
    }
    pub fn stop_reason(course: Uuid) -> Field {
        Field::new("course", "stop_reason", course)
    }
    pub fn session_record(session: Uuid) -> Field {
        Field::new("treatment_session", "record", session)
    }
    pub fn addendum(addendum: Uuid) -> Field {
        Field::new("session_addendum", "text", addendum)
    }
    pub fn photo(photo: Uuid) -> Field {
        Field::new("session_photo", "image", photo)
    }
    pub fn thumbnail(photo: Uuid) -> Field {
        Field::new("session_photo", "thumbnail", photo)
    }
}

/// A sealed value that does not open: another key, another place, or altered.
#[derive(Debug, thiserror::Error)]
#[error("a sealed {table}.{column} value of row {row} does not open with the data key")]
pub struct Unreadable {
    table: &'static str,
    column: &'static str,
    row: Uuid,
}

impl From<Unreadable> for sea_orm::DbErr {
    fn from(e: Unreadable) -> Self {
        sea_orm::DbErr::Custom(e.to_string())
    }
}

/// Why the server cannot start with the key it was given: said with the
/// setting to change, and the process exits with status 2.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{0}")]
    Unusable(String),
    #[error(
        "the data key {path} does not open this database's health data: set STIPPLE_DATA_KEY_FILE \
         (or STIPPLE_DATA_KEY) to the key the database was written with"
    )]
    Wrong { path: String },
    #[error(
        "this database holds sealed health data but there is no data key at {path}: set \
         STIPPLE_DATA_KEY_FILE (or STIPPLE_DATA_KEY) to the key it was written with"
    )]
    Missing { path: String },
    #[error(
        "the database has been moved to data key {key_id} (stipple rotate-key), which {path} \
         does not hold: set STIPPLE_DATA_KEY_FILE (or STIPPLE_DATA_KEY) to the key file after \
         the rotation"
    )]
    Outdated { path: String, key_id: String },
}

struct Key {
    id: [u8; 4],
    cipher: XChaCha20Poly1305,
}

impl Key {
    fn new(bytes: &[u8; 32]) -> Self {
        let digest = Sha256::digest(bytes);
        Self {
            id: [digest[0], digest[1], digest[2], digest[3]],
            cipher: XChaCha20Poly1305::new(bytes.into()),
        }
    }
}

/// The data keys: the first seals, every one opens (older keys stay after a
/// rotation so older backups remain readable).
pub struct Vault {
    /// Behind a lock: a rotation adds a key while the server runs.
    keys: std::sync::RwLock<Vec<Key>>,
    /// Where the key came from, for messages.
    pub source: String,
    /// The key file, read again when it changes (a rotation).
    file: Option<PathBuf>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Vault({}, key {})", self.source, self.key_id())
    }
}

/// Keys as text: one 64-digit hex key per line, the current one first.
fn parse_keys(text: &str, source: &str) -> Result<Vec<Key>, KeyError> {
    let keys = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let bytes: [u8; 32] = hex::decode(l)
                .ok()
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| {
                    KeyError::Unusable(format!(
                        "{source} must hold 64 hexadecimal digits (32 bytes) per line"
                    ))
                })?;
            Ok(Key::new(&bytes))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if keys.is_empty() {
        return Err(KeyError::Unusable(format!("{source} holds no key")));
    }
    Ok(keys)
}

/// The default place of the key: the user's configuration directory, never
/// the data directory, so a copy of the data alone opens nothing. `None`
/// when the process has no home to keep it in.
pub fn default_key_path() -> Option<PathBuf> {
    Some(dirs::config_dir()?.join("stipple").join("data.key"))
}

/// Where the key is to be read from.
pub enum KeySource<'a> {
    Value(&'a str),
    File(&'a Path),
}

impl Vault {
    /// Reads the key; with `create` and a file that does not exist yet, a
    /// new key is made there (and the path returned, to be said in the log).
    pub fn load(source: KeySource<'_>, create: bool) -> Result<(Self, Option<PathBuf>), KeyError> {
        match source {
            KeySource::Value(v) => Ok((
                Self {
                    keys: parse_keys(v, "STIPPLE_DATA_KEY")?.into(),
                    source: "STIPPLE_DATA_KEY".into(),
                    file: None,
                },
                None,
            )),
            KeySource::File(path) => {
                let shown = path.display().to_string();
                match fs::read_to_string(path) {
                    Ok(text) => Ok((
                        Self {
                            keys: parse_keys(&text, &shown)?.into(),
                            source: shown,
                            file: Some(path.to_path_buf()),
                        },
                        None,
                    )),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
                        Self::create(path).map(|v| (v, Some(path.to_path_buf())))
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        Err(KeyError::Missing { path: shown })
                    }
                    Err(e) => Err(KeyError::Unusable(format!("cannot read {shown}: {e}"))),
                }
            }
        }
    }

    fn create(path: &Path) -> Result<Self, KeyError> {
        let shown = path.display().to_string();
        let fail = |e: std::io::Error| KeyError::Unusable(format!("cannot create {shown}: {e}"));
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(fail)?;
        }
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        let mut opts = fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        match opts.open(path) {
            Ok(mut file) => {
                file.write_all(format!("{}\n", hex::encode(key)).as_bytes())
                    .map_err(fail)?;
                Ok(Self {
                    keys: vec![Key::new(&key)].into(),
                    source: shown,
                    file: Some(path.to_path_buf()),
                })
            }
            // Another process made it first: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let text = fs::read_to_string(path).map_err(fail)?;
                Ok(Self {
                    keys: parse_keys(&text, &shown)?.into(),
                    source: shown,
                    file: Some(path.to_path_buf()),
                })
            }
            Err(e) => Err(fail(e)),
        }
    }

    fn keys(&self) -> std::sync::RwLockReadGuard<'_, Vec<Key>> {
        // A panic while holding the lock cannot leave the keys half-made:
        // they are replaced whole.
        self.keys.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether the key with this id (hex) is among the keys.
    pub fn holds(&self, key_id: &str) -> bool {
        self.keys().iter().any(|k| hex::encode(k.id) == key_id)
    }

    /// The current key's id, as stored with the database's check value.
    pub fn key_id(&self) -> String {
        hex::encode(self.keys()[0].id)
    }

    /// Reads the key file again. A new first key (a rotation) is taken up;
    /// a file that no longer holds every key in use is ignored, since what
    /// those keys sealed could no longer be opened. Returns whether the
    /// keys changed.
    pub fn reload(&self) -> Result<bool, KeyError> {
        let Some(path) = &self.file else {
            return Ok(false);
        };
        let text = fs::read_to_string(path)
            .map_err(|e| KeyError::Unusable(format!("cannot read {}: {e}", path.display())))?;
        let fresh = parse_keys(&text, &self.source)?;
        let ids = |keys: &[Key]| keys.iter().map(|k| k.id).collect::<Vec<_>>();
        let (old, new) = (ids(&self.keys()), ids(&fresh));
        if old == new {
            return Ok(false);
        }
        if !old.iter().all(|id| new.contains(id)) {
            return Err(KeyError::Unusable(format!(
                "{} no longer holds every key in use; keeping the keys read before",
                self.source
            )));
        }
        *self.keys.write().unwrap_or_else(|e| e.into_inner()) = fresh;
        Ok(true)
    }

    pub fn seal(&self, at: Field, plain: &[u8]) -> Vec<u8> {
        let keys = self.keys();
        let key = &keys[0];
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let mut out = Vec::with_capacity(HEADER + plain.len() + 16);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&key.id);
        out.extend_from_slice(&nonce);
        let aad = at.aad(&out);
        let sealed = key
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plain,
                    aad: &aad,
                },
            )
            .expect("sealing in memory does not fail");
        out.extend_from_slice(&sealed);
        out
    }

    pub fn open(&self, at: Field, sealed: &[u8]) -> Result<Vec<u8>, Unreadable> {
        let unreadable = || Unreadable {
            table: at.table,
            column: at.column,
            row: at.row,
        };
        if sealed.len() < HEADER || &sealed[..3] != MAGIC {
            return Err(unreadable());
        }
        let (header, body) = sealed.split_at(HEADER);
        let unknown = !self.keys().iter().any(|k| k.id == header[3..7]);
        // Sealed by a server that took up a newer key first: read the file.
        if unknown && self.reload().is_err() {
            return Err(unreadable());
        }
        let keys = self.keys();
        let key = keys
            .iter()
            .find(|k| k.id == header[3..7])
            .ok_or_else(unreadable)?;
        key.cipher
            .decrypt(
                XNonce::from_slice(&header[7..]),
                Payload {
                    msg: body,
                    aad: &at.aad(header),
                },
            )
            .map_err(|_| unreadable())
    }

    pub fn seal_text(&self, at: Field, plain: &str) -> String {
        as_text(&self.seal(at, plain.as_bytes()))
    }

    pub fn open_text(&self, at: Field, sealed: &str) -> Result<String, Unreadable> {
        let bytes = text_bytes(sealed).ok_or(Unreadable {
            table: at.table,
            column: at.column,
            row: at.row,
        })?;
        let plain = self.open(at, &bytes)?;
        String::from_utf8(plain).map_err(|_| Unreadable {
            table: at.table,
            column: at.column,
            row: at.row,
        })
    }

    pub fn seal_json(&self, at: Field, value: &serde_json::Value) -> String {
        self.seal_text(at, &value.to_string())
    }

    pub fn open_json(&self, at: Field, sealed: &str) -> Result<serde_json::Value, Unreadable> {
        serde_json::from_str(&self.open_text(at, sealed)?).map_err(|_| Unreadable {
            table: at.table,
            column: at.column,
            row: at.row,
        })
    }
}

/// Sealed bytes as a text column holds them: `sv1:` and base64.
fn as_text(sealed: &[u8]) -> String {
    format!(
        "{TEXT_PREFIX}{}",
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(sealed)
    )
}

/// The sealed bytes in a text column's value, if it is one.
fn text_bytes(v: &str) -> Option<Vec<u8>> {
    let b64 = v.strip_prefix(TEXT_PREFIX)?;
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(b64)
        .ok()
}

/// Whether a text column's value is sealed already (for sealing older rows).
pub fn is_sealed_text(v: &str) -> bool {
    v.starts_with(TEXT_PREFIX)
}

/// Whether a bytes column's value is sealed already.
pub fn is_sealed(v: &[u8]) -> bool {
    v.starts_with(MAGIC)
}

/// The id of the key a sealed value was sealed with.
fn sealed_with(v: &[u8]) -> Option<[u8; 4]> {
    (v.len() >= HEADER && &v[..3] == MAGIC).then(|| [v[3], v[4], v[5], v[6]])
}

impl Vault {
    /// The value sealed again with the current key, or `None` when it is
    /// sealed with it already.
    pub fn reseal(&self, at: Field, sealed: &[u8]) -> Result<Option<Vec<u8>>, Unreadable> {
        if sealed_with(sealed) == Some(self.keys()[0].id) {
            return Ok(None);
        }
        let plain = self.open(at, sealed)?;
        Ok(Some(self.seal(at, &plain)))
    }

    /// [`Vault::reseal`] for text columns.
    pub fn reseal_text(&self, at: Field, sealed: &str) -> Result<Option<String>, Unreadable> {
        let bytes = text_bytes(sealed).ok_or(Unreadable {
            table: at.table,
            column: at.column,
            row: at.row,
        })?;
        Ok(self.reseal(at, &bytes)?.map(|b| as_text(&b)))
    }
}

/// The data key for this server and database: read (or made, on the
/// zero-set-up default), checked against the value the database keeps
/// sealed with it, and, on the first start with sealing, every older row
/// sealed. A key that does not fit stops the server here.
pub async fn open_for(
    db: &sea_orm::DatabaseConnection,
    source: KeySource<'_>,
) -> anyhow::Result<Vault> {
    use crate::entities::data_key;
    use sea_orm::{EntityTrait, PaginatorTrait, TransactionTrait};
    let known = data_key::Entity::find().all(db).await?;
    // A new key is made only for a database that has never had one.
    let create = known.is_empty();
    let (vault, created) = Vault::load(source, create)?;
    if let Some(path) = created {
        tracing::warn!(
            path = %path.display(),
            "created the data key that seals health data: back it up apart from the data \
             directory; without it the records cannot be read"
        );
    }
    let check = check_field();
    // The database was rotated to a newer key than this file holds: what
    // it sealed since would not open.
    if let Some(newest) = known.iter().max_by_key(|k| k.created_at) {
        if !vault.holds(&newest.key_id) {
            return Err(KeyError::Outdated {
                path: vault.source.clone(),
                key_id: newest.key_id.clone(),
            }
            .into());
        }
    }
    if let Some(row) = known.iter().find(|k| k.key_id == vault.key_id()) {
        if vault.open_text(check, &row.check_value).is_err() {
            return Err(KeyError::Wrong {
                path: vault.source.clone(),
            }
            .into());
        }
        return Ok(vault);
    }
    // Not this database's current key: an older one it knows may open it
    // (a rotation in progress), else the key is wrong.
    if !known.is_empty()
        && !known
            .iter()
            .any(|k| vault.open_text(check, &k.check_value).is_ok())
    {
        return Err(KeyError::Wrong {
            path: vault.source.clone(),
        }
        .into());
    }
    let txn = db.begin().await?;
    let first = data_key::Entity::find().count(&txn).await? == 0;
    register(&txn, &vault).await?;
    if first {
        let sealed = older::seal_all(&txn, &vault).await?;
        if sealed > 0 {
            tracing::info!(sealed, "health data written before sealing is now sealed");
        }
    }
    txn.commit().await?;
    Ok(vault)
}

/// Keeps, for the vault's current key, a value sealed with it: a server
/// started with another key finds out before touching anything.
async fn register(db: &impl sea_orm::ConnectionTrait, vault: &Vault) -> Result<(), sea_orm::DbErr> {
    use crate::entities::data_key;
    use sea_orm::EntityTrait;
    data_key::Entity::insert(data_key::ActiveModel {
        key_id: sea_orm::ActiveValue::Set(vault.key_id()),
        check_value: sea_orm::ActiveValue::Set(vault.seal_text(check_field(), "stipple data key")),
        created_at: sea_orm::ActiveValue::Set(chrono::Utc::now()),
    })
    .on_conflict(
        sea_orm::sea_query::OnConflict::column(data_key::Column::KeyId)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Where the database's check value for a key lives.
fn check_field() -> Field {
    Field::new("data_key", "check_value", Uuid::nil())
}

mod older;
pub mod rotate;

/// Reads the key file again every minute, so a running server takes up a
/// rotated key (and seals with it) without a restart.
pub async fn follow_key_file(vault: std::sync::Arc<Vault>) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    every.tick().await;
    loop {
        every.tick().await;
        match vault.reload() {
            Ok(true) => tracing::info!(key_id = %vault.key_id(), "took up the rotated data key"),
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "the data key file could not be read again"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault() -> Vault {
        let dir = tempfile::tempdir().unwrap();
        Vault::load(KeySource::File(&dir.path().join("k")), true)
            .unwrap()
            .0
    }

    #[test]
    fn a_sealed_value_opens_only_in_its_own_place_with_its_key() {
        let v = vault();
        let row = Uuid::new_v4();
        let at = Field::new("submission", "answers", row);
        let sealed = v.seal_text(at, "keloid: yes");
        assert!(!sealed.contains("keloid"));
        assert_eq!(v.open_text(at, &sealed).unwrap(), "keloid: yes");
        // Another row, another column, another key: nothing.
        assert!(v
            .open_text(Field::new("submission", "answers", Uuid::new_v4()), &sealed)
            .is_err());
        assert!(v
            .open_text(Field::new("submission_note", "text", row), &sealed)
            .is_err());
        assert!(vault().open_text(at, &sealed).is_err());
        // Altered, or plain text where a sealed value belongs.
        let mut bytes = v.seal(at, b"x");
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        assert!(v.open(at, &bytes).is_err());
        assert!(v.open_text(at, "{\"plain\": true}").is_err());
    }

    #[test]
    fn older_keys_still_open_what_they_sealed() {
        let at = Field::new("t", "c", Uuid::nil());
        let (a, b) = (hex::encode([1u8; 32]), hex::encode([7u8; 32]));
        let (old, _) = Vault::load(KeySource::Value(&a), false).unwrap();
        let before = old.seal(at, b"before the rotation");
        let (rotated, _) = Vault::load(KeySource::Value(&format!("{b}\n{a}\n")), false).unwrap();
        assert_ne!(rotated.key_id(), old.key_id());
        assert_eq!(rotated.open(at, &before).unwrap(), b"before the rotation");
        let after = rotated.seal(at, b"after");
        assert!(old.open(at, &after).is_err(), "sealed with the new key");
    }

    #[test]
    fn bad_keys_are_refused_with_the_setting_named() {
        for bad in ["", "abc", &"zz".repeat(32)] {
            let err = Vault::load(KeySource::Value(bad), false).unwrap_err();
            assert!(err.to_string().contains("STIPPLE_DATA_KEY"), "{err}");
        }
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("none");
        let err = Vault::load(KeySource::File(&missing), false).unwrap_err();
        assert!(matches!(err, KeyError::Missing { .. }));
    }
}
