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
    spawn_serving(stipple(dir, key))
}

/// Starts `cmd` (a `stipple` that serves); returns it and its address.
fn spawn_serving(mut cmd: Command) -> (Child, String) {
    let mut child = cmd
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

/// Four clients submitting as fast as the server takes them.
struct Load {
    acknowledged: Arc<Mutex<Vec<uuid::Uuid>>>,
    stop: Arc<AtomicBool>,
    clients: Vec<std::thread::JoinHandle<()>>,
}

impl Load {
    fn start(address: &str, fixture: Submission) -> Load {
        let acknowledged: Arc<Mutex<Vec<uuid::Uuid>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let clients = (0..4)
            .map(|_| {
                let (address, stop, acked, fixture) = (
                    address.to_string(),
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
        Load {
            acknowledged,
            stop,
            clients,
        }
    }

    /// What the server has acknowledged so far.
    fn acknowledged(&self) -> Vec<uuid::Uuid> {
        self.acknowledged.lock().unwrap().clone()
    }

    fn stop(self) -> Vec<uuid::Uuid> {
        self.stop.store(true, Ordering::Relaxed);
        for c in self.clients {
            c.join().unwrap();
        }
        let all = self.acknowledged.lock().unwrap().clone();
        all
    }
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
    let load = Load::start(&address, fixture);
    std::thread::sleep(Duration::from_millis(1500));
    let before = load.acknowledged();
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
    let all = load.stop();
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(all.len() > before.len(), "writes went on during the backup");

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

/// A new, empty database on the `TEST_DATABASE_URL` server, by URL.
fn fresh_postgres(rt: &tokio::runtime::Runtime, server: &str) -> String {
    use sea_orm::ConnectionTrait;
    let name = format!("stipple_backup_{}", uuid::Uuid::new_v4().simple());
    rt.block_on(async {
        let admin = Database::connect(server).await.unwrap();
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        admin.close().await.ok();
    });
    let (base, _) = server.rsplit_once('/').unwrap();
    format!("{base}/{name}")
}

/// PostgreSQL's own tools (the newest installed), as the README says to
/// use them.
fn pg_tool(name: &str) -> Command {
    let bin = std::fs::read_dir("/usr/lib/postgresql")
        .unwrap()
        .flatten()
        .map(|e| e.path().join("bin").join(name))
        .filter(|p| p.exists())
        .max()
        .unwrap_or_else(|| panic!("{name} is installed with PostgreSQL"));
    Command::new(bin)
}

/// On PostgreSQL: `pg_dump` while the server runs and writes, `pg_restore`
/// into a new database, a server on it with the key finds every
/// acknowledged submission with a PDF `/api/v1/verify` matches, and with
/// another key it does not start.
#[test]
fn a_postgres_dump_taken_under_load_restores_whole_and_only_with_its_key() {
    let Ok(server_url) = std::env::var("TEST_DATABASE_URL") else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (live, copy) = (
        fresh_postgres(&rt, &server_url),
        fresh_postgres(&rt, &server_url),
    );
    let root = tempfile::tempdir().unwrap();
    let key = root.path().join("keys").join("data.key");
    let data = root.path().join("data");
    let fixture: Submission =
        serde_json::from_str(include_str!("../../tests/fixtures/intake-v1.json")).unwrap();
    let on = |url: &str, key: &Path| {
        let mut cmd = stipple(&data, key);
        cmd.env("DATABASE_URL", url);
        cmd
    };
    let (mut server, address) = spawn_serving(on(&live, &key));
    let load = Load::start(&address, fixture);
    std::thread::sleep(Duration::from_millis(1500));
    let before = load.acknowledged();
    assert!(!before.is_empty(), "the load was running");
    let dump = root.path().join("stipple.dump");
    let out = pg_tool("pg_dump")
        .args(["-Fc", "-f"])
        .arg(&dump)
        .arg(&live)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::thread::sleep(Duration::from_millis(300));
    let all = load.stop();
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(all.len() > before.len(), "writes went on during the dump");
    let out = pg_tool("pg_restore")
        .args(["--no-owner", "-d", &copy])
        .arg(&dump)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let vault = Vault::load(KeySource::File(&key), false).unwrap().0;
    let pdfs: Vec<Vec<u8>> = rt.block_on(async {
        let db = Database::connect(&copy).await.unwrap();
        let mut pdfs = Vec::new();
        for id in &before {
            let pdf = consent_pdf(&db, &vault, *id)
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("{id}, acknowledged before the dump, is missing"));
            pdfs.push(pdf.pdf);
        }
        db.close().await.ok();
        pdfs
    });
    let (mut restored, address) = spawn_serving(on(&copy, &key));
    for pdf in pdfs.iter().take(5) {
        let (status, body) = post(&address, "/api/v1/verify", "application/pdf", pdf).unwrap();
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("\"match\":true"), "{body}");
    }
    restored.kill().unwrap();
    restored.wait().unwrap();
    let other = root.path().join("keys").join("other.key");
    std::fs::write(&other, format!("{}\n", "cd".repeat(32))).unwrap();
    let out = on(&copy, &other).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("STIPPLE_DATA_KEY_FILE"));
}
