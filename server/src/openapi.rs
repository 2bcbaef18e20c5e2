//! `GET /api/v1/openapi.json`: the API described for other programs,
//! generated from the handlers' annotations and the API types
//! (`stipple_domain::api`). What every route of a kind answers (no session,
//! a CSRF token missing, a body too large, the database away) is added from
//! the route tables, where who may call what is written once.

use std::sync::OnceLock;

use actix_web::{http::header, web, HttpResponse};
use utoipa::{
    openapi::{
        security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme},
        Content, OpenApi as Document, PathItem, RefOr, ResponseBuilder, SecurityRequirement,
    },
    OpenApi,
};

use crate::{
    audit, auth, course,
    endpoints::{self as routes, Access, Endpoint, Verb},
    http, intake, invites, retention, review,
    state::AppState,
    tokens, webhooks,
};

pub static ENDPOINTS: &[Endpoint] = &[Endpoint {
    verb: Verb::Get,
    path: "/api/v1/openapi.json",
    access: Access::Anyone,
    handler: |r| r.to(document),
}];

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Stipple API",
        version = "1.0.0",
        description = "The HTTP API of Stipple: the client intake (consent template, signed \
            submissions, consent PDFs, PDF verification, invitation links) and the staff review \
            queue.\n\nErrors are JSON `{\"error\": \"…\"}`; 422 adds `errors`, messages keyed by \
            JSON path. 429 and 503 carry `Retry-After`.\n\nStaff endpoints need the session \
            cookie set by `POST /api/v1/staff/login` (`__Host-stipple_staff`; `stipple_staff` \
            when the server runs with insecure cookies) and, on POST and DELETE, the session's \
            CSRF token in `X-CSRF-Token`. Checks run in this order: session (401; also while \
            it waits for the two-factor code), two-factor set-up where required (403), \
            administrator role (403), CSRF token (403).\n\nA clinic's other systems call the \
            routes their scopes allow with `Authorization: Bearer <API token>` (tokens are made \
            by an administrator on the Integrations page); such requests need no CSRF token, \
            and a token never opens the other staff routes."
    ),
    paths(
        http::health::healthz,
        document,
        intake::handlers::consent_template,
        intake::handlers::create_submission,
        intake::handlers::get_submission,
        intake::handlers::get_consent_pdf,
        intake::handlers::pdf_link,
        intake::handlers::verify_pdf,
        invites::handlers::open,
        invites::handlers::create,
        invites::handlers::create_for_token,
        invites::handlers::list,
        invites::handlers::delete,
        auth::handlers::login,
        auth::handlers::logout,
        auth::handlers::me,
        auth::own::change_password,
        auth::own::sessions,
        auth::own::end_session,
        auth::team::list,
        auth::team::disable,
        auth::team::enable,
        auth::team::change_role,
        auth::team::reset_two_factor,
        auth::links::invite,
        auth::links::reset,
        auth::links::info,
        auth::links::set_password,
        auth::two_factor::setup,
        auth::two_factor::confirm,
        auth::two_factor::login_code,
        review::handlers::list,
        review::handlers::detail,
        review::handlers::delete,
        review::handlers::set_status,
        review::handlers::add_note,
        review::handlers::consent_pdf,
        review::handlers::email_pdf,
        review::handlers::export_csv,
        course::clients::suggestions,
        course::clients::link,
        course::clients::record,
        course::clients::erase,
        course::courses::create,
        course::courses::set_status,
        course::sessions::create,
        course::sessions::get,
        course::sessions::update,
        course::sessions::sign_off,
        course::sessions::add_addendum,
        course::photos::upload,
        course::photos::view,
        course::photos::export,
        course::recall::lookup,
        audit::handlers::list,
        retention::handlers::report,
        tokens::handlers::list,
        tokens::handlers::create,
        tokens::handlers::revoke,
        webhooks::handlers::list,
        webhooks::handlers::create,
        webhooks::handlers::delete,
        webhooks::handlers::enable,
        webhooks::handlers::deliveries,
        webhooks::handlers::resend,
    ),
    tags(
        (name = "health"),
        (name = "meta"),
        (name = "intake", description = "Public endpoints used by the client's intake."),
        (name = "staff", description = "The review queue, behind a staff session."),
        (name = "integrations", description = "API tokens and webhooks (administrators)."),
        (name = "courses", description = "Client records, treatment courses, session records, photos and pigment recalls (staff)."),
    )
)]
struct Api;

fn error_response(description: &str) -> RefOr<utoipa::openapi::Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            Content::new(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                "ErrorBody",
            )))),
        )
        .into()
}

fn operation(item: &mut PathItem, verb: Verb) -> Option<&mut utoipa::openapi::path::Operation> {
    match verb {
        Verb::Get => item.get.as_mut(),
        Verb::Post => item.post.as_mut(),
        Verb::Delete => item.delete.as_mut(),
    }
}

/// The document for these route tables and this name of the session cookie.
pub fn build(tables: &'static [&'static [Endpoint]], session_cookie: &str) -> Document {
    let mut doc = Api::openapi();
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "staffSession",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            session_cookie,
            "Staff session cookie from POST /api/v1/staff/login (`__Host-stipple_staff`, or \
             `stipple_staff` when the server runs with STIPPLE_INSECURE_COOKIES).",
        ))),
    );
    components.add_security_scheme(
        "csrfToken",
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "X-CSRF-Token",
            "The `csrf_token` of the session (from login or GET /api/v1/staff/me); required \
             on POST and DELETE.",
        ))),
    );
    components.add_security_scheme(
        "receiptBearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some("The `receipt_token` from POST /api/v1/submissions."))
                .build(),
        ),
    );
    components.add_security_scheme(
        "pdfLink",
        SecurityScheme::ApiKey(ApiKey::Query(ApiKeyValue::with_description(
            "token",
            "A five-minute token from POST /api/v1/submissions/{id}/pdf-link, for plain links.",
        ))),
    );
    components.add_security_scheme(
        "apiToken",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some(
                    "An API token (`stp_…`) with the scope the route names; no CSRF token.",
                ))
                .build(),
        ),
    );
    for e in routes::all(tables) {
        let Some(item) = doc.paths.paths.get_mut(e.path) else {
            continue;
        };
        let Some(op) = operation(item, e.verb) else {
            continue;
        };
        let mut add = |code: &str, description: &str| {
            op.responses
                .responses
                .entry(code.to_string())
                .or_insert_with(|| error_response(description));
        };
        add(
            "503",
            "The database does not answer; try again after `Retry-After` seconds.",
        );
        if e.verb == Verb::Post && e.path != "/api/v1/staff/logout" {
            add(
                "400",
                "A body that is not JSON, not UTF-8 or not of the endpoint's shape.",
            );
            add("413", "The body is larger than the endpoint's limit.");
            add("415", "The body is not of the endpoint's media type.");
        }
        if let Access::Token(scope) = e.access {
            add("401", "No API token, or it is unknown, expired or revoked.");
            add("403", "The token does not have the scope.");
            add("429", "Too many requests with this token.");
            op.security = Some(vec![SecurityRequirement::new("apiToken", [scope.as_str()])]);
        } else if e.access != Access::Anyone {
            add("401", "No staff session, or it has ended.");
            let mut need = SecurityRequirement::new("staffSession", Vec::<String>::new());
            if e.verb.changes_state() {
                need = need.add("csrfToken", Vec::<String>::new());
            }
            let mut options = vec![need];
            if let Access::StaffOr(scope) = e.access {
                options.push(SecurityRequirement::new("apiToken", [scope.as_str()]));
            }
            op.security = Some(options);
        } else if e.is_staff() || op.security.is_none() {
            // Public: no credentials (signing in included).
            op.security = Some(vec![SecurityRequirement::default()]);
        }
        if e.access == Access::Admin {
            add(
                "403",
                "The endpoint needs an administrator, or the CSRF token is missing or wrong, \
                 or two-factor sign-in must be set up first.",
            );
        } else if e.access == Access::Staff && e.verb.changes_state() {
            add(
                "403",
                "Missing or wrong `X-CSRF-Token`, or two-factor sign-in must be set up first.",
            );
        } else if matches!(e.access, Access::Staff | Access::StaffOr(_)) {
            add(
                "403",
                "Two-factor sign-in must be set up first, or the API token lacks the scope.",
            );
        } else if e.access == Access::SigningIn && e.verb.changes_state() {
            add("403", "Missing or wrong `X-CSRF-Token`.");
        }
    }
    doc
}

/// The document as served, made once per process.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "This document.", body = serde_json::Value)))]
pub async fn document(state: web::Data<AppState>) -> HttpResponse {
    static JSON: OnceLock<String> = OnceLock::new();
    let body = JSON.get_or_init(|| {
        build(state.endpoints, auth::session::cookie_name(&state.settings))
            .to_pretty_json()
            .expect("the document serialises")
    });
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(body.as_str())
}
