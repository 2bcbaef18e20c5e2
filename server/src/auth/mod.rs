//! Staff accounts, passwords, two-factor sign-in, one-time account links,
//! sessions, sign-in throttling and the guard in front of every staff route.

pub mod accounts;
pub mod guard;
pub mod handlers;
pub mod links;
pub mod own;
pub mod password;
pub mod session;
pub mod team;
pub mod throttle;
pub mod two_factor;

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
        path: "/api/v1/staff/login/code",
        access: Access::SigningIn,
        handler: |r| r.to(two_factor::login_code),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/staff/logout",
        access: Access::SigningIn,
        handler: |r| r.to(handlers::logout),
    },
    Endpoint {
        verb: Verb::Get,
        path: "/api/v1/staff/me",
        access: Access::SigningIn,
        handler: |r| r.to(handlers::me),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/staff/two-factor/setup",
        access: Access::SigningIn,
        handler: |r| r.to(two_factor::setup),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/staff/two-factor/confirm",
        access: Access::SigningIn,
        handler: |r| r.to(two_factor::confirm),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/staff/link",
        access: Access::Anyone,
        handler: |r| r.to(links::info),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/staff/link/password",
        access: Access::Anyone,
        handler: |r| r.to(links::set_password),
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
        path: "/api/v1/staff/users",
        access: Access::Admin,
        handler: |r| r.to(links::invite),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/staff/users/{id}/password-reset",
        access: Access::Admin,
        handler: |r| r.to(links::reset),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/staff/users/{id}/two-factor/reset",
        access: Access::Admin,
        handler: |r| r.to(team::reset_two_factor),
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
