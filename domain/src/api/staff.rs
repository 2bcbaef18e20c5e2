//! The staff side of the API, behind a session (`/api/v1/staff/...`).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    flags::Flag,
    states::{
        AccountStatus, AuditAction, InviteStatus, MailKind, MailStatus, PurgeKind, ReviewStatus,
        Role, SessionStage, StaffLinkPurpose,
    },
};

/// `POST /api/v1/staff/login`. Not `Debug`: it holds a password.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffUser {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
}

/// The signed-in staff member and the session's CSRF token (login and
/// `GET /api/v1/staff/me`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffSession {
    pub user: StaffUser,
    pub role: Role,
    /// Send as `X-CSRF-Token` on every POST and DELETE.
    pub csrf_token: String,
    /// `code`: send the two-factor code to `POST /api/v1/staff/login/code`
    /// within 5 minutes; `enrol`: set up two-factor sign-in before anything
    /// else. Only a `ready` session may use the rest of the staff API.
    #[serde(default = "ready")]
    pub stage: SessionStage,
    /// Whether the account signs in with a second factor.
    #[serde(default)]
    pub two_factor: bool,
}

fn ready() -> SessionStage {
    SessionStage::Ready
}

/// A colleague's account on the admin's team list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamMember {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub status: AccountStatus,
    pub last_login_at: Option<DateTime<Utc>>,
    /// Whether the account signs in with a second factor.
    pub two_factor: bool,
}

/// `POST /api/v1/staff/users`: invite a colleague.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewColleague {
    pub email: String,
    /// 1 to 120 characters, one line.
    pub name: String,
    pub role: Role,
}

/// The answer to inviting a colleague: the one-time link, shown once and
/// also e-mailed to them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ColleagueInvited {
    pub member: TeamMember,
    /// `{public address}/staff/join#{token}`: the token never reaches a server log.
    pub link: String,
    #[serde(with = "super::wire::instant")]
    pub expires_at: DateTime<Utc>,
}

/// `POST /api/v1/staff/users/{id}/password-reset`: the link went to them, not to you.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResetSent {
    pub emailed_to: String,
    #[serde(with = "super::wire::instant")]
    pub expires_at: DateTime<Utc>,
}

/// `POST /api/v1/staff/link`: what a one-time account link is for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkToken {
    pub token: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkInfo {
    pub purpose: StaffLinkPurpose,
    pub email: String,
    pub name: String,
    #[serde(with = "super::wire::instant")]
    pub expires_at: DateTime<Utc>,
}

/// `POST /api/v1/staff/link/password`: choose a password with a one-time
/// link. Not `Debug`: it holds a password.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkPassword {
    pub token: String,
    /// At least 12 characters and not guessable.
    pub new_password: String,
}

/// A six-digit code from the authenticator app, or a recovery code.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TwoFactorCode {
    pub code: String,
}

/// `POST /api/v1/staff/two-factor/setup`: a new secret to add to an
/// authenticator app; it takes effect once a code from it is confirmed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TwoFactorSetup {
    /// Base32, for typing into the app.
    pub secret: String,
    /// `otpauth://totp/…`, the same as the QR code.
    pub otpauth_uri: String,
    /// The QR code as an SVG document.
    pub qr_svg: String,
}

/// `POST /api/v1/staff/two-factor/confirm`: shown once; each code signs in
/// once when the phone is lost.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecoveryCodes {
    pub codes: Vec<String>,
}

/// `GET /api/v1/staff/users`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Team {
    pub items: Vec<TeamMember>,
}

/// `POST /api/v1/staff/users/{id}/role`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleChange {
    pub role: Role,
}

/// `POST /api/v1/staff/password`: the signed-in person's new password.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordChange {
    pub current_password: String,
    /// At least 12 characters and not guessable.
    pub new_password: String,
}

/// One of the signed-in person's sessions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    /// For `DELETE /api/v1/staff/sessions/{id}`.
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub ip: Option<String>,
    /// The browser's own description of itself.
    pub device: Option<String>,
    /// The session this request came with.
    pub current: bool,
}

/// `GET /api/v1/staff/sessions`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionList {
    pub items: Vec<SessionInfo>,
}

impl StaffSession {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// One row of the review queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueItem {
    pub id: Uuid,
    pub client_name: String,
    pub client_email: Option<String>,
    pub client_phone: Option<String>,
    #[serde(with = "super::wire::instant")]
    pub received_at: DateTime<Utc>,
    /// The invite's appointment day, else the client's preferred date.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    #[serde(default, with = "super::wire::day_opt")]
    pub appointment_date: Option<NaiveDate>,
    pub status: ReviewStatus,
    pub flags: Vec<Flag>,
}

/// `GET /api/v1/staff/submissions`: a page, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueuePage {
    pub items: Vec<QueueItem>,
    /// Pass as `after` for the next page; null on the last.
    pub next: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DetailClient {
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    #[serde(with = "super::wire::day")]
    pub date_of_birth: NaiveDate,
}

/// The appointment an invite tied the submission to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookedAppointment {
    pub invite_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    #[serde(with = "super::wire::instant")]
    pub appointment_at: DateTime<Utc>,
}

/// A question and its answer as the client gave it, in the words staff read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnswerRow {
    pub question: String,
    pub answer: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnswerSection {
    pub title: String,
    pub rows: Vec<AnswerRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignatureView {
    pub typed_name: String,
    /// The drawn signature as a `data:image/png;base64,` URL.
    pub png_data_url: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Note {
    pub id: Uuid,
    /// Staff name; null once the author's account is gone.
    pub author: Option<String>,
    pub text: String,
    #[serde(with = "super::wire::instant")]
    pub created_at: DateTime<Utc>,
}

/// An e-mail about a submission and how its sending went.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MailEntry {
    pub id: Uuid,
    pub kind: MailKind,
    pub to_address: String,
    pub status: MailStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    #[serde(with = "super::wire::instant")]
    pub created_at: DateTime<Utc>,
    #[serde(default, with = "super::wire::instant_opt")]
    pub sent_at: Option<DateTime<Utc>>,
}

/// What happened to a submission, from the audit log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryEntry {
    #[serde(with = "super::wire::instant")]
    pub at: DateTime<Utc>,
    pub action: AuditAction,
    /// Staff name.
    pub staff: Option<String>,
    pub detail: Option<String>,
}

/// `GET /api/v1/staff/submissions/{id}`: everything staff need to review.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmissionDetail {
    pub id: Uuid,
    pub status: ReviewStatus,
    #[serde(default, with = "super::wire::instant_opt")]
    pub status_changed_at: Option<DateTime<Utc>>,
    /// Staff name.
    pub status_changed_by: Option<String>,
    #[serde(with = "super::wire::instant")]
    pub received_at: DateTime<Utc>,
    pub client: DetailClient,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    #[serde(default, with = "super::wire::day_opt")]
    pub appointment_date: Option<NaiveDate>,
    pub appointment: Option<BookedAppointment>,
    pub template_version: String,
    pub canonical_sha256: String,
    pub flags: Vec<Flag>,
    pub sections: Vec<AnswerSection>,
    pub signature: SignatureView,
    pub notes: Vec<Note>,
    pub mail: Vec<MailEntry>,
    pub history: Vec<HistoryEntry>,
}

/// `POST /api/v1/staff/submissions/{id}/status`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusChange {
    /// Read as text so that an unknown status is a 422 on this field, not a
    /// malformed body.
    #[cfg_attr(feature = "openapi", schema(value_type = ReviewStatus))]
    pub status: String,
    /// Required to clear a submission with a `stop` flag; at most 4000 characters.
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusChanged {
    pub id: Uuid,
    pub status: ReviewStatus,
    #[serde(default, with = "super::wire::instant_opt")]
    pub status_changed_at: Option<DateTime<Utc>>,
    /// Staff name.
    pub status_changed_by: String,
}

/// `POST /api/v1/staff/submissions/{id}/notes`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewNote {
    /// 1 to 4000 characters.
    pub text: String,
}

/// `POST /api/v1/staff/submissions/{id}/email`: the copy is queued.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MailQueued {
    pub mail_id: Uuid,
    pub status: MailStatus,
    pub to: String,
}

/// `POST /api/v1/staff/invites`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewInvite {
    /// 1 to 120 characters after trimming, one line.
    pub client_name: String,
    /// Blank counts as none. An e-mail address or a phone number is
    /// required; the e-mail is required with `send_email`.
    #[serde(default)]
    pub email: Option<String>,
    /// Blank counts as none.
    #[serde(default)]
    pub phone: Option<String>,
    /// RFC 3339, or clinic-local `YYYY-MM-DDTHH:MM[:SS]` as a date-time
    /// input sends. Not in the past.
    pub appointment_at: String,
    /// E-mail the link to the client.
    #[serde(default)]
    pub send_email: bool,
    /// The client's language, as a BCP 47 tag (`en`, `pt-BR`): recorded
    /// with the invite.
    #[serde(default)]
    pub language: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invite {
    pub id: Uuid,
    pub client_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// RFC 3339 (UTC). Not marked `date-time`: a year above 9999 is written
    /// with a sign.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    #[serde(with = "super::wire::instant")]
    pub appointment_at: DateTime<Utc>,
    /// Clinic-local `YYYY-MM-DD HH:MM`.
    pub appointment_local: String,
    #[serde(with = "super::wire::instant")]
    pub expires_at: DateTime<Utc>,
    #[serde(with = "super::wire::instant")]
    pub created_at: DateTime<Utc>,
    pub status: InviteStatus,
    pub submission_id: Option<Uuid>,
    /// Only in the answer to creating it: the client's private link
    /// (`{public address}/intake/{token}`), shown once and never stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InviteList {
    pub items: Vec<Invite>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    #[serde(with = "super::wire::instant")]
    pub at: DateTime<Utc>,
    pub action: AuditAction,
    pub staff_id: Option<Uuid>,
    /// Staff name.
    pub staff: Option<String>,
    pub submission_id: Option<Uuid>,
    pub invite_id: Option<Uuid>,
    pub ip: Option<String>,
    pub detail: Option<String>,
}

/// `GET /api/v1/staff/audit`: newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    /// Pass as `before` for older entries; null on the last page.
    pub next: Option<i64>,
}

/// The clinic's retention policy (settings `STIPPLE_RETAIN_*`): how long
/// each kind of record is kept after its last activity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RetentionPolicy {
    /// Reviewed intakes with their signed consent, in years after the last
    /// activity (received, status change, note or e-mail).
    pub consent_years: u32,
    /// Intakes never reviewed, or declined, in days after the last activity.
    pub unreviewed_days: u32,
    /// Invites, in days after they expired (used ones too: the submission
    /// keeps what the clinic needs).
    pub invite_days: u32,
    /// The text of sent (or abandoned) e-mails, in days after sending.
    pub mail_days: u32,
    /// Staff sessions, in days after their last request.
    pub session_days: u32,
    /// Failed sign-in records, in days.
    pub login_failure_days: u32,
    /// Client addresses in the audit log, in days; the entry itself stays.
    pub audit_address_days: u32,
}

/// An intake that falls due for purging.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DueSubmission {
    pub id: Uuid,
    pub client_name: String,
    pub status: ReviewStatus,
    #[serde(with = "super::wire::instant")]
    pub last_activity: DateTime<Utc>,
    #[serde(with = "super::wire::instant")]
    pub due_at: DateTime<Utc>,
}

/// Records of one kind that fall due, with the first date.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DueGroup {
    pub kind: PurgeKind,
    pub count: u64,
    #[serde(with = "super::wire::instant")]
    pub first_due: DateTime<Utc>,
}

/// `GET /api/v1/staff/retention` (admin): the policy, and what it purges
/// within the next `horizon_days` (overdue records included: the daily run
/// takes them next).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RetentionReport {
    pub policy: RetentionPolicy,
    pub horizon_days: u32,
    pub submissions: Vec<DueSubmission>,
    pub groups: Vec<DueGroup>,
    /// When the last retention run finished, if any.
    #[serde(default, with = "super::wire::instant_opt")]
    pub last_run: Option<DateTime<Utc>>,
}
