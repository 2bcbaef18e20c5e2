//! Limits on the public endpoints: per client address (IPv6 by /64) and in
//! all, a higher limit for the clinic's kiosk network, invited clients past
//! the address limit, body size and speed, caps on mailed copies. Each
//! runs on SQLite and PostgreSQL with the limits set small.

use std::{
    io::{Read, Write},
    net::TcpStream,
    time::{Duration, Instant},
};

use serde_json::{json, Value};
use stipple_tests::{db_test, fresh_submission, TestApp};

/// A submission as if from `ip` (the test server trusts 127.0.0.1 as a proxy).
async fn post_from(app: &TestApp, ip: &str, body: &Value) -> reqwest::Response {
    app.api
        .post(app.url("/api/v1/submissions"))
        .header("x-forwarded-for", ip)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn limited(res: reqwest::Response, reason: &str) {
    assert_eq!(res.status(), 429);
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&wait), "{wait}");
    let body: Value = res.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains(reason), "{body}");
}

db_test!(
    submissions_are_limited_per_address_and_in_all,
    env = [
        ("STIPPLE_TRUSTED_PROXIES", "127.0.0.1"),
        ("STIPPLE_LIMIT_SUBMIT", "2/hour"),
        ("STIPPLE_LIMIT_SUBMIT_TOTAL", "5/hour"),
    ],
    |app| {
        for _ in 0..2 {
            assert_eq!(
                post_from(&app, "203.0.113.7", &fresh_submission())
                    .await
                    .status(),
                201
            );
        }
        limited(
            post_from(&app, "203.0.113.7", &fresh_submission()).await,
            "Too many requests from your network",
        )
        .await;
        // Nothing was stored for the refused one.
        assert_eq!(app.count_submissions().await, 2);
        // Another address has its own count; an IPv6 client counts by its /64.
        assert_eq!(
            post_from(&app, "2001:db8:1:2::1", &fresh_submission())
                .await
                .status(),
            201
        );
        assert_eq!(
            post_from(&app, "2001:db8:1:2::99", &fresh_submission())
                .await
                .status(),
            201
        );
        limited(
            post_from(&app, "2001:db8:1:2:ffff::5", &fresh_submission()).await,
            "your network",
        )
        .await;
        // Five in all this hour: the sixth, from a fresh address, waits.
        assert_eq!(
            post_from(&app, "198.51.100.1", &fresh_submission())
                .await
                .status(),
            201
        );
        limited(
            post_from(&app, "198.51.100.2", &fresh_submission()).await,
            "too many requests right now",
        )
        .await;
        assert_eq!(app.count_submissions().await, 5);
    }
);

db_test!(
    kiosk_networks_get_a_higher_limit,
    env = [
        ("STIPPLE_TRUSTED_PROXIES", "127.0.0.1"),
        ("STIPPLE_LIMIT_SUBMIT", "1/hour"),
        ("STIPPLE_LIMIT_SUBMIT_KIOSK", "3/hour"),
        ("STIPPLE_KIOSK_NETWORKS", "10.20.0.0/16"),
    ],
    |app| {
        for _ in 0..3 {
            assert_eq!(
                post_from(&app, "10.20.3.4", &fresh_submission())
                    .await
                    .status(),
                201
            );
        }
        limited(
            post_from(&app, "10.20.3.4", &fresh_submission()).await,
            "your network",
        )
        .await;
        assert_eq!(
            post_from(&app, "192.0.2.9", &fresh_submission())
                .await
                .status(),
            201
        );
        limited(
            post_from(&app, "192.0.2.9", &fresh_submission()).await,
            "your network",
        )
        .await;
    }
);

db_test!(
    an_invited_client_is_not_held_back_by_the_address_limit,
    env = [
        ("STIPPLE_TRUSTED_PROXIES", "127.0.0.1"),
        ("STIPPLE_LIMIT_SUBMIT", "1/hour"),
    ],
    |app| {
        let staff = app.staff("staff").await;
        let res = staff
            .post(
                "/api/v1/staff/invites",
                &json!({
                    "client_name": "Ivy Invited",
                    "email": "ivy@mail.example",
                    "appointment_at": "2099-03-04T10:30:00Z",
                    "send_email": false,
                }),
            )
            .await;
        assert_eq!(res.status(), 201);
        let invite: Value = res.json().await.unwrap();
        let token = invite["link"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string();
        let ip = "203.0.113.50";
        assert_eq!(post_from(&app, ip, &fresh_submission()).await.status(), 201);
        limited(
            post_from(&app, ip, &fresh_submission()).await,
            "your network",
        )
        .await;

        let mut body = fresh_submission();
        body["appointment"]["invite_token"] = json!(token);
        let send = |header: Option<&str>, body: &Value| {
            let mut r = app
                .api
                .post(app.url("/api/v1/submissions"))
                .header("x-forwarded-for", ip)
                .json(body);
            if let Some(h) = header {
                r = r.header("stipple-invite", h);
            }
            r.send()
        };
        // A header that is no invite, or an invite the body does not carry,
        // does not open the way.
        limited(send(Some("made-up"), &body).await.unwrap(), "your network").await;
        limited(
            send(Some(&token), &fresh_submission()).await.unwrap(),
            "your network",
        )
        .await;
        let res = send(Some(&token), &body).await.unwrap();
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
        assert_eq!(app.count_submissions().await, 2);
    }
);

db_test!(
    records_links_and_verification_are_limited,
    env = [
        ("STIPPLE_LIMIT_READ", "3/min"),
        ("STIPPLE_LIMIT_VERIFY", "2/min"),
    ],
    |app| {
        let (id, token) = app.submit(&fresh_submission()).await;
        for _ in 0..2 {
            app.own_submission(&id, &token).await;
        }
        // Invite links count with the records: the third read is the last.
        assert_eq!(
            app.get("/api/v1/invites/not-a-real-token").await.status(),
            404
        );
        limited(app.consent_pdf(&id, &token).await, "your network").await;

        let pdf = b"%PDF-1.7 not ours".to_vec();
        for _ in 0..2 {
            let res = app
                .post_raw("/api/v1/verify", "application/pdf", pdf.clone())
                .await;
            assert_eq!(res.status(), 200);
        }
        limited(
            app.post_raw("/api/v1/verify", "application/pdf", pdf).await,
            "your network",
        )
        .await;
    }
);

db_test!(verify_takes_at_most_2_mb, |app| {
    let res = app
        .post_raw("/api/v1/verify", "application/pdf", vec![b'%'; 2_000_001])
        .await;
    assert_eq!(res.status(), 413);
    let res = app
        .post_raw("/api/v1/verify", "application/pdf", vec![b'%'; 2_000_000])
        .await;
    assert_eq!(res.status(), 200);
});

db_test!(
    a_body_that_trickles_in_is_cut_off,
    env = [("STIPPLE_BODY_TIMEOUT_SECS", "1")],
    |app| {
        let port = app.port;
        let started = Instant::now();
        let answer = tokio::task::spawn_blocking(move || {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            write!(
                s,
                "POST /api/v1/submissions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
                 Content-Length: 5000\r\nConnection: close\r\n\r\n{{"
            )
            .unwrap();
            // One byte every 200 ms: 5000 bytes would take 17 minutes.
            let mut out = String::new();
            for _ in 0..50 {
                if s.write_all(b" ").is_err() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(200));
                s.set_nonblocking(true).unwrap();
                let mut buf = [0u8; 4096];
                if let Ok(n) = s.read(&mut buf) {
                    out.push_str(&String::from_utf8_lossy(&buf[..n]));
                }
                s.set_nonblocking(false).unwrap();
                if !out.is_empty() {
                    break;
                }
            }
            out
        })
        .await
        .unwrap();
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(app.count_submissions().await, 0);
    }
);

/// Mailed copies: how many stand queued or sent, and how many were held back.
async fn copies(app: &TestApp) -> (i64, i64) {
    (
        app.count_rows("mail_message WHERE status <> 'limited'")
            .await,
        app.count_rows("mail_message WHERE status = 'limited'")
            .await,
    )
}

db_test!(
    mailed_copies_are_capped_per_recipient_and_per_address,
    env = [
        ("STIPPLE_TRUSTED_PROXIES", "127.0.0.1"),
        ("STIPPLE_MAIL_CAP_RECIPIENT", "2/day"),
        ("STIPPLE_MAIL_CAP_ADDRESS", "3/hour"),
    ],
    |app| {
        let to = |email: &str| {
            let mut s = fresh_submission();
            s["client"]["email"] = json!(email);
            s
        };
        for ip in ["192.0.2.1", "192.0.2.2"] {
            let res = post_from(&app, ip, &to("target@victim.example")).await;
            let receipt: Value = res.json().await.unwrap();
            assert_eq!(receipt["email_copy"], "queued", "{receipt}");
        }
        // The third copy to one recipient: stored and answered as usual, not mailed.
        let body = to("Target@Victim.example");
        let res = post_from(&app, "192.0.2.3", &body).await;
        assert_eq!(res.status(), 201);
        let receipt: Value = res.json().await.unwrap();
        assert_eq!(receipt["email_copy"], "limited", "{receipt}");
        assert_eq!(copies(&app).await, (2, 1));
        // A replay says the same.
        let again: Value = post_from(&app, "192.0.2.3", &body)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(again["email_copy"], "limited");
        // Staff see why it was not sent.
        let staff = app.staff("staff").await;
        let detail = staff
            .get_json(&format!(
                "/api/v1/staff/submissions/{}",
                receipt["id"].as_str().unwrap()
            ))
            .await;
        assert_eq!(detail["mail"][0]["status"], "limited", "{detail}");

        // One address mailing many recipients: three an hour.
        for n in 0..3 {
            let r: Value = post_from(&app, "198.51.100.9", &to(&format!("p{n}@mail.example")))
                .await
                .json()
                .await
                .unwrap();
            assert_eq!(r["email_copy"], "queued");
        }
        let r: Value = post_from(&app, "198.51.100.9", &to("p9@mail.example"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(r["email_copy"], "limited");
        assert_eq!(app.count_submissions().await, 7);
    }
);

/// CPU time used by this process so far (the server runs in it), in µs.
fn cpu_micros() -> i64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given and cannot fail for RUSAGE_SELF.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        usage.assume_init()
    };
    let us = |t: libc::timeval| t.tv_sec * 1_000_000 + t.tv_usec;
    us(usage.ru_utime) + us(usage.ru_stime)
}

db_test!(
    refused_requests_cost_a_fraction_of_an_accepted_one,
    env = [("STIPPLE_LIMIT_SUBMIT", "20/hour")],
    |app| {
        let bodies: Vec<Value> = (0..300).map(|_| fresh_submission()).collect();
        let started = cpu_micros();
        for body in &bodies[..20] {
            assert_eq!(app.post_submission(body).await.status(), 201);
        }
        let accepted = (cpu_micros() - started) as f64 / 20.0;
        let started = cpu_micros();
        for body in &bodies[20..] {
            assert_eq!(app.post_submission(body).await.status(), 429);
        }
        let refused = (cpu_micros() - started) as f64 / 280.0;
        // Client and server together: the refused ones stop before the body
        // is read, parsed, checked, rendered to PDF and stored.
        eprintln!(
            "CPU per request ({:?}): accepted {accepted:.0} µs, refused {refused:.0} µs",
            app.backend
        );
        assert!(refused * 5.0 < accepted, "{refused} µs vs {accepted} µs");
        assert_eq!(app.count_submissions().await, 20);
    }
);

db_test!(
    the_mailed_copy_repeats_nothing_typed_but_a_short_name,
    |app| {
        let mut s = fresh_submission();
        let name = format!("Zoë {} O'Brien", "Longname-".repeat(10));
        s["client"]["full_name"] = json!(name);
        s["signature"]["typed_name"] = json!(name);
        s["goals"]["notes"] = json!("Claim your prize at https://evil.example now");
        s["medical"]["medications"] = json!("Call +1 555 0100 to unlock your account");
        let res = app.post_submission(&s).await;
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
        use sea_orm::ConnectionTrait;
        let db = app.db().await;
        let row = db
            .query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                "SELECT id, subject, body_text, to_name FROM mail_message".to_string(),
            ))
            .await
            .unwrap()
            .unwrap();
        let subject: String = row.try_get("", "subject").unwrap();
        let id: uuid::Uuid = row.try_get("", "id").unwrap();
        let body: String = row.try_get("", "body_text").unwrap();
        let body = app
            .vault()
            .open_text(stipple_server::vault::at::mail_body(id), &body)
            .unwrap();
        let to_name: String = row.try_get("", "to_name").unwrap();
        for text in [&subject, &body, &to_name] {
            assert!(!text.contains("evil.example"), "{text}");
            assert!(!text.contains("555 0100"), "{text}");
            assert!(!text.contains(&name), "the whole name is repeated: {text}");
        }
        let short: String = name.chars().take(60).collect();
        assert!(body.contains(&short), "{body}");
        assert_eq!(to_name, short);
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servers_sharing_postgresql_share_the_limits() {
    let Some(app) = stipple_tests::try_spawn_app(
        stipple_tests::Backend::Postgres,
        stipple_tests::env(&[("STIPPLE_LIMIT_SUBMIT", "2/hour")]),
    )
    .await
    else {
        return;
    };
    let other = app
        .another_server(stipple_tests::env(&[("STIPPLE_LIMIT_SUBMIT", "2/hour")]))
        .await;
    assert_eq!(app.post_submission(&fresh_submission()).await.status(), 201);
    let res = app
        .api
        .post(format!("http://127.0.0.1:{other}/api/v1/submissions"))
        .json(&fresh_submission())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    // The third, to either server, is over the limit they share.
    limited(
        app.post_submission(&fresh_submission()).await,
        "your network",
    )
    .await;
    let res = app
        .api
        .post(format!("http://127.0.0.1:{other}/api/v1/submissions"))
        .json(&fresh_submission())
        .send()
        .await
        .unwrap();
    limited(res, "your network").await;
}
