use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use stipple_tests::{db_test, fixture, fresh_submission, TestApp};

const BLANK_PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAMgAAABQCAYAAABcbTqwAAAAVUlEQVR42u3BMQEAAADCoPVPbQo/oAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAvgb6UAABf1SJbgAAAABJRU5ErkJggg==";

/// Posts `body` and returns the 422 field errors.
async fn errors_for(app: &TestApp, body: &Value) -> Value {
    let res = app.post_submission(body).await;
    let status = res.status();
    let json: Value = res.json().await.unwrap();
    assert_eq!(status, 422, "{json}");
    json["errors"].clone()
}

/// Applies `change` to a fresh fixture and expects an error at `path`.
async fn expect_error(app: &TestApp, path: &str, change: impl FnOnce(&mut Value)) {
    let mut body = fresh_submission();
    change(&mut body);
    let errors = errors_for(app, &body).await;
    let messages = errors[path]
        .as_array()
        .unwrap_or_else(|| panic!("no error at {path}: {errors}"));
    assert!(!messages.is_empty() && messages.iter().all(|m| !m.as_str().unwrap().is_empty()));
}

db_test!(consent_template_is_default_v1, |app| {
    let res = app.get("/api/v1/consent-template").await;
    assert_eq!(res.status(), 200);
    let t: Value = res.json().await.unwrap();
    assert_eq!(t["version"], "default-v1");
    assert!(!t["clinic_name"].as_str().unwrap().is_empty());
    let ids: Vec<&str> = t["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    let accepted = fixture()["consent"]["accepted"].clone();
    let fixture_ids: Vec<&str> = accepted
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(ids, fixture_ids);
    for c in t["clauses"].as_array().unwrap() {
        assert!(c["title"].as_str().unwrap().len() > 3);
        assert!(c["text"].as_str().unwrap().len() > 40);
        assert_eq!(c["required"], true);
    }
    assert!(t["aftercare"].as_array().unwrap().len() >= 5);
});

db_test!(fixture_is_accepted_and_replays_are_idempotent, |app| {
    let body = fixture();
    let first = app.post_submission(&body).await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["id"], body["id"]);
    assert_eq!(first["status"], "new");
    let token = first["receipt_token"].as_str().unwrap();
    assert!(token.len() >= 40);

    // Same id, same body: the same answer, nothing duplicated.
    let again = app.post_submission(&body).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.json::<Value>().await.unwrap(), first);
    // Same content with other whitespace is the same submission.
    let pretty = serde_json::to_vec_pretty(&body).unwrap();
    let res = app
        .post_raw(
            "/api/v1/submissions",
            "application/json; charset=utf-8",
            pretty,
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.count_submissions().await, 1);

    // Same id, different body: conflict.
    let mut changed = body.clone();
    changed["goals"]["notes"] = json!("Something else");
    let res = app.post_submission(&changed).await;
    assert_eq!(res.status(), 409);
    assert_eq!(app.count_submissions().await, 1);
});

db_test!(concurrent_replays_store_one_row, |app| {
    let body = fresh_submission();
    let sends = (0..8).map(|_| app.post_submission(&body));
    let statuses: Vec<u16> = futures::future::join_all(sends)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 200),
        "{statuses:?}"
    );
    assert_eq!(app.count_submissions().await, 1);
});

db_test!(client_reads_only_their_own_submission, |app| {
    let body = fixture();
    let created: Value = app.post_submission(&body).await.json().await.unwrap();
    let id = created["id"].as_str().unwrap();
    let token = created["receipt_token"].as_str().unwrap();

    let res = app
        .api
        .get(app.url(&format!("/api/v1/submissions/{id}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let got: Value = res.json().await.unwrap();
    assert_eq!(got["submission"]["client"]["full_name"], "Zoë O'Brien");
    assert_eq!(got["template_version"], "default-v1");
    // The receipt token is long-lived: it opens nothing from a URL.
    let res = app
        .get(&format!("/api/v1/submissions/{id}?token={token}"))
        .await;
    assert_eq!(res.status(), 404);

    // Another client's token, a wrong token, no token, an unknown id: all the same 404.
    let other: Value = app
        .post_submission(&fresh_submission())
        .await
        .json()
        .await
        .unwrap();
    let other_token = other["receipt_token"].as_str().unwrap();
    let unknown = uuid::Uuid::new_v4();
    let cases = [
        (
            format!("/api/v1/submissions/{id}"),
            Some(other_token.to_string()),
        ),
        (format!("/api/v1/submissions/{id}"), Some("x".repeat(43))),
        (format!("/api/v1/submissions/{id}"), None),
        (
            format!("/api/v1/submissions/{unknown}"),
            Some(token.to_string()),
        ),
        (
            "/api/v1/submissions/not-a-uuid".to_string(),
            Some(token.to_string()),
        ),
    ];
    let mut bodies = Vec::new();
    for (path, tok) in cases {
        let mut req = app.api.get(app.url(&path));
        if let Some(t) = tok {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 404, "{path}");
        bodies.push(res.text().await.unwrap());
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "{bodies:?}");
});

db_test!(signing_evidence_is_stored, |app| {
    let body = fixture();
    let res = app
        .api
        .post(app.url("/api/v1/submissions"))
        .header("user-agent", "TestPhone/1.0 (Android)")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let db = app.db().await;
    use sea_orm::{ConnectionTrait, Statement};
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT client_ip, user_agent, canonical_sha256, template_version, client_name FROM submission",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get::<String>("", "client_ip").unwrap(), "127.0.0.1");
    assert_eq!(
        row.try_get::<String>("", "user_agent").unwrap(),
        "TestPhone/1.0 (Android)"
    );
    assert_eq!(
        row.try_get::<String>("", "template_version").unwrap(),
        "default-v1"
    );
    assert_eq!(
        row.try_get::<String>("", "client_name").unwrap(),
        "Zoë O'Brien"
    );
    let stored_hash = row.try_get::<String>("", "canonical_sha256").unwrap();
    assert_eq!(stored_hash.len(), 64);

    // The hash is of the canonical form: the one the client can read back.
    let (id, token) = app.submit(&body).await;
    let got = app.own_submission(&id, &token).await;
    assert_eq!(got["canonical_sha256"], stored_hash);
    let canonical: stipple_app_types::Submission =
        serde_json::from_value(got["submission"].clone()).unwrap();
    assert_eq!(
        hex(&Sha256::digest(canonical.canonical_json())),
        stored_hash
    );
});

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

mod stipple_app_types {
    pub use stipple_app::domain::Submission;
}

db_test!(malformed_bodies_get_clear_4xx, |app| {
    let res = app
        .post_raw(
            "/api/v1/submissions",
            "application/json",
            b"{\"id\": ".to_vec(),
        )
        .await;
    assert_eq!(res.status(), 400);
    let msg = res.json::<Value>().await.unwrap()["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(msg.contains("not valid JSON"), "{msg}");

    let res = app
        .post_raw(
            "/api/v1/submissions",
            "application/json",
            vec![b'"', 0xff, 0xfe, b'"'],
        )
        .await;
    assert_eq!(res.status(), 400);

    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let res = app
        .post_raw("/api/v1/submissions", "application/json", deep.into_bytes())
        .await;
    assert_eq!(res.status(), 400);

    let res = app
        .post_raw(
            "/api/v1/submissions",
            "text/plain",
            serde_json::to_vec(&fixture()).unwrap(),
        )
        .await;
    assert_eq!(res.status(), 415);
    assert!(res.json::<Value>().await.unwrap()["error"]
        .as_str()
        .unwrap()
        .contains("application/json"));

    let huge = vec![b' '; 10 * 1024 * 1024];
    let res = app
        .post_raw("/api/v1/submissions", "application/json", huge)
        .await;
    assert_eq!(res.status(), 413);

    let res = app
        .post_raw("/api/v1/submissions", "application/json", b"[]".to_vec())
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(app.count_submissions().await, 0);
});

db_test!(wrong_shapes_get_422_with_the_json_path, |app| {
    expect_error(&app, "scars[0].kind", |b| {
        b["scars"][0]["kind"] = json!("tattoo")
    })
    .await;
    expect_error(&app, "client.preferred_contact", |b| {
        b["client"]["preferred_contact"] = json!("pigeon")
    })
    .await;
    expect_error(&app, "hair_loss.years", |b| {
        b["hair_loss"]["years"] = json!("six")
    })
    .await;
    expect_error(&app, "comfort.pain_tolerance", |b| {
        b["comfort"]["pain_tolerance"] = json!(-1)
    })
    .await;
    expect_error(&app, "client.full_name", |b| {
        b["client"].as_object_mut().unwrap().remove("full_name");
    })
    .await;
    expect_error(&app, "medical", |b| {
        b.as_object_mut().unwrap().remove("medical");
    })
    .await;
    expect_error(&app, "client.date_of_birth", |b| {
        b["client"]["date_of_birth"] = json!("12/04/1986")
    })
    .await;
});

db_test!(every_rule_reports_its_field, |app| {
    expect_error(&app, "client.email", |b| {
        b["client"]["email"] = json!("zoe@")
    })
    .await;
    expect_error(&app, "client.email", |b| {
        b["client"]["email"] = json!("zoe@example.com\r\nBcc: x@y.z")
    })
    .await;
    expect_error(&app, "client.email", |b| b["client"]["email"] = Value::Null).await;
    expect_error(&app, "client.phone", |b| {
        b["client"]["phone"] = json!("call me")
    })
    .await;
    expect_error(&app, "client.phone", |b| {
        b["client"]["phone"] = Value::Null;
        b["client"]["preferred_contact"] = json!("sms");
    })
    .await;
    expect_error(&app, "client.full_name", |b| {
        b["client"]["full_name"] = json!("   ")
    })
    .await;
    expect_error(&app, "client.full_name", |b| {
        b["client"]["full_name"] = json!("x".repeat(121))
    })
    .await;
    expect_error(&app, "client.date_of_birth", |b| {
        b["client"]["date_of_birth"] = json!("2999-01-01")
    })
    .await;
    expect_error(&app, "client.date_of_birth", |b| {
        b["client"]["date_of_birth"] = json!("1850-01-01")
    })
    .await;
    let minor = (chrono_today_year() - 17).to_string() + "-01-01";
    expect_error(&app, "client.date_of_birth", |b| {
        b["client"]["date_of_birth"] = json!(minor)
    })
    .await;
    expect_error(&app, "hair_loss.norwood_stage", |b| {
        b["hair_loss"]["norwood_stage"] = json!(8)
    })
    .await;
    expect_error(&app, "hair_loss.norwood_stage", |b| {
        b["hair_loss"]["norwood_stage"] = json!(0)
    })
    .await;
    expect_error(&app, "hair_loss.ludwig_stage", |b| {
        b["hair_loss"]["ludwig_stage"] = json!(4)
    })
    .await;
    expect_error(&app, "hair_loss.ludwig_stage", |b| {
        b["hair_loss"]["ludwig_stage"] = json!(2)
    })
    .await;
    expect_error(&app, "hair_loss.years", |b| {
        b["hair_loss"]["years"] = json!(81)
    })
    .await;
    expect_error(&app, "hair_loss.cause_other", |b| {
        b["hair_loss"]["causes"] = json!(["other"])
    })
    .await;
    expect_error(&app, "comfort.pain_tolerance", |b| {
        b["comfort"]["pain_tolerance"] = json!(11)
    })
    .await;
    expect_error(&app, "scars[0].size_cm", |b| {
        b["scars"][0]["size_cm"] = json!(0)
    })
    .await;
    expect_error(&app, "scars[0].size_cm", |b| {
        b["scars"][0]["size_cm"] = json!(41)
    })
    .await;
    expect_error(&app, "scars[0].location", |b| {
        b["scars"][0]["location"] = json!("")
    })
    .await;
    expect_error(&app, "scars", |b| {
        b["scars"] = json!(vec![b["scars"][0].clone(); 21])
    })
    .await;
    expect_error(&app, "transplants[0].grafts", |b| {
        b["transplants"][0]["grafts"] = json!(20000)
    })
    .await;
    expect_error(&app, "transplants[0].year", |b| {
        b["transplants"][0]["year"] = json!(1900)
    })
    .await;
    expect_error(&app, "transplants[0].year", |b| {
        b["transplants"][0]["year"] = json!(chrono_today_year() + 1)
    })
    .await;
    expect_error(&app, "transplants", |b| {
        b["transplants"] = json!(vec![b["transplants"][0].clone(); 11])
    })
    .await;
    expect_error(&app, "medical.allergy_details", |b| {
        b["medical"]["allergy_details"] = Value::Null
    })
    .await;
    expect_error(&app, "medical.skin_condition_other", |b| {
        b["medical"]["skin_conditions"] = json!(["other"])
    })
    .await;
    expect_error(&app, "goals.notes", |b| {
        b["goals"]["notes"] = json!("n".repeat(2001))
    })
    .await;
    expect_error(&app, "consent.accepted.risks", |b| {
        b["consent"]["accepted"]
            .as_array_mut()
            .unwrap()
            .retain(|c| c != "risks");
    })
    .await;
    expect_error(&app, "consent.accepted", |b| {
        b["consent"]["accepted"]
            .as_array_mut()
            .unwrap()
            .push(json!("made_up"));
    })
    .await;
    expect_error(&app, "consent.template_version", |b| {
        b["consent"]["template_version"] = json!("nope-v9")
    })
    .await;
    expect_error(&app, "signature.typed_name", |b| {
        b["signature"]["typed_name"] = json!("Someone Else")
    })
    .await;
    expect_error(&app, "signature.png_base64", |b| {
        b["signature"]["png_base64"] = json!(BLANK_PNG)
    })
    .await;
    expect_error(&app, "signature.png_base64", |b| {
        b["signature"]["png_base64"] = json!("bm90IGEgcG5n")
    })
    .await;
    expect_error(&app, "signature.strokes", |b| {
        b["signature"]["strokes"] = json!([])
    })
    .await;
    assert_eq!(app.count_submissions().await, 0);
});

db_test!(typed_name_ignores_case_accents_and_spaces, |app| {
    let mut body = fresh_submission();
    body["signature"]["typed_name"] = json!("  zoe   O’BRIEN ");
    let res = app.post_submission(&body).await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
});

db_test!(ten_thousand_scars_are_refused_not_crashed, |app| {
    let mut body = fresh_submission();
    body["scars"] = json!(vec![body["scars"][0].clone(); 10_000]);
    let errors = errors_for(&app, &body).await;
    assert!(errors["scars"].is_array(), "{errors}");
});

fn chrono_today_year() -> i64 {
    // Days since the epoch → year, good enough for "this year" in tests.
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    1970 + (secs as f64 / 31_556_952.0) as i64
}

#[test]
fn committed_fixture_matches_the_shared_contract() {
    let shared = stipple_tests::workspace_root().join("../shared/fixtures/intake-v1.json");
    let Ok(contract) = std::fs::read(&shared) else {
        assert!(
            std::env::var("CI").is_err(),
            "shared/fixtures/intake-v1.json is missing in CI"
        );
        return;
    };
    let ours = std::fs::read(stipple_tests::workspace_root().join("tests/fixtures/intake-v1.json"))
        .unwrap();
    assert_eq!(
        ours, contract,
        "tests/fixtures/intake-v1.json drifted from the contract"
    );
}

db_test!(submission_keeps_the_exact_text_it_signed, |app| {
    let res = app.post_submission(&fixture()).await;
    assert_eq!(res.status(), 201);
    let template: Value = app
        .get("/api/v1/consent-template")
        .await
        .json()
        .await
        .unwrap();
    let db = app.db().await;
    use sea_orm::{ConnectionTrait, Statement};
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT template_content FROM submission",
        ))
        .await
        .unwrap()
        .unwrap();
    let stored: Value = match row.try_get::<Value>("", "template_content") {
        Ok(v) => v,
        Err(_) => {
            serde_json::from_str(&row.try_get::<String>("", "template_content").unwrap()).unwrap()
        }
    };
    assert_eq!(stored, template);
});

db_test!(
    a_replay_is_answered_before_date_rules_and_bad_ids_are_refused,
    |app| {
        // Stored yesterday, replayed today when its dates no longer pass the
        // rules (here: an age that is now too young): still the same 200.
        let (id, _) = app.submit(&fixture()).await;
        let mut now_invalid = fixture();
        now_invalid["client"]["date_of_birth"] =
            json!(format!("{}-01-01", chrono_today_year() - 10));
        let bytes = serde_json::to_vec(&now_invalid).unwrap();
        let parsed = stipple_app::domain::parse_submission(&bytes).unwrap();
        let hash = hex(&Sha256::digest(parsed.canonical_json()));
        let db = app.db().await;
        use sea_orm::ConnectionTrait;
        db.execute_unprepared(&format!(
            "UPDATE submission SET canonical_sha256 = '{hash}'"
        ))
        .await
        .unwrap();
        let res = app.post_submission(&now_invalid).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.json::<Value>().await.unwrap()["id"], id.as_str());

        let mut nil = fresh_submission();
        nil["id"] = json!("00000000-0000-0000-0000-000000000000");
        let errors = errors_for(&app, &nil).await;
        assert!(errors["id"].is_array(), "{errors}");

        let mut bad_invite = fresh_submission();
        bad_invite["appointment"]["invite_token"] = json!("abc\u{0}def");
        let errors = errors_for(&app, &bad_invite).await;
        assert!(errors["appointment.invite_token"].is_array(), "{errors}");

        let mut many = fresh_submission();
        many["consent"]["accepted"] =
            json!((0..100_000).map(|i| format!("c{i}")).collect::<Vec<_>>());
        let started = std::time::Instant::now();
        let errors = errors_for(&app, &many).await;
        assert!(errors["consent.accepted"].is_array(), "{errors}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "bounded work"
        );
    }
);
