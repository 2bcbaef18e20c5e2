//! Test harness: each test gets the real server on a random port with its own
//! fresh database: a SQLite file in a temp dir, or a new PostgreSQL database
//! on the server named by `TEST_DATABASE_URL`.

use std::{collections::HashMap, path::PathBuf};

use sea_orm::{ConnectionTrait, Database};
use serde_json::Value;
use stipple_server::{config::Settings, startup::Application};
use tempfile::TempDir;

pub mod browser;
pub mod proxy;
pub mod receiver;
pub mod smtp;
pub mod staff;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub api: reqwest::Client,
    pub backend: Backend,
    pub database_url: String,
    pub data_dir: TempDir,
    /// Holds the data key, apart from the data directory as in production.
    pub key_dir: TempDir,
}

pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The v1 contract fixture, as committed with the tests.
/// The URL the build gave a static file (`style.css` → `/assets/style.<hash>.css`).
pub fn asset_url(name: &str) -> String {
    let names: HashMap<String, String> = serde_json::from_slice(
        &std::fs::read(workspace_root().join("target/site/assets.json"))
            .expect("target/site/assets.json: run scripts/build.sh first"),
    )
    .expect("assets.json parses");
    names
        .get(name)
        .unwrap_or_else(|| panic!("no asset {name}"))
        .clone()
}

pub fn fixture() -> Value {
    let text = std::fs::read_to_string(workspace_root().join("tests/fixtures/intake-v1.json"))
        .expect("tests/fixtures/intake-v1.json");
    serde_json::from_str(&text).expect("fixture is JSON")
}

/// The fixture with a fresh id, for tests that store several submissions.
pub fn fresh_submission() -> Value {
    let mut v = fixture();
    v["id"] = Value::String(uuid::Uuid::new_v4().to_string());
    v
}

/// Limits high enough that no test meets them by accident (shared with the
/// scripts that load the server).
pub fn unlimited() -> impl Iterator<Item = (String, String)> {
    include_str!("../../scripts/no-limits.env")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, HashMap::new()).await
}

/// Starts the app on `backend`, or returns `None` (skipped) when PostgreSQL is
/// asked for but `TEST_DATABASE_URL` is not set. In CI it must be set.
pub async fn try_spawn_app(backend: Backend, extra: HashMap<String, String>) -> Option<TestApp> {
    if backend == Backend::Postgres && std::env::var("TEST_DATABASE_URL").is_err() {
        assert!(
            std::env::var("CI").is_err(),
            "TEST_DATABASE_URL must be set in CI so every database test also runs on PostgreSQL"
        );
        eprintln!("skipped on PostgreSQL: TEST_DATABASE_URL is not set");
        return None;
    }
    Some(spawn_app_with(backend, extra).await)
}

pub async fn spawn_app_with(backend: Backend, extra: HashMap<String, String>) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let key_dir = tempfile::tempdir().expect("temp dir");
    let database_url = match backend {
        Backend::Sqlite => format!(
            "sqlite://{}?mode=rwc",
            data_dir.path().join("stipple.db").display()
        ),
        Backend::Postgres => fresh_postgres_database().await,
    };
    let mut vars: HashMap<String, String> = [
        ("STIPPLE_BIND", "127.0.0.1:0".to_string()),
        ("STIPPLE_DATA_DIR", data_dir.path().display().to_string()),
        (
            "STIPPLE_DATA_KEY_FILE",
            key_dir.path().join("data.key").display().to_string(),
        ),
        ("DATABASE_URL", database_url.clone()),
        (
            "STIPPLE_SITE_ROOT",
            workspace_root().join("target/site").display().to_string(),
        ),
        (
            "STIPPLE_LOG",
            std::env::var("TEST_LOG").unwrap_or_else(|_| "warn".into()),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .chain(
        // Every test sends from 127.0.0.1: limits out of the way unless a
        // test sets its own.
        unlimited(),
    )
    .collect();
    vars.extend(extra);
    // A test may name its own database (a private PostgreSQL, a file on a
    // special mount): then that is the one the helpers look at.
    let database_url = vars["DATABASE_URL"].clone();
    let settings = Settings::from_vars(&vars).expect("test settings");
    if std::env::var("TEST_LOG").is_ok() {
        stipple_server::telemetry::init(&settings.log_filter, false);
    }
    let app = Application::build(settings).await.expect("app starts");
    let port = app.port();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        api: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        backend,
        database_url,
        data_dir,
        key_dir,
    }
}

/// Creates an empty database on the `TEST_DATABASE_URL` server.
pub async fn fresh_postgres_database() -> String {
    let server = std::env::var("TEST_DATABASE_URL").expect("TEST_DATABASE_URL");
    let name = format!("stipple_test_{}", uuid::Uuid::new_v4().simple());
    let admin = Database::connect(&server)
        .await
        .expect("connect to TEST_DATABASE_URL");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    admin.close().await.ok();
    with_database(&server, &name)
}

/// Replaces the database name in a postgres URL, keeping any query string.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let after_scheme = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_end = base[after_scheme..]
        .find('/')
        .map(|i| i + after_scheme)
        .unwrap_or(base.len());
    let mut out = format!("{}/{}", &base[..host_end], name);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

impl TestApp {
    /// This app's settings (its database, data directory and key).
    pub fn settings(&self) -> Settings {
        self.settings_with(HashMap::new())
    }

    /// This app's settings with `extra` on top.
    pub fn settings_with(&self, extra: HashMap<String, String>) -> Settings {
        let vars: HashMap<String, String> = [
            ("STIPPLE_BIND", "127.0.0.1:0".to_string()),
            (
                "STIPPLE_DATA_DIR",
                self.data_dir.path().display().to_string(),
            ),
            ("DATABASE_URL", self.database_url.clone()),
            (
                "STIPPLE_DATA_KEY_FILE",
                self.key_dir.path().join("data.key").display().to_string(),
            ),
            (
                "STIPPLE_SITE_ROOT",
                workspace_root().join("target/site").display().to_string(),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .chain(unlimited())
        .chain(extra)
        .collect();
        Settings::from_vars(&vars).expect("test settings")
    }

    /// Another server on this one's database and data directory, with
    /// `extra` settings (e.g. a new consent template); returns its port.
    pub async fn another_server(&self, extra: HashMap<String, String>) -> u16 {
        let settings = self.settings_with(extra);
        let server = Application::build(settings).await.expect("app starts");
        let port = server.port();
        tokio::spawn(server.run_until_stopped());
        port
    }

    /// The data key this app seals with, to open what it stored.
    pub fn vault(&self) -> stipple_server::vault::Vault {
        let file = self.key_dir.path().join("data.key");
        stipple_server::vault::Vault::load(stipple_server::vault::KeySource::File(&file), false)
            .expect("the app made its key")
            .0
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.api.get(self.url(path)).send().await.expect("request")
    }

    pub async fn post_submission(&self, body: &Value) -> reqwest::Response {
        self.api
            .post(self.url("/api/v1/submissions"))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> reqwest::Response {
        self.api
            .post(self.url(path))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("request")
    }

    /// Stores the fixture (with a fresh id unless given) and returns (id, token).
    pub async fn submit(&self, body: &Value) -> (String, String) {
        let res = self.post_submission(body).await;
        let status = res.status();
        let json: Value = res.json().await.unwrap();
        assert!(status == 201 || status == 200, "{status}: {json}");
        (
            json["id"].as_str().unwrap().to_string(),
            json["receipt_token"].as_str().unwrap().to_string(),
        )
    }

    /// The client's own submission, read back with its receipt token.
    pub async fn own_submission(&self, id: &str, token: &str) -> Value {
        let res = self
            .api
            .get(self.url(&format!("/api/v1/submissions/{id}")))
            .bearer_auth(token)
            .send()
            .await
            .expect("request");
        assert_eq!(res.status(), 200);
        res.json().await.expect("JSON")
    }

    pub async fn consent_pdf(&self, id: &str, token: &str) -> reqwest::Response {
        self.api
            .get(self.url(&format!("/api/v1/submissions/{id}/consent.pdf")))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    /// Polls `check` every 100 ms for up to `secs` seconds.
    pub async fn eventually<F, Fut>(&self, secs: u64, what: &str, mut check: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        for _ in 0..secs * 10 {
            if check().await {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("timed out waiting for {what}");
    }

    /// Direct database access, for checking what was stored.
    pub async fn db(&self) -> sea_orm::DatabaseConnection {
        Database::connect(&self.database_url)
            .await
            .expect("connect to test database")
    }

    pub async fn count_submissions(&self) -> i64 {
        self.count_rows("submission").await
    }

    /// Rows in one of our tables (a fixed name, never input).
    pub async fn count_rows(&self, table: &str) -> i64 {
        let db = self.db().await;
        let row = db
            .query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .expect("count")
            .expect("a row");
        row.try_get::<i64>("", "n").expect("count is a number")
    }
}

/// Settings for a test, from `(variable, value)` pairs.
pub fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Declares a test that runs once on SQLite and once on PostgreSQL, with
/// extra settings when given (`env = [("STIPPLE_…", "…")]`).
#[macro_export]
macro_rules! db_test {
    ($name:ident, env = $env:expr, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $app =
                    $crate::spawn_app_with($crate::Backend::Sqlite, $crate::env(&$env)).await;
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some($app) =
                    $crate::try_spawn_app($crate::Backend::Postgres, $crate::env(&$env)).await
                else {
                    return;
                };
                $body
            }
        }
    };
    ($name:ident, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $app = $crate::spawn_app($crate::Backend::Sqlite).await;
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some($app) =
                    $crate::try_spawn_app($crate::Backend::Postgres, Default::default()).await
                else {
                    return;
                };
                $body
            }
        }
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            super::with_database("postgres://u:p@h:5/postgres?sslmode=disable", "x"),
            "postgres://u:p@h:5/x?sslmode=disable"
        );
        assert_eq!(super::with_database("postgres://h", "x"), "postgres://h/x");
    }
}
