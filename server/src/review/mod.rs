//! The review queue: staff list, search and read submissions, move them
//! through review, add notes, send or erase them, export the list.

pub mod handlers;
pub mod queue;

use crate::endpoints::{Access, Endpoint, Verb};
use stipple_app::domain::states::ApiScope;

pub static ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        verb: Verb::Get,
        path: "/api/v1/staff/submissions",
        access: Access::StaffOr(ApiScope::SubmissionsRead),
        handler: |r| r.to(handlers::list),
    },
    Endpoint {
        verb: Verb::Get,
        path: "/api/v1/staff/submissions/{id}",
        access: Access::StaffOr(ApiScope::SubmissionsRead),
        handler: |r| r.to(handlers::detail),
    },
    Endpoint {
        verb: Verb::Delete,
        path: "/api/v1/staff/submissions/{id}",
        access: Access::Admin,
        handler: |r| r.to(handlers::delete),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/staff/submissions/{id}/status",
        access: Access::Staff,
        handler: |r| r.to(handlers::set_status),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/staff/submissions/{id}/notes",
        access: Access::Staff,
        handler: |r| r.to(handlers::add_note),
    },
    Endpoint {
        verb: Verb::Get,
        path: "/api/v1/staff/submissions/{id}/consent.pdf",
        access: Access::Staff,
        handler: |r| r.to(handlers::consent_pdf),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/staff/submissions/{id}/email",
        access: Access::Staff,
        handler: |r| r.to(handlers::email_pdf),
    },
    Endpoint {
        verb: Verb::Get,
        path: "/api/v1/staff/export.csv",
        access: Access::Admin,
        handler: |r| r.to(handlers::export_csv),
    },
];
