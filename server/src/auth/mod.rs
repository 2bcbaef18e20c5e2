//! Staff accounts, passwords, sessions, sign-in throttling and the guard
//! in front of every staff route.

pub mod accounts;
pub mod guard;
pub mod handlers;
pub mod password;
pub mod session;
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
];
