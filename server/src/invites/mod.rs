//! Appointment invites: staff make a private link `/intake/{token}` that
//! opens the intake pre-filled and ties the submission to the appointment.

pub mod handlers;
pub mod store;

use crate::endpoints::{Access, Endpoint, Verb};
use stipple_app::domain::states::ApiScope;

pub static ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        verb: Verb::Get,
        path: "/api/v1/invites/{token}",
        access: Access::Anyone,
        handler: |r| r.to(handlers::open),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/invites",
        access: Access::Token(ApiScope::InvitesWrite),
        handler: |r| r.to(handlers::create_for_token),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/staff/invites",
        access: Access::Staff,
        handler: |r| r.to(handlers::create),
    },
    Endpoint {
        verb: Verb::Get,
        path: "/api/v1/staff/invites",
        access: Access::StaffOr(ApiScope::InvitesRead),
        handler: |r| r.to(handlers::list),
    },
    Endpoint {
        verb: Verb::Delete,
        path: "/api/v1/staff/invites/{id}",
        access: Access::Staff,
        handler: |r| r.to(handlers::delete),
    },
];
