//! The treatment course: client records that gather a person's intakes,
//! courses of sessions, session records with pigment lots (and the recall
//! that finds them), addenda, and before and after photos.

pub mod clients;
pub mod courses;
pub mod photo;
pub mod photos;
pub mod recall;
pub mod sessions;

use crate::endpoints::{Access, Endpoint, Verb};

pub static ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        verb: Verb::Get,
        path: "/api/v1/staff/submissions/{id}/client",
        access: Access::Staff,
        handler: |r| r.to(clients::suggestions),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/staff/submissions/{id}/client",
        access: Access::Staff,
        handler: |r| r.to(clients::link),
    },
    Endpoint {
        verb: Verb::Get,
        path: "/api/v1/staff/clients/{id}",
        access: Access::Staff,
        handler: |r| r.to(clients::record),
    },
    Endpoint {
        verb: Verb::Delete,
        path: "/api/v1/staff/clients/{id}",
        access: Access::Admin,
        handler: |r| r.to(clients::erase),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/staff/clients/{id}/courses",
        access: Access::Staff,
        handler: |r| r.to(courses::create),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/staff/courses/{id}/status",
        access: Access::Staff,
        handler: |r| r.to(courses::set_status),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/staff/courses/{id}/sessions",
        access: Access::Staff,
        handler: |r| r.to(sessions::create),
    },
    Endpoint {
        verb: Verb::Get,
        path: "/api/v1/staff/sessions/{id}",
        access: Access::Staff,
        handler: |r| r.to(sessions::get),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/staff/sessions/{id}",
        access: Access::Staff,
        handler: |r| r.to(sessions::update),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/staff/sessions/{id}/sign-off",
        access: Access::Staff,
        handler: |r| r.to(sessions::sign_off),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/staff/sessions/{id}/addenda",
        access: Access::Staff,
        handler: |r| r.to(sessions::add_addendum),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/staff/sessions/{id}/photos",
        access: Access::Staff,
        handler: |r| r.to(photos::upload),
    },
    Endpoint {
        verb: Verb::Get,
        path: "/api/v1/staff/photos/{id}",
        access: Access::Staff,
        handler: |r| r.to(photos::view),
    },
    Endpoint {
        verb: Verb::Get,
        path: "/api/v1/staff/photos/{id}/export",
        access: Access::Staff,
        handler: |r| r.to(photos::export),
    },
    Endpoint {
        verb: Verb::Get,
        path: "/api/v1/staff/pigment-lots/{lot}",
        access: Access::Staff,
        handler: |r| r.to(recall::lookup),
    },
];
