//! The staff queue at scale: seeds N submissions (100,000 by default,
//! `QUEUE_ROWS` to change), each with its sealed consent PDF, into a fresh
//! database, then times the first page and a search through the real
//! server, and on SQLite `stipple backup` of the whole. Prints the figures.
//!
//! `cargo bench -p stipple-tests --bench queue` (SQLite), with
//! `QUEUE_BACKEND=postgres` and `TEST_DATABASE_URL` for PostgreSQL.

use std::time::{Duration, Instant};

use chrono::{Duration as Span, Utc};
use sea_orm::{ActiveValue::Set, EntityTrait, TransactionTrait};
use stipple_app::domain::{flags, Submission};
use stipple_server::entities::{
    consent_pdf, consent_template,
    submission::{self, search_text},
};
use stipple_server::vault::at;
use stipple_tests::{fixture, spawn_app, Backend};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let rows: usize = std::env::var("QUEUE_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let backend = match std::env::var("QUEUE_BACKEND").as_deref() {
        Ok("postgres") => Backend::Postgres,
        _ => Backend::Sqlite,
    };
    let app = spawn_app(backend).await;
    let db = app.db().await;
    let template = consent_template::Entity::find()
        .one(&db)
        .await
        .unwrap()
        .expect("the default template is registered at start");
    let base: Submission = serde_json::from_value(fixture()).unwrap();
    let png = vec![0u8; 3000];
    // Rows are written as the server writes them: sealed.
    let vault = app.vault();
    // One real consent PDF, stored again (sealed anew) for every row.
    let (sample, _) = app.submit(&fixture()).await;
    let sample = uuid::Uuid::parse_str(&sample).unwrap();
    let pdf = stipple_server::intake::service::consent_pdf(&db, &vault, sample)
        .await
        .unwrap()
        .unwrap();
    let started = Instant::now();
    let now = Utc::now();
    let received_at = |i: usize| now - Span::seconds((rows - i) as i64 * 30);
    for chunk in 0..rows.div_ceil(500) {
        let txn = db.begin().await.unwrap();
        let mut pdfs = Vec::new();
        let batch: Vec<submission::ActiveModel> = (chunk * 500..((chunk + 1) * 500).min(rows))
            .map(|i| {
                let mut s = base.clone();
                s.id = uuid::Uuid::new_v4();
                s.client.full_name = format!("Client {i:06} Example");
                s.client.email = Some(format!("client{i}@mail.example"));
                s.client.phone = Some(format!("+44 7700 {:06}", i));
                let received = received_at(i);
                let answers =
                    vault.seal_text(at::answers(s.id), &serde_json::to_string(&s).unwrap());
                // (PostgreSQL keeps them out of line: only SQLite's backup
                // is measured with them.)
                if backend == Backend::Sqlite {
                    pdfs.push(consent_pdf::ActiveModel {
                        submission_id: Set(s.id),
                        pdf: Set(vault.seal(at::pdf(s.id), &pdf.pdf)),
                        sha256: Set(pdf.sha256.clone()),
                        created_at: Set(received_at(i)),
                    });
                }
                submission::ActiveModel {
                    id: Set(s.id),
                    status: Set(["new", "in_review", "cleared"][i % 3].into()),
                    client_name: Set(s.client.full_name.clone()),
                    client_email: Set(s.client.email.clone()),
                    client_phone: Set(s.client.phone.clone()),
                    date_of_birth: Set(s.client.date_of_birth),
                    appointment_date: Set(None),
                    answers: Set(answers),
                    template_version: Set(template.version.clone()),
                    template_content: Set(template.content.clone()),
                    signature_png: Set(vault.seal(at::signature(s.id), &png)),
                    signature_strokes: Set(vault.seal_text(at::strokes(s.id), "[]")),
                    received_at: Set(received),
                    client_ip: Set(None),
                    user_agent: Set(None),
                    canonical_sha256: Set("0".repeat(64)),
                    status_changed_at: Set(None),
                    status_changed_by: Set(None),
                    invite_id: Set(None),
                    search_text: Set(search_text(
                        &s.client.full_name,
                        s.client.email.as_deref(),
                        s.client.phone.as_deref(),
                    )),
                    flags: Set(Some(
                        serde_json::to_value(flags(&s, received.date_naive())).unwrap(),
                    )),
                    client_id: Set(None),
                }
            })
            .collect();
        submission::Entity::insert_many(batch)
            .exec_without_returning(&txn)
            .await
            .unwrap();
        if !pdfs.is_empty() {
            consent_pdf::Entity::insert_many(pdfs)
                .exec_without_returning(&txn)
                .await
                .unwrap();
        }
        txn.commit().await.unwrap();
    }
    eprintln!("seeded {rows} submissions in {:.1?}", started.elapsed());

    let staff = app.staff("staff").await;
    let time = |path: String| {
        let staff = &staff;
        async move {
            let mut samples = Vec::new();
            for _ in 0..30 {
                let t = Instant::now();
                let body = staff.get_json(&path).await;
                samples.push(t.elapsed());
                assert!(!body["items"].as_array().unwrap().is_empty(), "{path}");
            }
            median(samples)
        }
    };
    let first = time("/api/v1/staff/submissions".into()).await;
    // A client near the oldest end: the search walks most of the table.
    let search = time(format!(
        "/api/v1/staff/submissions?q=client%20{:06}",
        rows / 10
    ))
    .await;
    let phone = time(format!("/api/v1/staff/submissions?q=7700{:06}", rows / 10)).await;
    let status = time("/api/v1/staff/submissions?status=cleared".into()).await;
    println!("queue_rows={rows} backend={backend:?}");
    println!(
        "queue_first_page_p50_ms={:.2}",
        first.as_secs_f64() * 1000.0
    );
    println!(
        "queue_search_name_p50_ms={:.2}",
        search.as_secs_f64() * 1000.0
    );
    println!(
        "queue_search_phone_p50_ms={:.2}",
        phone.as_secs_f64() * 1000.0
    );
    println!(
        "queue_status_filter_p50_ms={:.2}",
        status.as_secs_f64() * 1000.0
    );
    if backend == Backend::Sqlite {
        let db_file = app.data_dir.path().join("stipple.db");
        let to = app.data_dir.path().join("backup.db");
        let started = Instant::now();
        let bytes = stipple_server::backup::backup(&app.settings(), &to)
            .await
            .unwrap();
        println!("backup_secs={:.2}", started.elapsed().as_secs_f64());
        println!("backup_bytes={bytes}");
        println!(
            "database_bytes={}",
            std::fs::metadata(&db_file).unwrap().len()
        );
        println!("pdf_bytes={}", pdf.pdf.len());
    }
}
