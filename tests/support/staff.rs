//! Staff sign-in for tests: accounts are made the way `stipple create-staff`
//! makes them, and a client keeps the session cookie and CSRF token.

use reqwest::{Method, Response};
use serde_json::{json, Value};
use stipple_server::auth::{
    accounts::{self, Role},
    password::NewPassword,
};

use crate::TestApp;

pub const PASSWORD: &str = "correct horse battery staple";

/// A signed-in staff member.
pub struct StaffClient {
    pub base: String,
    pub http: reqwest::Client,
    pub cookie: String,
    pub csrf: String,
    pub set_cookie: String,
    /// How far the sign-in got: `ready`, `code` or `enrol`.
    pub stage: String,
}

impl TestApp {
    /// Creates an account with [`PASSWORD`].
    pub async fn create_staff(&self, email: &str, role: &str) {
        let db = self.db().await;
        let role = Role::parse(role).expect("admin or staff");
        accounts::create(
            &db,
            email,
            "Test Reviewer",
            role,
            &NewPassword::parse(PASSWORD).unwrap(),
        )
        .await
        .expect("create staff");
    }

    pub async fn login_raw(&self, email: &str, password: &str) -> Response {
        self.api
            .post(self.url("/api/v1/staff/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .expect("request")
    }

    /// Creates an account with `role` and signs in.
    pub async fn staff(&self, role: &str) -> StaffClient {
        let email = format!("{role}-{}@clinic.example", uuid::Uuid::new_v4().simple());
        self.create_staff(&email, role).await;
        self.sign_in(&email).await
    }

    pub async fn sign_in(&self, email: &str) -> StaffClient {
        self.sign_in_with(email, PASSWORD).await
    }

    /// Signs in with the password only: the session may still wait for a
    /// two-factor code or set-up (its `stage`).
    pub async fn sign_in_with(&self, email: &str, password: &str) -> StaffClient {
        let res = self.login_raw(email, password).await;
        assert_eq!(res.status(), 200, "login");
        let set_cookie = res
            .headers()
            .get("set-cookie")
            .expect("a session cookie")
            .to_str()
            .unwrap()
            .to_string();
        let cookie = set_cookie.split(';').next().unwrap().to_string();
        let body: Value = res.json().await.unwrap();
        StaffClient {
            base: self.address.clone(),
            http: self.api.clone(),
            cookie,
            csrf: body["csrf_token"].as_str().unwrap().to_string(),
            set_cookie,
            stage: body["stage"].as_str().unwrap().to_string(),
        }
    }
}

/// The six-digit TOTP code (RFC 6238: HMAC-SHA-1, 30-second steps) for a
/// base32 secret at `unix` seconds, computed here independently of the
/// server's implementation.
pub fn totp_at(secret_base32: &str, unix: u64) -> String {
    use hmac::{Hmac, Mac};
    let key = data_encoding::BASE32_NOPAD
        .decode(secret_base32.trim_end_matches('=').as_bytes())
        .expect("a base32 secret");
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&key).unwrap();
    mac.update(&(unix / 30).to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let number = u32::from_be_bytes(digest[offset..offset + 4].try_into().unwrap()) & 0x7fff_ffff;
    format!("{:06}", number % 1_000_000)
}

/// The code an authenticator app shows now.
pub fn totp_now(secret_base32: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    totp_at(secret_base32, now)
}

#[test]
fn the_test_code_matches_rfc_6238() {
    // Appendix B: secret "12345678901234567890", T = 59 s → 94287082.
    let secret = data_encoding::BASE32_NOPAD.encode(b"12345678901234567890");
    assert_eq!(totp_at(&secret, 59), "287082");
    assert_eq!(totp_at(&secret, 1111111109), "081804");
}

impl StaffClient {
    /// A request with the session cookie and, unless `csrf` is false, the token.
    pub fn request(&self, method: Method, path: &str, csrf: bool) -> reqwest::RequestBuilder {
        let mut r = self
            .http
            .request(method, format!("{}{}", self.base, path))
            .header("cookie", &self.cookie);
        if csrf {
            r = r.header("x-csrf-token", &self.csrf);
        }
        r
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path, false)
            .send()
            .await
            .expect("request")
    }

    pub async fn get_json(&self, path: &str) -> Value {
        let res = self.get(path).await;
        let status = res.status();
        let body: Value = res.json().await.expect("JSON");
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.request(Method::POST, path, true)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// The row of the account with `email` on the team list (as an admin).
    pub async fn member(&self, email: &str) -> Value {
        let team = self.get_json("/api/v1/staff/users").await;
        team["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["email"] == email)
            .unwrap_or_else(|| panic!("{email} not in {team}"))
            .clone()
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.request(Method::DELETE, path, true)
            .send()
            .await
            .expect("request")
    }
}
