//! The audit log: every feature records what staff did (`record`);
//! administrators read it (`handlers`).

pub mod handlers;
mod record;

pub use record::{is_deleted, Event};

use crate::endpoints::{Access, Endpoint, Verb};

pub static ENDPOINTS: &[Endpoint] = &[Endpoint {
    verb: Verb::Get,
    path: "/api/v1/staff/audit",
    access: Access::Admin,
    handler: |r| r.to(handlers::list),
}];
