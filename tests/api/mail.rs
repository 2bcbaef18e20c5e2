use std::collections::HashMap;

use sea_orm::{ConnectionTrait, Statement};
use serde_json::Value;
use stipple_tests::{
    fixture, fresh_submission,
    smtp::{unused_port, SmtpSink},
    try_spawn_app, Backend, TestApp,
};

fn smtp_env(url: &str) -> HashMap<String, String> {
    HashMap::from([
        ("STIPPLE_SMTP_URL".to_string(), url.to_string()),
        (
            "STIPPLE_MAIL_FROM".to_string(),
            "Northside SMP <desk@northside.test>".to_string(),
        ),
        ("STIPPLE_MAIL_RETRY_SECS".to_string(), "1".to_string()),
    ])
}

async fn mail_row(app: &TestApp) -> (String, i32, Option<String>) {
    let db = app.db().await;
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT status, attempts, last_error FROM mail_message",
        ))
        .await
        .unwrap()
        .expect("one queued message");
    (
        row.try_get("", "status").unwrap(),
        row.try_get("", "attempts").unwrap(),
        row.try_get("", "last_error").unwrap(),
    )
}

/// The PDF attached to a raw message, decoded.
fn attachment(raw: &[u8]) -> (String, Vec<u8>, String) {
    let mail = mailparse::parse_mail(raw).unwrap();
    let to = mail
        .headers
        .iter()
        .find(|h| h.get_key() == "To")
        .unwrap()
        .get_value();
    let body = mail.subparts[0].get_body().unwrap();
    let pdf = mail
        .subparts
        .iter()
        .find(|p| p.ctype.mimetype == "application/pdf")
        .expect("a PDF part")
        .get_body_raw()
        .unwrap();
    (to, pdf, body)
}

async fn client_receives_the_pdf_byte_identical(backend: Backend) {
    let sink = SmtpSink::start(0);
    let Some(app) = try_spawn_app(backend, smtp_env(&sink.url())).await else {
        return;
    };
    let (id, token) = app.submit(&fixture()).await;
    app.eventually(10, "the mail to arrive", || async {
        !sink.messages().is_empty()
    })
    .await;
    let (to, pdf, body) = attachment(&sink.messages()[0]);
    assert!(to.contains("zoe@example.com"), "{to}");
    assert!(
        body.contains("Do not wash or wet your scalp"),
        "aftercare in the body"
    );
    let stored = app
        .consent_pdf(&id, &token)
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    assert_eq!(pdf, stored);
    app.eventually(5, "the queue to say sent", || async {
        mail_row(&app).await.0 == "sent"
    })
    .await;
    // A replay does not queue it twice.
    app.submit(&fixture()).await;
    assert_eq!(app.count_rows("mail_message").await, 1);
    assert_eq!(sink.messages().len(), 1);
}

async fn mail_waits_for_a_server_that_is_down(backend: Backend) {
    let port = unused_port();
    let Some(app) = try_spawn_app(backend, smtp_env(&format!("smtp://127.0.0.1:{port}"))).await
    else {
        return;
    };
    app.submit(&fresh_submission()).await;
    app.eventually(10, "a failed attempt", || async {
        mail_row(&app).await.1 >= 1
    })
    .await;
    let (status, _, error) = mail_row(&app).await;
    assert_eq!(status, "queued", "kept for a retry");
    assert!(error.is_some_and(|e| !e.is_empty()), "the reason is kept");

    let sink = SmtpSink::start(port);
    app.eventually(20, "delivery once the server is up", || async {
        !sink.messages().is_empty()
    })
    .await;
    app.eventually(5, "the queue to say sent", || async {
        mail_row(&app).await.0 == "sent"
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_delivery_sqlite() {
    client_receives_the_pdf_byte_identical(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_delivery_postgres() {
    client_receives_the_pdf_byte_identical(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_down_then_up_sqlite() {
    mail_waits_for_a_server_that_is_down(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_down_then_up_postgres() {
    mail_waits_for_a_server_that_is_down(Backend::Postgres).await;
}

/// No SMTP configured: the message is written to the outbox as an .eml file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_smtp_mail_goes_to_the_outbox() {
    let app = stipple_tests::spawn_app(Backend::Sqlite).await;
    let (id, token) = app.submit(&fixture()).await;
    let outbox = app.data_dir.path().join("outbox");
    app.eventually(10, "an .eml file", || {
        let outbox = outbox.clone();
        async move {
            std::fs::read_dir(&outbox)
                .map(|d| d.count() > 0)
                .unwrap_or(false)
        }
    })
    .await;
    let file = std::fs::read_dir(&outbox)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert_eq!(file.extension().unwrap(), "eml");
    let (_, pdf, _) = attachment(&std::fs::read(file).unwrap());
    assert_eq!(
        pdf,
        app.consent_pdf(&id, &token)
            .await
            .bytes()
            .await
            .unwrap()
            .to_vec()
    );
}

/// No e-mail address, no mail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_address_no_mail() {
    let app = stipple_tests::spawn_app(Backend::Sqlite).await;
    let mut body = fresh_submission();
    body["client"]["email"] = Value::Null;
    body["client"]["preferred_contact"] = "phone".into();
    app.submit(&body).await;
    assert_eq!(app.count_rows("mail_message").await, 0);
}

/// CR/LF in a name or address never reaches a mail header: refused at the door.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn header_injection_is_refused() {
    let app = stipple_tests::spawn_app(Backend::Sqlite).await;
    for (path, value) in [
        ("full_name", "Zoë O'Brien\r\nBcc: victim@example.com"),
        ("email", "zoe@example.com\r\nBcc: victim@example.com"),
    ] {
        let mut body = fresh_submission();
        body["client"][path] = value.into();
        if path == "full_name" {
            body["signature"]["typed_name"] = value.into();
        }
        let res = app.post_submission(&body).await;
        assert_eq!(res.status(), 422, "{path}");
        let errors: Value = res.json().await.unwrap();
        assert!(
            errors["errors"][format!("client.{path}")].is_array(),
            "{path}: {errors}"
        );
    }
}
