//! The client's side of the API: no account, a receipt token at most.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    states::{MailStatus, ReviewStatus},
    Submission,
};

/// `GET /healthz`: `ok`, or `unavailable` with the part that failed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok` or `unavailable`.
    pub status: String,
    /// With `unavailable`: what did not answer (`database`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
}

/// What `POST /api/v1/submissions` answers, for the first send and replays.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Receipt {
    pub id: Uuid,
    /// Opens `GET /api/v1/submissions/{id}` and its consent.pdf, sent as
    /// `Authorization: Bearer`, until `receipt_expires_at`.
    pub receipt_token: String,
    pub status: ReviewStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt_expires_at: Option<DateTime<Utc>>,
    /// The e-mailed copy: `queued` (on its way), `limited` (not sent: too
    /// many copies to that address; download it instead), absent without
    /// an e-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_copy: Option<MailStatus>,
}

/// `POST /api/v1/submissions/{id}/pdf-link`: a link to the consent PDF that
/// works for a few minutes, for a plain `<a href>` (no header to send).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PdfLink {
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

/// `GET /api/v1/submissions/{id}`: the client's own submission as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoredSubmission {
    pub id: Uuid,
    pub status: ReviewStatus,
    #[serde(with = "super::wire::instant")]
    pub received_at: DateTime<Utc>,
    pub template_version: String,
    /// SHA-256 (hex) of the submission's canonical JSON.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9a-f]{64}$"))]
    pub canonical_sha256: String,
    pub submission: Submission,
}

/// `POST /api/v1/verify`: whether a PDF is byte for byte a stored consent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifyResult {
    #[serde(rename = "match")]
    pub matched: bool,
    /// With a match: whose consent it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submission_id: Option<Uuid>,
    /// With a match: when it was signed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "super::wire::instant_opt"
    )]
    pub signed_at: Option<DateTime<Utc>>,
}

/// `GET /api/v1/invites/{token}`: what an appointment invite fills in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicInvite {
    pub client_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// RFC 3339 (UTC). Not marked `date-time`: an appointment entered with
    /// a year above 9999 is written with a sign (`+12345-…`).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    #[serde(with = "super::wire::instant")]
    pub appointment_at: DateTime<Utc>,
    /// The appointment's day in the clinic's calendar.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    #[serde(with = "super::wire::day")]
    pub appointment_date: NaiveDate,
    /// For people, e.g. `Tuesday 1 December 2026, 10:00`.
    pub appointment_local: String,
}
