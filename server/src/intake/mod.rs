//! Client intake: the consent template and submissions (`/api/v1/...`).

pub mod consent_doc;
pub mod handlers;
pub mod service;
