//! An administrator connects a booking system on the Integrations page: a
//! token that books an invite, a webhook endpoint whose signed message
//! arrives, and the delivery log, at phone and desktop widths.

use std::collections::HashMap;

use chrono::{Duration, Utc};
use serde_json::json;
use stipple_tests::{
    browser, fresh_submission, receiver::Receiver, spawn_app_with, staff::PASSWORD, Backend,
};

use crate::{
    staff::desktop_screenshot,
    wizard::{click_css, type_css},
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_connects_a_booking_system() {
    let app = spawn_app_with(
        Backend::Sqlite,
        HashMap::from([
            ("STIPPLE_INSECURE_COOKIES".to_string(), "1".to_string()),
            (
                "STIPPLE_WEBHOOK_ALLOW_LOOPBACK".to_string(),
                "1".to_string(),
            ),
        ]),
    )
    .await;
    app.create_staff("ines@clinic.example", "admin").await;
    let receiver = Receiver::start().await;

    let b = browser::launch().await;
    b.client.goto(&app.url("/staff/login")).await.unwrap();
    b.wait_js(
        "document.documentElement.dataset.hydrated === 'true'",
        "hydration",
    )
    .await;
    type_css(&b, "#email", "ines@clinic.example").await;
    type_css(&b, "#password", PASSWORD).await;
    click_css(&b, "#sign-in").await;
    b.wait_js("location.pathname === '/staff'", "the queue")
        .await;
    b.client
        .goto(&app.url("/staff/integrations"))
        .await
        .unwrap();
    b.wait_js(
        "document.documentElement.dataset.hydrated === 'true'",
        "hydration",
    )
    .await;
    b.wait_js(
        "document.getElementById('create-token') !== null",
        "the page",
    )
    .await;

    // A token: refused without a name, then made and shown once.
    click_css(&b, "#create-token").await;
    b.wait_js(
        "document.getElementById('token-error').textContent.includes('Name the token')",
        "the error next to the form",
    )
    .await;
    type_css(&b, "#token-name", "Booking system").await;
    click_css(&b, "#create-token").await;
    let token = b
        .wait_js(
            "(document.getElementById('token-secret') || {value: ''}).value.startsWith('stp_') && document.getElementById('token-secret').value",
            "the new token",
        )
        .await;
    let token = token.as_str().unwrap().to_string();
    b.wait_js(
        "document.getElementById('tokens').textContent.includes('Booking system')",
        "the token listed",
    )
    .await;
    // The booking system books with it.
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/invites"))
        .bearer_auth(&token)
        .json(
            &json!({"client_name": "Booked Online", "phone": "+44 7700 900456",
                      "appointment_at": (Utc::now() + Duration::days(1)).to_rfc3339()}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);

    // A webhook endpoint, then an intake: the signed message arrives.
    type_css(&b, "#hook-url", &receiver.url("/stipple")).await;
    type_css(&b, "#hook-description", "Front desk system").await;
    click_css(&b, "#create-hook").await;
    let secret = b
        .wait_js(
            "(document.getElementById('hook-secret') || {value: ''}).value.startsWith('whsec_') && document.getElementById('hook-secret').value",
            "the signing secret",
        )
        .await;
    let secret = secret.as_str().unwrap().to_string();
    b.screenshot("staff-integrations").await;
    let (id, _) = app.submit(&fresh_submission()).await;
    app.eventually(15, "the webhook arrives", || async {
        !receiver.received().is_empty()
    })
    .await;
    let got = &receiver.received()[0];
    standardwebhooks::Webhook::new(&secret)
        .unwrap()
        .verify(&got.body, &got.headers)
        .expect("signed as the specification says");
    assert!(String::from_utf8_lossy(&got.body).contains(&id));

    // The delivery log shows it delivered.
    b.client.refresh().await.unwrap();
    b.wait_js(
        "document.documentElement.dataset.hydrated === 'true'",
        "hydration",
    )
    .await;
    b.wait_js(
        "document.querySelector('#hooks li button') !== null",
        "the endpoint",
    )
    .await;
    click_css(&b, "#hooks li button").await;
    b.wait_js(
        "document.querySelector('#hooks ul.audit').textContent.includes('Delivered after 1 attempt')",
        "the delivery log",
    )
    .await;
    let width = b.js("return document.documentElement.scrollWidth").await;
    assert!(
        width.as_f64().unwrap() <= 390.0,
        "no sideways scrolling on a phone: {width}"
    );
    b.screenshot("staff-integrations-log").await;
    desktop_screenshot(&b, "staff-integrations-desktop").await;
    b.close().await;
}
