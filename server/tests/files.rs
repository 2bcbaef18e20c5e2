//! The data directory of a running server and everything it writes there
//! (database, key, mailed copies) are readable by the server's account only,
//! even when started with a permissive umask, and files left readable by an
//! earlier version are closed at start.

#![cfg(unix)]

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn walk(p: &Path, seen: &mut Vec<PathBuf>) {
    seen.push(p.to_path_buf());
    if p.is_dir() {
        for e in std::fs::read_dir(p).unwrap() {
            walk(&e.unwrap().path(), seen);
        }
    }
}

#[test]
fn the_data_directory_and_its_files_are_private() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(data.join("left-over.txt"), "x").unwrap();
    std::fs::set_permissions(
        data.join("left-over.txt"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let mut server = Command::new(env!("CARGO_BIN_EXE_stipple"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        // The data key's default home, apart from any data directory.
        .env("HOME", std::env::temp_dir().join("stipple-test-home"))
        .env("STIPPLE_LOG_FORMAT", "json")
        .env("STIPPLE_LOG", "info")
        .env("STIPPLE_DATA_DIR", &data)
        .env("STIPPLE_BIND", "127.0.0.1:0")
        .env(
            "STIPPLE_SITE_ROOT",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site"),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
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
    std::thread::spawn(move || for _ in lines {});

    let body = include_str!("../../tests/fixtures/intake-v1.json");
    let mut s = TcpStream::connect(&address).unwrap();
    write!(
        s,
        "POST /api/v1/submissions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 201"), "{reply}");
    // The client's copy is written to the outbox by the mail task.
    let outbox = data.join("outbox");
    let started = Instant::now();
    while std::fs::read_dir(&outbox).map_or(0, |d| d.count()) == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no mailed copy"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(200));

    let mut seen = Vec::new();
    walk(&data, &mut seen);
    server.kill().unwrap();
    server.wait().unwrap();
    let names: Vec<String> = seen
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for expected in ["stipple.db", "secret.key", "outbox", "left-over.txt"] {
        assert!(names.iter().any(|n| n == expected), "{names:?}");
    }
    assert!(names.iter().any(|n| n.ends_with(".eml")), "{names:?}");
    for path in seen {
        let want = if path.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode(&path), want, "{}", path.display());
    }
}
