use std::collections::HashMap;

use serde_json::json;
use stipple_tests::{
    browser, fresh_submission, spawn_app_with,
    staff::{totp_at, totp_now, PASSWORD},
    Backend,
};

use crate::wizard::{click_css, type_css};

/// A reviewer signs in, finds the fixture with its flag, clears it with a
/// note and opens the signed PDF.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reviewer_clears_a_flagged_submission_and_opens_its_pdf() {
    let app = spawn_app_with(
        Backend::Sqlite,
        HashMap::from([("STIPPLE_INSECURE_COOKIES".to_string(), "1".to_string())]),
    )
    .await;
    app.create_staff("dana@clinic.example", "admin").await;
    let (id, _) = app.submit(&fresh_submission()).await;

    let b = browser::launch().await;
    b.client.goto(&app.url("/staff")).await.unwrap();
    // Not signed in: the queue sends us to sign in, and back afterwards.
    b.wait_js("location.pathname === '/staff/login'", "the sign-in page")
        .await;
    b.wait_js(
        "document.documentElement.dataset.hydrated === 'true'",
        "hydration",
    )
    .await;
    type_css(&b, "#email", "dana@clinic.example").await;
    type_css(&b, "#password", "not the password").await;
    click_css(&b, "#sign-in").await;
    b.wait_js(
        "document.getElementById('login-error').textContent.includes('Wrong e-mail or password')",
        "the sign-in error",
    )
    .await;
    // Typing replaces the wrong password.
    type_css(&b, "#password", PASSWORD).await;
    b.screenshot("staff-login").await;
    click_css(&b, "#sign-in").await;

    b.wait_js(
        "location.pathname === '/staff' && document.querySelectorAll('#queue li').length === 1",
        "the queue",
    )
    .await;
    let row = b
        .js("return document.querySelector('#queue li').textContent")
        .await;
    let row = row.as_str().unwrap();
    assert!(row.contains("Zoë O'Brien"), "{row}");
    assert!(row.contains("stop: anaesthetic allergy"), "{row}");
    assert!(row.contains("New"), "{row}");
    b.screenshot("staff-queue").await;

    click_css(&b, "#queue a").await;
    b.wait_js(
        "document.getElementById('flags') !== null",
        "the submission",
    )
    .await;
    assert_eq!(
        b.js("return location.pathname").await.as_str().unwrap(),
        format!("/staff/submissions/{id}")
    );
    let flags = b
        .js("return document.getElementById('flags').textContent")
        .await;
    assert!(flags.as_str().unwrap().contains("numbing cream"), "{flags}");
    b.screenshot("staff-detail").await;

    click_css(&b, "#to-in_review").await;
    b.wait_js(
        "document.getElementById('to-cleared') !== null",
        "the review actions",
    )
    .await;
    click_css(&b, "#to-cleared").await;
    b.wait_js(
        "document.getElementById('action-error').textContent.includes('stop flag')",
        "the note to be asked for",
    )
    .await;
    type_css(
        &b,
        "#status-note",
        "No numbing cream: <img src=x onerror=\"window.pwned=1\">",
    )
    .await;
    click_css(&b, "#to-cleared").await;
    b.wait_js(
        "document.getElementById('status').textContent === 'Cleared'",
        "the cleared status",
    )
    .await;
    // The note is shown as text, never run as markup.
    let note = b
        .js("return document.querySelector('#notes li .note-text').textContent")
        .await;
    assert!(note.as_str().unwrap().contains("<img src=x"), "{note}");
    assert_eq!(
        b.js("return window.pwned === undefined").await,
        serde_json::json!(true)
    );
    assert_eq!(
        b.js("return document.querySelectorAll('#notes img').length")
            .await,
        serde_json::json!(0)
    );
    b.screenshot("staff-cleared").await;

    // The PDF opens with the staff session.
    let href = b
        .js("return document.getElementById('open-pdf').href")
        .await;
    let probe = format!(
        "return fetch('{}').then(r => r.arrayBuffer().then(a => r.status + ' ' + r.headers.get('content-type') + ' ' + String.fromCharCode(...new Uint8Array(a.slice(0, 5))))).catch(e => 'failed ' + e)",
        href.as_str().unwrap()
    );
    let got = b.js(&probe).await;
    assert_eq!(got.as_str().unwrap(), "200 application/pdf %PDF-");
    b.close().await;

    let audit = app
        .count_rows("audit_log WHERE action = 'pdf_viewed'")
        .await;
    assert_eq!(audit, 1);
}

/// The invite link opens the intake with what the clinic already knows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invite_link_opens_a_prefilled_intake() {
    let app = stipple_tests::spawn_app(Backend::Sqlite).await;
    let staff = app.staff("staff").await;
    let res = staff
        .post(
            "/api/v1/staff/invites",
            &serde_json::json!({
                "client_name": "Ivy Invited",
                "email": "ivy@mail.example",
                "appointment_at": "2099-03-04T10:30:00Z",
            }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let invite: serde_json::Value = res.json().await.unwrap();
    let link = invite["link"].as_str().unwrap().to_string();

    let b = browser::launch().await;
    b.client.goto(&link).await.unwrap();
    b.wait_ready().await;
    b.wait_js(
        "document.getElementById('f-client-full_name').value === 'Ivy Invited'",
        "the name from the invite",
    )
    .await;
    let email = b
        .js("return document.getElementById('f-client-email').value")
        .await;
    assert_eq!(email, "ivy@mail.example");
    let notice = b
        .js("return document.getElementById('invite-notice').textContent")
        .await;
    assert!(notice.as_str().unwrap().contains("2099"), "{notice}");
    b.screenshot("intake-invite").await;
    let list = staff.get_json("/api/v1/staff/invites").await;
    assert_eq!(list["items"][0]["status"], "opened");

    // A link that is not ours says so, and the intake still works.
    b.client
        .goto(&app.url("/intake/not-a-real-invite"))
        .await
        .unwrap();
    b.wait_ready().await;
    b.wait_js(
        "(document.getElementById('invite-notice') || {}).textContent?.includes('not valid')",
        "the bad-link notice",
    )
    .await;
    b.close().await;
}

/// An administrator disables a leaver from the team page (the leaver's
/// session stops working at once), then changes their own password on the
/// account page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_disables_a_leaver_and_changes_their_own_password() {
    let app = spawn_app_with(
        Backend::Sqlite,
        HashMap::from([("STIPPLE_INSECURE_COOKIES".to_string(), "1".to_string())]),
    )
    .await;
    app.create_staff("dana@clinic.example", "admin").await;
    app.create_staff("leaver@clinic.example", "staff").await;
    let leaver = app.sign_in("leaver@clinic.example").await;

    let b = browser::launch().await;
    b.client.goto(&app.url("/staff/login")).await.unwrap();
    b.wait_js(
        "document.documentElement.dataset.hydrated === 'true'",
        "hydration",
    )
    .await;
    type_css(&b, "#email", "dana@clinic.example").await;
    type_css(&b, "#password", PASSWORD).await;
    click_css(&b, "#sign-in").await;
    b.wait_js("location.pathname === '/staff'", "the queue")
        .await;

    b.client.goto(&app.url("/staff/team")).await.unwrap();
    b.wait_js(
        "document.querySelectorAll('#team li').length === 2",
        "the team",
    )
    .await;
    b.screenshot("staff-team").await;
    b.js("[...document.querySelectorAll('#team li')].find(li => li.textContent.includes('leaver@')).querySelector('button[aria-label^=\"Disable\"]').click(); return true")
        .await;
    b.wait_js(
        "[...document.querySelectorAll('#team li')].find(li => li.textContent.includes('leaver@'))?.textContent.includes('Disabled')",
        "the leaver disabled",
    )
    .await;
    assert_eq!(leaver.get("/api/v1/staff/me").await.status(), 401);

    b.client.goto(&app.url("/staff/account")).await.unwrap();
    b.wait_js(
        "document.querySelectorAll('#sessions li').length === 1 && document.querySelector('#sessions li').textContent.includes('This browser')",
        "the sessions",
    )
    .await;
    let new = "violet harbour lamp seventeen";
    type_css(&b, "#current-password", PASSWORD).await;
    type_css(&b, "#new-password", "password1234").await;
    click_css(&b, "#change-password").await;
    b.wait_js(
        "document.getElementById('password-error').textContent.includes('too easy to guess')",
        "the reason a weak password is refused",
    )
    .await;
    type_css(&b, "#new-password", new).await;
    click_css(&b, "#change-password").await;
    b.wait_js(
        "document.body.textContent.includes('Password changed')",
        "the change",
    )
    .await;
    b.screenshot("staff-account").await;
    assert_eq!(
        app.login_raw("dana@clinic.example", new).await.status(),
        200
    );
    b.close().await;
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Screenshots at a desktop width too, then back to the phone.
pub async fn desktop_screenshot(b: &browser::Browser, name: &str) {
    b.cdp(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": false}),
    )
    .await;
    b.screenshot(name).await;
    b.cdp(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": browser::PHONE_WIDTH, "height": browser::PHONE_HEIGHT, "deviceScaleFactor": 1, "mobile": true}),
    )
    .await;
}

/// The whole of running a team with two-factor required for everyone: an
/// administrator (signing in with her code) invites a colleague, who joins
/// by the link, is taken to set up two-factor, types the shown key,
/// confirms with a code computed from it, signs out and in again with a
/// code; the administrator disables them and their open session stops.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_colleague_joins_by_invitation_and_signs_in_with_two_factor() {
    let app = spawn_app_with(
        Backend::Sqlite,
        HashMap::from([
            ("STIPPLE_INSECURE_COOKIES".to_string(), "1".to_string()),
            ("STIPPLE_REQUIRE_2FA".to_string(), "all".to_string()),
        ]),
    )
    .await;
    app.create_staff("dana@clinic.example", "admin").await;
    let dana = app.sign_in("dana@clinic.example").await;
    assert_eq!(dana.stage, "enrol");
    let setup: serde_json::Value = dana
        .post("/api/v1/staff/two-factor/setup", &json!({}))
        .await
        .json()
        .await
        .unwrap();
    let dana_secret = setup["secret"].as_str().unwrap().to_string();
    let res = dana
        .post(
            "/api/v1/staff/two-factor/confirm",
            &json!({"code": totp_now(&dana_secret)}),
        )
        .await;
    assert_eq!(res.status(), 200);

    // The administrator: password, then the code.
    let admin = browser::launch().await;
    admin.client.goto(&app.url("/staff/login")).await.unwrap();
    admin
        .wait_js(
            "document.documentElement.dataset.hydrated === 'true'",
            "hydration",
        )
        .await;
    type_css(&admin, "#email", "dana@clinic.example").await;
    type_css(&admin, "#password", PASSWORD).await;
    click_css(&admin, "#sign-in").await;
    admin
        .wait_js("document.getElementById('code') !== null", "the code field")
        .await;
    admin.screenshot("staff-login-code").await;
    // The enrolment spent this step's code: the next one is within the drift.
    type_css(&admin, "#code", &totp_at(&dana_secret, unix_now() + 30)).await;
    click_css(&admin, "#sign-in").await;
    admin
        .wait_js("location.pathname === '/staff'", "the queue")
        .await;

    admin.client.goto(&app.url("/staff/team")).await.unwrap();
    admin
        .wait_js(
            "document.getElementById('colleague-email') !== null",
            "the invite form",
        )
        .await;
    type_css(&admin, "#colleague-email", "noor@clinic.example").await;
    type_css(&admin, "#colleague-name", "Noor Haddad").await;
    click_css(&admin, "#invite-colleague").await;
    let link = admin
        .wait_js(
            "document.getElementById('colleague-link')?.value",
            "the invitation link",
        )
        .await;
    let link = link.as_str().unwrap().to_string();
    assert!(link.contains("/staff/join#"), "{link}");
    admin
        .wait_js(
            "[...document.querySelectorAll('#team li')].some(li => li.textContent.includes('noor@') && li.textContent.includes('Invited'))",
            "the colleague listed as invited",
        )
        .await;
    admin.screenshot("staff-team-invited").await;
    desktop_screenshot(&admin, "staff-team-desktop").await;

    // The colleague, on their own browser.
    let noor = browser::launch().await;
    noor.client.goto(&link).await.unwrap();
    noor.wait_js(
        "document.getElementById('join-welcome')?.textContent.includes('Noor Haddad')",
        "the welcome",
    )
    .await;
    assert_eq!(
        noor.js("return location.hash").await,
        "",
        "the token is taken out of the address bar"
    );
    noor.screenshot("staff-join").await;
    let password = "saffron lighthouse pebble ninety";
    type_css(&noor, "#new-password", password).await;
    type_css(&noor, "#new-password-again", password).await;
    click_css(&noor, "#set-password").await;
    noor.wait_js(
        "document.getElementById('go-sign-in') !== null",
        "the password set",
    )
    .await;
    click_css(&noor, "#go-sign-in").await;
    noor.wait_js(
        "location.pathname === '/staff/login' && document.documentElement.dataset.hydrated === 'true'",
        "the sign-in page",
    )
    .await;
    type_css(&noor, "#email", "noor@clinic.example").await;
    type_css(&noor, "#password", password).await;
    click_css(&noor, "#sign-in").await;
    // Required for everyone: straight to setting it up, nothing else first.
    noor.wait_js(
        "location.pathname === '/staff/account' && document.getElementById('start-two-factor') !== null",
        "the two-factor set-up",
    )
    .await;
    assert_eq!(
        noor.js("return document.querySelectorAll('nav a').length")
            .await,
        1,
        "only the account page is offered"
    );
    click_css(&noor, "#start-two-factor").await;
    let secret = noor
        .wait_js(
            "document.querySelector('.qr svg') && document.getElementById('totp-secret')?.textContent",
            "the QR code and the key",
        )
        .await;
    let secret = secret.as_str().unwrap().to_string();
    noor.screenshot("staff-two-factor-setup").await;
    desktop_screenshot(&noor, "staff-two-factor-setup-desktop").await;
    type_css(&noor, "#enrol-code", "000000").await;
    click_css(&noor, "#confirm-two-factor").await;
    noor.wait_js(
        "document.getElementById('two-factor-error').textContent.includes('not the code')",
        "a wrong code said next to the field",
    )
    .await;
    type_css(&noor, "#enrol-code", &totp_now(&secret)).await;
    click_css(&noor, "#confirm-two-factor").await;
    noor.wait_js(
        "document.querySelectorAll('#recovery-codes li').length === 10",
        "ten recovery codes",
    )
    .await;
    noor.screenshot("staff-recovery-codes").await;
    click_css(&noor, "#codes-saved").await;
    noor.wait_js(
        "location.pathname === '/staff' && document.querySelector('main').dataset.ready === 'true'",
        "the queue",
    )
    .await;

    // Out and in again, with a code.
    click_css(&noor, "#sign-out").await;
    noor.wait_js(
        "location.pathname === '/staff/login' && document.documentElement.dataset.hydrated === 'true'",
        "signed out",
    )
    .await;
    type_css(&noor, "#email", "noor@clinic.example").await;
    type_css(&noor, "#password", password).await;
    click_css(&noor, "#sign-in").await;
    noor.wait_js("document.getElementById('code') !== null", "the code field")
        .await;
    type_css(&noor, "#code", &totp_at(&secret, unix_now() + 30)).await;
    click_css(&noor, "#sign-in").await;
    noor.wait_js("location.pathname === '/staff'", "signed in with the code")
        .await;

    // The administrator disables them: their open session stops at once.
    admin.client.goto(&app.url("/staff/team")).await.unwrap();
    admin
        .wait_js(
            "[...document.querySelectorAll('#team li')].some(li => li.textContent.includes('noor@') && li.textContent.includes('two-factor on'))",
            "the colleague with two-factor on",
        )
        .await;
    admin
        .js("[...document.querySelectorAll('#team li')].find(li => li.textContent.includes('noor@')).querySelector('button[aria-label^=\"Disable\"]').click(); return true")
        .await;
    admin
        .wait_js(
            "[...document.querySelectorAll('#team li')].find(li => li.textContent.includes('noor@'))?.textContent.includes('Disabled')",
            "the colleague disabled",
        )
        .await;
    let status = noor
        .js("return fetch('/api/v1/staff/me').then(r => r.status)")
        .await;
    assert_eq!(status, 401);
    noor.client.goto(&app.url("/staff")).await.unwrap();
    noor.wait_js("location.pathname === '/staff/login'", "back to sign-in")
        .await;
    admin.close().await;
    noor.close().await;
}
