//! Health data at rest: every free-text health answer, the signature, the
//! PDF, notes and queued mail are sealed with the data key, so nothing a
//! client wrote is in clear in any file (SQLite, its WAL, the outbox) or any
//! column (PostgreSQL); rows stored before sealing are sealed at start.

use std::collections::HashMap;

use sea_orm::{sea_query::Expr, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement};
use serde_json::{json, Value};
use stipple_server::{
    entities::{consent_pdf, data_key, mail_message, submission, submission_note},
    vault::{at, is_sealed, is_sealed_text},
};
use stipple_tests::{db_test, fresh_submission, staff::StaffClient, Backend, TestApp};

/// The fixture with `marker` in every free-text health answer.
fn marked(marker: &str) -> Value {
    let mut s = fresh_submission();
    s["hair_loss"]["cause_other"] = json!(format!("{marker} cause"));
    s["scars"][0]["location"] = json!(format!("{marker} scar"));
    s["medical"]["allergy_details"] = json!(format!("{marker} allergy"));
    s["medical"]["skin_condition_other"] = json!(format!("{marker} skin"));
    s["medical"]["medications"] = json!(format!("{marker} medicine"));
    s["goals"]["notes"] = json!(format!("{marker} goals"));
    s
}

/// Where `marker` is in clear: files below the data directory on SQLite,
/// every text, JSON and byte column on PostgreSQL.
async fn found_in_clear(app: &TestApp, marker: &str) -> Vec<String> {
    let mut found = Vec::new();
    match app.backend {
        Backend::Sqlite => {
            let mut dirs = vec![app.data_dir.path().to_path_buf()];
            while let Some(dir) = dirs.pop() {
                for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                    let path = entry.path();
                    if path.is_dir() {
                        dirs.push(path);
                    } else {
                        let bytes = std::fs::read(&path).unwrap();
                        if bytes.windows(marker.len()).any(|w| w == marker.as_bytes()) {
                            found.push(path.display().to_string());
                        }
                    }
                }
            }
        }
        Backend::Postgres => {
            let db = app.db().await;
            let columns = db
                .query_all_raw(Statement::from_string(
                    db.get_database_backend(),
                    "SELECT table_name::text AS t, column_name::text AS c, data_type::text AS d \
                     FROM information_schema.columns WHERE table_schema = 'public' \
                     AND data_type IN ('text', 'character varying', 'bytea', 'json', 'jsonb')",
                ))
                .await
                .unwrap();
            assert!(columns.len() > 20, "the columns were listed");
            for row in columns {
                let t: String = row.try_get("", "t").unwrap();
                let c: String = row.try_get("", "c").unwrap();
                let d: String = row.try_get("", "d").unwrap();
                let test = if d == "bytea" {
                    format!("position(convert_to('{marker}', 'UTF8') in \"{c}\") > 0")
                } else {
                    format!("strpos(\"{c}\"::text, '{marker}') > 0")
                };
                let hit = db
                    .query_one_raw(Statement::from_string(
                        db.get_database_backend(),
                        format!("SELECT COUNT(*) AS n FROM \"{t}\" WHERE {test}"),
                    ))
                    .await
                    .unwrap()
                    .unwrap();
                let n: i64 = hit.try_get("", "n").unwrap();
                if n > 0 {
                    found.push(format!("{t}.{c}"));
                }
            }
        }
    }
    found
}

db_test!(no_free_text_health_answer_is_stored_in_clear, |app| {
    let marker = format!("mk{}", uuid::Uuid::new_v4().simple());
    let (id, _) = app.submit(&marked(&marker)).await;
    let staff = app.staff("staff").await;
    let res = staff
        .post(
            &format!("/api/v1/staff/submissions/{id}/notes"),
            &json!({"text": format!("{marker} note")}),
        )
        .await;
    assert_eq!(res.status(), 201);
    // The client's copy is delivered (to the outbox here) before looking.
    app.eventually(10, "the copy sent", || async {
        app.count_rows("mail_message WHERE status = 'sent'").await == 1
    })
    .await;
    // Everything shown to staff still reads back whole.
    let detail = staff
        .get_json(&format!("/api/v1/staff/submissions/{id}"))
        .await
        .to_string();
    for part in ["scar", "allergy", "medicine", "goals", "note"] {
        assert!(
            detail.contains(&format!("{marker} {part}")),
            "{part} in {detail}"
        );
    }
    assert_eq!(found_in_clear(&app, &marker).await, Vec::<String>::new());
});

db_test!(rows_stored_before_sealing_are_sealed_at_start, |app| {
    let (id, _) = app.submit(&fresh_submission()).await;
    let id = uuid::Uuid::parse_str(&id).unwrap();
    let staff = app.staff("staff").await;
    staff
        .post(
            &format!("/api/v1/staff/submissions/{id}/notes"),
            &json!({"text": "Bring the patch-test result"}),
        )
        .await;
    let pdf_before = staff
        .get(&format!("/api/v1/staff/submissions/{id}/consent.pdf"))
        .await
        .bytes()
        .await
        .unwrap();
    // Put the rows back as the previous version stored them: in clear, and
    // no data key recorded.
    let vault = app.vault();
    let db = app.db().await;
    let row = submission::Entity::find_by_id(id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let answers = vault.open_text(at::answers(id), &row.answers).unwrap();
    submission::Entity::update_many()
        .col_expr(submission::Column::Answers, Expr::value(answers.clone()))
        .col_expr(
            submission::Column::SignaturePng,
            Expr::value(vault.open(at::signature(id), &row.signature_png).unwrap()),
        )
        .col_expr(
            submission::Column::SignatureStrokes,
            Expr::value(
                vault
                    .open_text(at::strokes(id), &row.signature_strokes)
                    .unwrap(),
            ),
        )
        .filter(submission::Column::Id.eq(id))
        .exec(&db)
        .await
        .unwrap();
    let pdf = consent_pdf::Entity::find_by_id(id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    consent_pdf::Entity::update_many()
        .col_expr(
            consent_pdf::Column::Pdf,
            Expr::value(vault.open(at::pdf(id), &pdf.pdf).unwrap()),
        )
        .exec(&db)
        .await
        .unwrap();
    for n in submission_note::Entity::find().all(&db).await.unwrap() {
        submission_note::Entity::update_many()
            .col_expr(
                submission_note::Column::Text,
                Expr::value(vault.open_text(at::note(n.id), &n.text).unwrap()),
            )
            .filter(submission_note::Column::Id.eq(n.id))
            .exec(&db)
            .await
            .unwrap();
    }
    for m in mail_message::Entity::find().all(&db).await.unwrap() {
        mail_message::Entity::update_many()
            .col_expr(
                mail_message::Column::BodyText,
                Expr::value(vault.open_text(at::mail_body(m.id), &m.body_text).unwrap()),
            )
            .filter(mail_message::Column::Id.eq(m.id))
            .exec(&db)
            .await
            .unwrap();
    }
    data_key::Entity::delete_many().exec(&db).await.unwrap();

    // A server starting on that database seals every row...
    let port = app.another_server(HashMap::new()).await;
    let row = submission::Entity::find_by_id(id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert!(is_sealed_text(&row.answers) && is_sealed_text(&row.signature_strokes));
    assert!(is_sealed(&row.signature_png));
    assert_eq!(
        vault.open_text(at::answers(id), &row.answers).unwrap(),
        answers
    );
    let pdf = consent_pdf::Entity::find_by_id(id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert!(is_sealed(&pdf.pdf));
    for n in submission_note::Entity::find().all(&db).await.unwrap() {
        assert!(is_sealed_text(&n.text));
    }
    for m in mail_message::Entity::find().all(&db).await.unwrap() {
        assert!(is_sealed_text(&m.body_text));
    }
    // ...and serves them as before.
    let there = StaffClient {
        base: format!("http://127.0.0.1:{port}"),
        http: staff.http.clone(),
        cookie: staff.cookie.clone(),
        csrf: staff.csrf.clone(),
        set_cookie: staff.set_cookie.clone(),
        stage: staff.stage.clone(),
    };
    let detail = there
        .get_json(&format!("/api/v1/staff/submissions/{id}"))
        .await
        .to_string();
    assert!(detail.contains("finasteride"), "{detail}");
    assert!(detail.contains("Bring the patch-test result"), "{detail}");
    let pdf_after = there
        .get(&format!("/api/v1/staff/submissions/{id}/consent.pdf"))
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(pdf_before, pdf_after);
});

db_test!(a_sealed_value_moved_to_another_row_does_not_open, |app| {
    let (a, _) = app.submit(&fresh_submission()).await;
    let (b, _) = app.submit(&fresh_submission()).await;
    let (a, b) = (
        uuid::Uuid::parse_str(&a).unwrap(),
        uuid::Uuid::parse_str(&b).unwrap(),
    );
    let db = app.db().await;
    let row_a = submission::Entity::find_by_id(a)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    // Someone with write access to the database swaps B's answers for A's.
    submission::Entity::update_many()
        .col_expr(submission::Column::Answers, Expr::value(row_a.answers))
        .filter(submission::Column::Id.eq(b))
        .exec(&db)
        .await
        .unwrap();
    let staff = app.staff("staff").await;
    assert_eq!(
        staff
            .get(&format!("/api/v1/staff/submissions/{b}"))
            .await
            .status(),
        500
    );
    assert_eq!(
        staff
            .get(&format!("/api/v1/staff/submissions/{a}"))
            .await
            .status(),
        200
    );
});

db_test!(an_erased_submission_is_gone_from_every_file, |app| {
    // In the name and e-mail too, which are kept in clear for the search.
    let marker = format!("er{}", uuid::Uuid::new_v4().simple());
    let mut s = marked(&marker);
    s["client"]["full_name"] = json!(format!("Zoë {marker}"));
    s["signature"]["typed_name"] = json!(format!("Zoë {marker}"));
    s["client"]["email"] = json!(format!("{marker}@example.com"));
    let (id, _) = app.submit(&s).await;
    let staff = app.staff("staff").await;
    staff
        .post(
            &format!("/api/v1/staff/submissions/{id}/notes"),
            &json!({"text": format!("{marker} note")}),
        )
        .await;
    app.eventually(10, "the copy sent", || async {
        app.count_rows("mail_message WHERE status = 'sent'").await == 1
    })
    .await;
    assert!(
        !found_in_clear(&app, &marker).await.is_empty(),
        "the name is searchable before"
    );
    let admin = app.staff("admin").await;
    assert_eq!(
        admin
            .delete(&format!("/api/v1/staff/submissions/{id}"))
            .await
            .status(),
        204
    );
    assert_eq!(found_in_clear(&app, &marker).await, Vec::<String>::new());
});

/// The id of the key a sealed value (bytes, or `sv1:` text) was sealed with.
fn key_of(sealed: &[u8]) -> String {
    let bytes = match sealed.strip_prefix(b"sv1:") {
        Some(b64) => {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD_NO_PAD
                .decode(b64)
                .unwrap()
        }
        None => sealed.to_vec(),
    };
    assert!(is_sealed(&bytes), "sealed");
    hex::encode(&bytes[3..7])
}

/// Every sealed value's key id, column by column.
async fn sealing_keys(app: &TestApp) -> Vec<(String, String)> {
    let db = app.db().await;
    let mut keys = Vec::new();
    for row in submission::Entity::find().all(&db).await.unwrap() {
        keys.push(("answers".into(), key_of(row.answers.as_bytes())));
        keys.push(("strokes".into(), key_of(row.signature_strokes.as_bytes())));
        keys.push(("png".into(), key_of(&row.signature_png)));
    }
    for row in consent_pdf::Entity::find().all(&db).await.unwrap() {
        keys.push(("pdf".into(), key_of(&row.pdf)));
    }
    for row in submission_note::Entity::find().all(&db).await.unwrap() {
        keys.push(("note".into(), key_of(row.text.as_bytes())));
    }
    for row in mail_message::Entity::find().all(&db).await.unwrap() {
        keys.push(("mail".into(), key_of(row.body_text.as_bytes())));
    }
    keys
}

db_test!(
    rotating_the_key_while_serving_seals_everything_again,
    |app| {
        let (id, token) = app.submit(&marked("rotate")).await;
        let staff = app.staff("staff").await;
        staff
            .post(
                &format!("/api/v1/staff/submissions/{id}/notes"),
                &json!({"text": "before the rotation"}),
            )
            .await;
        let key_file = app.key_dir.path().join("data.key");
        let old_file = std::fs::read_to_string(&key_file).unwrap();
        let old_key = app.vault().key_id();
        let before = sealing_keys(&app).await;
        assert!(before.len() >= 6 && before.iter().all(|(_, k)| *k == old_key));

        let done = stipple_server::vault::rotate::rotate(
            &app.db().await,
            stipple_server::vault::KeySource::File(&key_file),
        )
        .await
        .unwrap();
        assert_ne!(done.key_id, old_key);
        assert_eq!(
            done.resealed as usize,
            before.len() - 2,
            "3 submission columns count once"
        );
        let lines: Vec<String> = std::fs::read_to_string(&key_file)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
        assert_eq!(lines.len(), 2, "the older key stays");
        assert_eq!(lines[1], old_file.trim());
        assert_eq!(app.vault().key_id(), done.key_id);
        let after = sealing_keys(&app).await;
        assert!(after.iter().all(|(_, k)| *k == done.key_id), "{after:?}");
        assert_eq!(app.count_rows("data_key").await, 2);

        // The running server reads what the rotation sealed, and seals new
        // records with the new key.
        let detail = staff
            .get_json(&format!("/api/v1/staff/submissions/{id}"))
            .await;
        assert_eq!(detail["notes"][0]["text"], "before the rotation");
        assert_eq!(app.consent_pdf(&id, &token).await.status(), 200);
        app.submit(&fresh_submission()).await;
        assert!(sealing_keys(&app)
            .await
            .iter()
            .all(|(_, k)| *k == done.key_id));
        // Again: nothing left to seal.
        let again = stipple_server::vault::rotate::reseal_all(&app.db().await, &app.vault())
            .await
            .unwrap();
        assert_eq!(again, 0);

        // The key file from before the rotation no longer starts a server.
        let stale = app.key_dir.path().join("before.key");
        std::fs::write(&stale, &old_file).unwrap();
        let err = stipple_server::vault::open_for(
            &app.db().await,
            stipple_server::vault::KeySource::File(&stale),
        )
        .await
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("rotate-key") && err.contains("STIPPLE_DATA_KEY_FILE"),
            "{err}"
        );
    }
);
