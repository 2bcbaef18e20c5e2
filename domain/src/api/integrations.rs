//! The admin's integrations (`/api/v1/staff/integrations/...`): API tokens
//! for a booking system, and webhook endpoints with their delivery log.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::states::{ApiScope, DeliveryStatus, WebhookEvent};

/// `POST /api/v1/staff/integrations/tokens`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewApiToken {
    /// 1 to 80 characters, one line: shown in the audit log for each use.
    pub name: String,
    /// At least one.
    pub scopes: Vec<ApiScope>,
    /// The last day (clinic calendar) the token works, `YYYY-MM-DD`; blank
    /// or none: until revoked.
    #[serde(default)]
    pub expires_on: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiToken {
    pub id: Uuid,
    pub name: String,
    pub scopes: Vec<ApiScope>,
    /// The token's first characters, to tell tokens apart.
    pub prefix: String,
    #[serde(with = "super::wire::instant")]
    pub created_at: DateTime<Utc>,
    #[serde(default, with = "super::wire::instant_opt")]
    pub expires_at: Option<DateTime<Utc>>,
    #[serde(default, with = "super::wire::instant_opt")]
    pub revoked_at: Option<DateTime<Utc>>,
    #[serde(default, with = "super::wire::instant_opt")]
    pub last_used_at: Option<DateTime<Utc>>,
    /// Only in the answer to creating it: send as `Authorization: Bearer
    /// <secret>`. Shown once; only its hash is stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiTokenList {
    pub items: Vec<ApiToken>,
}

/// `POST /api/v1/staff/integrations/webhooks`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewWebhookEndpoint {
    /// `https://…`, on the public internet.
    pub url: String,
    #[serde(default)]
    pub description: String,
    /// At least one.
    pub events: Vec<WebhookEvent>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookEndpoint {
    pub id: Uuid,
    pub url: String,
    pub description: String,
    pub events: Vec<WebhookEvent>,
    #[serde(with = "super::wire::instant")]
    pub created_at: DateTime<Utc>,
    /// Set when deliveries failed for days; nothing is sent until an
    /// administrator enables it again (pending messages wait).
    #[serde(default, with = "super::wire::instant_opt")]
    pub disabled_at: Option<DateTime<Utc>>,
    pub disabled_reason: Option<String>,
    /// Since when every attempt has failed, if the last one did.
    #[serde(default, with = "super::wire::instant_opt")]
    pub failing_since: Option<DateTime<Utc>>,
    /// Messages waiting to be delivered.
    pub pending: u64,
    /// Only in the answer to creating it: the signing secret (`whsec_…`),
    /// shown once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookEndpointList {
    pub items: Vec<WebhookEndpoint>,
}

/// One message to one endpoint; retries keep its `id` (`webhook-id`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDelivery {
    /// `msg_…`, sent as `webhook-id`.
    pub id: String,
    pub event: WebhookEvent,
    pub status: DeliveryStatus,
    pub attempts: i32,
    #[serde(with = "super::wire::instant")]
    pub created_at: DateTime<Utc>,
    #[serde(default, with = "super::wire::instant_opt")]
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The receiver's HTTP status, if it answered.
    pub last_status_code: Option<i32>,
    /// Why the last attempt failed, or the start of the receiver's answer.
    pub last_error: Option<String>,
    #[serde(default, with = "super::wire::instant_opt")]
    pub next_attempt_at: Option<DateTime<Utc>>,
}

/// `GET /api/v1/staff/integrations/webhooks/{id}/deliveries`: newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDeliveryList {
    pub items: Vec<WebhookDelivery>,
}
