//! The treatment course through the staff API: client match and link, the
//! course and its sessions, sign-off and addenda, the pigment recall,
//! photos, and erasing a client with everything of theirs.

use std::{collections::HashMap, io::Write};

use reqwest::Method;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use stipple_app::domain::api::SessionInput;
use stipple_tests::{
    db_test, fresh_submission, smtp::SmtpSink, staff::StaffClient, staff::PASSWORD, try_spawn_app,
    Backend, TestApp,
};

/// An intake for a client with this e-mail, phone and name.
fn intake(email: &str, phone: &str, name: &str) -> Value {
    let mut s = fresh_submission();
    s["client"]["email"] = json!(email);
    s["client"]["phone"] = json!(phone);
    s["client"]["full_name"] = json!(name);
    s["signature"]["typed_name"] = json!(name);
    s
}

async fn link(staff: &StaffClient, submission: &str, client: Option<&str>) -> reqwest::Response {
    staff
        .post(
            &format!("/api/v1/staff/submissions/{submission}/client"),
            &json!({ "client_id": client }),
        )
        .await
}

/// Moves an intake to cleared (the fixture's stop flag needs a note).
async fn clear(staff: &StaffClient, submission: &str) {
    for body in [
        json!({"status": "in_review"}),
        json!({"status": "cleared", "note": "Patch test done; no numbing cream"}),
    ] {
        let res = staff
            .post(
                &format!("/api/v1/staff/submissions/{submission}/status"),
                &body,
            )
            .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    }
}

fn session(lot: &str) -> Value {
    json!({
        "performed_on": "2026-12-01",
        "start_time": "09:30",
        "end_time": "11:15",
        "areas": ["crown", "hairline"],
        "technique_notes": "Three-point stippling, light density at the crown",
        "needle": "3RL 0.18 cartridge",
        "needle_lot": "N-5521",
        "pigments": [{"brand": "Scalp Ink", "shade": "Dark 2", "lot": lot, "expires_on": "2027-06-30"}],
        "pain_reported": 3,
        "reactions": "Mild redness",
        "aftercare_given": "No washing for 4 days",
        "next_session_on": "2026-12-15"
    })
}

/// A client with a cleared intake and a course in progress: (client, course).
async fn course_in_progress(app: &TestApp, staff: &StaffClient, email: &str) -> (String, String) {
    let (sub, _) = app
        .submit(&intake(email, "+44 7700 900999", "Ciarán Ó Dálaigh"))
        .await;
    let res = link(staff, &sub, None).await;
    assert_eq!(res.status(), 200);
    let client = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let res = staff
        .post(
            &format!("/api/v1/staff/clients/{client}/courses"),
            &json!({"planned_sessions": 3, "areas": ["crown"], "notes": "Crown first"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let course = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    clear(staff, &sub).await;
    let res = staff
        .post(
            &format!("/api/v1/staff/courses/{course}/status"),
            &json!({"status": "in_progress"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    (client, course)
}

async fn record_session(staff: &StaffClient, course: &str, lot: &str) -> Value {
    let res = staff
        .post(
            &format!("/api/v1/staff/courses/{course}/sessions"),
            &session(lot),
        )
        .await;
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    body
}

async fn upload(
    staff: &StaffClient,
    session: &str,
    kind: &str,
    mime: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    staff
        .request(
            Method::POST,
            &format!("/api/v1/staff/sessions/{session}/photos?kind={kind}"),
            true,
        )
        .header("content-type", mime)
        .body(bytes)
        .send()
        .await
        .unwrap()
}

db_test!(
    a_new_intake_is_linked_to_a_client_only_when_staff_confirm_a_match,
    |app| {
        let staff = app.staff("staff").await;
        let (first, _) = app
            .submit(&intake("ana@mail.example", "+44 7700 900111", "Ana Lima"))
            .await;
        let res = staff
            .get_json(&format!("/api/v1/staff/submissions/{first}/client"))
            .await;
        assert_eq!(res, json!({"linked": null, "matches": []}));
        let res = link(&staff, &first, None).await;
        assert_eq!(res.status(), 200);
        let client = res.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        // Same e-mail (another case), another name: suggested, not linked.
        let (again, _) = app
            .submit(&intake("ANA@mail.example", "+1 555 0100", "Ana L."))
            .await;
        let res = staff
            .get_json(&format!("/api/v1/staff/submissions/{again}/client"))
            .await;
        assert_eq!(res["linked"], Value::Null);
        assert_eq!(res["matches"][0]["client"]["id"], client.as_str());
        assert_eq!(res["matches"][0]["reasons"], json!(["same_email"]));
        // Same phone digits and date of birth, another e-mail.
        let (by_phone, _) = app
            .submit(&intake(
                "ana.work@mail.example",
                "+44 7700-900-111",
                "Ana Lima",
            ))
            .await;
        let res = staff
            .get_json(&format!("/api/v1/staff/submissions/{by_phone}/client"))
            .await;
        assert_eq!(
            res["matches"][0]["reasons"],
            json!(["same_phone_and_birth"])
        );
        // The same name alone is no match, and cannot be linked.
        let (stranger, _) = app
            .submit(&intake("other@mail.example", "+1 555 0199", "Ana Lima"))
            .await;
        let res = staff
            .get_json(&format!("/api/v1/staff/submissions/{stranger}/client"))
            .await;
        assert_eq!(res["matches"], json!([]));
        let res = link(&staff, &stranger, Some(&client)).await;
        assert_eq!(res.status(), 422);
        let body: Value = res.json().await.unwrap();
        assert!(
            body["errors"]["client_id"][0]
                .as_str()
                .unwrap()
                .contains("neither"),
            "{body}"
        );

        assert_eq!(link(&staff, &again, Some(&client)).await.status(), 200);
        assert_eq!(link(&staff, &again, Some(&client)).await.status(), 409);
        let record = staff
            .get_json(&format!("/api/v1/staff/clients/{client}"))
            .await;
        let ids: Vec<&str> = record["submissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, [first.as_str(), again.as_str()]);
        assert_eq!(record["marketing_consent"], false);
        assert!(record["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["text"] == "Intake received"));
        let log = app
            .staff("admin")
            .await
            .get_json("/api/v1/staff/audit?action=client_viewed")
            .await;
        assert!(
            log["items"].as_array().is_some_and(|i| !i.is_empty()),
            "{log}"
        );
        assert_eq!(
            staff
                .get(&format!("/api/v1/staff/clients/{}", uuid::Uuid::new_v4()))
                .await
                .status(),
            404
        );
    }
);

db_test!(
    a_course_starts_when_cleared_and_a_signed_off_session_is_locked,
    |app| {
        let staff = app.staff("staff").await;
        let (sub, _) = app
            .submit(&intake("ben@mail.example", "+44 7700 900222", "Ben Okafor"))
            .await;
        let client = link(&staff, &sub, None)
            .await
            .json::<Value>()
            .await
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let courses = format!("/api/v1/staff/clients/{client}/courses");
        let res = staff
            .post(&courses, &json!({"planned_sessions": 0, "areas": []}))
            .await;
        assert_eq!(res.status(), 422);
        let body: Value = res.json().await.unwrap();
        assert!(
            body["errors"]["planned_sessions"].is_array() && body["errors"]["areas"].is_array(),
            "{body}"
        );
        let course: Value = staff
            .post(
                &courses,
                &json!({"planned_sessions": 3, "areas": ["crown"]}),
            )
            .await
            .json()
            .await
            .unwrap();
        let id = course["id"].as_str().unwrap();
        assert_eq!(course["status"], "planned");
        // Not before the intake is cleared; no session before the start.
        let start = format!("/api/v1/staff/courses/{id}/status");
        let res = staff.post(&start, &json!({"status": "in_progress"})).await;
        assert_eq!(res.status(), 409);
        assert!(res.text().await.unwrap().contains("not cleared"));
        let res = staff
            .post(
                &format!("/api/v1/staff/courses/{id}/sessions"),
                &session("AB 123"),
            )
            .await;
        assert_eq!(res.status(), 409);
        clear(&staff, &sub).await;
        assert_eq!(
            staff
                .post(&start, &json!({"status": "in_progress"}))
                .await
                .status(),
            200
        );

        // An expired pigment, and a missing lot, are refused.
        let mut expired = session("AB 123");
        expired["pigments"][0]["expires_on"] = json!("2026-11-30");
        let res = staff
            .post(&format!("/api/v1/staff/courses/{id}/sessions"), &expired)
            .await;
        assert_eq!(res.status(), 422);
        let body: Value = res.json().await.unwrap();
        assert!(
            body["errors"]["pigments[0].expires_on"][0]
                .as_str()
                .unwrap()
                .contains("expired"),
            "{body}"
        );
        let res = staff
            .post(
                &format!("/api/v1/staff/courses/{id}/sessions"),
                &session(" "),
            )
            .await;
        assert!(res.json::<Value>().await.unwrap()["errors"]["pigments[0].lot"].is_array());

        let first = record_session(&staff, id, "AB 123").await;
        assert_eq!(first["number"], 1);
        assert_eq!(first["signed_off_at"], Value::Null);
        let sid = first["id"].as_str().unwrap();
        // Editable before sign-off.
        let mut edited = session("AB 123");
        edited["reactions"] = json!("None");
        let res = staff
            .post(&format!("/api/v1/staff/sessions/{sid}"), &edited)
            .await;
        assert_eq!(res.status(), 200);
        let res = staff
            .post(
                &format!("/api/v1/staff/sessions/{sid}/addenda"),
                &json!({"text": "x"}),
            )
            .await;
        assert_eq!(res.status(), 409, "an addendum waits for the sign-off");
        // Only the practitioner, with their own password.
        let colleague = app.staff("staff").await;
        let sign = format!("/api/v1/staff/sessions/{sid}/sign-off");
        assert_eq!(
            colleague
                .post(&sign, &json!({"password": PASSWORD}))
                .await
                .status(),
            403
        );
        let res = staff
            .post(&sign, &json!({"password": "not it at all"}))
            .await;
        assert_eq!(res.status(), 422);
        let res = staff.post(&sign, &json!({"password": PASSWORD})).await;
        assert_eq!(res.status(), 200);
        let signed: Value = res.json().await.unwrap();
        // The hash is of the record's JSON in the order its fields are declared.
        let record: SessionInput = serde_json::from_value(signed["record"].clone()).unwrap();
        let digest = hex::encode(Sha256::digest(serde_json::to_vec(&record).unwrap()));
        assert_eq!(signed["record_sha256"], digest.as_str());
        assert_eq!(signed["record"]["reactions"], "None");
        // Locked: edits refused, addenda kept with author and time.
        let res = staff
            .post(&format!("/api/v1/staff/sessions/{sid}"), &session("ZZ 9"))
            .await;
        assert_eq!(res.status(), 409);
        assert!(res.text().await.unwrap().contains("addendum"));
        assert_eq!(
            staff
                .post(&sign, &json!({"password": PASSWORD}))
                .await
                .status(),
            409
        );
        let res = colleague
            .post(
                &format!("/api/v1/staff/sessions/{sid}/addenda"),
                &json!({"text": "Client called: slight itching on day 3"}),
            )
            .await;
        assert_eq!(res.status(), 201);
        let shown = staff
            .get_json(&format!("/api/v1/staff/sessions/{sid}"))
            .await;
        assert_eq!(shown["record"], signed["record"]);
        assert_eq!(
            shown["addenda"][0]["text"],
            "Client called: slight itching on day 3"
        );
        assert_eq!(shown["addenda"][0]["author"], "Test Reviewer");

        // Sealed at rest: the record's text is not in the database file.
        let db = app.db().await;
        use sea_orm::{ConnectionTrait, Statement};
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT record FROM treatment_session",
            ))
            .await
            .unwrap()
            .unwrap();
        let stored: String = row.try_get("", "record").unwrap();
        assert!(stored.starts_with("sv1:") && !stored.contains("stippling"));

        // Session two is numbered after it; a course stops only with a reason.
        assert_eq!(record_session(&staff, id, "XY-1").await["number"], 2);
        let res = staff.post(&start, &json!({"status": "stopped"})).await;
        assert_eq!(res.status(), 422);
        let res = staff
            .post(
                &start,
                &json!({"status": "stopped", "reason": "Client moved abroad"}),
            )
            .await;
        let stopped: Value = res.json().await.unwrap();
        assert_eq!(stopped["status"], "stopped");
        assert_eq!(stopped["stop_reason"], "Client moved abroad");
        assert_eq!(stopped["sessions"].as_array().unwrap().len(), 2);
        assert_eq!(
            staff
                .post(&start, &json!({"status": "completed"}))
                .await
                .status(),
            409
        );
    }
);

db_test!(a_pigment_lot_recall_finds_every_session_and_client, |app| {
    let staff = app.staff("staff").await;
    let (_, course_a) = course_in_progress(&app, &staff, "cara@mail.example").await;
    let (client_b, course_b) = course_in_progress(&app, &staff, "dev@mail.example").await;
    record_session(&staff, &course_a, "LOT 77-a").await;
    let b = record_session(&staff, &course_b, "lot77-A").await;
    record_session(&staff, &course_b, "OTHER-1").await;
    let recall = staff
        .get_json("/api/v1/staff/pigment-lots/lot%2077-a")
        .await;
    assert_eq!(recall["lot"], "LOT77-A");
    let uses = recall["uses"].as_array().unwrap();
    assert_eq!(uses.len(), 2, "{recall}");
    assert!(uses
        .iter()
        .any(|u| u["client_id"] == client_b.as_str() && u["session_id"] == b["id"]));
    assert!(uses
        .iter()
        .all(|u| u["client_name"] == "Ciarán Ó Dálaigh" && u["shade"] == "Dark 2"));
    let res = staff
        .get("/api/v1/staff/pigment-lots/LOT77-A?format=csv")
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = res.text().await.unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(csv
        .lines()
        .next()
        .unwrap()
        .starts_with("lot,brand,shade,expires_on,performed_on"));
    assert!(
        csv.contains("'+44 7700 900999"),
        "phone cells are defused: {csv}"
    );
    let none = staff.get_json("/api/v1/staff/pigment-lots/NOPE").await;
    assert_eq!(none["uses"], json!([]));
    let log = app
        .staff("admin")
        .await
        .get_json("/api/v1/staff/audit?action=lot_recalled")
        .await;
    assert_eq!(log["items"].as_array().unwrap().len(), 3);
});

/// A JPEG carrying EXIF with GPS tags and orientation 6 (turn 90° clockwise):
/// red on its left half, blue on its right.
fn jpeg_with_gps(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, _| {
        if x < w / 2 {
            image::Rgb([230, 20, 20])
        } else {
            image::Rgb([20, 20, 230])
        }
    });
    let mut plain = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 95)
        .encode_image(&img)
        .unwrap();
    let entry = |tag: u16, kind: u16, count: u32, value: [u8; 4]| {
        let mut e = Vec::new();
        e.extend(tag.to_be_bytes());
        e.extend(kind.to_be_bytes());
        e.extend(count.to_be_bytes());
        e.extend(value);
        e
    };
    let mut tiff = b"MM\x00\x2a".to_vec();
    tiff.extend(8u32.to_be_bytes());
    // IFD0: orientation, and where the GPS directory is (8 + 30).
    tiff.extend(2u16.to_be_bytes());
    tiff.extend(entry(0x0112, 3, 1, [0, 6, 0, 0]));
    tiff.extend(entry(0x8825, 4, 1, 38u32.to_be_bytes()));
    tiff.extend(0u32.to_be_bytes());
    // GPS: latitude ref "N" and a map datum text at 38 + 30.
    tiff.extend(2u16.to_be_bytes());
    tiff.extend(entry(0x0001, 2, 2, *b"N\0\0\0"));
    tiff.extend(entry(0x0012, 2, 14, 68u32.to_be_bytes()));
    tiff.extend(0u32.to_be_bytes());
    tiff.extend(b"GPS-SECRET-42\0");
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff);
    let mut out = plain[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(((app1.len() + 2) as u16).to_be_bytes());
    out.extend(app1);
    out.extend(&plain[2..]);
    out
}

/// A grey PNG of `w` × `h` zero pixels: a few kilobytes that decode to
/// `w * h` bytes.
fn bomb_png(w: u32, h: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        out.extend(kind);
        out.extend(data);
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend(crc.sum().to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 0, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let row = vec![0u8; w as usize + 1];
    for _ in 0..h {
        z.write_all(&row).unwrap();
    }
    chunk(&mut out, b"IDAT", &z.finish().unwrap());
    chunk(&mut out, b"IEND", &[]);
    out
}

db_test!(
    photos_are_stored_upright_without_metadata_and_bombs_are_refused,
    |app| {
        let staff = app.staff("staff").await;
        let (client, course) = course_in_progress(&app, &staff, "eve@mail.example").await;
        let sid = record_session(&staff, &course, "P-1").await["id"]
            .as_str()
            .unwrap()
            .to_string();
        let original = jpeg_with_gps(40, 20);
        assert!(original.windows(13).any(|w| w == b"GPS-SECRET-42"));
        let res = upload(&staff, &sid, "before", "image/jpeg", original).await;
        let status = res.status();
        let meta: Value = res.json().await.unwrap();
        assert_eq!(status, 201, "{meta}");
        assert_eq!(
            (meta["width"].as_u64(), meta["height"].as_u64()),
            (Some(20), Some(40)),
            "turned upright"
        );
        let photo = meta["id"].as_str().unwrap();
        let res = staff.get(&format!("/api/v1/staff/photos/{photo}")).await;
        assert_eq!(res.headers()["content-type"], "image/jpeg");
        assert_eq!(res.headers()["cache-control"], "no-store");
        let stored = res.bytes().await.unwrap().to_vec();
        assert_eq!(&stored[..2], &[0xFF, 0xD8]);
        for marker in [&b"Exif"[..], b"GPS-SECRET", b"http://ns.adobe.com/xap"] {
            assert!(
                !stored.windows(marker.len()).any(|w| w == marker),
                "{marker:?} survived"
            );
        }
        assert!(
            !stored.windows(2).any(|w| w == [0xFF, 0xE1]),
            "no APP1 segment"
        );
        let img = image::load_from_memory(&stored).unwrap().to_rgb8();
        assert_eq!(img.dimensions(), (20, 40));
        assert!(
            img.get_pixel(10, 5)[0] > 150,
            "the left half (red) is now on top"
        );
        assert!(img.get_pixel(10, 35)[2] > 150, "and the right (blue) below");
        let thumb = staff
            .get(&format!("/api/v1/staff/photos/{photo}?size=thumb"))
            .await;
        assert_eq!(thumb.status(), 200);
        // Sealed at rest.
        let db = app.db().await;
        use sea_orm::{ConnectionTrait, Statement};
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT image FROM session_photo",
            ))
            .await
            .unwrap()
            .unwrap();
        let raw: Vec<u8> = row.try_get("", "image").unwrap();
        assert_eq!(&raw[..3], b"SV1");

        // Bombs, impostors and other types: a clear 4xx, nothing stored.
        for (bytes, mime, expected) in [
            (bomb_png(8000, 8000), "image/png", 422),
            (bomb_png(20000, 20000), "image/png", 422),
            (b"GIF89a not really".to_vec(), "image/jpeg", 422),
            (b"plain text".to_vec(), "text/plain", 415),
        ] {
            let res = upload(&staff, &sid, "after", mime, bytes).await;
            assert_eq!(res.status(), expected);
            let body: Value = res.json().await.unwrap();
            if expected == 422 {
                assert!(body["errors"]["photo"][0].is_string(), "{body}");
            }
        }
        let res = upload(&staff, &sid, "during", "image/jpeg", jpeg_with_gps(4, 4)).await;
        assert_eq!(res.status(), 400);
        assert_eq!(app.count_rows("session_photo").await, 1);

        // Marketing export needs the client's yes on their latest intake.
        let export = format!("/api/v1/staff/photos/{photo}/export");
        assert_eq!(staff.get(&export).await.status(), 403);
        let mut yes = intake("eve@mail.example", "+44 7700 900999", "Ciarán Ó Dálaigh");
        yes["consent"]["photo_marketing"] = json!(true);
        let (newer, _) = app.submit(&yes).await;
        assert_eq!(link(&staff, &newer, Some(&client)).await.status(), 200);
        let res = staff.get(&export).await;
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment"));
        let record = staff
            .get_json(&format!("/api/v1/staff/clients/{client}"))
            .await;
        assert_eq!(record["marketing_consent"], true);
        assert_eq!(record["photos"][0]["id"], photo);
        let log = app
            .staff("admin")
            .await
            .get_json("/api/v1/staff/audit?action=photo_viewed")
            .await;
        assert_eq!(
            log["items"].as_array().unwrap().len(),
            2,
            "each view is audited"
        );
    }
);

db_test!(
    erasing_a_client_erases_their_intakes_courses_sessions_and_photos,
    |app| {
        let staff = app.staff("staff").await;
        let admin = app.staff("admin").await;
        let (client, course) = course_in_progress(&app, &staff, "fin@mail.example").await;
        let (second, _) = app
            .submit(&intake(
                "fin@mail.example",
                "+44 7700 900999",
                "Ciarán Ó Dálaigh",
            ))
            .await;
        assert_eq!(link(&staff, &second, Some(&client)).await.status(), 200);
        let sid = record_session(&staff, &course, "ER-1").await["id"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(
            upload(&staff, &sid, "after", "image/jpeg", jpeg_with_gps(16, 16))
                .await
                .status(),
            201
        );
        assert_eq!(
            staff
                .post(
                    &format!("/api/v1/staff/sessions/{sid}/sign-off"),
                    &json!({"password": PASSWORD})
                )
                .await
                .status(),
            200
        );
        assert_eq!(
            staff
                .post(
                    &format!("/api/v1/staff/sessions/{sid}/addenda"),
                    &json!({"text": "Healed well"})
                )
                .await
                .status(),
            201
        );
        // Someone else's record stays.
        let (_, other_course) = course_in_progress(&app, &staff, "gus@mail.example").await;
        record_session(&staff, &other_course, "ER-1").await;

        let path = format!("/api/v1/staff/clients/{client}");
        assert_eq!(staff.delete(&path).await.status(), 403);
        assert_eq!(admin.delete(&path).await.status(), 204);
        assert_eq!(staff.get(&path).await.status(), 404);
        assert_eq!(admin.delete(&path).await.status(), 404);
        for (table, left) in [
            ("client", 1),
            ("course", 1),
            ("treatment_session", 1),
            ("session_pigment", 1),
            ("session_addendum", 0),
            ("session_photo", 0),
            ("submission", 1),
        ] {
            assert_eq!(app.count_rows(table).await, left, "{table}");
        }
        let recall = staff.get_json("/api/v1/staff/pigment-lots/ER-1").await;
        assert_eq!(recall["uses"].as_array().unwrap().len(), 1);
        let log = admin
            .get_json("/api/v1/staff/audit?action=client_erased")
            .await;
        let detail = log["items"][0]["detail"].as_str().unwrap();
        assert!(
            detail.contains("1 courses, 1 sessions, 1 photos") && !detail.contains("Ciarán"),
            "{detail}"
        );
        let tombstones = admin
            .get_json("/api/v1/staff/audit?action=submission_deleted")
            .await;
        assert_eq!(tombstones["items"].as_array().unwrap().len(), 2);
    }
);

async fn aftercare_is_mailed_when_a_session_is_signed_off(backend: Backend) {
    let sink = SmtpSink::start(0);
    let env = HashMap::from([
        ("STIPPLE_SMTP_URL".to_string(), sink.url()),
        (
            "STIPPLE_MAIL_FROM".to_string(),
            "Northside SMP <desk@northside.test>".to_string(),
        ),
    ]);
    let Some(app) = try_spawn_app(backend, env).await else {
        return;
    };
    let staff = app.staff("staff").await;
    let (client, course) = course_in_progress(&app, &staff, "hana@mail.example").await;
    let sid = record_session(&staff, &course, "AC-1").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let sign = format!("/api/v1/staff/sessions/{sid}/sign-off");
    assert_eq!(
        staff
            .post(&sign, &json!({"password": PASSWORD}))
            .await
            .status(),
        200
    );
    let aftercare = || {
        sink.messages().into_iter().find_map(|raw| {
            let mail = mailparse::parse_mail(&raw).unwrap();
            let subject = mail
                .headers
                .iter()
                .find(|h| h.get_key() == "Subject")?
                .get_value();
            subject.starts_with("Aftercare").then(|| {
                let to = mail
                    .headers
                    .iter()
                    .find(|h| h.get_key() == "To")
                    .unwrap()
                    .get_value();
                (to, mail.get_body().unwrap())
            })
        })
    };
    app.eventually(10, "the aftercare mail", || async { aftercare().is_some() })
        .await;
    let (to, body) = aftercare().unwrap();
    assert!(to.contains("hana@mail.example"), "{to}");
    assert!(body.contains("session 1"), "{body}");
    assert!(
        body.contains("Tuesday 15 December 2026"),
        "the next session: {body}"
    );
    assert!(
        body.contains("Do not wash or wet your scalp"),
        "the clinic's aftercare: {body}"
    );
    assert!(
        !body.contains("stippling"),
        "no clinical notes in a mail: {body}"
    );
    let record = staff
        .get_json(&format!("/api/v1/staff/clients/{client}"))
        .await;
    assert!(
        record["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["text"].as_str().unwrap().starts_with("E-mail: Aftercare")),
        "{record}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aftercare_mail_sqlite() {
    aftercare_is_mailed_when_a_session_is_signed_off(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aftercare_mail_postgres() {
    aftercare_is_mailed_when_a_session_is_signed_off(Backend::Postgres).await;
}

/// Peak resident memory of this process so far (the server runs inside it).
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

db_test!(
    a_twelve_megapixel_camera_photo_is_kept_at_a_bounded_size,
    |app| {
        let staff = app.staff("staff").await;
        let (_, course) = course_in_progress(&app, &staff, "ivy@mail.example").await;
        let sid = record_session(&staff, &course, "BIG-1").await["id"]
            .as_str()
            .unwrap()
            .to_string();
        // A phone camera's 4000 × 3000, with enough detail to be a real JPEG.
        let img = image::RgbImage::from_fn(4000, 3000, |x, y| {
            let n = (x.wrapping_mul(2654435761) ^ y.wrapping_mul(40503)) >> 24;
            image::Rgb([(x / 16) as u8, (y / 12) as u8, n as u8])
        });
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
            .encode_image(&img)
            .unwrap();
        drop(img);
        let before = peak_rss_kib();
        let started = std::time::Instant::now();
        let res = upload(&staff, &sid, "after", "image/jpeg", jpeg.clone()).await;
        let took = started.elapsed();
        let meta: Value = res.json().await.unwrap();
        assert_eq!(
            (meta["width"].as_u64(), meta["height"].as_u64()),
            (Some(2048), Some(1536)),
            "{meta}"
        );
        assert!(meta["bytes"].as_u64().unwrap() < jpeg.len() as u64);
        // For the record: what one photo costs (a debug build here).
        eprintln!(
            "photo pipeline: {} KiB upload in {:?}, peak RSS {} → {} KiB",
            jpeg.len() / 1024,
            took,
            before,
            peak_rss_kib()
        );
    }
);
