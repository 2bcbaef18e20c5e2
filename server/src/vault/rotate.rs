//! `stipple rotate-key`: a new data key goes first in the key file (older
//! keys stay after it, so older backups still open), the database learns
//! it, and every sealed value is sealed again with it, page by page while
//! the servers run. A running server reads the key file again within a
//! minute, or at once when it meets a value sealed with a key it does not
//! hold yet.

use std::{fs, io::Write, path::Path};

use rand::RngCore;
use sea_orm::{
    sea_query::Expr, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};

use super::{at, KeyError, KeySource, Vault};
use crate::entities::{
    api_idempotency, consent_pdf, course, mail_message, session_addendum, session_photo,
    staff_user, submission, submission_note, treatment_session, webhook_endpoint,
};

/// Rows read at a time: the answers, signature and PDF of 200 intakes are a
/// few megabytes.
const PAGE: u64 = 200;

/// What a rotation did.
pub struct Rotated {
    pub key_id: String,
    pub resealed: u64,
}

/// Writes `line` first in the key file, keeping what was there, through a
/// new file renamed over the old one (never half-written).
fn prepend_key(path: &Path, line: &str) -> Result<(), KeyError> {
    let shown = path.display();
    let fail = |e: std::io::Error| KeyError::Unusable(format!("cannot write {shown}: {e}"));
    let before = fs::read_to_string(path).map_err(fail)?;
    let fresh = path.with_extension("key.new");
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut file = opts.open(&fresh).map_err(fail)?;
    file.write_all(format!("{line}\n{before}").as_bytes())
        .map_err(fail)?;
    file.sync_all().map_err(fail)?;
    fs::rename(&fresh, path).map_err(fail)
}

/// Rotates to a new key. Only a key file can be rotated: a key given in
/// `STIPPLE_DATA_KEY` is the operator's to change.
pub async fn rotate(db: &DatabaseConnection, source: KeySource<'_>) -> anyhow::Result<Rotated> {
    let KeySource::File(path) = source else {
        return Err(KeyError::Unusable(
            "STIPPLE_DATA_KEY is set: rotation writes the new key into STIPPLE_DATA_KEY_FILE, \
             so unset STIPPLE_DATA_KEY and keep the keys in that file"
                .into(),
        )
        .into());
    };
    let vault = super::open_for(db, KeySource::File(path)).await?;
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    prepend_key(path, &hex::encode(key))?;
    vault.reload()?;
    super::register(db, &vault).await?;
    let resealed = reseal_all(db, &vault).await?;
    Ok(Rotated {
        key_id: vault.key_id(),
        resealed,
    })
}

/// Seals every value not sealed with the current key again. Safe to repeat
/// and to run beside servers: each row is written on its own, and a value
/// is only ever replaced by the same content under the current key.
pub async fn reseal_all(db: &DatabaseConnection, vault: &Vault) -> Result<u64, DbErr> {
    let mut n = 0;
    let mut pages = submission::Entity::find()
        .order_by_asc(submission::Column::Id)
        .paginate(db, PAGE);
    while let Some(rows) = pages.fetch_and_next().await? {
        for row in rows {
            let answers = vault.reseal_text(at::answers(row.id), &row.answers)?;
            let strokes = vault.reseal_text(at::strokes(row.id), &row.signature_strokes)?;
            let png = vault.reseal(at::signature(row.id), &row.signature_png)?;
            if answers.is_none() && strokes.is_none() && png.is_none() {
                continue;
            }
            let mut update =
                submission::Entity::update_many().filter(submission::Column::Id.eq(row.id));
            if let Some(v) = answers {
                update = update.col_expr(submission::Column::Answers, Expr::value(v));
            }
            if let Some(v) = strokes {
                update = update.col_expr(submission::Column::SignatureStrokes, Expr::value(v));
            }
            if let Some(v) = png {
                update = update.col_expr(submission::Column::SignaturePng, Expr::value(v));
            }
            update.exec(db).await?;
            n += 1;
        }
    }
    let mut pages = consent_pdf::Entity::find()
        .order_by_asc(consent_pdf::Column::SubmissionId)
        .paginate(db, PAGE);
    while let Some(rows) = pages.fetch_and_next().await? {
        for row in rows {
            if let Some(v) = vault.reseal(at::pdf(row.submission_id), &row.pdf)? {
                consent_pdf::Entity::update_many()
                    .col_expr(consent_pdf::Column::Pdf, Expr::value(v))
                    .filter(consent_pdf::Column::SubmissionId.eq(row.submission_id))
                    .exec(db)
                    .await?;
                n += 1;
            }
        }
    }
    for row in submission_note::Entity::find().all(db).await? {
        if let Some(v) = vault.reseal_text(at::note(row.id), &row.text)? {
            submission_note::Entity::update_many()
                .col_expr(submission_note::Column::Text, Expr::value(v))
                .filter(submission_note::Column::Id.eq(row.id))
                .exec(db)
                .await?;
            n += 1;
        }
    }
    // Texts the retention policy emptied have nothing to seal.
    for row in mail_message::Entity::find()
        .filter(mail_message::Column::BodyText.ne(""))
        .all(db)
        .await?
    {
        if let Some(v) = vault.reseal_text(at::mail_body(row.id), &row.body_text)? {
            // Unless it changed meanwhile (emptied by the retention run).
            mail_message::Entity::update_many()
                .col_expr(mail_message::Column::BodyText, Expr::value(v))
                .filter(mail_message::Column::Id.eq(row.id))
                .filter(mail_message::Column::BodyText.eq(row.body_text.clone()))
                .exec(db)
                .await?;
            n += 1;
        }
    }
    for row in staff_user::Entity::find().all(db).await? {
        for (column, value, field) in [
            (
                staff_user::Column::TotpSecret,
                &row.totp_secret,
                at::totp_secret(row.id),
            ),
            (
                staff_user::Column::TotpPending,
                &row.totp_pending,
                at::totp_pending(row.id),
            ),
        ] {
            let Some(sealed) = value else { continue };
            if let Some(v) = vault.reseal_text(field, sealed)? {
                // Unless it changed meanwhile (two-factor set up again).
                staff_user::Entity::update_many()
                    .col_expr(column, Expr::value(v))
                    .filter(staff_user::Column::Id.eq(row.id))
                    .filter(column.eq(sealed.clone()))
                    .exec(db)
                    .await?;
                n += 1;
            }
        }
    }
    for row in api_idempotency::Entity::find().all(db).await? {
        let field = at::idempotent_response(row.invite_id);
        if let Some(v) = vault.reseal_text(field, &row.response)? {
            api_idempotency::Entity::update_many()
                .col_expr(api_idempotency::Column::Response, Expr::value(v))
                .filter(api_idempotency::Column::TokenId.eq(row.token_id))
                .filter(api_idempotency::Column::Key.eq(row.key.clone()))
                .exec(db)
                .await?;
            n += 1;
        }
    }
    for row in webhook_endpoint::Entity::find().all(db).await? {
        if let Some(v) = vault.reseal_text(at::webhook_secret(row.id), &row.secret)? {
            webhook_endpoint::Entity::update_many()
                .col_expr(webhook_endpoint::Column::Secret, Expr::value(v))
                .filter(webhook_endpoint::Column::Id.eq(row.id))
                .exec(db)
                .await?;
            n += 1;
        }
    }
    n += reseal_courses(db, vault).await?;
    Ok(n)
}

/// The treatment course's sealed values: plans, stop reasons, session
/// records, addenda and photos.
async fn reseal_courses(db: &DatabaseConnection, vault: &Vault) -> Result<u64, DbErr> {
    let mut n = 0;
    for row in course::Entity::find().all(db).await? {
        let notes = vault.reseal_text(at::course_notes(row.id), &row.notes)?;
        let reason = match &row.stop_reason {
            Some(r) => vault.reseal_text(at::stop_reason(row.id), r)?,
            None => None,
        };
        if notes.is_none() && reason.is_none() {
            continue;
        }
        // Unless it changed meanwhile (a stop or a resume).
        let mut update = course::Entity::update_many()
            .filter(course::Column::Id.eq(row.id))
            .filter(course::Column::Status.eq(row.status.clone()));
        if let Some(v) = notes {
            update = update.col_expr(course::Column::Notes, Expr::value(v));
        }
        if let Some(v) = reason {
            update = update.col_expr(course::Column::StopReason, Expr::value(v));
        }
        update.exec(db).await?;
        n += 1;
    }
    for row in treatment_session::Entity::find().all(db).await? {
        if let Some(v) = vault.reseal_text(at::session_record(row.id), &row.record)? {
            // Unless it changed meanwhile (edited before sign-off); the
            // sign-off's hash is of the content, which does not change.
            treatment_session::Entity::update_many()
                .col_expr(treatment_session::Column::Record, Expr::value(v))
                .filter(treatment_session::Column::Id.eq(row.id))
                .filter(treatment_session::Column::Record.eq(row.record.clone()))
                .exec(db)
                .await?;
            n += 1;
        }
    }
    for row in session_addendum::Entity::find().all(db).await? {
        if let Some(v) = vault.reseal_text(at::addendum(row.id), &row.text)? {
            session_addendum::Entity::update_many()
                .col_expr(session_addendum::Column::Text, Expr::value(v))
                .filter(session_addendum::Column::Id.eq(row.id))
                .exec(db)
                .await?;
            n += 1;
        }
    }
    // Photos are large: a page at a time.
    let mut pages = session_photo::Entity::find()
        .order_by_asc(session_photo::Column::Id)
        .paginate(db, 20);
    while let Some(rows) = pages.fetch_and_next().await? {
        for row in rows {
            let image = vault.reseal(at::photo(row.id), &row.image)?;
            let thumb = vault.reseal(at::thumbnail(row.id), &row.thumbnail)?;
            if image.is_none() && thumb.is_none() {
                continue;
            }
            let mut update =
                session_photo::Entity::update_many().filter(session_photo::Column::Id.eq(row.id));
            if let Some(v) = image {
                update = update.col_expr(session_photo::Column::Image, Expr::value(v));
            }
            if let Some(v) = thumb {
                update = update.col_expr(session_photo::Column::Thumbnail, Expr::value(v));
            }
            update.exec(db).await?;
            n += 1;
        }
    }
    Ok(n)
}
