//! Crash safety: the server is killed with SIGKILL at random moments while
//! clients post submissions, five times, and restarted each time. Every
//! submission that was answered 201 must be there afterwards, intact (its
//! stored hash matches what was sent), and nothing may be half-written (a
//! submission without its consent PDF, or the reverse).

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    process::{Child, Command, Stdio},
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use sea_orm::{ConnectionTrait, Database, EntityTrait, Statement};
use stipple_app::domain::Submission;
use stipple_server::{
    entities::submission,
    intake::service::{answers, canonical_sha256},
    vault::{KeySource, Vault},
};

fn start(dir: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_stipple"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        // The data key's default home, apart from any data directory.
        .env("HOME", std::env::temp_dir().join("stipple-test-home"))
        .env("STIPPLE_LOG_FORMAT", "json")
        .env("STIPPLE_LOG", "info")
        .env("STIPPLE_DATA_DIR", dir)
        .env("STIPPLE_BIND", "127.0.0.1:0")
        // Eight clients on one address, as fast as they can.
        .envs(
            include_str!("../../scripts/no-limits.env")
                .lines()
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| l.split_once('=')),
        )
        .env(
            "STIPPLE_SITE_ROOT",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site"),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let address = loop {
        let line = lines
            .next()
            .expect("the server logs before serving")
            .unwrap();
        if line.contains("\"serving\"") {
            let v: serde_json::Value = serde_json::from_str(&line).unwrap();
            break v["fields"]["address"].as_str().unwrap().to_string();
        }
    };
    // Keep reading the log so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, address)
}

/// One POST; `Some(status)` if an answer arrived.
fn post(address: &str, body: &[u8]) -> Option<u16> {
    let mut stream = TcpStream::connect(address).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let head = format!(
        "POST /api/v1/submissions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(body).ok()?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply).ok()?;
    reply.split(' ').nth(1)?.parse().ok()
}

#[test]
fn killed_at_random_moments_the_server_loses_no_acknowledged_submission() {
    let dir = tempfile::tempdir().unwrap();
    let fixture: Submission =
        serde_json::from_str(include_str!("../../tests/fixtures/intake-v1.json")).unwrap();
    // (id, canonical hash) of every submission answered 201.
    let acknowledged: Arc<Mutex<Vec<(uuid::Uuid, String)>>> = Arc::default();
    let mut rounds_with_201 = 0;
    for round in 0..5u64 {
        let (mut child, address) = start(dir.path());
        let stop = Arc::new(AtomicBool::new(false));
        let clients: Vec<_> = (0..8)
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
                        if post(&address, &body) == Some(201) {
                            acked.lock().unwrap().push((s.id, canonical_sha256(&s)));
                        }
                    }
                })
            })
            .collect();
        // A different moment each round, mid-load.
        let before = acknowledged.lock().unwrap().len();
        std::thread::sleep(Duration::from_millis(700 + (round * 389) % 900));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        stop.store(true, Ordering::Relaxed);
        for c in clients {
            c.join().unwrap();
        }
        if acknowledged.lock().unwrap().len() > before {
            rounds_with_201 += 1;
        }
    }
    assert!(rounds_with_201 >= 4, "the load did not reach the server");

    // Restarted once more: recovery runs, then everything is checked.
    let (mut child, _address) = start(dir.path());
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let url = format!("sqlite://{}?mode=ro", dir.path().join("stipple.db").display());
        let db = Database::connect(&url).await.unwrap();
        let acked = acknowledged.lock().unwrap().clone();
        let key = std::env::temp_dir().join("stipple-test-home/.config/stipple/data.key");
        let (vault, _) = Vault::load(KeySource::File(&key), false).unwrap();
        for (id, hash) in &acked {
            let row = submission::Entity::find_by_id(*id)
                .one(&db)
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("acknowledged submission {id} is missing"));
            assert_eq!(&row.canonical_sha256, hash, "{id} changed");
            let stored: Submission = answers(&vault, &row).unwrap();
            assert_eq!(&canonical_sha256(&stored), hash, "{id}'s answers do not match its hash");
        }
        for (sql, what) in [
            (
                "SELECT COUNT(*) AS n FROM submission s LEFT JOIN consent_pdf p ON p.submission_id = s.id WHERE p.submission_id IS NULL",
                "submissions without their PDF",
            ),
            (
                "SELECT COUNT(*) AS n FROM consent_pdf p LEFT JOIN submission s ON s.id = p.submission_id WHERE s.id IS NULL",
                "PDFs without their submission",
            ),
            (
                "SELECT COUNT(*) AS n FROM submission s LEFT JOIN mail_message m ON m.submission_id = s.id WHERE m.id IS NULL",
                "submissions without their e-mail copy",
            ),
        ] {
            let n: i64 = db
                .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
                .await
                .unwrap()
                .unwrap()
                .try_get("", "n")
                .unwrap();
            assert_eq!(n, 0, "{what}");
        }
        assert!(acked.len() > 20, "only {} acknowledged", acked.len());
    });
    child.kill().unwrap();
    child.wait().unwrap();
}
