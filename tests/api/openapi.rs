//! The OpenAPI document is served and names every route the server has.

use serde_json::Value;
use stipple_server::staff::routes::{ENDPOINTS, PREFIX};
use stipple_tests::db_test;

/// Public routes, besides the staff table.
const PUBLIC: &[(&str, &str)] = &[
    ("get", "/healthz"),
    ("get", "/api/v1/openapi.json"),
    ("get", "/api/v1/consent-template"),
    ("post", "/api/v1/submissions"),
    ("get", "/api/v1/submissions/{id}"),
    ("get", "/api/v1/submissions/{id}/consent.pdf"),
    ("post", "/api/v1/verify"),
    ("get", "/api/v1/invites/{token}"),
];

db_test!(the_openapi_document_lists_every_route, |app| {
    let res = app.get("/api/v1/openapi.json").await;
    assert_eq!(res.status(), 200);
    let doc: Value = res.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    let mut expected: Vec<(String, String)> = PUBLIC
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    expected.extend(ENDPOINTS.iter().map(|e| {
        (
            e.verb.as_str().to_lowercase(),
            format!("{PREFIX}{}", e.path),
        )
    }));
    for (method, path) in &expected {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} is not in the OpenAPI document"
        );
    }
    let documented: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(
        documented,
        expected.len(),
        "the document lists routes the server lacks"
    );
});

db_test!(a_staff_path_with_the_wrong_method_is_405, |app| {
    let res = app
        .api
        .put(app.url("/api/v1/staff/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers()["allow"], "GET");
    let res = app.get("/api/v1/staff/nothing-here").await;
    assert_eq!(res.status(), 404);
    let res = app.get("/api/v1/staff/submissions?limit=lots").await;
    assert_eq!(res.status(), 401, "the session is checked first");
});
