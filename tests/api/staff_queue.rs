//! The review queue, invites and the audit log, through the staff API.

use sea_orm::{sea_query::Expr, EntityTrait};
use serde_json::{json, Value};
use stipple_app::domain::states::ReviewStatus;
use stipple_server::entities::invite as invite_entity;
use stipple_tests::{db_test, fixture, fresh_submission};

fn codes(flags: &Value) -> Vec<String> {
    flags
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

db_test!(
    the_queue_lists_newest_first_with_flags_and_pages_by_keyset,
    |app| {
        let staff = app.staff("staff").await;
        let mut ids = Vec::new();
        for i in 0..5 {
            let mut s = fresh_submission();
            s["client"]["full_name"] = json!(format!("Client Number{i}"));
            s["signature"]["typed_name"] = json!(format!("Client Number{i}"));
            ids.push(app.submit(&s).await.0);
        }
        let first = staff.get_json("/api/v1/staff/submissions?limit=2").await;
        let items = first["items"].as_array().unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0]["id"], ids[4].as_str());
        assert_eq!(items[0]["status"], "new");
        assert!(items[0]["received_at"].is_string());
        // The fixture is allergic to anaesthetics and asked for numbing cream.
        assert_eq!(codes(&items[0]["flags"]), ["anaesthetic_allergy"]);
        assert_eq!(items[0]["flags"][0]["severity"], "stop");

        let mut seen: Vec<String> = Vec::new();
        let mut after = String::new();
        loop {
            let page = staff
                .get_json(&format!("/api/v1/staff/submissions?limit=2&after={after}"))
                .await;
            seen.extend(
                page["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| i["id"].as_str().unwrap().to_string()),
            );
            match page["next"].as_str() {
                Some(n) => after = n.to_string(),
                None => break,
            }
        }
        let expected: Vec<String> = ids.iter().rev().cloned().collect();
        assert_eq!(seen, expected);

        let bad = staff.get("/api/v1/staff/submissions?after=garbage").await;
        assert_eq!(bad.status(), 400);
        let bad = staff.get("/api/v1/staff/submissions?status=lost").await;
        assert_eq!(bad.status(), 400);
        let bad = staff.get("/api/v1/staff/submissions?limit=lots").await;
        assert_eq!(bad.status(), 400);
        let body: Value = bad.json().await.expect("a JSON error");
        assert!(body["error"].as_str().unwrap().contains("query"), "{body}");
    }
);

db_test!(
    search_finds_by_name_email_or_phone_and_filters_by_status_and_date,
    |app| {
        let staff = app.staff("staff").await;
        let mut s = fresh_submission();
        s["client"]["full_name"] = json!("Yara Ångström");
        s["signature"]["typed_name"] = json!("Yara Ångström");
        s["client"]["email"] = json!("yara@mail.example");
        s["client"]["phone"] = json!("+44 7700 900555");
        let (zoe, _) = app.submit(&s).await;
        app.submit(&fresh_submission()).await;

        for q in [
            "yara",
            "ÅNGSTRÖM",
            "Yara@Mail",
            "7700 900555",
            "+447700900555",
        ] {
            let r = staff
                .get_json(&format!("/api/v1/staff/submissions?q={}", urlencode(q)))
                .await;
            let ids: Vec<&str> = r["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_str().unwrap())
                .collect();
            assert_eq!(ids, [zoe.as_str()], "search {q}");
        }
        // Wildcards are literal.
        let r = staff.get_json("/api/v1/staff/submissions?q=%25").await;
        assert_eq!(r["items"].as_array().unwrap().len(), 0);

        let r = staff
            .get_json("/api/v1/staff/submissions?status=cleared")
            .await;
        assert_eq!(r["items"].as_array().unwrap().len(), 0);
        let r = staff.get_json("/api/v1/staff/submissions?status=new").await;
        assert_eq!(r["items"].as_array().unwrap().len(), 2);
        let r = staff
            .get_json("/api/v1/staff/submissions?from=2000-01-01&to=2000-12-31")
            .await;
        assert_eq!(r["items"].as_array().unwrap().len(), 0);
        let r = staff
            .get_json("/api/v1/staff/submissions?from=2000-01-01")
            .await;
        assert_eq!(r["items"].as_array().unwrap().len(), 2);
        assert_eq!(
            staff
                .get("/api/v1/staff/submissions?from=yesterday")
                .await
                .status(),
            400
        );
    }
);

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

db_test!(
    review_moves_through_statuses_and_a_stop_flag_needs_a_note,
    |app| {
        let staff = app.staff("staff").await;
        let (id, _) = app.submit(&fresh_submission()).await;
        let base = format!("/api/v1/staff/submissions/{id}");

        let detail = staff.get_json(&base).await;
        assert_eq!(
            detail["client"]["full_name"],
            fixture()["client"]["full_name"]
        );
        assert_eq!(codes(&detail["flags"]), ["anaesthetic_allergy"]);
        assert!(detail["flags"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("numbing cream"));
        assert!(detail["sections"].as_array().unwrap().len() >= 5);
        assert!(detail["signature"]["png_data_url"]
            .as_str()
            .unwrap()
            .starts_with("data:image/png;base64,iVBOR"));
        assert_eq!(
            detail["mail"].as_array().unwrap().len(),
            1,
            "the client's copy"
        );

        let res = staff
            .post(&format!("{base}/status"), &json!({"status": "cleared"}))
            .await;
        assert_eq!(res.status(), 409, "new cannot jump to cleared");
        let res = staff
            .post(&format!("{base}/status"), &json!({"status": "in_review"}))
            .await;
        assert_eq!(res.status(), 200);
        let res = staff
            .post(&format!("{base}/status"), &json!({"status": "cleared"}))
            .await;
        assert_eq!(res.status(), 422);
        let body: Value = res.json().await.unwrap();
        assert!(body["errors"]["note"][0]
            .as_str()
            .unwrap()
            .contains("stop flag"));
        let res = staff
            .post(
                &format!("{base}/status"),
                &json!({"status": "cleared", "note": "No numbing cream; patch-tested."}),
            )
            .await;
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["status"], "cleared");
        assert_eq!(body["status_changed_by"], "Test Reviewer");

        let res = staff
            .post(
                &format!("{base}/notes"),
                &json!({"text": "Called to confirm <b>Tuesday</b>."}),
            )
            .await;
        assert_eq!(res.status(), 201);
        let res = staff
            .post(&format!("{base}/notes"), &json!({"text": "   "}))
            .await;
        assert_eq!(res.status(), 422);
        let res = staff
            .post(&format!("{base}/status"), &json!({"status": "archived"}))
            .await;
        assert_eq!(res.status(), 422);

        let detail = staff.get_json(&base).await;
        assert_eq!(detail["status"], "cleared");
        assert!(detail["status_changed_at"].is_string());
        let notes: Vec<&str> = detail["notes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["text"].as_str().unwrap())
            .collect();
        assert_eq!(
            notes,
            [
                "No numbing cream; patch-tested.",
                "Called to confirm <b>Tuesday</b>."
            ]
        );
        assert_eq!(detail["notes"][0]["author"], "Test Reviewer");
        let actions: Vec<&str> = detail["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["action"].as_str().unwrap())
            .collect();
        assert!(actions.contains(&"submission_viewed"));
        assert_eq!(
            actions.iter().filter(|a| **a == "status_changed").count(),
            2
        );
        assert!(actions.contains(&"note_added"));

        let res = staff.get("/api/v1/staff/submissions/not-a-uuid").await;
        assert_eq!(res.status(), 404);
        let res = staff
            .get(&format!(
                "/api/v1/staff/submissions/{}",
                uuid::Uuid::new_v4()
            ))
            .await;
        assert_eq!(res.status(), 404);
    }
);

db_test!(staff_open_download_and_email_the_signed_pdf, |app| {
    let staff = app.staff("staff").await;
    let (id, token) = app.submit(&fresh_submission()).await;
    let client_copy = app.consent_pdf(&id, &token).await.bytes().await.unwrap();
    let res = staff
        .get(&format!("/api/v1/staff/submissions/{id}/consent.pdf"))
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("inline"));
    assert_eq!(res.bytes().await.unwrap(), client_copy);
    let res = staff
        .get(&format!(
            "/api/v1/staff/submissions/{id}/consent.pdf?download=1"
        ))
        .await;
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));

    let res = staff
        .post(&format!("/api/v1/staff/submissions/{id}/email"), &json!({}))
        .await;
    assert_eq!(res.status(), 202);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["to"], fixture()["client"]["email"]);
    assert_eq!(
        app.count_rows("mail_message WHERE kind = 'consent_copy'")
            .await,
        2
    );
    for action in ["pdf_viewed", "pdf_downloaded", "pdf_emailed"] {
        assert_eq!(
            app.count_rows(&format!("audit_log WHERE action = '{action}'"))
                .await,
            1,
            "{action}"
        );
    }
});

db_test!(
    an_admin_erases_a_submission_leaving_only_a_tombstone,
    |app| {
        let admin = app.staff("admin").await;
        // Invited, e-mailed, viewed, noted, e-mailed again: every trace of
        // the client must go.
        let invite = create_invite(&admin, true).await;
        let mut body = fresh_submission();
        body["appointment"]["invite_token"] = json!(token_of(&invite));
        let (id, token) = app.submit(&body).await;
        admin
            .post(
                &format!("/api/v1/staff/submissions/{id}/notes"),
                &json!({"text": "note"}),
            )
            .await;
        admin
            .post(&format!("/api/v1/staff/submissions/{id}/email"), &json!({}))
            .await;
        admin
            .get_json(&format!("/api/v1/staff/submissions/{id}"))
            .await;
        let res = admin
            .delete(&format!("/api/v1/staff/submissions/{id}"))
            .await;
        assert_eq!(res.status(), 204);
        assert_eq!(app.count_submissions().await, 0);
        for table in ["consent_pdf", "submission_note", "mail_message"] {
            assert_eq!(app.count_rows(table).await, 0, "{table}");
        }
        assert_eq!(app.consent_pdf(&id, &token).await.status(), 404);
        // The tombstone: who, when and which hash, but no personal data.
        let audit = admin
            .get_json("/api/v1/staff/audit?action=submission_deleted")
            .await;
        let entry = &audit["items"][0];
        assert_eq!(entry["submission_id"], id.as_str());
        assert!(entry["detail"].as_str().unwrap().contains("sha256"));
        let whole_log = admin.get_json("/api/v1/staff/audit").await.to_string();
        for personal in [
            "O'Brien",
            "Zoë",
            "zoe@example.com",
            "ivy@mail.example",
            "Ivy",
        ] {
            assert!(!whole_log.contains(personal), "{personal} in {whole_log}");
        }
        let invites = admin.get_json("/api/v1/staff/invites").await;
        assert_eq!(invites["items"][0]["client_name"], "(erased)");
        assert!(invites["items"][0]["email"].is_null());
        // The phone cannot bring it back.
        let res = app.post_submission(&body).await;
        assert_eq!(res.status(), 410);
        assert_eq!(
            admin
                .delete(&format!("/api/v1/staff/submissions/{id}"))
                .await
                .status(),
            404
        );
    }
);

db_test!(
    the_csv_export_has_the_filtered_list_and_no_signatures,
    |app| {
        let admin = app.staff("admin").await;
        let mut s = fresh_submission();
        s["client"]["full_name"] = json!("=HYPERLINK(\"x\")");
        s["signature"]["typed_name"] = json!("=HYPERLINK(\"x\")");
        app.submit(&s).await;
        app.submit(&fresh_submission()).await;
        let res = admin.get("/api/v1/staff/export.csv").await;
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        let text = res.text().await.unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[0].starts_with("id,received_at,client_name"));
        assert!(text.contains("stop:anaesthetic_allergy"));
        assert!(text.contains("'=HYPERLINK"), "formulas are defused: {text}");
        assert!(!text.contains("iVBOR") && !text.to_lowercase().contains("png"));
        let filtered = admin
            .get("/api/v1/staff/export.csv?status=cleared")
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(filtered.lines().count(), 1);
        assert_eq!(app.count_rows("audit_log WHERE action = 'export'").await, 2);
    }
);

async fn create_invite(staff: &stipple_tests::staff::StaffClient, send_email: bool) -> Value {
    let res = staff
        .post(
            "/api/v1/staff/invites",
            &json!({
                "client_name": "Ivy Invited",
                "email": "ivy@mail.example",
                "phone": "+44 7700 900777",
                "appointment_at": "2099-03-04T10:30:00Z",
                "send_email": send_email,
            }),
        )
        .await;
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    body
}

fn token_of(invite: &Value) -> String {
    invite["link"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string()
}

db_test!(
    an_invite_prefills_the_intake_and_is_used_up_by_the_submission,
    |app| {
        let staff = app.staff("staff").await;
        let invite = create_invite(&staff, true).await;
        assert_eq!(invite["status"], "emailed");
        let link = invite["link"].as_str().unwrap();
        assert!(
            link.starts_with(&format!("{}/intake/", app.address)),
            "{link}"
        );
        let token = token_of(&invite);
        assert!(token.len() >= 22, "at least 128 bits");
        assert_eq!(
            app.count_rows("mail_message WHERE kind = 'invite'").await,
            1
        );

        let res = app.get(&format!("/api/v1/invites/{token}")).await;
        assert_eq!(res.status(), 200);
        let prefill: Value = res.json().await.unwrap();
        assert_eq!(prefill["client_name"], "Ivy Invited");
        assert_eq!(prefill["appointment_date"], "2099-03-04");
        let list = staff.get_json("/api/v1/staff/invites").await;
        assert_eq!(list["items"][0]["status"], "opened");
        assert!(
            list["items"][0].get("link").is_none(),
            "the link is shown once"
        );

        let mut s = fresh_submission();
        s["appointment"]["invite_token"] = json!(token);
        let (id, _) = app.submit(&s).await;
        let list = staff.get_json("/api/v1/staff/invites").await;
        assert_eq!(list["items"][0]["status"], "submitted");
        assert_eq!(list["items"][0]["submission_id"], id.as_str());
        let detail = staff
            .get_json(&format!("/api/v1/staff/submissions/{id}"))
            .await;
        assert_eq!(detail["appointment_date"], "2099-03-04");
        assert_eq!(detail["appointment"]["invite_id"], invite["id"]);

        // Used up: a second intake cannot take it.
        let res = app.get(&format!("/api/v1/invites/{token}")).await;
        assert_eq!(res.status(), 410);
        let mut again = fresh_submission();
        again["appointment"]["invite_token"] = json!(token);
        let res = app.post_submission(&again).await;
        assert_eq!(res.status(), 422);
        let body: Value = res.json().await.unwrap();
        assert!(body["errors"]["appointment.invite_token"][0]
            .as_str()
            .unwrap()
            .contains("already been used"));
        // A replay of the first is still answered as a replay.
        assert_eq!(app.post_submission(&s).await.status(), 200);
        // Once delivered, the personal link is no longer in the database.
        app.eventually(10, "the invite e-mail to be sent", || async {
            app.count_rows("mail_message WHERE kind = 'invite' AND status = 'sent'")
                .await
                == 1
        })
        .await;
        assert_eq!(
            app.count_rows(&format!("mail_message WHERE body_text LIKE '%{token}%'"))
                .await,
            0
        );
    }
);

db_test!(
    expired_and_unknown_invites_are_refused_with_a_reason,
    |app| {
        let staff = app.staff("staff").await;
        let invite = create_invite(&staff, false).await;
        assert_eq!(invite["status"], "created");
        let token = token_of(&invite);
        let db = app.db().await;
        invite_entity::Entity::update_many()
            .col_expr(
                invite_entity::Column::ExpiresAt,
                Expr::value(chrono::Utc::now() - chrono::Duration::hours(1)),
            )
            .exec(&db)
            .await
            .unwrap();
        let res = app.get(&format!("/api/v1/invites/{token}")).await;
        assert_eq!(res.status(), 410);
        let body: Value = res.json().await.unwrap();
        assert!(body["error"].as_str().unwrap().contains("expired"));
        let mut s = fresh_submission();
        s["appointment"]["invite_token"] = json!(token);
        let res = app.post_submission(&s).await;
        assert_eq!(res.status(), 422);
        assert_eq!(
            staff.get_json("/api/v1/staff/invites").await["items"][0]["status"],
            "expired"
        );

        assert_eq!(
            app.get("/api/v1/invites/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
                .await
                .status(),
            404
        );
        let res = staff
            .post(
                "/api/v1/staff/invites",
                &json!({"client_name": "", "appointment_at": "soon", "send_email": true}),
            )
            .await;
        assert_eq!(res.status(), 422);
        let body: Value = res.json().await.unwrap();
        for field in ["client_name", "email", "appointment_at"] {
            assert!(body["errors"][field].is_array(), "{field}: {body}");
        }
    }
);

db_test!(
    the_audit_log_records_who_did_what_and_admins_filter_it,
    |app| {
        let admin = app.staff("admin").await;
        let (id, _) = app.submit(&fresh_submission()).await;
        admin
            .get_json(&format!("/api/v1/staff/submissions/{id}"))
            .await;
        app.login_raw("nobody@clinic.example", "wrong password!!")
            .await;
        let all = admin.get_json("/api/v1/staff/audit").await;
        let actions: Vec<&str> = all["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, ["login_failed", "submission_viewed", "login"]);
        let viewed = &all["items"][1];
        assert_eq!(viewed["submission_id"], id.as_str());
        assert_eq!(viewed["staff"], "Test Reviewer");
        assert_eq!(viewed["ip"], "127.0.0.1");
        let only = admin
            .get_json(&format!("/api/v1/staff/audit?submission_id={id}"))
            .await;
        assert_eq!(only["items"].as_array().unwrap().len(), 1);
        assert_eq!(
            admin
                .get("/api/v1/staff/audit?action=nonsense")
                .await
                .status(),
            400
        );
    }
);

/// The path from `new` to `target` through the one table of moves.
fn path_to(target: ReviewStatus) -> Vec<ReviewStatus> {
    use ReviewStatus::*;
    match target {
        New => vec![],
        InReview => vec![InReview],
        other => vec![InReview, other],
    }
}

db_test!(every_move_the_page_offers_is_accepted_and_no_other, |app| {
    let staff = app.staff("staff").await;
    for from in ReviewStatus::ALL.iter().copied() {
        for to in ReviewStatus::ALL.iter().copied() {
            let (id, _) = app.submit(&fresh_submission()).await;
            let url = format!("/api/v1/staff/submissions/{id}/status");
            for step in path_to(from) {
                let res = staff
                    .post(&url, &json!({"status": step.as_str(), "note": "checked"}))
                    .await;
                assert_eq!(res.status(), 200, "new → {step:?} on the way to {from:?}");
            }
            let res = staff
                .post(&url, &json!({"status": to.as_str(), "note": "checked"}))
                .await;
            // The staff page draws one button for each of `from.moves()`.
            let offered = from.moves().iter().any(|(next, _)| *next == to);
            let expected = if offered { 200 } else { 409 };
            assert_eq!(res.status(), expected, "{from:?} → {to:?}");
        }
    }
});

db_test!(an_erasure_among_other_writes_waits_its_turn, |app| {
    let admin = app.staff("admin").await;
    let mut ids = Vec::new();
    for _ in 0..6 {
        ids.push(app.submit(&fresh_submission()).await.0);
    }
    let busy = ids.pop().unwrap();
    let notes = (0..20).map(|i| {
        let (admin, busy) = (&admin, &busy);
        async move {
            admin
                .post(
                    &format!("/api/v1/staff/submissions/{busy}/notes"),
                    &json!({"text": format!("note {i}")}),
                )
                .await
                .status()
        }
    });
    let erasures = ids.iter().map(|id| {
        let admin = &admin;
        async move {
            admin
                .delete(&format!("/api/v1/staff/submissions/{id}"))
                .await
                .status()
        }
    });
    let (notes, erasures) = tokio::join!(
        futures::future::join_all(notes),
        futures::future::join_all(erasures)
    );
    assert!(notes.iter().all(|s| s.is_success()), "{notes:?}");
    assert!(erasures.iter().all(|s| *s == 204), "{erasures:?}");
    assert_eq!(app.count_submissions().await, 1);
});
