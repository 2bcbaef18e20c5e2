//! The database goes away and comes back: requests get a clear 503 (never a
//! 500 or a hang), `/healthz` says so, and the running server recovers by
//! itself once the database is back.

use std::{collections::HashMap, process::Command};

use serde_json::Value;
use stipple_tests::{fresh_submission, spawn_app_with, workspace_root, Backend, TestApp};

fn run(cmd: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(cmd)
        .args(args)
        .current_dir(workspace_root())
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).to_string())
    }
}

/// Skips a test whose setting cannot be made here, except in CI.
fn unavailable(what: &str, why: &str) {
    assert!(
        std::env::var("CI").is_err(),
        "{what} is needed in CI: {why}"
    );
    eprintln!("skipped: {what}: {why}");
}

async fn expect_unavailable(app: &TestApp) {
    let res = app.post_submission(&fresh_submission()).await;
    assert_eq!(res.status(), 503);
    assert!(res.headers().contains_key("retry-after"));
    let body: Value = res.json().await.expect("a JSON error");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("temporarily unavailable"),
        "{body}"
    );
    assert_eq!(app.get("/healthz").await.status(), 503);
}

async fn expect_recovered(app: &TestApp, before: i64) {
    app.eventually(30, "the health check to pass again", || async {
        app.get("/healthz").await.status() == 200
    })
    .await;
    app.submit(&fresh_submission()).await;
    assert_eq!(app.count_submissions().await, before + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_stopping_gives_503_and_the_server_recovers_without_a_restart() {
    if !std::path::Path::new("/usr/lib/postgresql").exists() {
        return unavailable("PostgreSQL", "not installed");
    }
    let dir = tempfile::tempdir().unwrap();
    let pg = dir.path().join("pg");
    let pg = pg.to_str().unwrap();
    let url = run("bash", &["scripts/pg-temp.sh", "start", pg]).expect("a private PostgreSQL");
    let app = spawn_app_with(
        Backend::Sqlite,
        HashMap::from([("DATABASE_URL".to_string(), url)]),
    )
    .await;
    app.submit(&fresh_submission()).await;

    run("bash", &["scripts/pg-temp.sh", "pause", pg]).unwrap();
    expect_unavailable(&app).await;
    run("bash", &["scripts/pg-temp.sh", "resume", pg]).unwrap();
    expect_recovered(&app, 1).await;
    run("bash", &["scripts/pg-temp.sh", "stop", pg]).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_sqlite_file_gives_503_and_the_server_recovers() {
    let app = stipple_tests::spawn_app(Backend::Sqlite).await;
    app.submit(&fresh_submission()).await;
    // Immutable, so even root (as CI runs) cannot write it, through the
    // server's open file handles too.
    let files: Vec<String> = ["stipple.db", "stipple.db-wal"]
        .iter()
        .map(|f| app.data_dir.path().join(f).display().to_string())
        .collect();
    let mut lock = vec!["+i"];
    lock.extend(files.iter().map(String::as_str));
    if let Err(why) = run("chattr", &lock) {
        return unavailable("chattr +i on the data directory", &why);
    }
    expect_unavailable(&app).await;
    let mut unlock = vec!["-i"];
    unlock.extend(files.iter().map(String::as_str));
    run("chattr", &unlock).unwrap();
    expect_recovered(&app, 1).await;
}
