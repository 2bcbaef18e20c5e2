//! Two-factor sign-in: TOTP (RFC 6238: SHA-1, six digits, 30-second steps,
//! one step of drift) set up from the account page and confirmed by a first
//! code, ten single-use recovery codes, and the code step of signing in.
//!
//! The secret is sealed with the data key before it is stored, like health
//! data; each accepted time step is written down so a code cannot be used
//! twice.

use actix_web::{http::header, web, HttpRequest, HttpResponse};
use chrono::Utc;
use rand::RngCore;
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    QueryFilter, TransactionTrait,
};
use stipple_app::domain::{
    api::{ErrorBody, RecoveryCodes, StaffSession, TwoFactorCode, TwoFactorSetup},
    states::{AuditAction, SessionStage},
    FieldErrors,
};
use totp_rs::{Builder, Secret, Totp};
use uuid::Uuid;

use super::{accounts, session, throttle};
use crate::{
    audit::Event,
    entities::{staff_recovery_code as recovery, staff_user},
    http::{
        api_error::ApiError,
        body,
        routes::{client_addr, client_ip, SigningIn},
    },
    secret::SecretKey,
    state::AppState,
    vault::{at, Field, Vault},
};

const RECOVERY_CODES: usize = 10;
/// Wrong codes for one account from all addresses together, per 15 minutes,
/// before every address waits: someone with the password and many
/// addresses still cannot try the million codes.
const ACCOUNT_CEILING: u64 = 10;

fn totp(secret: &[u8], email: &str, clinic: &str) -> Result<Totp, ApiError> {
    // The otpauth label may not hold a colon.
    let issuer = clinic.replace(':', " ");
    Builder::new()
        .with_secret(Secret::new(secret.to_vec().into_boxed_slice()))
        .with_account_name(email.replace(':', " "))
        .with_issuer(Some(issuer))
        .build()
        .map_err(|e| ApiError::Unexpected(anyhow::anyhow!("totp: {e:?}")))
}

/// A TOTP secret as stored: sealed with the data key, in its own column.
fn seal_secret(vault: &Vault, at: Field, secret: &[u8]) -> String {
    vault.seal_text(at, &hex::encode(secret))
}

fn open_secret(vault: &Vault, at: Field, sealed: &str) -> Result<Vec<u8>, ApiError> {
    let hex_secret = vault.open_text(at, sealed).map_err(sea_orm::DbErr::from)?;
    hex::decode(hex_secret)
        .map_err(|e| ApiError::Unexpected(anyhow::anyhow!("stored two-factor secret: {e}")))
}

fn now_secs() -> u64 {
    Utc::now().timestamp().max(0) as u64
}

/// The time step `code` matches for `secret` now (or one step either side).
fn matching_step(totp: &Totp, code: &str) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    totp.check(&code, now_secs())
        .and_then(|s| i64::try_from(s).ok())
}

/// Takes `step` as used for `user` unless it (or a later one) already was:
/// one guarded write, so two requests racing with one code cannot both win.
async fn take_step(db: &impl ConnectionTrait, user: Uuid, step: i64) -> Result<bool, ApiError> {
    let done = staff_user::Entity::update_many()
        .col_expr(staff_user::Column::TotpLastStep, Expr::value(step))
        .filter(staff_user::Column::Id.eq(user))
        .filter(
            Condition::any()
                .add(staff_user::Column::TotpLastStep.is_null())
                .add(staff_user::Column::TotpLastStep.lt(step)),
        )
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// A recovery code as stored: a keyed hash of its letters and digits, so
/// spacing and case do not matter and a database copy reveals nothing.
fn recovery_hash(key: &SecretKey, user: Uuid, code: &str) -> String {
    let clean: String = code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    key.sign(&format!("recovery-code:{user}"), clean.as_bytes())
}

/// Ten new recovery codes (`xxxxx-xxxxx`, 50 random bits each), replacing
/// any earlier ones.
async fn new_recovery_codes(
    db: &impl ConnectionTrait,
    key: &SecretKey,
    user: Uuid,
) -> Result<Vec<String>, ApiError> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    recovery::Entity::delete_many()
        .filter(recovery::Column::StaffId.eq(user))
        .exec(db)
        .await?;
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        let mut raw = [0u8; 10];
        rand::rngs::OsRng.fill_bytes(&mut raw);
        let letters: String = raw
            .iter()
            .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
            .collect();
        let code = format!("{}-{}", &letters[..5], &letters[5..]);
        recovery::Entity::insert(recovery::ActiveModel {
            code_hash: Set(recovery_hash(key, user, &code)),
            staff_id: Set(user),
            created_at: Set(Utc::now()),
        })
        .exec_without_returning(db)
        .await?;
        codes.push(code);
    }
    Ok(codes)
}

/// Uses up a recovery code of `user`; whether it was one.
async fn use_recovery_code(
    db: &impl ConnectionTrait,
    key: &SecretKey,
    user: Uuid,
    code: &str,
) -> Result<bool, ApiError> {
    let done = recovery::Entity::delete_many()
        .filter(recovery::Column::StaffId.eq(user))
        .filter(recovery::Column::CodeHash.eq(recovery_hash(key, user, code)))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Removes two-factor sign-in from an account (an administrator's reset):
/// the secret, a half-done setup and the recovery codes.
pub async fn remove(db: &impl ConnectionTrait, user: Uuid) -> Result<(), ApiError> {
    staff_user::Entity::update_many()
        .col_expr(staff_user::Column::TotpSecret, Expr::value(None::<String>))
        .col_expr(staff_user::Column::TotpPending, Expr::value(None::<String>))
        .col_expr(
            staff_user::Column::TotpEnabledAt,
            Expr::value(None::<chrono::DateTime<Utc>>),
        )
        .filter(staff_user::Column::Id.eq(user))
        .exec(db)
        .await?;
    recovery::Entity::delete_many()
        .filter(recovery::Column::StaffId.eq(user))
        .exec(db)
        .await?;
    Ok(())
}

fn read_code(bytes: &[u8]) -> Result<TwoFactorCode, ApiError> {
    serde_json::from_slice(bytes)
        .map_err(|_| ApiError::BadRequest("Send {\"code\": \"123456\"} as JSON".into()))
}

/// `POST /api/v1/staff/two-factor/setup`: a new secret to scan or type.
#[utoipa::path(post, path = "/api/v1/staff/two-factor/setup", tag = "staff",
    responses(
        (status = 200, description = "The secret, as text, an otpauth URI and a QR code (SVG). \
            It takes effect once a code from it is confirmed.", body = TwoFactorSetup),
        (status = 409, description = "Two-factor sign-in is already set up.", body = ErrorBody),
    ))]
pub async fn setup(who: SigningIn, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let me = who.0;
    if me.stage == SessionStage::Code {
        return Err(ApiError::Unauthorized);
    }
    let user = accounts::find(&state.db, me.id)
        .await?
        .ok_or(ApiError::Unauthorized)?;
    if user.has_two_factor() {
        return Err(ApiError::Conflict(
            "Two-factor sign-in is already set up; an administrator can reset it",
        ));
    }
    let mut secret = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    let clinic = state.templates.current().clinic_name.clone();
    let totp = totp(&secret, &user.email, &clinic)?;
    let uri = totp
        .to_url()
        .map_err(|e| ApiError::Unexpected(anyhow::anyhow!("otpauth: {e:?}")))?;
    let qr = qrcode::QrCode::new(uri.as_bytes())
        .map_err(|e| ApiError::Unexpected(anyhow::anyhow!("qr: {e}")))?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .build();
    accounts::set(
        &state.db,
        me.id,
        staff_user::Column::TotpPending,
        seal_secret(&state.vault, at::totp_pending(me.id), &secret),
    )
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(TwoFactorSetup {
            secret: totp.secret().to_base32(),
            otpauth_uri: uri,
            qr_svg: qr,
        }))
}

/// `POST /api/v1/staff/two-factor/confirm`: the first code from the app
/// turns two-factor sign-in on and gives the recovery codes, once.
#[utoipa::path(post, path = "/api/v1/staff/two-factor/confirm", tag = "staff", request_body = TwoFactorCode,
    responses(
        (status = 200, description = "On; the ten recovery codes, shown this once.", body = RecoveryCodes),
        (status = 409, description = "No setup was started, or two-factor is already on.", body = ErrorBody),
        (status = 422, description = "The code is not the app's current one.", body = ErrorBody),
    ))]
pub async fn confirm(
    req: HttpRequest,
    payload: web::Payload,
    who: SigningIn,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let bytes = body::read_json(&req, payload, 4 * 1024).await?;
    let code = read_code(&bytes)?;
    let me = who.0;
    if me.stage == SessionStage::Code {
        return Err(ApiError::Unauthorized);
    }
    let user = accounts::find(&state.db, me.id)
        .await?
        .ok_or(ApiError::Unauthorized)?;
    if user.has_two_factor() {
        return Err(ApiError::Conflict("Two-factor sign-in is already set up"));
    }
    let Some(pending) = user.totp_pending.as_deref() else {
        return Err(ApiError::Conflict(
            "Start the set-up first: there is no secret to confirm",
        ));
    };
    let secret = open_secret(&state.vault, at::totp_pending(me.id), pending)?;
    let clinic = state.templates.current().clinic_name.clone();
    let Some(step) = matching_step(&totp(&secret, &user.email, &clinic)?, &code.code) else {
        let mut errors = FieldErrors::default();
        errors.add(
            "code",
            "That is not the code your app shows now: type the six digits it shows for this account",
        );
        return Err(ApiError::Invalid(errors));
    };
    let txn = state.db.begin().await?;
    staff_user::Entity::update_many()
        .col_expr(
            staff_user::Column::TotpSecret,
            Expr::value(seal_secret(&state.vault, at::totp_secret(me.id), &secret)),
        )
        .col_expr(staff_user::Column::TotpPending, Expr::value(None::<String>))
        .col_expr(staff_user::Column::TotpEnabledAt, Expr::value(Utc::now()))
        .col_expr(staff_user::Column::TotpLastStep, Expr::value(step))
        .filter(staff_user::Column::Id.eq(me.id))
        .exec(&txn)
        .await?;
    let codes = new_recovery_codes(&txn, &state.secret, me.id).await?;
    session::set_stage(&txn, &me.session_sha256, SessionStage::Ready).await?;
    Event::new(
        AuditAction::TwoFactorEnrolled,
        Some(me.id),
        Some(client_ip(&req)),
    )
    .record(&txn)
    .await?;
    txn.commit().await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(RecoveryCodes { codes }))
}

/// `POST /api/v1/staff/login/code`: the second step of signing in, within
/// five minutes of the password: the app's code, or a recovery code.
#[utoipa::path(post, path = "/api/v1/staff/login/code", tag = "staff", request_body = TwoFactorCode,
    responses(
        (status = 200, description = "Signed in.", body = StaffSession),
        (status = 401, description = "A wrong or used code, or the five minutes are over.", body = ErrorBody),
        (status = 409, description = "This session is not waiting for a code.", body = ErrorBody),
        (status = 429, description = "Too many wrong codes; see `Retry-After`.", body = ErrorBody,
            headers(("Retry-After" = u64))),
    ))]
pub async fn login_code(
    req: HttpRequest,
    payload: web::Payload,
    who: SigningIn,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let bytes = body::read_json(&req, payload, 4 * 1024).await?;
    let code = read_code(&bytes)?;
    let me = who.0;
    if me.stage != SessionStage::Code {
        return Err(ApiError::Conflict("This session is not waiting for a code"));
    }
    let ip = client_ip(&req);
    let address =
        client_addr(&req).map_or_else(|| "unknown".to_string(), |a| state.limiter.address_key(a));
    let account = state.limiter.fingerprint("two-factor", &me.id.to_string());
    let pair = throttle::Attempt {
        account: &account,
        address: &address,
    };
    let attempt = throttle::record_attempt(&state.db, &pair).await?;
    let wait = throttle::wait_for(&state.db, &pair, attempt)
        .await?
        .or(throttle::account_wait(&state.db, &account, attempt, ACCOUNT_CEILING).await?);
    if let Some(wait) = wait {
        throttle::forget_attempt(&state.db, attempt).await?;
        return Err(ApiError::TooManyRequests(
            wait,
            "Too many wrong codes; please wait and try again",
        ));
    }
    let user = accounts::find(&state.db, me.id)
        .await?
        .ok_or(ApiError::Unauthorized)?;
    let Some(sealed) = user.totp_secret.as_deref() else {
        // Reset by an administrator meanwhile: sign in again.
        session::end(&state.db, &me.session_sha256).await?;
        return Err(ApiError::Unauthorized);
    };
    let clinic = state.templates.current().clinic_name.clone();
    let totp = totp(
        &open_secret(&state.vault, at::totp_secret(user.id), sealed)?,
        &user.email,
        &clinic,
    )?;
    let by_app = match matching_step(&totp, &code.code) {
        Some(step) => take_step(&state.db, user.id, step).await?,
        None => false,
    };
    let by_recovery =
        !by_app && use_recovery_code(&state.db, &state.secret, user.id, &code.code).await?;
    if !(by_app || by_recovery) {
        Event::new(AuditAction::TwoFactorFailed, Some(user.id), Some(ip))
            .record(&state.db)
            .await?;
        return Err(ApiError::WrongCode);
    }
    throttle::clear_pair(&state.db, &pair).await?;
    session::set_stage(&state.db, &me.session_sha256, SessionStage::Ready).await?;
    accounts::set(
        &state.db,
        user.id,
        staff_user::Column::LastLoginAt,
        Utc::now(),
    )
    .await?;
    if by_recovery {
        Event::new(
            AuditAction::RecoveryCodeUsed,
            Some(user.id),
            Some(ip.clone()),
        )
        .record(&state.db)
        .await?;
    }
    Event::new(AuditAction::Login, Some(user.id), Some(ip))
        .detail("with two-factor")
        .record(&state.db)
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(super::handlers::session_answer(
            &user,
            me.role,
            &me.csrf_token,
            SessionStage::Ready,
        )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_6238_vector_matches() {
        // RFC 6238 appendix B, SHA-1: at 59 s the eight-digit code is
        // 94287082; six digits are its last six.
        let t = totp(b"12345678901234567890", "a@b.example", "Clinic: One").unwrap();
        assert_eq!(t.generate(59).to_string(), "287082");
        assert_eq!(t.check("287082", 59), Some(1));
        assert_eq!(t.check("287082", 59 + 30), Some(1), "one step of drift");
        assert_eq!(t.check("287082", 59 + 60), None);
        assert!(t
            .to_url()
            .unwrap()
            .starts_with("otpauth://totp/Clinic%20%20One:"));
    }

    #[test]
    fn codes_are_six_digits_or_nothing() {
        let t = totp(b"12345678901234567890", "a@b.example", "C").unwrap();
        for bad in ["", "12345", "1234567", "abcdef", "１２３４５６", "12 34 5"] {
            assert_eq!(matching_step(&t, bad), None, "{bad}");
        }
    }
}
