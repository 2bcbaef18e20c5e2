//! `stipple backup` while the server runs and writes, `stipple restore` into
//! a fresh directory, and a server started on the copy: every submission
//! acknowledged before the backup began is there, with a consent PDF that
//! `/api/v1/verify` matches; with another key the copy is refused.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    path::Path,
    process::{Child, Command, Stdio},
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use sea_orm::{Database, EntityTrait};
use stipple_app::domain::Submission;
use stipple_server::{
    intake::service::consent_pdf,
    vault::{KeySource, Vault},
};

fn stipple(dir: &Path, key: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stipple"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("STIPPLE_LOG_FORMAT", "json")
        .env("STIPPLE_LOG", "info")
        .env("STIPPLE_DATA_DIR", dir)
        .env("STIPPLE_DATA_KEY_FILE", key)
        .env("STIPPLE_BIND", "127.0.0.1:0")
        .envs(
            include_str!("../../scripts/no-limits.env")
                .lines()
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| l.split_once('=')),
        )
        .env(
            "STIPPLE_SITE_ROOT",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site"),
        );
    cmd
}

fn serve(dir: &Path, key: &Path) -> (Child, String) {
    let mut child = stipple(dir, key)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let address = loop {
        let line = lines.next().expect("the server logs").unwrap();
        if line.contains("\"serving\"") {
            let v: serde_json::Value = serde_json::from_str(&line).unwrap();
            break v["fields"]["address"].as_str().unwrap().to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    (child, address)
}

/// One POST; the status and the body.
fn post(address: &str, path: &str, kind: &str, body: &[u8]) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(address).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(body).ok()?;
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).ok()?;
    let reply = String::from_utf8_lossy(&reply).to_string();
    let status = reply.split(' ').nth(1)?.parse().ok()?;
    let body = reply.split_once("\r\n\r\n")?.1.to_string();
    Some((status, body))
}

#[test]
fn a_backup_taken_under_load_restores_whole_and_only_with_its_key() {
    let root = tempfile::tempdir().unwrap();
    let (live, copy, keys) = (
        root.path().join("live"),
        root.path().join("restored"),
        root.path().join("keys"),
    );
    let key = keys.join("data.key");
    let fixture: Submission =
        serde_json::from_str(include_str!("../../tests/fixtures/intake-v1.json")).unwrap();
    let (mut server, address) = serve(&live, &key);
    let acknowledged: Arc<Mutex<Vec<uuid::Uuid>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..4)
        .map(|_| {
            let (address, stop, acked, fixture) = (
                address.clone(),
                stop.clone(),
                acknowledged.clone(),
                fixture.clone(),
            );
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let mut s = fixture.clone();
                    s.id = uuid::Uuid::new_v4();
                    let body = serde_json::to_vec(&s).unwrap();
                    if post(&address, "/api/v1/submissions", "application/json", &body)
                        .is_some_and(|(status, _)| status == 201)
                    {
                        acked.lock().unwrap().push(s.id);
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    let before: Vec<uuid::Uuid> = acknowledged.lock().unwrap().clone();
    assert!(!before.is_empty(), "the load was running");
    let file = root.path().join("stipple.backup");
    let out = stipple(&live, &key)
        .args(["backup", "--to"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    server.kill().unwrap();
    server.wait().unwrap();
    let written_after = acknowledged.lock().unwrap().len() - before.len();
    assert!(written_after > 0, "writes went on during the backup");

    // A second backup to the same file is refused, not overwritten.
    let again = stipple(&live, &key)
        .args(["backup", "--to"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));

    // Into a live directory: refused.
    let over = stipple(&live, &key)
        .args(["restore", "--from"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(over.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&over.stderr).contains("empty STIPPLE_DATA_DIR"));

    // With another key: refused, and nothing left behind.
    let other = keys.join("other.key");
    std::fs::write(&other, format!("{}\n", "cd".repeat(32))).unwrap();
    let wrong = stipple(&copy, &other)
        .args(["restore", "--from"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(wrong.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("STIPPLE_DATA_KEY_FILE"));
    assert!(!copy.join("stipple.db").exists());

    let out = stipple(&copy, &key)
        .args(["restore", "--from"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Every submission acknowledged before the backup began is in the copy.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let vault = Vault::load(KeySource::File(&key), false).unwrap().0;
    let pdfs: Vec<Vec<u8>> = rt.block_on(async {
        let url = format!("sqlite://{}?mode=ro", copy.join("stipple.db").display());
        let db = Database::connect(&url).await.unwrap();
        let mut pdfs = Vec::new();
        for id in &before {
            stipple_server::entities::submission::Entity::find_by_id(*id)
                .one(&db)
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("{id}, acknowledged before the backup, is missing"));
            let pdf = consent_pdf(&db, &vault, *id).await.unwrap().unwrap();
            pdfs.push(pdf.pdf);
        }
        db.close().await.ok();
        pdfs
    });
    // A server on the copy starts with the key and recognises the PDFs.
    let (mut restored, address) = serve(&copy, &key);
    for pdf in pdfs.iter().take(5) {
        let (status, body) = post(&address, "/api/v1/verify", "application/pdf", pdf).unwrap();
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("\"match\":true"), "{body}");
    }
    restored.kill().unwrap();
    restored.wait().unwrap();
    // And with another key it does not start.
    let out = stipple(&copy, &other).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
