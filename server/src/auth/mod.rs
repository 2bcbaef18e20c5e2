//! Staff accounts, passwords, sessions, sign-in throttling and the guard
//! in front of every staff route.

pub mod accounts;
pub mod guard;
pub mod handlers;
pub mod own;
pub mod password;
pub mod session;
pub mod team;
pub mod throttle;

use crate::endpoints::{Access, Endpoint, Verb};

pub static ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/staff/login",
        access: Access::Anyone,
        handler: |r| r.to(handlers::login),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/staff/logout",
        access: Access::Staff,
        handler: |r| r.to(handlers::logout),
    },
    Endpoint {
        verb: Verb::Get,
        path: "/api/v1/staff/me",
        access: Access::Staff,
        handler: |r| r.to(handlers::me),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/staff/password",
        access: Access::Staff,
        handler: |r| r.to(own::change_password),
    },
    Endpoint {
        verb: Verb::Get,
        path: "/api/v1/staff/sessions",
        access: Access::Staff,
        handler: |r| r.to(own::sessions),
    },
    Endpoint {
        verb: Verb::Delete,
        path: "/api/v1/staff/sessions/{id}",
        access: Access::Staff,
        handler: |r| r.to(own::end_session),
    },
    Endpoint {
        verb: Verb::Get,
        path: "/api/v1/staff/users",
        access: Access::Admin,
        handler: |r| r.to(team::list),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/staff/users/{id}/disable",
        access: Access::Admin,
        handler: |r| r.to(team::disable),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/staff/users/{id}/enable",
        access: Access::Admin,
        handler: |r| r.to(team::enable),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/staff/users/{id}/role",
        access: Access::Admin,
        handler: |r| r.to(team::change_role),
    },
];
