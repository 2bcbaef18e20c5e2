//! Time to render the signed consent PDF for the v1 fixture (criterion).
//! The same stand-in evidence as the ReportLab peer in `benches/peers/`,
//! so both build the same document. Beside it, what sealing health data at
//! rest adds: sealing what one submission stores (answers, signature image
//! and strokes, PDF), and opening a consent PDF to serve it.

use std::collections::HashMap;

use chrono::{TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use stipple_app::domain::Submission;
use stipple_server::{
    config::Settings,
    consent::default_template,
    consent_pdf,
    intake::{consent_doc::pdf_input, service::Evidence},
};

fn fixture_input() -> consent_pdf::ConsentPdfInput {
    let text = include_str!("../../tests/fixtures/intake-v1.json");
    let submission: Submission = serde_json::from_str(text).expect("the fixture parses");
    let template = default_template();
    let evidence = Evidence {
        received_at: Utc.with_ymd_and_hms(2026, 11, 20, 14, 3, 12).unwrap(),
        client_ip: Some("203.0.113.7".into()),
        address: None,
        user_agent: Some(PEER_USER_AGENT.into()),
    };
    let png = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD
            .decode(
                submission
                    .signature
                    .png_base64
                    .trim_start_matches("data:image/png;base64,"),
            )
            .expect("the fixture's signature is base64")
    };
    let settings = Settings::from_vars(&HashMap::new()).expect("default settings");
    pdf_input(
        &submission,
        &template,
        &evidence,
        png,
        &"0".repeat(64),
        &settings,
    )
}

const PEER_USER_AGENT: &str =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)";

fn bench(c: &mut Criterion) {
    let input = fixture_input();
    // Fonts are parsed once per thread; the first render pays for that.
    consent_pdf::render(&input).expect("renders");
    c.bench_function("consent_pdf_fixture", |b| {
        b.iter(|| consent_pdf::render(std::hint::black_box(&input)).expect("renders"))
    });
}

fn sealing(c: &mut Criterion) {
    use stipple_server::vault::{at, KeySource, Vault};
    let input = fixture_input();
    let pdf = consent_pdf::render(&input).expect("renders");
    let text = include_str!("../../tests/fixtures/intake-v1.json");
    let submission: Submission = serde_json::from_str(text).expect("the fixture parses");
    let answers = serde_json::to_string(&submission).unwrap();
    let strokes = serde_json::to_string(&submission.signature.strokes).unwrap();
    let png = input.signature_png.clone();
    let key = format!("{}\n", "ab".repeat(32));
    let (vault, _) = Vault::load(KeySource::Value(&key), false).expect("a key");
    let id = submission.id;
    c.bench_function("seal_submission", |b| {
        b.iter(|| {
            (
                vault.seal_text(at::answers(id), &answers),
                vault.seal_text(at::strokes(id), &strokes),
                vault.seal(at::signature(id), &png),
                vault.seal(at::pdf(id), &pdf),
            )
        })
    });
    let sealed = vault.seal(at::pdf(id), &pdf);
    c.bench_function("open_pdf", |b| {
        b.iter(|| {
            vault
                .open(at::pdf(id), std::hint::black_box(&sealed))
                .unwrap()
        })
    });
}

criterion_group!(benches, bench, sealing);
criterion_main!(benches);
