//! API tokens: how a clinic's booking system calls the API. A token is
//! shown once and stored as its SHA-256 (256 random bits need no slow
//! hash); each carries scopes, and each scope opens only the routes that
//! name it in the endpoint tables (`Access::StaffOr`, `Access::Token`), so
//! erasure and account management can never be reached with one. Every use
//! is in the audit log under the token's name.

pub(crate) mod handlers;

use actix_web::{dev::ServiceRequest, web, FromRequest, HttpMessage, HttpRequest};
use chrono::Utc;
use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter};
use stipple_app::domain::{
    states::{ApiScope, AuditAction},
    vocab::split,
};
use uuid::Uuid;

use crate::{
    audit::Event,
    endpoints::{Access, Endpoint, Verb},
    entities::api_token as entity,
    http::{
        api_error::ApiError,
        routes::{client_addr, client_ip, ready, StaffIdentity},
    },
    limits::Class,
    secret::{random_token, sha256_hex},
    state::AppState,
};

pub static ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        verb: Verb::Get,
        path: "/api/v1/staff/integrations/tokens",
        access: Access::Admin,
        handler: |r| r.to(handlers::list),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/staff/integrations/tokens",
        access: Access::Admin,
        handler: |r| r.to(handlers::create),
    },
    Endpoint {
        verb: Verb::Delete,
        path: "/api/v1/staff/integrations/tokens/{id}",
        access: Access::Admin,
        handler: |r| r.to(handlers::revoke),
    },
];

/// Every token starts so, which makes a leaked one easy to find in code.
const PREFIX: &str = "stp_";

/// A new token and what is stored of it: (token, SHA-256, display prefix).
pub fn new_token() -> (String, String, String) {
    let token = format!("{PREFIX}{}", random_token());
    let hash = sha256_hex(&token);
    let shown = token.chars().take(PREFIX.len() + 6).collect();
    (token, hash, shown)
}

/// The token a request was made with, as the guard found it.
#[derive(Clone, Debug)]
pub struct TokenIdentity {
    pub id: Uuid,
    pub name: String,
}

/// `Authorization: Bearer …`, if the request has one (any other scheme is
/// no token).
pub fn bearer(req: &ServiceRequest) -> Option<String> {
    let value = req.headers().get("authorization")?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

/// Checks a token for `endpoint` and records the use. 401 for an unknown,
/// expired or revoked token; 403 for one without the scope; 429 past its
/// rate.
pub async fn authenticate(
    state: &AppState,
    req: &ServiceRequest,
    token: &str,
    endpoint: &Endpoint,
) -> Result<TokenIdentity, ApiError> {
    let scope = match endpoint.access {
        Access::StaffOr(s) | Access::Token(s) => s,
        _ => return Err(ApiError::Forbidden("API tokens cannot call this")),
    };
    if !token.starts_with(PREFIX) || token.len() > 128 {
        state
            .limiter
            .admit(client_addr(req.request()), Class::Read)
            .await?;
        return Err(ApiError::Unauthorized);
    }
    let now = Utc::now();
    let found = entity::Entity::find()
        .filter(entity::Column::SecretSha256.eq(sha256_hex(token)))
        .one(&state.db)
        .await?
        .filter(|t| t.revoked_at.is_none() && t.expires_at.is_none_or(|e| e > now));
    let Some(row) = found else {
        // Wrong tokens count against the caller's address like any public
        // read, so guessing meets a limit (a good token has its own).
        state
            .limiter
            .admit(client_addr(req.request()), Class::Read)
            .await?;
        return Err(ApiError::Unauthorized);
    };
    if !split::<ApiScope>(&row.scopes).contains(&scope) {
        return Err(ApiError::Forbidden(
            "This API token does not have the scope for this",
        ));
    }
    if !state
        .limiter
        .take(
            "api-token",
            &row.id.to_string(),
            state.settings.limits.api_token,
        )
        .await?
    {
        return Err(ApiError::TooManyRequests(
            state.settings.limits.api_token.per_secs.min(60),
            "Too many requests with this API token: slow down and retry",
        ));
    }
    entity::Entity::update_many()
        .col_expr(entity::Column::LastUsedAt, Expr::value(now))
        .filter(entity::Column::Id.eq(row.id))
        .exec(&state.db)
        .await?;
    Event::new(
        AuditAction::ApiTokenUsed,
        None,
        Some(client_ip(req.request())),
    )
    .detail(format!(
        "{}: {} {}",
        row.name,
        endpoint.verb.as_str(),
        endpoint.path
    ))
    .record(&state.db)
    .await?;
    Ok(TokenIdentity {
        id: row.id,
        name: row.name,
    })
}

/// Who is calling a route that staff and tokens may both call.
pub enum Caller {
    Staff(StaffIdentity),
    Token(TokenIdentity),
}

impl Caller {
    /// An audit entry in the caller's name: a staff member's id, or the
    /// token's name before the detail.
    pub fn event(&self, action: AuditAction, req: &HttpRequest, detail: Option<String>) -> Event {
        match self {
            Caller::Staff(who) => {
                let e = Event::new(action, Some(who.id), Some(client_ip(req)));
                match detail {
                    Some(d) => e.detail(d),
                    None => e,
                }
            }
            Caller::Token(t) => {
                Event::new(action, None, Some(client_ip(req))).detail(match detail {
                    Some(d) => format!("API token {}: {d}", t.name),
                    None => format!("API token {}", t.name),
                })
            }
        }
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let ext = req.extensions();
        std::future::ready(if let Some(t) = ext.get::<TokenIdentity>() {
            Ok(Caller::Token(t.clone()))
        } else if let Some(who) = ext.get::<StaffIdentity>() {
            ready(who).map(|_| Caller::Staff(who.clone()))
        } else {
            Err(ApiError::Unauthorized)
        })
    }
}

/// The token of a route only tokens may call.
pub struct Token(pub TokenIdentity);

impl FromRequest for Token {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(
            req.extensions()
                .get::<TokenIdentity>()
                .cloned()
                .map(Token)
                .ok_or(ApiError::Unauthorized),
        )
    }
}

/// Registers the public routes only tokens may call (`Access::Token`),
/// each behind [`token_only`].
pub fn configure(cfg: &mut web::ServiceConfig, tables: &'static [&'static [Endpoint]]) {
    crate::endpoints::register(
        |r| {
            cfg.service(r.wrap(actix_web::middleware::from_fn(token_only)));
        },
        crate::endpoints::all(tables)
            .filter(|e| !e.is_staff() && matches!(e.access, Access::Token(_))),
        "",
    );
}

/// For the public routes only tokens may call: the staff guard covers the
/// staff scope, this covers such a route alone.
pub async fn token_only(
    req: ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<
    actix_web::dev::ServiceResponse<actix_web::body::EitherBody<impl actix_web::body::MessageBody>>,
    actix_web::Error,
> {
    use actix_web::ResponseError;
    let state = req
        .app_data::<web::Data<AppState>>()
        .expect("state is registered")
        .clone();
    let pattern = req.match_pattern().unwrap_or_default();
    let endpoint = crate::endpoints::all(state.endpoints)
        .find(|e| e.path == pattern && e.verb.as_str() == req.method().as_str());
    let allowed: Vec<&str> = crate::endpoints::all(state.endpoints)
        .filter(|e| e.path == pattern)
        .map(|e| e.verb.as_str())
        .collect();
    let result = match (endpoint, bearer(&req)) {
        (None, _) => Err(ApiError::MethodNotAllowed(allowed.join(", "))),
        (Some(_), None) => Err(ApiError::Unauthorized),
        (Some(e), Some(token)) => authenticate(&state, &req, &token, e).await,
    };
    match result {
        Ok(t) => {
            req.extensions_mut().insert(t);
            Ok(next.call(req).await?.map_into_left_body())
        }
        Err(e) => Ok(req.into_response(e.error_response()).map_into_right_body()),
    }
}
