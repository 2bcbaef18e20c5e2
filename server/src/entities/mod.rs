//! sea-orm entities: the stored shape of the clinic's records.

pub mod api_idempotency;
pub mod api_token;
pub mod audit_log;
pub mod client;
pub mod consent_in_force;
pub mod consent_pdf;
pub mod consent_template;
pub mod course;
pub mod data_key;
pub mod invite;
pub mod login_failure;
pub mod mail_message;
pub mod session_addendum;
pub mod session_photo;
pub mod session_pigment;
pub mod staff_link;
pub mod staff_recovery_code;
pub mod staff_session;
pub mod staff_user;
pub mod submission;
pub mod submission_note;
pub mod treatment_session;
pub mod webhook_delivery;
pub mod webhook_endpoint;
