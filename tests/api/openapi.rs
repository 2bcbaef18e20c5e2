//! The OpenAPI document is served and names every route the server has.

use std::collections::BTreeSet;

use serde_json::Value;
use stipple_server::{endpoints as routes, startup::ENDPOINTS};
use stipple_tests::db_test;

db_test!(
    the_openapi_document_lists_exactly_the_routes_served,
    |app| {
        let res = app.get("/api/v1/openapi.json").await;
        assert_eq!(res.status(), 200);
        let doc: Value = res.json().await.unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        // The router is built from these tables, so they are what is served.
        let served: BTreeSet<(String, String)> = routes::all(ENDPOINTS)
            .map(|e| (e.verb.as_str().to_lowercase(), e.path.to_string()))
            .collect();
        let documented: BTreeSet<(String, String)> = doc["paths"]
            .as_object()
            .unwrap()
            .iter()
            .flat_map(|(path, item)| {
                item.as_object()
                    .unwrap()
                    .keys()
                    .filter(|k| ["get", "post", "put", "delete", "patch"].contains(&k.as_str()))
                    .map(move |m| (m.clone(), path.clone()))
            })
            .collect();
        assert_eq!(documented, served);
        // Every route's answers are described, with the errors its kind gives.
        let staff_post = &doc["paths"]["/api/v1/staff/submissions/{id}/status"]["post"];
        for code in [
            "200", "400", "401", "403", "404", "409", "413", "415", "422", "503",
        ] {
            assert!(
                staff_post["responses"].get(code).is_some(),
                "status change lacks {code}"
            );
        }
        assert_eq!(
            staff_post["security"],
            serde_json::json!([{"staffSession": [], "csrfToken": []}])
        );
        let status = &doc["components"]["schemas"]["ReviewStatus"]["enum"];
        assert_eq!(
            status,
            &serde_json::json!(["new", "in_review", "cleared", "follow_up", "declined"])
        );
    }
);

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
