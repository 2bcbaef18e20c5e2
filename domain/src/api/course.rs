//! The client record and the treatment course (`/api/v1/staff/clients/...`,
//! `/courses/...`, `/sessions/...`, `/photos/...`, `/pigment-lots/...`).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::QueueItem;
use crate::states::{CourseStatus, MatchReason, PhotoKind};
use crate::vocab::HairLossArea;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientSummary {
    pub id: Uuid,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    #[serde(with = "super::wire::day")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub date_of_birth: NaiveDate,
}

/// An existing client who may be the person behind a new intake.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientMatch {
    pub client: ClientSummary,
    pub reasons: Vec<MatchReason>,
}

/// `GET /api/v1/staff/submissions/{id}/client`: the client the intake
/// belongs to, or the clients it may belong to. Nothing is linked until
/// staff confirm.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmissionClient {
    pub linked: Option<ClientSummary>,
    pub matches: Vec<ClientMatch>,
}

/// `POST /api/v1/staff/submissions/{id}/client`: link to one of the
/// suggested clients, or (no `client_id`) start a new client record from
/// this intake.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkClient {
    /// A suggested client's id; blank or none for a new client.
    #[serde(default)]
    pub client_id: Option<String>,
}

/// `POST /api/v1/staff/clients/{id}/courses`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewCourse {
    /// 1 to 12.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 12))]
    #[serde(with = "super::wire::small")]
    pub planned_sessions: u8,
    /// At least one.
    pub areas: Vec<HairLossArea>,
    #[serde(default)]
    pub notes: String,
}

/// `POST /api/v1/staff/courses/{id}/status`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CourseStatusChange {
    pub status: CourseStatus,
    /// Required to stop a course.
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Course {
    pub id: Uuid,
    pub client_id: Uuid,
    pub planned_sessions: u8,
    pub areas: Vec<HairLossArea>,
    pub notes: String,
    pub status: CourseStatus,
    pub stop_reason: Option<String>,
    #[serde(with = "super::wire::instant")]
    pub created_at: DateTime<Utc>,
    /// In order.
    pub sessions: Vec<SessionSummary>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionSummary {
    pub id: Uuid,
    /// 1 for the first session of the course.
    pub number: u16,
    #[serde(with = "super::wire::day")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub performed_on: NaiveDate,
    pub practitioner: Option<String>,
    #[serde(default, with = "super::wire::instant_opt")]
    pub signed_off_at: Option<DateTime<Utc>>,
}

/// One pigment as used at a session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PigmentUse {
    pub brand: String,
    pub shade: String,
    /// The batch or lot number on the bottle (required).
    pub lot: String,
    /// `YYYY-MM-DD`; not before the session day.
    pub expires_on: String,
}

/// What staff record about a session (`POST /api/v1/staff/courses/{id}/sessions`,
/// and `POST /api/v1/staff/sessions/{id}` while it is not signed off). Days
/// are `YYYY-MM-DD` and times `HH:MM`, in the clinic's calendar.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInput {
    /// Who treated (a colleague's id); blank for the signed-in staff
    /// member.
    #[serde(default)]
    pub practitioner_id: Option<String>,
    pub performed_on: String,
    pub start_time: String,
    #[serde(default)]
    pub end_time: Option<String>,
    pub areas: Vec<HairLossArea>,
    #[serde(default)]
    pub technique_notes: String,
    /// Needle or cartridge type.
    pub needle: String,
    pub needle_lot: String,
    pub pigments: Vec<PigmentUse>,
    /// 0 (none) to 10.
    #[serde(default, with = "super::wire::small_opt")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10))]
    pub pain_reported: Option<u8>,
    #[serde(default)]
    pub reactions: String,
    #[serde(default)]
    pub aftercare_given: String,
    #[serde(default)]
    pub next_session_on: Option<String>,
}

/// `POST /api/v1/staff/sessions/{id}/sign-off`: the practitioner's own
/// password, entered again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignOff {
    pub password: String,
}

/// `POST /api/v1/staff/sessions/{id}/addenda`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewAddendum {
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Addendum {
    pub id: Uuid,
    pub author: Option<String>,
    #[serde(with = "super::wire::instant")]
    pub created_at: DateTime<Utc>,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhotoMeta {
    pub id: Uuid,
    pub session_id: Uuid,
    pub kind: PhotoKind,
    pub width: u32,
    pub height: u32,
    /// Size of the stored JPEG.
    pub bytes: u64,
    #[serde(with = "super::wire::instant")]
    pub created_at: DateTime<Utc>,
    pub added_by: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionRecord {
    pub id: Uuid,
    pub course_id: Uuid,
    pub client_id: Uuid,
    pub number: u16,
    pub practitioner: Option<String>,
    pub record: SessionInput,
    #[serde(default, with = "super::wire::instant_opt")]
    pub signed_off_at: Option<DateTime<Utc>>,
    pub signed_off_by: Option<String>,
    /// SHA-256 of the record as signed off.
    pub record_sha256: Option<String>,
    pub addenda: Vec<Addendum>,
    pub photos: Vec<PhotoMeta>,
}

/// One line of a client's timeline, oldest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    #[serde(with = "super::wire::instant")]
    pub at: DateTime<Utc>,
    pub text: String,
    pub staff: Option<String>,
    pub submission_id: Option<Uuid>,
    pub session_id: Option<Uuid>,
}

/// `GET /api/v1/staff/clients/{id}` (the view is audited).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientRecord {
    pub client: ClientSummary,
    /// The latest intake's answer to using photos for marketing.
    pub marketing_consent: bool,
    pub submissions: Vec<QueueItem>,
    pub courses: Vec<Course>,
    pub photos: Vec<PhotoMeta>,
    pub timeline: Vec<TimelineEntry>,
}

/// One session that used a pigment lot.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LotUse {
    pub lot: String,
    pub brand: String,
    pub shade: String,
    #[serde(with = "super::wire::day")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub expires_on: NaiveDate,
    pub session_id: Uuid,
    #[serde(with = "super::wire::day")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub performed_on: NaiveDate,
    pub client_id: Uuid,
    pub client_name: String,
    pub client_email: Option<String>,
    pub client_phone: Option<String>,
    pub practitioner: Option<String>,
}

/// `GET /api/v1/staff/pigment-lots/{lot}`: every use, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LotRecall {
    pub lot: String,
    pub uses: Vec<LotUse>,
}
