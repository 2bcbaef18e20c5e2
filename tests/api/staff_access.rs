//! Staff sign-in, sessions, throttling, and the checks every staff route
//! makes: walked over the route table so no route can skip them.

use std::time::Instant;

use reqwest::Method;
use sea_orm::{sea_query::Expr, ConnectionTrait, EntityTrait};
use serde_json::{json, Value};
use stipple_server::{
    endpoints::{self as routes, Access, Endpoint, Verb, STAFF_PREFIX as PREFIX},
    entities::staff_session as session_entity,
    startup::ENDPOINTS,
};
use stipple_tests::{db_test, fresh_submission, staff::PASSWORD};

db_test!(
    login_sets_a_strict_cookie_and_logout_ends_the_session,
    |app| {
        let staff = app.staff("staff").await;
        let c = staff.set_cookie.to_lowercase();
        assert!(c.starts_with("__host-stipple_staff="), "{c}");
        for attr in ["httponly", "samesite=strict", "secure", "path=/"] {
            assert!(c.contains(attr), "{attr} missing: {c}");
        }
        let me = staff.get_json("/api/v1/staff/me").await;
        assert_eq!(me["csrf_token"], staff.csrf.as_str());
        assert_eq!(me["role"], "staff");
        assert!(me["user"]["email"].as_str().unwrap().starts_with("staff-"));

        let out = staff.post("/api/v1/staff/logout", &json!({})).await;
        assert_eq!(out.status(), 204);
        assert_eq!(staff.get("/api/v1/staff/me").await.status(), 401);
    }
);

db_test!(
    unknown_emails_and_wrong_passwords_get_the_same_answer,
    |app| {
        app.create_staff("real@clinic.example", "staff").await;
        let mut wrong = Vec::new();
        let mut unknown = Vec::new();
        // Two of each: under the five-failure limit per account and per IP.
        for _ in 0..2 {
            let t = Instant::now();
            let res = app
                .login_raw("real@clinic.example", "wrong password!!")
                .await;
            wrong.push(t.elapsed());
            assert_eq!(res.status(), 401);
            let a: Value = res.json().await.unwrap();
            let t = Instant::now();
            let res = app
                .login_raw("nobody@clinic.example", "wrong password!!")
                .await;
            unknown.push(t.elapsed());
            assert_eq!(res.status(), 401);
            let b: Value = res.json().await.unwrap();
            assert_eq!(a, b);
        }
        // Both check an argon2 hash: neither is an order of magnitude faster.
        let w = wrong.iter().min().unwrap().as_secs_f64();
        let u = unknown.iter().min().unwrap().as_secs_f64();
        assert!(u > w / 4.0 && w > u / 4.0, "wrong {w:.4}s, unknown {u:.4}s");
    }
);

db_test!(
    five_failures_lock_the_account_even_for_the_right_password,
    |app| {
        app.create_staff("lock@clinic.example", "staff").await;
        for _ in 0..5 {
            let res = app
                .login_raw("lock@clinic.example", "not the password")
                .await;
            assert_eq!(res.status(), 401);
        }
        let res = app.login_raw("lock@clinic.example", PASSWORD).await;
        assert_eq!(res.status(), 429);
        let retry: u64 = res.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=900).contains(&retry), "{retry}");
        // The failures are in the audit log.
        assert_eq!(
            app.count_rows("audit_log WHERE action = 'login_failed'")
                .await,
            5
        );
    }
);

db_test!(parallel_guesses_get_five_tries_at_most, |app| {
    app.create_staff("race@clinic.example", "staff").await;
    let tries = (0..20).map(|i| {
        let app = &app;
        async move {
            app.login_raw("race@clinic.example", &format!("guess number {i}"))
                .await
                .status()
                .as_u16()
        }
    });
    let answers = futures::future::join_all(tries).await;
    let checked = answers.iter().filter(|s| **s == 401).count();
    assert!(
        checked <= 5,
        "{checked} passwords were checked: {answers:?}"
    );
    assert!(
        answers.iter().all(|s| *s == 401 || *s == 429),
        "{answers:?}"
    );
});

db_test!(the_audit_log_cannot_be_changed_or_emptied, |app| {
    app.staff("staff").await;
    let db = app.db().await;
    for sql in ["UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"] {
        assert!(
            db.execute_unprepared(sql).await.is_err(),
            "{sql} was allowed"
        );
    }
    assert_eq!(app.count_rows("audit_log WHERE action = 'login'").await, 1);
});

db_test!(five_failures_from_one_ip_lock_that_ip, |app| {
    app.create_staff("other@clinic.example", "staff").await;
    for i in 0..5 {
        let res = app
            .login_raw(&format!("guess{i}@clinic.example"), "not the password")
            .await;
        assert_eq!(res.status(), 401);
    }
    let res = app.login_raw("other@clinic.example", PASSWORD).await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
});

db_test!(signing_in_again_renews_the_session_id, |app| {
    let first = app.staff("staff").await;
    let email = first.get_json("/api/v1/staff/me").await["user"]["email"]
        .as_str()
        .unwrap()
        .to_string();
    // Signing in while presenting the old cookie replaces it.
    let res = app
        .api
        .post(app.url("/api/v1/staff/login"))
        .header("cookie", &first.cookie)
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let new_cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert_ne!(new_cookie.split(';').next().unwrap(), first.cookie);
    assert_eq!(first.get("/api/v1/staff/me").await.status(), 401);
});

db_test!(an_idle_session_expires, |app| {
    let staff = app.staff("staff").await;
    assert_eq!(staff.get("/api/v1/staff/me").await.status(), 200);
    let db = app.db().await;
    session_entity::Entity::update_many()
        .col_expr(
            session_entity::Column::LastSeenAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::minutes(31)),
        )
        .exec(&db)
        .await
        .unwrap();
    assert_eq!(staff.get("/api/v1/staff/me").await.status(), 401);
    assert_eq!(app.count_rows("staff_session").await, 0);
});

fn concrete(path: &str, id: &str) -> String {
    path.replace("{id}", id)
}

/// Every route below the staff prefix, from every feature's table.
fn staff_endpoints() -> Vec<&'static Endpoint> {
    routes::all(ENDPOINTS).filter(|e| e.is_staff()).collect()
}

/// The same path with the first letter of every fixed segment below the
/// staff prefix percent-encoded: routed the same, spelled differently.
fn disguised(path: &str) -> String {
    let rest = path.strip_prefix(PREFIX).expect("a staff path");
    let rest = rest
        .split('/')
        .map(|seg| match seg.chars().next() {
            Some(c) if c.is_ascii_lowercase() && !seg.contains('-') => {
                format!("%{:02X}{}", c as u8, &seg[1..])
            }
            _ => seg.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/");
    format!("{PREFIX}{rest}")
}

fn method(v: Verb) -> Method {
    match v {
        Verb::Get => Method::GET,
        Verb::Post => Method::POST,
        Verb::Delete => Method::DELETE,
    }
}

db_test!(every_staff_route_checks_session_role_and_csrf, |app| {
    let (id, _) = app.submit(&fresh_submission()).await;
    let staff = app.staff("staff").await;
    let admin = app.staff("admin").await;
    assert!(staff_endpoints().len() >= 14);
    for e in staff_endpoints()
        .into_iter()
        .filter(|e| e.access != Access::Anyone)
    {
        let path = concrete(e.path, &id);
        let what = format!("{} {}", e.verb.as_str(), e.path);
        // No session at all.
        let res = app
            .api
            .request(method(e.verb), app.url(&path))
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{what} without a session");
        let res = app
            .api
            .request(method(e.verb), app.url(&disguised(&path)))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{what} spelled {}", disguised(&path));
        // A forged cookie is no session either.
        let res = app
            .api
            .request(method(e.verb), app.url(&path))
            .header("cookie", "__Host-stipple_staff=forged")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{what} with a forged cookie");
        if e.access == Access::Admin {
            let res = staff
                .request(method(e.verb), &path, true)
                .header("content-type", "application/json")
                .body("{}")
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 403, "{what} as staff");
            let res = staff
                .request(method(e.verb), &disguised(&path), true)
                .send()
                .await
                .unwrap();
            assert_eq!(
                res.status(),
                403,
                "{what} as staff, spelled {}",
                disguised(&path)
            );
        }
        if e.verb.changes_state() {
            for token in [None, Some("wrong")] {
                let mut r = admin.request(method(e.verb), &path, false);
                if let Some(t) = token {
                    r = r.header("x-csrf-token", t);
                }
                let res = r
                    .header("content-type", "application/json")
                    .body("{}")
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 403, "{what} with CSRF token {token:?}");
            }
        }
    }
    // Nothing above changed the submission.
    assert_eq!(app.count_submissions().await, 1);
    assert_eq!(app.count_rows("submission WHERE status = 'new'").await, 1);
});

#[test]
fn only_signing_in_is_open_below_the_staff_prefix() {
    let open: Vec<&str> = staff_endpoints()
        .into_iter()
        .filter(|e| e.access == Access::Anyone)
        .map(|e| e.path)
        .collect();
    assert_eq!(open, ["/api/v1/staff/login"]);
    let erase = routes::all(ENDPOINTS)
        .find(|e| e.verb == Verb::Delete && routes::matches(e.path, "/api/v1/staff/submissions/x"));
    assert_eq!(erase.map(|e| e.access), Some(Access::Admin));
}
