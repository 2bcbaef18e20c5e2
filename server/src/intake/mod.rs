//! Client intake: the consent template, submissions, the client's own
//! record and PDF, and PDF verification (`/api/v1/...`).

pub mod consent_doc;
pub mod handlers;
pub mod service;

use crate::endpoints::{Access, Endpoint, Verb};

pub static ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        verb: Verb::Get,
        path: "/api/v1/consent-template",
        access: Access::Anyone,
        handler: |r| r.to(handlers::consent_template),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/submissions",
        access: Access::Anyone,
        handler: |r| r.to(handlers::create_submission),
    },
    Endpoint {
        verb: Verb::Get,
        path: "/api/v1/submissions/{id}",
        access: Access::Anyone,
        handler: |r| r.to(handlers::get_submission),
    },
    Endpoint {
        verb: Verb::Get,
        path: "/api/v1/submissions/{id}/consent.pdf",
        access: Access::Anyone,
        handler: |r| r.to(handlers::get_consent_pdf),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/submissions/{id}/pdf-link",
        access: Access::Anyone,
        handler: |r| r.to(handlers::pdf_link),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/verify",
        access: Access::Anyone,
        handler: |r| r.to(handlers::verify_pdf),
    },
];
