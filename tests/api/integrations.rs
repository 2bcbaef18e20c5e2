//! Integrations: API tokens with scopes (route by route, audited, revocable,
//! rate-limited), the idempotent invite a booking system creates, and
//! webhooks signed as the Standard Webhooks specification says, delivered
//! from a durable queue through a receiver that goes down and comes back.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, Utc};
use reqwest::Method;
use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use stipple_server::entities::{api_token, invite, webhook_endpoint};
use stipple_tests::{
    db_test, env, fresh_submission, receiver::Receiver, staff::StaffClient, TestApp,
};
use uuid::Uuid;

const ALL_EVENTS: [&str; 6] = [
    "submission.created",
    "submission.status_changed",
    "submission.erased",
    "invite.opened",
    "invite.submitted",
    "invite.expired",
];

async fn new_token(admin: &StaffClient, name: &str, scopes: &[&str]) -> String {
    let res = admin
        .post(
            "/api/v1/staff/integrations/tokens",
            &json!({ "name": name, "scopes": scopes }),
        )
        .await;
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    assert!(body["secret"].as_str().unwrap().starts_with("stp_"));
    body["secret"].as_str().unwrap().to_string()
}

async fn call(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> reqwest::Response {
    let mut r = reqwest::Client::new()
        .request(method, app.url(path))
        .bearer_auth(token);
    if let Some(b) = body {
        r = r.json(b);
    }
    r.send().await.unwrap()
}

fn booking(name: &str) -> Value {
    json!({
        "client_name": name,
        "email": "booked@example.com",
        "appointment_at": (Utc::now() + Duration::days(3)).to_rfc3339(),
        "language": "pt-BR",
    })
}

db_test!(tokens_open_only_the_routes_their_scopes_name, |app| {
    let admin = app.staff("admin").await;
    let writer = new_token(&admin, "Booking system", &["invites:write"]).await;
    let reader = new_token(&admin, "Reporting", &["submissions:read", "invites:read"]).await;
    let (id, _) = app.submit(&fresh_submission()).await;

    // invites:write opens the booking route and nothing else.
    let res = call(
        &app,
        &writer,
        Method::POST,
        "/api/v1/invites",
        Some(&booking("Ana Booked")),
    )
    .await;
    assert_eq!(res.status(), 201);
    let made: Value = res.json().await.unwrap();
    assert!(made["link"].as_str().unwrap().contains("/intake/"));
    for path in ["/api/v1/staff/invites", "/api/v1/staff/submissions"] {
        assert_eq!(
            call(&app, &writer, Method::GET, path, None).await.status(),
            403,
            "{path}"
        );
    }
    // Read scopes read, and a token still needs no CSRF token.
    for path in [
        "/api/v1/staff/invites".to_string(),
        "/api/v1/staff/submissions".to_string(),
        format!("/api/v1/staff/submissions/{id}"),
    ] {
        assert_eq!(
            call(&app, &reader, Method::GET, &path, None).await.status(),
            200,
            "{path}"
        );
    }
    // No scope reaches erasure, notes, accounts, tokens or the audit log.
    for (method, path) in [
        (Method::DELETE, format!("/api/v1/staff/submissions/{id}")),
        (
            Method::POST,
            format!("/api/v1/staff/submissions/{id}/notes"),
        ),
        (
            Method::GET,
            format!("/api/v1/staff/submissions/{id}/consent.pdf"),
        ),
        (Method::GET, "/api/v1/staff/users".to_string()),
        (Method::GET, "/api/v1/staff/audit".to_string()),
        (Method::GET, "/api/v1/staff/integrations/tokens".to_string()),
        (Method::GET, "/api/v1/staff/me".to_string()),
    ] {
        for token in [&writer, &reader] {
            let res = call(
                &app,
                token,
                method.clone(),
                &path,
                Some(&json!({"text": "x"})),
            )
            .await;
            assert_eq!(res.status(), 403, "{method} {path}");
        }
    }
    // A staff cookie grants no token scope, and a cookie beside a token
    // adds nothing to it.
    assert_eq!(
        admin
            .post("/api/v1/invites", &booking("Cookie"))
            .await
            .status(),
        401
    );
    let res = admin
        .request(
            Method::DELETE,
            &format!("/api/v1/staff/submissions/{id}"),
            true,
        )
        .bearer_auth(&reader)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // Unknown, malformed, revoked and expired tokens are refused.
    for bad in ["stp_nope", "nope", ""] {
        assert_eq!(
            call(&app, bad, Method::GET, "/api/v1/staff/invites", None)
                .await
                .status(),
            401
        );
    }
    let list = admin.get_json("/api/v1/staff/integrations/tokens").await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|t| t.get("secret").is_none()), "{list}");
    let reporting = items.iter().find(|t| t["name"] == "Reporting").unwrap();
    assert!(reporting["last_used_at"].is_string(), "last use is shown");
    let db = app.db().await;
    api_token::Entity::update_many()
        .col_expr(
            api_token::Column::ExpiresAt,
            Expr::value(Utc::now() - Duration::minutes(1)),
        )
        .filter(api_token::Column::Name.eq("Reporting"))
        .exec(&db)
        .await
        .unwrap();
    assert_eq!(
        call(&app, &reader, Method::GET, "/api/v1/staff/invites", None)
            .await
            .status(),
        401
    );
    let writer_id = items
        .iter()
        .find(|t| t["name"] == "Booking system")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let res = admin
        .delete(&format!("/api/v1/staff/integrations/tokens/{writer_id}"))
        .await;
    assert_eq!(res.status(), 204);
    let res = call(
        &app,
        &writer,
        Method::POST,
        "/api/v1/invites",
        Some(&booking("Late")),
    )
    .await;
    assert_eq!(res.status(), 401);
    // Every use is in the audit log under the token's name.
    let audit = admin
        .get_json("/api/v1/staff/audit?action=api_token_used")
        .await;
    let uses: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["detail"].as_str())
        .collect();
    assert!(
        uses.iter()
            .any(|d| d.starts_with("Booking system: POST /api/v1/invites")),
        "{uses:?}"
    );
    assert!(
        uses.iter()
            .any(|d| d.starts_with("Reporting: GET /api/v1/staff/submissions/{id}")),
        "{uses:?}"
    );
    let views = admin
        .get_json("/api/v1/staff/audit?action=submission_viewed")
        .await;
    let viewed = views["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["detail"] == "API token Reporting" && e["staff_id"].is_null());
    assert!(
        viewed,
        "the token's view of a record is audited in its name"
    );
    // Only administrators manage tokens; bad requests say what to fix.
    let staff = app.staff("staff").await;
    let res = staff
        .post(
            "/api/v1/staff/integrations/tokens",
            &json!({"name": "x", "scopes": ["invites:read"]}),
        )
        .await;
    assert_eq!(res.status(), 403);
    let res = admin
        .post(
            "/api/v1/staff/integrations/tokens",
            &json!({"name": " ", "scopes": []}),
        )
        .await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert!(
        body["errors"]["name"].is_array() && body["errors"]["scopes"].is_array(),
        "{body}"
    );
    let res = admin
        .post(
            "/api/v1/staff/integrations/tokens",
            &json!({"name": "x", "scopes": ["erase:all"]}),
        )
        .await;
    assert_eq!(res.status(), 400);
});

db_test!(
    a_token_is_rate_limited,
    env = [
        ("STIPPLE_LIMIT_API_TOKEN", "3/min"),
        ("STIPPLE_LIMIT_READ", "5/min")
    ],
    |app| {
        let admin = app.staff("admin").await;
        let a = new_token(&admin, "A", &["invites:read"]).await;
        let b = new_token(&admin, "B", &["invites:read"]).await;
        for _ in 0..3 {
            assert_eq!(
                call(&app, &a, Method::GET, "/api/v1/staff/invites", None)
                    .await
                    .status(),
                200
            );
        }
        let res = call(&app, &a, Method::GET, "/api/v1/staff/invites", None).await;
        assert_eq!(res.status(), 429);
        assert!(res.headers().contains_key("retry-after"));
        // Another token has its own count.
        assert_eq!(
            call(&app, &b, Method::GET, "/api/v1/staff/invites", None)
                .await
                .status(),
            200
        );
        // Guessing tokens counts against the address, like any public read.
        for _ in 0..4 {
            let res = call(&app, "stp_guess", Method::POST, "/api/v1/invites", None).await;
            assert_eq!(res.status(), 401);
        }
        let res = call(
            &app,
            "stp_guess",
            Method::GET,
            "/api/v1/staff/invites",
            None,
        )
        .await;
        assert_eq!(res.status(), 401);
        let res = call(&app, "stp_guess", Method::POST, "/api/v1/invites", None).await;
        assert_eq!(res.status(), 429);
        // A good token is not held up by that.
        let res = call(&app, &b, Method::GET, "/api/v1/staff/invites", None).await;
        assert_eq!(res.status(), 200);
    }
);

db_test!(a_booking_retry_never_makes_two_invites, |app| {
    let admin = app.staff("admin").await;
    let token = new_token(&admin, "Booking system", &["invites:write"]).await;
    let send = |key: &'static str, body: Value| {
        let url = app.url("/api/v1/invites");
        let token = token.clone();
        async move {
            reqwest::Client::new()
                .post(url)
                .bearer_auth(token)
                .header("Idempotency-Key", key)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let body = booking("Bea Retry");
    let first = send("booking-4711", body.clone()).await;
    assert_eq!(first.status(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Value = first.json().await.unwrap();
    let again = send("booking-4711", body.clone()).await;
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again, first, "the same answer, link included");
    // Retries racing each other still make one invite.
    let race = booking("Cy Race");
    let racing =
        futures::future::join_all((0..6).map(|_| send("booking-4712", race.clone()))).await;
    let mut ids = HashSet::new();
    for r in racing {
        assert_eq!(r.status(), 201);
        ids.insert(
            r.json::<Value>().await.unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(app.count_rows("invite").await, 2);
    // The same key with another request is refused, not silently replayed.
    let res = send("booking-4711", booking("Someone Else")).await;
    assert_eq!(res.status(), 422);
    // The language is recorded; bad fields are named.
    let stored =
        invite::Entity::find_by_id(Uuid::parse_str(first["id"].as_str().unwrap()).unwrap())
            .one(&app.db().await)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(stored.language.as_deref(), Some("pt-BR"));
    assert_eq!(stored.created_by, None);
    let res = send(
        "booking-4713",
        json!({"client_name": "X", "appointment_at": "soon", "language": "klingon!"}),
    )
    .await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    for field in ["email", "appointment_at", "language"] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
});

async fn new_endpoint(admin: &StaffClient, url: &str, events: &[&str]) -> (String, String) {
    let res = admin
        .post(
            "/api/v1/staff/integrations/webhooks",
            &json!({ "url": url, "description": "Booking system", "events": events }),
        )
        .await;
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    (
        body["id"].as_str().unwrap().to_string(),
        body["secret"].as_str().unwrap().to_string(),
    )
}

db_test!(webhooks_refuse_addresses_they_may_not_reach, |app| {
    let admin = app.staff("admin").await;
    for url in [
        "http://example.com/hook",
        "https://127.0.0.1/hook",
        "https://[::1]/hook",
        "https://localhost/hook",
        "https://10.0.0.8/hook",
        "https://192.168.1.20/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[fd00::1]/hook",
        "https://user:secret@example.com/hook",
    ] {
        let res = admin
            .post(
                "/api/v1/staff/integrations/webhooks",
                &json!({ "url": url, "events": ["submission.created"] }),
            )
            .await;
        assert_eq!(res.status(), 422, "{url}");
        let body: Value = res.json().await.unwrap();
        assert!(body["errors"]["url"].is_array(), "{url}: {body}");
    }
    assert_eq!(app.count_rows("webhook_endpoint").await, 0);
});

/// Checks a received message with the specification's own library, and
/// that it carries ids, times and status only.
fn verified(secret: &str, r: &stipple_tests::receiver::Received) -> Value {
    standardwebhooks::Webhook::new(secret)
        .unwrap()
        .verify(&r.body, &r.headers)
        .unwrap_or_else(|e| panic!("signature of {}: {e:?}", r.header("webhook-id")));
    let body: Value = serde_json::from_slice(&r.body).unwrap();
    let keys: HashSet<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(keys, HashSet::from(["type", "timestamp", "data"]), "{body}");
    for k in body["data"].as_object().unwrap().keys() {
        assert!(
            ["submission_id", "invite_id", "status"].contains(&k.as_str()),
            "{body}"
        );
    }
    body
}

db_test!(
    webhooks_survive_a_receiver_that_is_down_for_a_while,
    env = [
        ("STIPPLE_WEBHOOK_ALLOW_LOOPBACK", "1"),
        (
            "STIPPLE_WEBHOOK_RETRY_SECS",
            "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1"
        ),
    ],
    |app| {
        let admin = app.staff("admin").await;
        let mut receiver = Receiver::down().await;
        let (endpoint, secret) = new_endpoint(&admin, &receiver.url("/hook"), &ALL_EVENTS).await;
        // A redirect is a failure and is never followed.
        let redirecting = Receiver::start().await;
        redirecting.fix("/moved", 302, &[("Location", "/elsewhere")]);
        let (moved, _) =
            new_endpoint(&admin, &redirecting.url("/moved"), &["submission.created"]).await;

        // Events while the receiver is down: an invite opened and used, two
        // more intakes, a review step, an erasure, an invite that expires.
        let res = admin
            .post(
                "/api/v1/staff/invites",
                &json!({"client_name": "Ida Invited", "email": "ida@example.com",
                        "appointment_at": (Utc::now() + Duration::days(2)).to_rfc3339()}),
            )
            .await;
        let link: Value = res.json().await.unwrap();
        let token = link["link"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string();
        assert_eq!(
            app.get(&format!("/api/v1/invites/{token}")).await.status(),
            200
        );
        let mut invited = fresh_submission();
        invited["appointment"]["invite_token"] = json!(token);
        let (first, _) = app.submit(&invited).await;
        let (second, _) = app.submit(&fresh_submission()).await;
        let (third, _) = app.submit(&fresh_submission()).await;
        let res = admin
            .post(
                &format!("/api/v1/staff/submissions/{second}/status"),
                &json!({"status": "in_review"}),
            )
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(
            admin
                .delete(&format!("/api/v1/staff/submissions/{third}"))
                .await
                .status(),
            204
        );
        let res = admin
            .post(
                "/api/v1/staff/invites",
                &json!({"client_name": "Eve Expired", "phone": "+44 7700 900123",
                        "appointment_at": (Utc::now() + Duration::days(2)).to_rfc3339()}),
            )
            .await;
        let expiring: Value = res.json().await.unwrap();
        invite::Entity::update_many()
            .col_expr(
                invite::Column::ExpiresAt,
                Expr::value(Utc::now() - Duration::minutes(1)),
            )
            .filter(
                invite::Column::Id.eq(Uuid::parse_str(expiring["id"].as_str().unwrap()).unwrap()),
            )
            .exec(&app.db().await)
            .await
            .unwrap();
        let expected: Vec<(&str, String)> = vec![
            ("invite.opened", link["id"].as_str().unwrap().to_string()),
            ("invite.submitted", link["id"].as_str().unwrap().to_string()),
            ("submission.created", first.clone()),
            ("submission.created", second.clone()),
            ("submission.created", third.clone()),
            ("submission.status_changed", second.clone()),
            ("submission.erased", third.clone()),
            (
                "invite.expired",
                expiring["id"].as_str().unwrap().to_string(),
            ),
        ];

        // Attempts fail and are retried while it is down.
        let log = format!("/api/v1/staff/integrations/webhooks/{endpoint}/deliveries");
        app.eventually(20, "failed attempts are logged", || async {
            let items = admin.get_json(&log).await["items"]
                .as_array()
                .unwrap()
                .clone();
            items.len() == expected.len()
                && items
                    .iter()
                    .all(|d| d["attempts"].as_i64().unwrap() >= 2 && d["status"] == "pending")
        })
        .await;
        let listed = admin.get_json("/api/v1/staff/integrations/webhooks").await;
        let ours = listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == endpoint.as_str())
            .unwrap()
            .clone();
        assert!(ours["failing_since"].is_string(), "{ours}");
        assert_eq!(ours["pending"], expected.len());

        receiver.come_up().await;
        app.eventually(20, "every event delivered", || async {
            admin.get_json(&log).await["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|d| d["status"] == "delivered" && d["last_status_code"] == 200)
        })
        .await;
        let got = receiver.received();
        let mut seen: HashMap<String, (String, String)> = HashMap::new();
        for r in &got {
            let body = verified(&secret, r);
            let data = &body["data"];
            let subject = data["submission_id"]
                .as_str()
                .filter(|_| body["type"].as_str().unwrap().starts_with("submission."))
                .or(data["invite_id"].as_str())
                .unwrap()
                .to_string();
            // At least once: a repeat carries the same id and the same event.
            let entry = (body["type"].as_str().unwrap().to_string(), subject);
            if let Some(before) = seen.insert(r.header("webhook-id").to_string(), entry.clone()) {
                assert_eq!(before, entry);
            }
        }
        let mut delivered: Vec<(String, String)> = seen.values().cloned().collect();
        delivered.sort();
        let mut want: Vec<(String, String)> = expected
            .iter()
            .map(|(t, s)| (t.to_string(), s.clone()))
            .collect();
        want.sort();
        assert_eq!(delivered, want, "each event delivered, none lost");
        // The ids the receiver saw are the ones the failed attempts had.
        let log_ids: HashSet<String> = admin.get_json(&log).await["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(log_ids, seen.keys().cloned().collect::<HashSet<_>>());
        let healthy = admin.get_json("/api/v1/staff/integrations/webhooks").await;
        assert!(healthy["items"][0]["failing_since"].is_null(), "{healthy}");

        // The redirect: failed with its status, the target never asked.
        let moved_log = format!("/api/v1/staff/integrations/webhooks/{moved}/deliveries");
        app.eventually(20, "the redirect is recorded as a failure", || async {
            admin.get_json(&moved_log).await["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|d| d["last_status_code"] == 302 && d["status"] == "pending")
        })
        .await;
        assert!(redirecting.received().iter().all(|r| r.path == "/moved"));

        // Resend: the same message again, with the same id.
        let first_id = log_ids.iter().next().unwrap().clone();
        let before = receiver.received().len();
        let res = admin
            .post(
                &format!("{}/{first_id}/resend", log.trim_end_matches('/')),
                &json!({}),
            )
            .await;
        assert_eq!(res.status(), 202);
        app.eventually(10, "the resent message arrives", || async {
            receiver.received().len() > before
        })
        .await;
        let last = receiver.received().last().unwrap().clone();
        assert_eq!(last.header("webhook-id"), first_id);
        verified(&secret, &last);
    }
);

db_test!(
    an_endpoint_failing_for_days_is_disabled_and_nothing_is_lost,
    env = [
        ("STIPPLE_WEBHOOK_ALLOW_LOOPBACK", "1"),
        (
            "STIPPLE_WEBHOOK_RETRY_SECS",
            "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1"
        ),
    ],
    |app| {
        let admin = app.staff("admin").await;
        let receiver = Receiver::start().await;
        receiver.answer(500);
        let (endpoint, secret) =
            new_endpoint(&admin, &receiver.url("/hook"), &["submission.created"]).await;
        // It has been failing for four days.
        webhook_endpoint::Entity::update_many()
            .col_expr(
                webhook_endpoint::Column::FailingSince,
                Expr::value(Utc::now() - Duration::days(4)),
            )
            .exec(&app.db().await)
            .await
            .unwrap();
        let (id, _) = app.submit(&fresh_submission()).await;
        app.eventually(20, "the endpoint is disabled", || async {
            admin.get_json("/api/v1/staff/integrations/webhooks").await["items"][0]["disabled_at"]
                .is_string()
        })
        .await;
        let listed = admin.get_json("/api/v1/staff/integrations/webhooks").await;
        let reason = listed["items"][0]["disabled_reason"].as_str().unwrap();
        assert!(
            reason.contains("no delivery succeeded since") && reason.contains("HTTP 500"),
            "{reason}"
        );
        let (later, _) = app.submit(&fresh_submission()).await;
        // A backlog bigger than a batch waits for the disabled endpoint; a
        // working endpoint added after it is not held up behind it.
        let mut backlog = vec![later.clone()];
        for _ in 0..120 {
            backlog.push(app.submit(&fresh_submission()).await.0);
        }
        new_endpoint(&admin, &receiver.url("/second"), &["submission.created"]).await;
        let (fresh, _) = app.submit(&fresh_submission()).await;
        app.eventually(10, "the working endpoint gets its message", || async {
            receiver
                .received()
                .iter()
                .any(|r| r.path == "/second" && String::from_utf8_lossy(&r.body).contains(&fresh))
        })
        .await;
        let tries = receiver
            .received()
            .iter()
            .filter(|r| r.path == "/hook")
            .count();
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        assert_eq!(
            receiver
                .received()
                .iter()
                .filter(|r| r.path == "/hook")
                .count(),
            tries,
            "nothing is sent while disabled"
        );

        receiver.answer(200);
        let res = admin
            .post(
                &format!("/api/v1/staff/integrations/webhooks/{endpoint}/enable"),
                &json!({}),
            )
            .await;
        assert_eq!(res.status(), 200);
        app.eventually(20, "what waited is delivered", || async {
            let ok: HashSet<String> = receiver
                .received()
                .iter()
                .filter(|r| r.path == "/hook")
                .map(|r| {
                    verified(&secret, r)["data"]["submission_id"]
                        .as_str()
                        .unwrap()
                        .to_string()
                })
                .collect();
            ok.contains(&id) && backlog.iter().all(|b| ok.contains(b))
        })
        .await;
    }
);

db_test!(
    two_servers_on_one_database_share_the_queue,
    env = [("STIPPLE_WEBHOOK_ALLOW_LOOPBACK", "1")],
    |app| {
        let admin = app.staff("admin").await;
        let receiver = Receiver::start().await;
        let (_, secret) =
            new_endpoint(&admin, &receiver.url("/hook"), &["submission.created"]).await;
        let other = app
            .another_server(env(&[("STIPPLE_WEBHOOK_ALLOW_LOOPBACK", "1")]))
            .await;
        let other_url = format!("http://127.0.0.1:{other}/api/v1/submissions");
        let mut ids = HashSet::new();
        for i in 0..20 {
            let body = fresh_submission();
            ids.insert(body["id"].as_str().unwrap().to_string());
            let url = if i % 2 == 0 {
                other_url.clone()
            } else {
                app.url("/api/v1/submissions")
            };
            let res = reqwest::Client::new()
                .post(url)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 201);
        }
        app.eventually(20, "all twenty delivered", || async {
            receiver.received().len() >= 20
        })
        .await;
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        let got = receiver.received();
        let mut by_id: HashMap<String, usize> = HashMap::new();
        let mut subjects = HashSet::new();
        for r in &got {
            let body = verified(&secret, r);
            subjects.insert(body["data"]["submission_id"].as_str().unwrap().to_string());
            *by_id.entry(r.header("webhook-id").to_string()).or_default() += 1;
        }
        assert_eq!(subjects, ids);
        assert_eq!(by_id.len(), 20);
        assert!(
            by_id.values().all(|n| *n == 1),
            "each message once: {by_id:?}"
        );
    }
);
