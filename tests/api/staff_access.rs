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
use stipple_tests::{db_test, fresh_submission, staff::PASSWORD, TestApp};

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

db_test!(failures_slow_down_that_account_from_that_address, |app| {
    app.create_staff("lock@clinic.example", "staff").await;
    for _ in 0..3 {
        let res = app
            .login_raw("lock@clinic.example", "not the password")
            .await;
        assert_eq!(res.status(), 401);
    }
    // From the fourth the same pair waits, growing; even the right password.
    let res = app.login_raw("lock@clinic.example", PASSWORD).await;
    assert_eq!(res.status(), 429);
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=5).contains(&retry), "{retry}");
    let body: Value = res.json().await.unwrap();
    assert!(body["error"]
        .as_str()
        .unwrap()
        .contains("Too many failed sign-ins"));
    // The failures are in the audit log; turned-away attempts are not failures.
    assert_eq!(
        app.count_rows("audit_log WHERE action = 'login_failed'")
            .await,
        3
    );
    // After the wait the right password gets in.
    tokio::time::sleep(std::time::Duration::from_secs(retry)).await;
    assert_eq!(
        app.login_raw("lock@clinic.example", PASSWORD)
            .await
            .status(),
        200
    );
});

db_test!(parallel_guesses_get_three_tries_at_most, |app| {
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
        checked <= 3,
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

/// A sign-in as if from `ip` (the test server trusts 127.0.0.1 as a proxy).
async fn login_from(app: &TestApp, ip: &str, email: &str, password: &str) -> u16 {
    app.api
        .post(app.url("/api/v1/staff/login"))
        .header("x-forwarded-for", ip)
        .json(&serde_json::json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

db_test!(
    a_guessed_account_locks_out_neither_colleagues_nor_its_owner,
    env = [("STIPPLE_TRUSTED_PROXIES", "127.0.0.1")],
    |app| {
        app.create_staff("a@clinic.example", "admin").await;
        app.create_staff("b@clinic.example", "staff").await;
        let office = "203.0.113.10";
        for _ in 0..20 {
            let status = login_from(&app, office, "a@clinic.example", "wrong password!").await;
            assert!(status == 401 || status == 429, "{status}");
        }
        // A colleague behind the same connection gets in at once...
        assert_eq!(
            login_from(&app, office, "b@clinic.example", PASSWORD).await,
            200
        );
        // ...and so does A from their own address.
        assert_eq!(
            login_from(&app, "198.51.100.4", "a@clinic.example", PASSWORD).await,
            200
        );
        // A from the guessing address waits.
        assert_eq!(
            login_from(&app, office, "a@clinic.example", PASSWORD).await,
            429
        );
    }
);

db_test!(
    spraying_many_accounts_from_one_address_meets_a_ceiling,
    env = [("STIPPLE_TRUSTED_PROXIES", "127.0.0.1")],
    |app| {
        app.create_staff("other@clinic.example", "staff").await;
        let sprayer = "2001:db8:5:5::1";
        for i in 0..50 {
            let email = format!("guess{i}@clinic.example");
            assert_eq!(
                login_from(&app, sprayer, &email, "not the password").await,
                401
            );
        }
        // Another address in the same /64 is the same client.
        assert_eq!(
            login_from(&app, "2001:db8:5:5::2", "other@clinic.example", PASSWORD).await,
            429
        );
        assert_eq!(
            login_from(&app, "2001:db8:5:6::1", "other@clinic.example", PASSWORD).await,
            200
        );
    }
);

db_test!(what_was_typed_for_an_unknown_account_is_not_kept, |app| {
    // A password typed into the e-mail box by mistake.
    let typed = "hunter2-correct-horse@battery";
    assert_eq!(app.login_raw(typed, "whatever it is").await.status(), 401);
    let db = app.db().await;
    for (table, columns) in [("login_failure", "email, ip"), ("audit_log", "detail")] {
        let rows = db
            .query_all_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                format!("SELECT {columns} FROM {table}"),
            ))
            .await
            .unwrap();
        assert!(!rows.is_empty(), "{table}");
        for row in rows {
            for col in columns.split(", ") {
                let v: Option<String> = row.try_get("", col).unwrap();
                let v = v.unwrap_or_default();
                assert!(!v.contains("hunter2"), "{table}.{col} = {v}");
                assert!(!v.contains("127.0.0.1"), "{table}.{col} = {v}");
            }
        }
    }
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
fn only_signing_in_and_account_links_are_open_below_the_staff_prefix() {
    let open: Vec<&str> = staff_endpoints()
        .into_iter()
        .filter(|e| e.access == Access::Anyone)
        .map(|e| e.path)
        .collect();
    assert_eq!(
        open,
        [
            "/api/v1/staff/login",
            "/api/v1/staff/link",
            "/api/v1/staff/link/password"
        ]
    );
    let erase = routes::all(ENDPOINTS)
        .find(|e| e.verb == Verb::Delete && routes::matches(e.path, "/api/v1/staff/submissions/x"));
    assert_eq!(erase.map(|e| e.access), Some(Access::Admin));
}

db_test!(
    a_changed_password_ends_the_other_sessions_and_works_at_once,
    |app| {
        app.create_staff("kim@clinic.example", "staff").await;
        let laptop = app.sign_in("kim@clinic.example").await;
        let phone = app.sign_in("kim@clinic.example").await;
        let sessions = phone.get_json("/api/v1/staff/sessions").await;
        let items = sessions["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "{sessions}");
        assert_eq!(items.iter().filter(|s| s["current"] == true).count(), 1);

        // Wrong current password, weak new one: each named, nothing changed.
        let res = phone
            .post(
                "/api/v1/staff/password",
                &json!({"current_password": "not it at all", "new_password": "password1234"}),
            )
            .await;
        assert_eq!(res.status(), 422);
        let body: Value = res.json().await.unwrap();
        assert!(body["errors"]["current_password"].is_array(), "{body}");
        assert!(
            body["errors"]["new_password"][0]
                .as_str()
                .unwrap()
                .contains("too easy to guess"),
            "{body}"
        );
        assert_eq!(laptop.get("/api/v1/staff/me").await.status(), 200);

        let new = "violet harbour lamp seventeen";
        let res = phone
            .post(
                "/api/v1/staff/password",
                &json!({"current_password": PASSWORD, "new_password": new}),
            )
            .await;
        assert_eq!(res.status(), 204);
        // The other session is over; this one goes on; the new password works.
        assert_eq!(laptop.get("/api/v1/staff/me").await.status(), 401);
        assert_eq!(phone.get("/api/v1/staff/me").await.status(), 200);
        assert_eq!(
            app.login_raw("kim@clinic.example", PASSWORD).await.status(),
            401
        );
        assert_eq!(app.login_raw("kim@clinic.example", new).await.status(), 200);
        assert_eq!(
            app.count_rows("audit_log WHERE action = 'password_changed'")
                .await,
            1
        );
    }
);

db_test!(a_session_elsewhere_can_be_ended, |app| {
    app.create_staff("lee@clinic.example", "staff").await;
    let left_open = app.sign_in("lee@clinic.example").await;
    let here = app.sign_in("lee@clinic.example").await;
    let list = here.get_json("/api/v1/staff/sessions").await;
    let other = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == false)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Another account cannot end it.
    let stranger = app.staff("staff").await;
    let res = stranger
        .delete(&format!("/api/v1/staff/sessions/{other}"))
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(left_open.get("/api/v1/staff/me").await.status(), 200);

    let res = here
        .delete(&format!("/api/v1/staff/sessions/{other}"))
        .await;
    assert_eq!(res.status(), 204);
    assert_eq!(left_open.get("/api/v1/staff/me").await.status(), 401);
    assert_eq!(here.get("/api/v1/staff/me").await.status(), 200);
    assert_eq!(
        app.count_rows("audit_log WHERE action = 'session_ended'")
            .await,
        1
    );
});

/// The id of the account with `email` on the admin's team list.
async fn member_id(admin: &stipple_tests::staff::StaffClient, email: &str) -> String {
    admin.member(email).await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

db_test!(
    a_disabled_colleague_is_signed_out_at_once_and_cannot_sign_in,
    |app| {
        let admin = app.staff("admin").await;
        app.create_staff("leaver@clinic.example", "staff").await;
        let leaver = app.sign_in("leaver@clinic.example").await;
        let id = member_id(&admin, "leaver@clinic.example").await;
        let team = admin.get_json("/api/v1/staff/users").await;
        let row = team["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == id.as_str())
            .unwrap()
            .clone();
        assert_eq!(row["status"], "active");
        assert!(row["last_login_at"].is_string(), "{row}");
        // Only administrators manage the team.
        assert_eq!(leaver.get("/api/v1/staff/users").await.status(), 403);

        let res = admin
            .post(&format!("/api/v1/staff/users/{id}/disable"), &json!({}))
            .await;
        assert_eq!(res.status(), 204);
        assert_eq!(leaver.get("/api/v1/staff/me").await.status(), 401);
        let res = app.login_raw("leaver@clinic.example", PASSWORD).await;
        assert_eq!(res.status(), 403);
        // A wrong password still gets the same answer as for anyone.
        let res = app
            .login_raw("leaver@clinic.example", "wrong password!!")
            .await;
        assert_eq!(res.status(), 401);

        let res = admin
            .post(&format!("/api/v1/staff/users/{id}/enable"), &json!({}))
            .await;
        assert_eq!(res.status(), 204);
        assert_eq!(
            app.login_raw("leaver@clinic.example", PASSWORD)
                .await
                .status(),
            200
        );
        for action in ["account_disabled", "account_enabled"] {
            assert_eq!(
                app.count_rows(&format!("audit_log WHERE action = '{action}'"))
                    .await,
                1
            );
        }
    }
);

db_test!(the_clinic_always_keeps_an_active_administrator, |app| {
    app.create_staff("first@clinic.example", "admin").await;
    let first = app.sign_in("first@clinic.example").await;
    let me = member_id(&first, "first@clinic.example").await;
    for (path, body) in [
        (
            format!("/api/v1/staff/users/{me}/role"),
            json!({"role": "staff"}),
        ),
        (format!("/api/v1/staff/users/{me}/disable"), json!({})),
    ] {
        let res = first.post(&path, &body).await;
        assert_eq!(res.status(), 409, "{path}");
    }
    // With a second administrator the first may step down.
    app.create_staff("second@clinic.example", "staff").await;
    let second = member_id(&first, "second@clinic.example").await;
    let res = first
        .post(
            &format!("/api/v1/staff/users/{second}/role"),
            &json!({"role": "admin"}),
        )
        .await;
    assert_eq!(res.status(), 204);
    let res = first
        .post(
            &format!("/api/v1/staff/users/{me}/role"),
            &json!({"role": "staff"}),
        )
        .await;
    assert_eq!(res.status(), 204);
    // Now a staff member: the team is out of reach.
    assert_eq!(first.get("/api/v1/staff/users").await.status(), 403);
    assert_eq!(
        app.count_rows("audit_log WHERE action = 'role_changed'")
            .await,
        2
    );
});
