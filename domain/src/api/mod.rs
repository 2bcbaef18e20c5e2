//! Every request and response body of the HTTP API, written once: the
//! server's handlers return these types, the staff pages read them, and
//! with the `openapi` feature they describe themselves for the OpenAPI
//! document (`/api/v1/openapi.json`).
//!
//! Times are RFC 3339 in UTC; days are `YYYY-MM-DD` in the clinic's calendar.

mod course;
mod integrations;
mod public;
mod staff;
pub mod wire;

pub use course::*;
pub use integrations::*;
pub use public::*;
pub use staff::*;

use serde::{Deserialize, Serialize};

use crate::FieldErrors;

/// Every error answer: a message for people, and with 422 the messages
/// keyed by the JSON path of the field (`client.email`, `scars[0].size_cm`;
/// the empty string for the body as a whole).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<std::collections::BTreeMap<String, Vec<String>>>))]
    pub errors: Option<FieldErrors>,
}
