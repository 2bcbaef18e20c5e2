use std::process::Command;

use serde_json::{json, Value};
use stipple_tests::{db_test, fixture, fresh_submission, workspace_root, TestApp};

/// Runs a poppler/qpdf tool on PDF bytes and returns its stdout.
fn tool(cmd: &str, args: &[&str], pdf: &[u8]) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("doc.pdf");
    std::fs::write(&file, pdf).unwrap();
    let mut all: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    all.push(file.display().to_string());
    if cmd == "pdftotext" {
        all.push("-".into());
    }
    let out = Command::new(cmd)
        .args(&all)
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e}"));
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn stored_pdf(app: &TestApp, body: &Value) -> (String, String, Vec<u8>) {
    let (id, token) = app.submit(body).await;
    let res = app.consent_pdf(&id, &token).await;
    assert_eq!(res.status(), 200);
    (id, token, res.bytes().await.unwrap().to_vec())
}

db_test!(consent_pdf_holds_the_signed_record, |app| {
    let (id, token, pdf) = stored_pdf(&app, &fixture()).await;
    assert!(pdf.starts_with(b"%PDF"));
    let (ok, check) = tool("qpdf", &["--check"], &pdf);
    assert!(ok, "qpdf --check failed: {check}");

    let (_, text) = tool("pdftotext", &["-layout"], &pdf);
    let flat = collapse(&text);
    assert!(flat.contains("Zoë O'Brien"), "{flat}");
    let template: Value = app
        .get("/api/v1/consent-template")
        .await
        .json()
        .await
        .unwrap();
    for clause in template["clauses"].as_array().unwrap() {
        let (_, raw) = tool("pdftotext", &[], &pdf);
        let plain = collapse(&raw);
        let want = collapse(clause["text"].as_str().unwrap());
        assert!(plain.contains(&want), "clause {} missing", clause["id"]);
    }
    let got: Value = app.own_submission(&id, &token).await;
    let hash = got["canonical_sha256"].as_str().unwrap();
    // Reading order (no -layout): a hash wrapped in its column stays together.
    let (_, raw) = tool("pdftotext", &[], &pdf);
    let no_space: String = raw.split_whitespace().collect();
    assert!(no_space.contains(hash), "the audit trail shows the hash");
    assert!(flat.contains("Audit trail"));
    assert!(flat.contains(&id));
    assert!(flat.contains("127.0.0.1"));
    assert!(flat.contains("default-v1"));
    let (_, info) = tool("pdfinfo", &[], &pdf);
    assert!(
        info.contains("Consent for scalp micropigmentation"),
        "{info}"
    );
    assert!(!info.contains("1970"), "creation date set: {info}");
    let pages: usize = info
        .lines()
        .find(|l| l.starts_with("Pages:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(flat.contains(&format!("Page 1 of {pages}")));
    assert!(flat.contains(&format!("Page {pages} of {pages}")));

    // Pages as pictures, for people to look at.
    if app.backend == stipple_tests::Backend::Sqlite {
        let dir = workspace_root().join("target/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("consent.pdf");
        std::fs::write(&file, &pdf).unwrap();
        let status = Command::new("pdftoppm")
            .args(["-png", "-r", "60"])
            .arg(&file)
            .arg(dir.join("consent-page"))
            .status()
            .unwrap();
        assert!(status.success());
    }
});

db_test!(downloads_are_byte_identical_and_need_the_token, |app| {
    let (id, token, first) = stored_pdf(&app, &fixture()).await;
    let again = app.consent_pdf(&id, &token).await;
    assert_eq!(again.headers()["content-type"], "application/pdf");
    assert!(again.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("inline"));
    assert_eq!(again.bytes().await.unwrap().to_vec(), first);
    // A plain link: a five-minute PDF link, minted with the receipt token.
    let link: serde_json::Value = app
        .api
        .post(app.url(&format!("/api/v1/submissions/{id}/pdf-link")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let res = app
        .get(&format!("{}&download=1", link["url"].as_str().unwrap()))
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    assert_eq!(res.bytes().await.unwrap().to_vec(), first);

    let (_, other_token) = app.submit(&fresh_submission()).await;
    for t in [other_token.as_str(), "nope"] {
        let res = app.consent_pdf(&id, t).await;
        assert_eq!(res.status(), 404);
    }
    assert_eq!(
        app.get(&format!("/api/v1/submissions/{id}/consent.pdf"))
            .await
            .status(),
        404
    );
});

db_test!(verify_tells_an_original_from_an_altered_copy, |app| {
    let (id, _, pdf) = stored_pdf(&app, &fixture()).await;
    let res = app
        .post_raw("/api/v1/verify", "application/pdf", pdf.clone())
        .await;
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["match"], true);
    assert_eq!(v["submission_id"], id.as_str());
    assert!(v["signed_at"].is_string());
    assert_eq!(
        v.as_object().unwrap().len(),
        3,
        "nothing else is revealed: {v}"
    );

    let mut altered = pdf.clone();
    let mid = altered.len() / 2;
    altered[mid] ^= 0x01;
    let v: Value = app
        .post_raw("/api/v1/verify", "application/pdf", altered)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v, json!({"match": false}));
    let res = app.post_raw("/api/v1/verify", "text/plain", pdf).await;
    assert_eq!(res.status(), 415);
});

db_test!(names_in_many_scripts_round_trip_through_the_pdf, |app| {
    for name in [
        "Zoë O'Brien",
        "Łukasz Żółć",
        "Nguyễn Thị Minh Khai",
        "Σοφία",
        "Дмитрий",
    ] {
        let mut body = fresh_submission();
        body["client"]["full_name"] = json!(name);
        body["signature"]["typed_name"] = json!(name);
        let (_, _, pdf) = stored_pdf(&app, &body).await;
        let (_, text) = tool("pdftotext", &[], &pdf);
        assert!(
            collapse(&text).contains(name),
            "{name} not in: {}",
            collapse(&text)
        );
    }
});

db_test!(
    a_script_the_font_lacks_is_stored_and_never_breaks_the_pdf,
    |app| {
        let mut body = fresh_submission();
        body["client"]["full_name"] = json!("山田 太郎");
        body["signature"]["typed_name"] = json!("山田 太郎");
        let (id, token, pdf) = stored_pdf(&app, &body).await;
        let (ok, _) = tool("qpdf", &["--check"], &pdf);
        assert!(ok);
        let (_, text) = tool("pdftotext", &[], &pdf);
        assert!(!text.contains("??"), "never silently '?'");
        assert!(
            text.contains("could not be shown"),
            "the audit page says so"
        );
        let got: Value = app.own_submission(&id, &token).await;
        assert_eq!(
            got["submission"]["client"]["full_name"], "山田 太郎",
            "the record keeps the original"
        );
    }
);

/// `STIPPLE_PAPER=letter` gives US Letter pages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paper_size_follows_the_setting() {
    let env =
        std::collections::HashMap::from([("STIPPLE_PAPER".to_string(), "letter".to_string())]);
    let app = stipple_tests::spawn_app_with(stipple_tests::Backend::Sqlite, env).await;
    let (_, _, pdf) = stored_pdf(&app, &fixture()).await;
    let (_, info) = tool("pdfinfo", &[], &pdf);
    assert!(info.contains("612 x 792"), "{info}");
    let app = stipple_tests::spawn_app(stipple_tests::Backend::Sqlite).await;
    let (_, _, pdf) = stored_pdf(&app, &fixture()).await;
    let (_, info) = tool("pdfinfo", &[], &pdf);
    assert!(info.contains("(A4)"), "{info}");
}

db_test!(
    every_question_reads_the_same_in_the_pdf_and_for_staff,
    |app| {
        use stipple_app::domain::questions;
        let (id, _, pdf) = stored_pdf(&app, &fixture()).await;
        let staff = app.staff("staff").await;
        let detail = staff
            .get_json(&format!("/api/v1/staff/submissions/{id}"))
            .await;
        let labels: Vec<String> = detail["sections"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["rows"].as_array().unwrap().clone())
            .map(|r| r["question"].as_str().unwrap().to_string())
            .collect();
        assert!(labels.len() > 20, "{labels:?}");
        // Who signed heads the document, asked in the same words.
        assert!(labels.iter().any(|l| l == questions::FULL_NAME.label));
        let wording: Vec<&str> = questions::ALL.iter().map(|q| q.label).collect();
        let (_, raw) = tool("pdftotext", &[], &pdf);
        let plain = collapse(&raw);
        for label in &labels {
            // Each scar and transplant is listed under its number.
            let numbered = ["Scar ", "Transplant "].iter().any(|p| {
                label
                    .strip_prefix(p)
                    .is_some_and(|n| n.parse::<u32>().is_ok())
            });
            assert!(
                numbered || wording.contains(&label.as_str()),
                "{label} is not a question's wording"
            );
            assert!(plain.contains(label.as_str()), "{label} is not in the PDF");
        }
    }
);
