//! Running the team: invitations and password resets by one-time links,
//! two-factor sign-in (set-up, codes, recovery codes, throttling, the
//! requirement, an administrator's reset) and the audit of queue lists.

use chrono::{Duration, Utc};
use reqwest::Method;
use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use stipple_server::entities::{mail_message, staff_link, staff_session, staff_user};
use stipple_tests::{
    db_test, fresh_submission,
    staff::{totp_at, totp_now, StaffClient, PASSWORD},
    TestApp,
};

const NEW_PASSWORD: &str = "plum kettle orbit sandal";

/// The last link e-mailed to `to`, and its token (after the `#`), as
/// delivered: read from the mail the server wrote to its outbox.
async fn mailed_link(app: &TestApp, to: &str) -> (String, String) {
    let queued = mail_message::Entity::find()
        .filter(mail_message::Column::ToAddress.eq(to))
        .filter(mail_message::Column::Kind.eq("staff_access"))
        .all(&app.db().await)
        .await
        .unwrap()
        .len();
    let outbox = app.data_dir.path().join("outbox");
    for _ in 0..100 {
        let mut links: Vec<(std::time::SystemTime, String)> = std::fs::read_dir(&outbox)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|f| {
                let raw = std::fs::read(f.path()).ok()?;
                let mail = mailparse::parse_mail(&raw).ok()?;
                let for_them = mail
                    .headers
                    .iter()
                    .any(|h| h.get_key_ref() == "To" && h.get_value().contains(to));
                let body = mail.subparts.first().unwrap_or(&mail).get_body().ok()?;
                let link = body
                    .split_whitespace()
                    .find(|w| w.contains("/staff/join#"))?;
                let when = f.metadata().ok()?.modified().ok()?;
                for_them.then(|| (when, link.to_string()))
            })
            .collect();
        if links.len() >= queued {
            links.sort();
            let link = links.pop().expect("a staff link was mailed").1;
            let token = link.split_once('#').unwrap().1.to_string();
            return (link, token);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{queued} staff links for {to} were not all delivered");
}

async fn audit_count(app: &TestApp, action: &str) -> i64 {
    app.count_rows(&format!("audit_log WHERE action = '{action}'"))
        .await
}

/// Sets two-factor up for a signed-in session; returns the secret and
/// the recovery codes.
async fn enrol(who: &StaffClient) -> (String, Vec<String>) {
    let res = who.post("/api/v1/staff/two-factor/setup", &json!({})).await;
    assert_eq!(res.status(), 200);
    let setup: Value = res.json().await.unwrap();
    let secret = setup["secret"].as_str().unwrap().to_string();
    let res = who
        .post(
            "/api/v1/staff/two-factor/confirm",
            &json!({"code": totp_now(&secret)}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let codes: Value = res.json().await.unwrap();
    let codes = codes["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    (secret, codes)
}

db_test!(
    an_invited_colleague_chooses_a_password_by_the_link_once,
    |app| {
        let admin = app.staff("admin").await;
        let res = admin
            .post(
                "/api/v1/staff/users",
                &json!({"email": " Noor@Clinic.example ", "name": "Noor Haddad", "role": "staff"}),
            )
            .await;
        assert_eq!(res.status(), 201);
        let invited: Value = res.json().await.unwrap();
        assert_eq!(invited["member"]["status"], "invited");
        assert_eq!(invited["member"]["email"], "noor@clinic.example");
        assert_eq!(invited["member"]["two_factor"], false);
        let link = invited["link"].as_str().unwrap();
        let (path, token) = link.split_once('#').unwrap();
        assert!(path.ends_with("/staff/join"), "{link}");
        assert!(token.len() >= 40);
        // The same link went to them by mail.
        let (mailed, _) = mailed_link(&app, "noor@clinic.example").await;
        assert_eq!(mailed, link);
        // Same e-mail again: said next to the field.
        let again = admin
            .post(
                "/api/v1/staff/users",
                &json!({"email": "noor@clinic.example", "name": "N", "role": "admin"}),
            )
            .await;
        assert_eq!(again.status(), 422);
        let body: Value = again.json().await.unwrap();
        assert!(body["errors"]["email"].is_array(), "{body}");
        // No password yet: nothing signs in, with the unknown account's answer.
        let res = app.login_raw("noor@clinic.example", "").await;
        assert_eq!(res.status(), 401);

        let info = app
            .api
            .post(app.url("/api/v1/staff/link"))
            .json(&json!({"token": token}))
            .send()
            .await
            .unwrap();
        assert_eq!(info.status(), 200);
        let info: Value = info.json().await.unwrap();
        assert_eq!(info["purpose"], "join");
        assert_eq!(info["name"], "Noor Haddad");

        let set = |password: &'static str| {
            app.api
                .post(app.url("/api/v1/staff/link/password"))
                .json(&json!({"token": token, "new_password": password}))
                .send()
        };
        let weak = set("password1234").await.unwrap();
        assert_eq!(weak.status(), 422);
        let body: Value = weak.json().await.unwrap();
        assert!(
            body["errors"]["new_password"][0]
                .as_str()
                .unwrap()
                .contains("too easy to guess"),
            "{body}"
        );
        assert_eq!(set(NEW_PASSWORD).await.unwrap().status(), 204);
        // Once only.
        let used = set("another long passphrase here").await.unwrap();
        assert_eq!(used.status(), 410);
        let body: Value = used.json().await.unwrap();
        assert!(body["error"]
            .as_str()
            .unwrap()
            .contains("ask an administrator"));

        let noor = app.sign_in_with("noor@clinic.example", NEW_PASSWORD).await;
        assert_eq!(noor.stage, "ready");
        let row = admin.member("noor@clinic.example").await;
        assert_eq!(row["status"], "active");
        assert_eq!(audit_count(&app, "staff_invited").await, 1);
        assert_eq!(audit_count(&app, "staff_joined").await, 1);
        // The token is nowhere in the database.
        assert_eq!(
            app.count_rows(&format!("staff_link WHERE token_sha256 = '{token}'"))
                .await,
            0
        );
    }
);

db_test!(a_reset_link_goes_to_the_colleague_not_the_admin, |app| {
    app.create_staff("kim@clinic.example", "staff").await;
    let kim = app.sign_in("kim@clinic.example").await;
    let admin = app.staff("admin").await;
    let id = admin.member("kim@clinic.example").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let res = admin
        .post(
            &format!("/api/v1/staff/users/{id}/password-reset"),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 202);
    let text = res.text().await.unwrap();
    assert!(
        !text.contains("/staff/join"),
        "the admin never sees the link: {text}"
    );
    assert!(text.contains("kim@clinic.example"));
    let (_, first) = mailed_link(&app, "kim@clinic.example").await;

    // A second reset replaces the first link.
    admin
        .post(
            &format!("/api/v1/staff/users/{id}/password-reset"),
            &json!({}),
        )
        .await;
    let (_, token) = mailed_link(&app, "kim@clinic.example").await;
    assert_ne!(first, token);
    let old = app
        .api
        .post(app.url("/api/v1/staff/link"))
        .json(&json!({"token": first}))
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), 410);

    // Kim's sessions are untouched until the new password is set.
    assert_eq!(kim.get("/api/v1/staff/me").await.status(), 200);
    let res = app
        .api
        .post(app.url("/api/v1/staff/link/password"))
        .json(&json!({"token": token, "new_password": NEW_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(kim.get("/api/v1/staff/me").await.status(), 401);
    assert_eq!(
        app.login_raw("kim@clinic.example", PASSWORD).await.status(),
        401
    );
    app.sign_in_with("kim@clinic.example", NEW_PASSWORD).await;
    assert_eq!(audit_count(&app, "password_reset_issued").await, 2);
    assert_eq!(audit_count(&app, "password_reset").await, 1);

    // A link past its 24 hours is refused.
    admin
        .post(
            &format!("/api/v1/staff/users/{id}/password-reset"),
            &json!({}),
        )
        .await;
    let (_, late) = mailed_link(&app, "kim@clinic.example").await;
    staff_link::Entity::update_many()
        .col_expr(
            staff_link::Column::ExpiresAt,
            Expr::value(Utc::now() - Duration::minutes(1)),
        )
        .exec(&app.db().await)
        .await
        .unwrap();
    let res = app
        .api
        .post(app.url("/api/v1/staff/link/password"))
        .json(&json!({"token": late, "new_password": "yet another fine passphrase"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 410);
});

db_test!(
    two_factor_is_set_up_with_a_code_and_asked_at_every_sign_in,
    |app| {
        app.create_staff("ana@clinic.example", "staff").await;
        let ana = app.sign_in("ana@clinic.example").await;
        let res = ana.post("/api/v1/staff/two-factor/setup", &json!({})).await;
        assert_eq!(res.status(), 200);
        let setup: Value = res.json().await.unwrap();
        let secret = setup["secret"].as_str().unwrap().to_string();
        let uri = setup["otpauth_uri"].as_str().unwrap();
        assert!(uri.starts_with("otpauth://totp/"), "{uri}");
        assert!(uri.contains(&format!("secret={secret}")), "{uri}");
        assert!(setup["qr_svg"].as_str().unwrap().contains("<svg"));
        // Stored sealed, not as the secret.
        let row = staff_user::Entity::find()
            .filter(staff_user::Column::Email.eq("ana@clinic.example"))
            .one(&app.db().await)
            .await
            .unwrap()
            .unwrap();
        let pending = row.totp_pending.unwrap();
        assert!(!pending.contains(&secret[..8]));
        assert!(row.totp_secret.is_none(), "not on before a code");

        let wrong = ana
            .post(
                "/api/v1/staff/two-factor/confirm",
                &json!({"code": "000000"}),
            )
            .await;
        assert_eq!(wrong.status(), 422);
        let now = Utc::now().timestamp() as u64;
        let code = totp_at(&secret, now);
        let res = ana
            .post("/api/v1/staff/two-factor/confirm", &json!({"code": code}))
            .await;
        assert_eq!(res.status(), 200);
        let codes: Value = res.json().await.unwrap();
        let codes: Vec<String> = codes["codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect();
        assert_eq!(codes.len(), 10);
        assert_eq!(
            app.count_rows("staff_recovery_code").await,
            10,
            "stored, as hashes"
        );
        for c in &codes {
            assert_eq!(
                app.count_rows(&format!("staff_recovery_code WHERE code_hash = '{c}'"))
                    .await,
                0
            );
        }
        // Setting up again is refused: an administrator resets it.
        let again = ana.post("/api/v1/staff/two-factor/setup", &json!({})).await;
        assert_eq!(again.status(), 409);

        // The password alone now opens only the door to the code.
        let pending = app.sign_in("ana@clinic.example").await;
        assert_eq!(pending.stage, "code");
        assert_eq!(pending.get("/api/v1/staff/submissions").await.status(), 401);
        assert_eq!(pending.get("/api/v1/staff/me").await.status(), 200);
        // The code used to confirm is spent, even within its 30 seconds.
        let reused = pending
            .post("/api/v1/staff/login/code", &json!({"code": code}))
            .await;
        assert_eq!(reused.status(), 401);
        let next = totp_at(&secret, now + 30);
        let res = pending
            .post("/api/v1/staff/login/code", &json!({"code": next}))
            .await;
        assert_eq!(res.status(), 200, "one step of drift is allowed");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["stage"], "ready");
        assert_eq!(pending.get("/api/v1/staff/submissions").await.status(), 200);
        // Nor can that one be used twice.
        let other = app.sign_in("ana@clinic.example").await;
        let res = other
            .post("/api/v1/staff/login/code", &json!({"code": next}))
            .await;
        assert_eq!(res.status(), 401);
        // A recovery code works, once, in any case and spacing.
        let spaced = codes[0].to_uppercase().replace('-', " ");
        let res = other
            .post("/api/v1/staff/login/code", &json!({"code": spaced}))
            .await;
        assert_eq!(res.status(), 200);
        let third = app.sign_in("ana@clinic.example").await;
        let res = third
            .post("/api/v1/staff/login/code", &json!({"code": codes[0]}))
            .await;
        assert_eq!(res.status(), 401);
        assert_eq!(app.count_rows("staff_recovery_code").await, 9);
        assert_eq!(audit_count(&app, "two_factor_enrolled").await, 1);
        assert_eq!(audit_count(&app, "recovery_code_used").await, 1);
        assert!(audit_count(&app, "two_factor_failed").await >= 3);
    }
);

db_test!(
    wrong_codes_are_throttled_and_the_code_must_come_within_five_minutes,
    |app| {
        app.create_staff("lee@clinic.example", "staff").await;
        let lee = app.sign_in("lee@clinic.example").await;
        let (secret, _) = enrol(&lee).await;
        let pending = app.sign_in("lee@clinic.example").await;
        for _ in 0..3 {
            let res = pending
                .post("/api/v1/staff/login/code", &json!({"code": "123456"}))
                .await;
            assert_eq!(res.status(), 401);
        }
        let res = pending
            .post(
                "/api/v1/staff/login/code",
                &json!({"code": totp_now(&secret)}),
            )
            .await;
        assert_eq!(res.status(), 429, "even the right code waits its turn");
        assert!(res.headers().get("retry-after").is_some());

        // Five minutes after the password, the half-open session is gone.
        let late = app.sign_in("lee@clinic.example").await;
        staff_session::Entity::update_many()
            .col_expr(
                staff_session::Column::CreatedAt,
                Expr::value(Utc::now() - Duration::minutes(6)),
            )
            .filter(staff_session::Column::Stage.eq("code"))
            .exec(&app.db().await)
            .await
            .unwrap();
        assert_eq!(late.get("/api/v1/staff/me").await.status(), 401);
    }
);

db_test!(
    administrators_must_set_up_two_factor_before_anything_else,
    env = [("STIPPLE_REQUIRE_2FA", "admins")],
    |app| {
        let staff = app.staff("staff").await;
        assert_eq!(staff.stage, "ready");
        let admin = app.staff("admin").await;
        assert_eq!(admin.stage, "enrol");
        let res = admin.get("/api/v1/staff/submissions").await;
        assert_eq!(res.status(), 403);
        let body: Value = res.json().await.unwrap();
        assert!(body["error"].as_str().unwrap().contains("two-factor"));
        assert_eq!(admin.get("/api/v1/staff/users").await.status(), 403);
        let me = admin.get_json("/api/v1/staff/me").await;
        assert_eq!(me["stage"], "enrol");
        enrol(&admin).await;
        // The same session goes on, now with everything open.
        assert_eq!(admin.get("/api/v1/staff/users").await.status(), 200);
    }
);

db_test!(
    with_two_factor_required_for_all_staff_are_asked_too,
    env = [("STIPPLE_REQUIRE_2FA", "all")],
    |app| {
        let staff = app.staff("staff").await;
        assert_eq!(staff.stage, "enrol");
        assert_eq!(staff.get("/api/v1/staff/submissions").await.status(), 403);
    }
);

db_test!(an_admin_resets_a_colleagues_two_factor, |app| {
    app.create_staff("sam@clinic.example", "staff").await;
    let sam = app.sign_in("sam@clinic.example").await;
    enrol(&sam).await;
    let admin = app.staff("admin").await;
    let row = admin.member("sam@clinic.example").await;
    assert_eq!(row["two_factor"], true);
    let id = row["id"].as_str().unwrap();
    let res = admin
        .post(
            &format!("/api/v1/staff/users/{id}/two-factor/reset"),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 204);
    assert_eq!(sam.get("/api/v1/staff/me").await.status(), 401);
    let again = app.sign_in("sam@clinic.example").await;
    assert_eq!(again.stage, "ready", "not required here: password only");
    assert_eq!(app.count_rows("staff_recovery_code").await, 0);
    assert_eq!(audit_count(&app, "two_factor_reset").await, 1);
    // Staff cannot reset anyone's.
    let res = again
        .request(
            Method::POST,
            &format!("/api/v1/staff/users/{id}/two-factor/reset"),
            true,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
});

db_test!(queue_lists_that_show_clients_are_audited, |app| {
    app.submit(&fresh_submission()).await;
    let staff = app.staff("staff").await;
    staff.get_json("/api/v1/staff/submissions").await;
    staff
        .get_json("/api/v1/staff/submissions?q=Brien&status=new")
        .await;
    // Nothing found, nobody shown: nothing to record.
    staff
        .get_json("/api/v1/staff/submissions?q=nobody-by-this-name")
        .await;
    assert_eq!(audit_count(&app, "queue_listed").await, 2);
    let admin = app.staff("admin").await;
    let log = admin
        .get_json("/api/v1/staff/audit?action=queue_listed")
        .await;
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let details: Vec<&str> = items
        .iter()
        .map(|e| e["detail"].as_str().unwrap())
        .collect();
    assert!(
        details.iter().any(|d| d.contains("search yes")),
        "{details:?}"
    );
    assert!(
        details.iter().all(|d| !d.contains("Brien")),
        "what was searched is not kept: {details:?}"
    );
});

db_test!(
    a_half_signed_in_session_reaches_only_the_sign_in_steps,
    env = [("STIPPLE_REQUIRE_2FA", "admins")],
    |app| {
        use stipple_server::{
            endpoints::{self as routes, Access, Verb},
            startup::ENDPOINTS,
        };
        let (id, _) = app.submit(&fresh_submission()).await;
        // Waiting for the code: an admin with two-factor on.
        let admin = app.staff("admin").await;
        let (secret, _) = enrol(&admin).await;
        let email = admin.get_json("/api/v1/staff/me").await["user"]["email"]
            .as_str()
            .unwrap()
            .to_string();
        let code_stage = app.sign_in(&email).await;
        assert_eq!(code_stage.stage, "code");
        // Must enrol first: a second admin without it.
        let enrol_stage = app.staff("admin").await;
        assert_eq!(enrol_stage.stage, "enrol");
        let method = |v: Verb| match v {
            Verb::Get => Method::GET,
            Verb::Post => Method::POST,
            Verb::Delete => Method::DELETE,
        };
        let mut walked = 0;
        for e in routes::all(ENDPOINTS).filter(|e| e.is_staff()) {
            if matches!(e.access, Access::Anyone | Access::SigningIn) {
                continue;
            }
            walked += 1;
            let path = e.path.replace("{id}", &id);
            for (who, want) in [(&code_stage, 401), (&enrol_stage, 403)] {
                let res = who
                    .request(method(e.verb), &path, true)
                    .header("content-type", "application/json")
                    .body("{}")
                    .send()
                    .await
                    .unwrap();
                assert_eq!(
                    res.status(),
                    want,
                    "{} {} at stage {}",
                    e.verb.as_str(),
                    e.path,
                    who.stage
                );
            }
        }
        assert!(walked >= 15, "{walked}");
        assert_eq!(app.count_rows("submission WHERE status = 'new'").await, 1);
        // And the code still finishes the sign-in (the next step's: the
        // enrolment spent this one's).
        let later = totp_at(&secret, Utc::now().timestamp() as u64 + 30);
        let res = code_stage
            .post("/api/v1/staff/login/code", &json!({"code": later}))
            .await;
        assert_eq!(res.status(), 200);
    }
);
