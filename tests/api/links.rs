//! Tokens and links: receipt tokens expire (the time inside their MAC), the
//! receipt token opens the record only from the `Authorization` header, and
//! the PDF opens by a plain link only through a five-minute, single-purpose
//! token. Also the hardening around them: HSTS and a health check that does
//! not write on every call.

use stipple_server::secret::SecretKey;
use stipple_tests::{db_test, fresh_submission, TestApp};

const KEY: &str = "test-secret-key-of-at-least-thirty-two-chars";

/// A token the server would have made at another time.
fn token(purpose: &str, id: &str, until: i64) -> String {
    let dir = tempfile::tempdir().unwrap();
    let key = SecretKey::load(Some(KEY), dir.path()).unwrap();
    let id = uuid::Uuid::parse_str(id).unwrap();
    key.sign_until(purpose, id.as_bytes(), until)
}

async fn read_with(app: &TestApp, path: &str, bearer: Option<&str>) -> u16 {
    let mut r = app.api.get(app.url(path));
    if let Some(t) = bearer {
        r = r.bearer_auth(t);
    }
    r.send().await.unwrap().status().as_u16()
}

db_test!(
    receipt_tokens_expire_and_stay_out_of_urls,
    env = [("STIPPLE_SECRET_KEY", KEY), ("STIPPLE_RECEIPT_DAYS", "30")],
    |app| {
        let res = app.post_submission(&fresh_submission()).await;
        let receipt: serde_json::Value = res.json().await.unwrap();
        let id = receipt["id"].as_str().unwrap();
        let good = receipt["receipt_token"].as_str().unwrap();
        let expires: chrono::DateTime<chrono::Utc> = receipt["receipt_expires_at"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let days = (expires - chrono::Utc::now()).num_hours() as f64 / 24.0;
        assert!((29.9..=30.0).contains(&days), "{days}");
        let record = format!("/api/v1/submissions/{id}");
        let pdf = format!("/api/v1/submissions/{id}/consent.pdf");
        assert_eq!(read_with(&app, &record, Some(good)).await, 200);
        assert_eq!(read_with(&app, &pdf, Some(good)).await, 200);

        // Expired: the same 404 as a wrong token. Moved later: the MAC fails.
        let now = chrono::Utc::now().timestamp();
        let expired = token("receipt", id, now - 1);
        assert_eq!(read_with(&app, &record, Some(&expired)).await, 404);
        let (_, mac) = expired.split_once('.').unwrap();
        let extended = format!("{}.{mac}", now + 86_400);
        assert_eq!(read_with(&app, &record, Some(&extended)).await, 404);
        assert_eq!(read_with(&app, &record, Some("nonsense")).await, 404);

        // The receipt token in a URL opens nothing.
        assert_eq!(
            read_with(&app, &format!("{record}?token={good}"), None).await,
            404
        );
        assert_eq!(
            read_with(&app, &format!("{pdf}?token={good}"), None).await,
            404
        );

        // A PDF link: minted with the header, opens the PDF only, for minutes.
        let res = app
            .api
            .post(app.url(&format!("/api/v1/submissions/{id}/pdf-link")))
            .bearer_auth(good)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let link: serde_json::Value = res.json().await.unwrap();
        let url = link["url"].as_str().unwrap();
        let until: chrono::DateTime<chrono::Utc> =
            link["expires_at"].as_str().unwrap().parse().unwrap();
        assert!(until - chrono::Utc::now() <= chrono::Duration::minutes(5));
        let res = app.get(url).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        let link_token = url.split("token=").nth(1).unwrap();
        assert!(!link_token.contains(good));
        assert_eq!(
            read_with(&app, &format!("{record}?token={link_token}"), None).await,
            404
        );
        assert_eq!(read_with(&app, &record, Some(link_token)).await, 404);
        let stale = token("pdf-link", id, now - 1);
        assert_eq!(
            read_with(&app, &format!("{pdf}?token={stale}"), None).await,
            404
        );
        // Minting needs the receipt token itself.
        let res = app
            .api
            .post(app.url(&format!("/api/v1/submissions/{id}/pdf-link")))
            .bearer_auth(link_token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404);
    }
);

db_test!(hsts_whenever_cookies_are_secure, |app| {
    let res = app.get("/intake").await;
    assert_eq!(
        res.headers()["strict-transport-security"],
        "max-age=31536000"
    );
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_hsts_on_plain_local_http() {
    let app = stipple_tests::spawn_app_with(
        stipple_tests::Backend::Sqlite,
        stipple_tests::env(&[("STIPPLE_INSECURE_COOKIES", "1")]),
    )
    .await;
    let res = app.get("/intake").await;
    assert!(res.headers().get("strict-transport-security").is_none());
}

db_test!(health_checks_do_not_write_on_every_call, |app| {
    assert_eq!(app.get("/healthz").await.status(), 200);
    let db = app.db().await;
    let read = || async {
        use sea_orm::ConnectionTrait;
        let row = db
            .query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                "SELECT checked_at FROM health_probe".to_string(),
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<chrono::DateTime<chrono::Utc>>("", "checked_at")
            .unwrap()
    };
    let first = read().await;
    for _ in 0..20 {
        assert_eq!(app.get("/healthz").await.status(), 200);
    }
    assert_eq!(read().await, first);
    // After a few seconds the next check writes again.
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    assert!(read().await > first);
});

db_test!(
    invite_links_never_take_their_host_from_the_request,
    env = [("STIPPLE_TRUSTED_PROXIES", "127.0.0.1")],
    |app| {
        let staff = app.staff("staff").await;
        let res = staff
            .request(reqwest::Method::POST, "/api/v1/staff/invites", true)
            .header("host", "evil.example")
            .header("x-forwarded-host", "evil.example")
            .header("forwarded", "host=evil.example;proto=https")
            .json(&serde_json::json!({
                "client_name": "Ivy Invited",
                "email": "ivy@mail.example",
                "appointment_at": "2099-03-04T10:30:00Z",
                "send_email": false,
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let invite: serde_json::Value = res.json().await.unwrap();
        let link = invite["link"].as_str().unwrap();
        assert!(
            link.starts_with(&format!("{}/intake/", app.address)),
            "{link}"
        );
    }
);
