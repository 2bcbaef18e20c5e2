//! The `stipple` binary as an operator runs it: start-up errors, `migrate`,
//! and a graceful stop on SIGTERM.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

fn stipple() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stipple"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        // The data key's default home, apart from any data directory.
        .env("HOME", std::env::temp_dir().join("stipple-test-home"))
        .env("STIPPLE_LOG_FORMAT", "json")
        .env(
            "STIPPLE_SITE_ROOT",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site"),
        );
    cmd
}

#[test]
fn a_bad_setting_stops_start_up_naming_the_variable() {
    let out = stipple()
        .env("STIPPLE_BIND", "not-an-address")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("STIPPLE_BIND"), "{err}");
}

#[test]
fn migrate_creates_the_database_and_exits() {
    let dir = tempfile::tempdir().unwrap();
    let out = stipple()
        .arg("migrate")
        .env("STIPPLE_DATA_DIR", dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("stipple.db").exists());
}

/// Starts `stipple serve` on a free port; returns it and its address.
fn serve(dir: &std::path::Path) -> (std::process::Child, String) {
    let mut child = stipple()
        .env("STIPPLE_DATA_DIR", dir)
        .env("STIPPLE_BIND", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The JSON log line "serving" carries the bound address.
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
    (child, address)
}

/// One HTTP/1.0 exchange; returns the whole reply.
fn http(address: &str, request: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    reply
}

#[test]
fn serves_then_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, address) = serve(dir.path());
    let reply = http(&address, "GET /healthz HTTP/1.0\r\n\r\n");
    assert!(
        reply.starts_with("HTTP/1.0 200") || reply.starts_with("HTTP/1.1 200"),
        "{reply}"
    );

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let started = Instant::now();
    loop {
        if let Some(code) = child.try_wait().unwrap() {
            assert!(code.success(), "exit status after SIGTERM: {code}");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "did not stop after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn create_staff(dir: &std::path::Path, email: &str, password: &str) -> std::process::Output {
    let mut child = stipple()
        .args([
            "create-staff",
            "--email",
            email,
            "--name",
            "Dana Reviewer",
            "--role",
            "admin",
        ])
        .env("STIPPLE_DATA_DIR", dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn create_staff_reads_the_password_from_stdin_and_the_account_can_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let short = create_staff(dir.path(), "dana@clinic.example", "too short");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 12"));
    let common = create_staff(dir.path(), "dana@clinic.example", "password1234");
    assert!(!common.status.success());
    assert!(String::from_utf8_lossy(&common.stderr).contains("too easy to guess"));

    let ok = create_staff(dir.path(), "Dana@Clinic.example", "a long passphrase here");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let again = create_staff(dir.path(), "dana@clinic.example", "a long passphrase here");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    let (mut child, address) = serve(dir.path());
    let body = r#"{"email":"dana@clinic.example","password":"a long passphrase here"}"#;
    let reply = http(
        &address,
        &format!(
            "POST /api/v1/staff/login HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    );
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        reply.starts_with("HTTP/1.1 200") || reply.starts_with("HTTP/1.0 200"),
        "{reply}"
    );
    let lower = reply.to_lowercase();
    assert!(
        lower.contains("set-cookie: __host-stipple_staff="),
        "{reply}"
    );
    assert!(
        lower.contains("httponly") && lower.contains("samesite=strict") && lower.contains("secure")
    );
    assert!(reply.contains("csrf_token"));
}

/// A database sealed with one data key and started with another, or with
/// its key file gone, stops at once with status 2 and the setting to fix;
/// nothing is served.
#[test]
fn a_data_key_that_does_not_fit_stops_start_up_naming_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    let key = keys.path().join("data.key");
    let mut first = stipple()
        .env("STIPPLE_DATA_DIR", dir.path())
        .env("STIPPLE_DATA_KEY_FILE", &key)
        .env("STIPPLE_BIND", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(first.stdout.take().unwrap()).lines();
    let mut said_where = false;
    loop {
        let line = lines.next().expect("the server logs").unwrap();
        said_where |= line.contains("created the data key") && line.contains("data.key");
        if line.contains("\"serving\"") {
            break;
        }
    }
    assert!(said_where, "the log says where the new key is");
    first.kill().unwrap();
    first.wait().unwrap();
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&key).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600, "the key file is private");

    let other = keys.path().join("other.key");
    std::fs::write(&other, format!("{}\n", "ab".repeat(32))).unwrap();
    for (file, what) in [
        (&other, "another key"),
        (&keys.path().join("gone.key"), "no key"),
    ] {
        let out = stipple()
            .env("STIPPLE_DATA_DIR", dir.path())
            .env("STIPPLE_DATA_KEY_FILE", file)
            .env("STIPPLE_BIND", "127.0.0.1:0")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{what}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("STIPPLE_DATA_KEY_FILE"), "{what}: {err}");
        assert!(!err.contains("panicked"), "{what}: {err}");
    }
    // Inside the data directory it is refused before anything starts.
    let out = stipple()
        .env("STIPPLE_DATA_DIR", dir.path())
        .env("STIPPLE_DATA_KEY_FILE", dir.path().join("data.key"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("outside STIPPLE_DATA_DIR"));
}

#[test]
fn purge_dry_run_lists_what_is_due_and_only_purge_changes_anything() {
    use sea_orm::{ActiveValue::Set, Database, EntityTrait, PaginatorTrait};
    use stipple_server::entities::invite;

    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = stipple()
            .args(args)
            .env("STIPPLE_DATA_DIR", dir.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{args:?}: {stderr}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    run(&["migrate"]);
    let url = format!(
        "sqlite://{}?mode=rw",
        dir.path().join("stipple.db").display()
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let invites = || {
        rt.block_on(async {
            let db = Database::connect(&url).await.unwrap();
            invite::Entity::find().count(&db).await.unwrap()
        })
    };
    // An invite that expired 40 days ago, never used; one still valid.
    rt.block_on(async {
        let db = Database::connect(&url).await.unwrap();
        let now = chrono::Utc::now();
        for (name, expires) in [
            ("Old Invite", now - chrono::Duration::days(40)),
            ("New Invite", now + chrono::Duration::days(4)),
        ] {
            invite::Entity::insert(invite::ActiveModel {
                id: Set(uuid::Uuid::new_v4()),
                token_sha256: Set(format!("{:064}", expires.timestamp())),
                client_name: Set(name.into()),
                client_email: Set(None),
                client_phone: Set(Some("+44 7700 900123".into())),
                appointment_at: Set(expires),
                expires_at: Set(expires),
                created_by: Set(None),
                created_at: Set(expires - chrono::Duration::days(14)),
                emailed_at: Set(None),
                opened_at: Set(None),
                submitted_at: Set(None),
                submission_id: Set(None),
                ..Default::default()
            })
            .exec_without_returning(&db)
            .await
            .unwrap();
        }
    });

    let listed = run(&["purge", "--dry-run"]);
    assert!(listed.contains("nothing is changed"), "{listed}");
    assert!(listed.contains("1 expired invites never used"), "{listed}");
    assert!(!listed.contains("Old Invite"), "no names: {listed}");
    assert_eq!(invites(), 2, "a dry run changes nothing");

    let done = run(&["purge"]);
    assert!(
        done.contains("purged 1 expired invites never used"),
        "{done}"
    );
    assert_eq!(invites(), 1);
    let again = run(&["purge", "--dry-run"]);
    assert!(
        again.contains("0 submission(s)") && !again.contains("invites"),
        "{again}"
    );
}
