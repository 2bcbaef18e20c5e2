//! The ceiling for submission throughput: the same stores the API makes
//! (submission, consent PDF and mail queue row in one transaction), called
//! directly in one process with no HTTP, by 64 concurrent tasks for 30 s.
//!
//! `INGEST_BACKEND=sqlite|postgres` (PostgreSQL needs `TEST_DATABASE_URL`),
//! `INGEST_SECS`, `INGEST_TASKS`. Prints `key=value` lines.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use chrono::Utc;
use stipple_app::domain::Submission;
use stipple_server::{
    config::Settings,
    consent::Templates,
    db,
    intake::service::{self, Evidence, Stored},
};
use stipple_tests::{fixture, fresh_postgres_database};

fn env_or<T: std::str::FromStr>(key: &str, default: T) -> T {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let secs: u64 = env_or("INGEST_SECS", 30);
    let tasks: usize = env_or("INGEST_TASKS", 64);
    let postgres = std::env::var("INGEST_BACKEND").as_deref() == Ok("postgres");
    let dir = tempfile::tempdir().unwrap();
    let key_dir = tempfile::tempdir().unwrap();
    let mut vars: HashMap<String, String> = HashMap::new();
    vars.insert("STIPPLE_DATA_DIR".into(), dir.path().display().to_string());
    vars.insert(
        "STIPPLE_DATA_KEY_FILE".into(),
        key_dir.path().join("data.key").display().to_string(),
    );
    if postgres {
        vars.insert("DATABASE_URL".into(), fresh_postgres_database().await);
    }
    let settings = Arc::new(Settings::from_vars(&vars).unwrap());
    let conn = db::connect(&settings).await.unwrap();
    db::migrate(&conn).await.unwrap();
    let vault = Arc::new(
        stipple_server::vault::open_for(&conn, settings.data_key_source())
            .await
            .unwrap(),
    );
    let templates = Templates::load(&conn, None, 7).await.unwrap();
    let template = templates.current();
    let limiter = Arc::new(stipple_server::limits::Limiter::new(
        &conn,
        !settings.is_sqlite(),
        settings.limits.clone(),
        stipple_server::secret::SecretKey::load(None, dir.path()).unwrap(),
    ));
    let base: Submission = serde_json::from_value(fixture()).unwrap();

    let stored = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(secs);
    let started = Instant::now();
    let mut handles = Vec::new();
    for _ in 0..tasks {
        let limiter = limiter.clone();
        let vault = vault.clone();
        let (conn, settings, template, base) = (
            conn.clone(),
            settings.clone(),
            template.clone(),
            base.clone(),
        );
        let (stored, failed) = (stored.clone(), failed.clone());
        handles.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                let mut s = base.clone();
                s.id = uuid::Uuid::new_v4();
                let evidence = Evidence {
                    received_at: Utc::now(),
                    client_ip: Some("127.0.0.1".into()),
                    address: None,
                    user_agent: None,
                };
                match service::store(
                    service::Storage {
                        db: &conn,
                        vault: &vault,
                    },
                    &settings,
                    &limiter,
                    &s,
                    &template,
                    evidence,
                    None,
                )
                .await
                {
                    Ok(Stored::Created { .. }) => stored.fetch_add(1, Ordering::Relaxed),
                    _ => failed.fetch_add(1, Ordering::Relaxed),
                };
            }
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let n = stored.load(Ordering::Relaxed);
    println!(
        "ingest_backend={}",
        if postgres { "postgres" } else { "sqlite" }
    );
    println!("ingest_stored={n}");
    println!("ingest_failed={}", failed.load(Ordering::Relaxed));
    println!("ingest_per_sec={:.1}", n as f64 / elapsed);
}
