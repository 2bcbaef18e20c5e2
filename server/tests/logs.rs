//! The server's log never holds a secret from a URL: an invite link is
//! opened (its API call and its page), and the token is nowhere in what
//! the server printed, while the route it took is.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    process::{Command, Stdio},
    sync::{Arc, Mutex},
    time::Duration,
};

const BIN: &str = env!("CARGO_BIN_EXE_stipple");

fn command(dir: &std::path::Path) -> Command {
    let mut c = Command::new(BIN);
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        // The data key's default home, apart from any data directory.
        .env("HOME", std::env::temp_dir().join("stipple-test-home"))
        .env("STIPPLE_LOG", "info")
        .env("STIPPLE_LOG_FORMAT", "json")
        .env("STIPPLE_DATA_DIR", dir)
        .env("STIPPLE_BIND", "127.0.0.1:0")
        .env("STIPPLE_INSECURE_COOKIES", "1")
        .env(
            "STIPPLE_SITE_ROOT",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site"),
        );
    c
}

/// One request; the status, the headers and the body as text.
fn http(address: &str, head: &str, body: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(address).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "{head}\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    let (headers, body) = reply.split_once("\r\n\r\n").unwrap_or((&reply, ""));
    let status = headers.split(' ').nth(1).unwrap().parse().unwrap();
    (status, headers.to_string(), body.to_string())
}

fn header<'a>(headers: &'a str, name: &str) -> &'a str {
    headers
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim())
        })
        .unwrap_or_else(|| panic!("no {name} in {headers}"))
}

#[test]
fn an_opened_invite_leaves_no_token_in_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let mut create = command(dir.path())
        .args([
            "create-staff",
            "--email",
            "desk@clinic.example",
            "--name",
            "Desk",
            "--role",
            "staff",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    create
        .stdin
        .take()
        .unwrap()
        .write_all(b"a long enough password 1\n")
        .unwrap();
    assert!(create.wait().unwrap().success());

    let mut server = command(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let log = Arc::new(Mutex::new(String::new()));
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let address = loop {
        let line = lines
            .next()
            .expect("the server logs before serving")
            .unwrap();
        log.lock().unwrap().push_str(&line);
        if line.contains("\"serving\"") {
            let v: serde_json::Value = serde_json::from_str(&line).unwrap();
            break v["fields"]["address"].as_str().unwrap().to_string();
        }
    };
    let sink = log.clone();
    let reader = std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            let mut l = sink.lock().unwrap();
            l.push_str(&line);
            l.push('\n');
        }
    });
    let errors = server.stderr.take().unwrap();
    let error_log = std::thread::spawn(move || {
        let mut text = String::new();
        BufReader::new(errors).read_to_string(&mut text).ok();
        text
    });

    let (status, headers, body) = http(
        &address,
        "POST /api/v1/staff/login HTTP/1.1\r\nContent-Type: application/json",
        r#"{"email":"desk@clinic.example","password":"a long enough password 1"}"#,
    );
    assert_eq!(status, 200, "{body}");
    let cookie = header(&headers, "set-cookie")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let me: serde_json::Value = serde_json::from_str(&body).unwrap();
    let csrf = me["csrf_token"].as_str().unwrap();
    let (status, _, body) = http(
        &address,
        &format!(
            "POST /api/v1/staff/invites HTTP/1.1\r\nContent-Type: application/json\r\n\
             Cookie: {cookie}\r\nX-CSRF-Token: {csrf}"
        ),
        r#"{"client_name":"Ivy","email":"ivy@mail.example","appointment_at":"2099-03-04T10:30:00Z","send_email":false}"#,
    );
    assert_eq!(status, 201, "{body}");
    let invite: serde_json::Value = serde_json::from_str(&body).unwrap();
    let token = invite["link"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    assert!(token.len() >= 32);
    assert_eq!(
        http(
            &address,
            &format!("GET /api/v1/invites/{token} HTTP/1.1"),
            ""
        )
        .0,
        200
    );
    assert_eq!(
        http(&address, &format!("GET /intake/{token} HTTP/1.1"), "").0,
        200
    );
    // A mistyped link matches no route: logged with the secret replaced.
    http(&address, &format!("GET /nowhere/{token} HTTP/1.1"), "");

    std::thread::sleep(Duration::from_millis(300));
    server.kill().unwrap();
    server.wait().unwrap();
    reader.join().unwrap();
    let all = format!("{}{}", log.lock().unwrap(), error_log.join().unwrap());
    assert!(all.contains("/api/v1/invites/{token}"), "{all}");
    assert!(all.contains("/nowhere/{redacted}"), "{all}");
    assert!(
        !all.contains(&token),
        "the invite token is in the log:\n{all}"
    );
    assert!(!all.contains(csrf), "the CSRF token is in the log");
}
