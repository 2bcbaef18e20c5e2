use std::collections::HashMap;

use serde_json::Value;
use stipple_tests::{fixture, fresh_submission, try_spawn_app, Backend};

const CLINIC_V2: &str = r#"
version = "clinic-v2"
clinic_name = "Northside SMP"
aftercare = ["Keep it dry for 4 days."]

[[clauses]]
id = "procedure"
title = "The procedure"
required = true
text = "SMP places tiny dots of pigment in the scalp. It does not regrow hair."

[[clauses]]
id = "photo_marketing_extra"
title = "Optional newsletter"
required = false
text = "I would like the clinic's newsletter."
"#;

fn template_env(dir: &tempfile::TempDir, text: &str) -> HashMap<String, String> {
    let file = dir.path().join("consent.toml");
    std::fs::write(&file, text).unwrap();
    HashMap::from([(
        "STIPPLE_CONSENT_TEMPLATE".to_string(),
        file.display().to_string(),
    )])
}

async fn clinic_template_becomes_current_and_old_versions_stay_valid(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(app) = try_spawn_app(backend, template_env(&dir, CLINIC_V2)).await else {
        return;
    };
    let t: Value = app
        .get("/api/v1/consent-template")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(t["version"], "clinic-v2");
    assert_eq!(t["clinic_name"], "Northside SMP");

    // The v1 fixture names default-v1, which was never in force here: only
    // the current text (and the one before it, for a grace period) is signable.
    let res = app.post_submission(&fixture()).await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert!(
        body["errors"]["consent.template_version"].is_array(),
        "{body}"
    );

    // A submission against clinic-v2 needs only its required clause.
    let mut body = fresh_submission();
    body["consent"]["template_version"] = "clinic-v2".into();
    body["consent"]["accepted"] = serde_json::json!(["procedure"]);
    let res = app.post_submission(&body).await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    // ...and a default-v1 clause id is unknown there.
    let mut body = fresh_submission();
    body["consent"]["template_version"] = "clinic-v2".into();
    body["consent"]["accepted"] = serde_json::json!(["procedure", "risks"]);
    assert_eq!(app.post_submission(&body).await.status(), 422);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clinic_template_sqlite() {
    clinic_template_becomes_current_and_old_versions_stay_valid(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clinic_template_postgres() {
    clinic_template_becomes_current_and_old_versions_stay_valid(Backend::Postgres).await;
}

/// Same version, different text: refused at start, naming the problem.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edited_text_under_an_old_version_stops_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let app = stipple_tests::spawn_app_with(Backend::Sqlite, template_env(&dir, CLINIC_V2)).await;
    let changed = CLINIC_V2.replace(
        "It does not regrow hair.",
        "It does not regrow hair. Edited.",
    );
    let vars: HashMap<String, String> = [
        ("STIPPLE_BIND", "127.0.0.1:0".to_string()),
        (
            "STIPPLE_DATA_DIR",
            app.data_dir.path().display().to_string(),
        ),
        (
            "STIPPLE_DATA_KEY_FILE",
            app.key_dir.path().join("data.key").display().to_string(),
        ),
        ("DATABASE_URL", app.database_url.clone()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .chain(template_env(&dir, &changed))
    .collect();
    let settings = stipple_server::config::Settings::from_vars(&vars).unwrap();
    let err = stipple_server::startup::Application::build(settings)
        .await
        .err()
        .expect("refused");
    assert!(format!("{err:#}").contains("new `version`"), "{err:#}");
}

/// The clinic changes its consent text: an intake filled under the old
/// text still goes through for the grace period, and after it is sent
/// back naming the version, so the client reads the new text.
async fn the_previous_version_is_signable_for_a_grace_period_only(backend: Backend) {
    let Some(app) = try_spawn_app(backend, HashMap::new()).await else {
        return;
    };
    assert_eq!(app.post_submission(&fresh_submission()).await.status(), 201);
    let dir = tempfile::tempdir().unwrap();
    let changed = format!(
        "http://127.0.0.1:{}",
        app.another_server(template_env(&dir, CLINIC_V2)).await
    );
    let post = |base: String| {
        let client = app.api.clone();
        async move {
            client
                .post(format!("{base}/api/v1/submissions"))
                .json(&fresh_submission())
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(post(changed).await.status(), 201);

    let mut env = template_env(&dir, CLINIC_V2);
    env.insert("STIPPLE_CONSENT_GRACE_DAYS".into(), "0".into());
    let after_grace = format!("http://127.0.0.1:{}", app.another_server(env).await);
    let res = post(after_grace).await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    let why = body["errors"]["consent.template_version"][0]
        .as_str()
        .unwrap();
    assert!(why.contains("read it again"), "{why}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grace_period_sqlite() {
    the_previous_version_is_signable_for_a_grace_period_only(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grace_period_postgres() {
    the_previous_version_is_signable_for_a_grace_period_only(Backend::Postgres).await;
}
