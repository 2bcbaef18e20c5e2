//! Who is calling: the staff member the guard let in (`Staff`, `Admin`)
//! and the client's address.

use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use stipple_app::domain::states::{Role, SessionStage};
use uuid::Uuid;

use super::api_error::ApiError;
use crate::state::AppState;

/// The signed-in staff member of a request, as the guard found them.
#[derive(Clone, Debug)]
pub struct StaffIdentity {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub csrf_token: String,
    pub session_sha256: String,
    pub stage: SessionStage,
    pub two_factor: bool,
}

/// The signed-in staff member. Every staff handler takes this (or
/// [`Admin`]): a second line behind the guard.
pub struct Staff(pub StaffIdentity);

impl FromRequest for Staff {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(match req.extensions().get::<StaffIdentity>() {
            None => Err(ApiError::Unauthorized),
            Some(who) => ready(who).map(|_| Staff(who.clone())),
        })
    }
}

/// Whether a session has finished signing in; what is missing if not.
pub fn ready(who: &StaffIdentity) -> Result<(), ApiError> {
    match who.stage {
        SessionStage::Ready => Ok(()),
        SessionStage::Code => Err(ApiError::Unauthorized),
        SessionStage::Enrol => Err(ApiError::Forbidden(
            "Set up two-factor sign-in first (Account page)",
        )),
    }
}

/// A session at any stage of signing in: for the two-factor code, setting
/// up two-factor sign-in, "who am I" and signing out.
pub struct SigningIn(pub StaffIdentity);

impl FromRequest for SigningIn {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(
            req.extensions()
                .get::<StaffIdentity>()
                .cloned()
                .map(SigningIn)
                .ok_or(ApiError::Unauthorized),
        )
    }
}

/// A signed-in administrator.
pub struct Admin(pub StaffIdentity);

impl FromRequest for Admin {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(match req.extensions().get::<StaffIdentity>() {
            None => Err(ApiError::Unauthorized),
            Some(who) if who.role != Role::Admin => {
                Err(ApiError::Forbidden("This needs an administrator"))
            }
            Some(who) => ready(who).map(|_| Admin(who.clone())),
        })
    }
}

/// The caller's IP, as recorded in the audit log and used for throttling.
pub fn client_ip(req: &HttpRequest) -> String {
    client_addr(req).map_or_else(|| "unknown".into(), |ip| ip.to_string())
}

/// The caller's address, for the limits on public endpoints.
pub fn client_addr(req: &HttpRequest) -> Option<std::net::IpAddr> {
    let state = req.app_data::<web::Data<AppState>>()?;
    super::client_ip::client_addr(req, &state.settings.trusted_proxies)
}

/// The address links in e-mails start with: the configured public address. Without one the
/// server listens on this machine only (settings insist), and the link is
/// the local address it answered on: never a host a request claims, which
/// anyone can forge to make the clinic mail a link to their own site.
pub fn public_base(req: &HttpRequest, state: &AppState) -> String {
    state
        .settings
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", req.app_config().local_addr()))
}

/// The id in a path: anything but a UUID names nothing (404).
pub fn path_id(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError::NotFound)
}

/// A 200 JSON answer that no cache keeps: staff answers hold personal data.
pub fn no_store(body: impl serde::Serialize) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(body)
}
