//! Retention: the daily run purges what the policy says is due (intakes
//! after their period, invites never used, texts of sent mail, ended
//! sessions, failed sign-ins, addresses in the audit log), each purge
//! leaving a tombstone; administrators see what falls due next.

use chrono::{Duration, Utc};
use sea_orm::{sea_query::Expr, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement};
use serde_json::{json, Value};
use stipple_server::{
    audit::Event,
    entities::{
        audit_log, invite, login_failure, mail_message, staff_session, submission, submission_note,
    },
};
use stipple_tests::{db_test, env, fresh_submission, staff::StaffClient, TestApp};
use uuid::Uuid;

/// Moves a submission's activity `days` into the past.
async fn age_submission(app: &TestApp, id: &str, days: i64) {
    let at = Utc::now() - Duration::days(days);
    submission::Entity::update_many()
        .col_expr(submission::Column::ReceivedAt, Expr::value(at))
        .col_expr(submission::Column::StatusChangedAt, Expr::value(at))
        .filter(submission::Column::Id.eq(Uuid::parse_str(id).unwrap()))
        .exec(&app.db().await)
        .await
        .unwrap();
    // Its notes and mail are activity too.
    submission_note::Entity::update_many()
        .col_expr(submission_note::Column::CreatedAt, Expr::value(at))
        .filter(submission_note::Column::SubmissionId.eq(Uuid::parse_str(id).unwrap()))
        .exec(&app.db().await)
        .await
        .unwrap();
    mail_message::Entity::update_many()
        .col_expr(mail_message::Column::CreatedAt, Expr::value(at))
        .filter(mail_message::Column::SubmissionId.eq(Uuid::parse_str(id).unwrap()))
        .exec(&app.db().await)
        .await
        .unwrap();
}

async fn clear(staff: &StaffClient, id: &str) {
    for to in ["in_review", "cleared"] {
        let res = staff
            .post(
                &format!("/api/v1/staff/submissions/{id}/status"),
                &json!({ "status": to, "note": "Patch-tested; no numbing cream." }),
            )
            .await;
        assert_eq!(res.status(), 200, "{to}");
    }
}

async fn new_invite(staff: &StaffClient, send_email: bool) -> Value {
    let res = staff
        .post(
            "/api/v1/staff/invites",
            &json!({
                "client_name": "Rhea Retained",
                "email": "rhea@mail.example",
                "appointment_at": "2099-03-04T10:30:00Z",
                "send_email": send_email,
            }),
        )
        .await;
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

async fn exists(app: &TestApp, id: &str) -> bool {
    submission::Entity::find_by_id(Uuid::parse_str(id).unwrap())
        .one(&app.db().await)
        .await
        .unwrap()
        .is_some()
}

db_test!(
    the_daily_run_purges_what_is_due_and_leaves_tombstones,
    |app| {
        let admin = app.staff("admin").await;
        let db = app.db().await;
        // Reviewed 11 years ago: due. Reviewed 3,640 days ago: due within 30
        // days, not yet. Never reviewed, 2 years old: due. Recent: kept.
        let (old_cleared, _) = app.submit(&fresh_submission()).await;
        clear(&admin, &old_cleared).await;
        let (soon_cleared, _) = app.submit(&fresh_submission()).await;
        clear(&admin, &soon_cleared).await;
        let (old_new, _) = app.submit(&fresh_submission()).await;
        let (recent, _) = app.submit(&fresh_submission()).await;
        // Every consent copy has gone out before the clock is turned back.
        app.eventually(20, "the consent copies to be sent", || async {
            app.count_rows("mail_message WHERE status = 'sent'").await == 4
        })
        .await;
        age_submission(&app, &old_cleared, 11 * 366).await;
        age_submission(&app, &soon_cleared, 3640).await;
        age_submission(&app, &old_new, 2 * 365).await;
        // The recent intake's copy was sent 40 days ago: its text goes.
        let recent_mail = mail_message::Entity::find()
            .filter(mail_message::Column::SubmissionId.eq(Uuid::parse_str(&recent).unwrap()))
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        let outbox_file = app
            .data_dir
            .path()
            .join("outbox")
            .join(format!("{}.eml", recent_mail.id));
        assert!(outbox_file.exists(), "{}", outbox_file.display());
        mail_message::Entity::update_many()
            .col_expr(
                mail_message::Column::CreatedAt,
                Expr::value(Utc::now() - Duration::days(40)),
            )
            .filter(mail_message::Column::Id.eq(recent_mail.id))
            .exec(&db)
            .await
            .unwrap();
        // An invite that expired 40 days ago unused, with its e-mail; one still valid.
        let stale = new_invite(&admin, true).await;
        let fresh = new_invite(&admin, false).await;
        let stale_id = Uuid::parse_str(stale["id"].as_str().unwrap()).unwrap();
        invite::Entity::update_many()
            .col_expr(
                invite::Column::ExpiresAt,
                Expr::value(Utc::now() - Duration::days(40)),
            )
            .filter(invite::Column::Id.eq(stale_id))
            .exec(&db)
            .await
            .unwrap();
        // A failed sign-in, a session and an audit entry with an address, all old.
        let colleague = app.staff("staff").await;
        assert_eq!(colleague.get("/api/v1/staff/retention").await.status(), 403);
        staff_session::Entity::update_many()
            .col_expr(
                staff_session::Column::LastSeenAt,
                Expr::value(Utc::now() - Duration::days(40)),
            )
            .filter(staff_session::Column::CsrfToken.eq(colleague.csrf.clone()))
            .exec(&db)
            .await
            .unwrap();
        app.create_staff("forgetful@clinic.example", "staff").await;
        let res = app
            .login_raw("forgetful@clinic.example", "wrong password here")
            .await;
        assert_eq!(res.status(), 401);
        login_failure::Entity::update_many()
            .col_expr(
                login_failure::Column::At,
                Expr::value(Utc::now() - Duration::days(100)),
            )
            .exec(&db)
            .await
            .unwrap();
        Event {
            at: Some(Utc::now() - Duration::days(100)),
            ..Event::new(
                stipple_app::domain::states::AuditAction::Login,
                None,
                Some("203.0.113.9".into()),
            )
        }
        .record(&db)
        .await
        .unwrap();

        // What administrators see coming.
        let report = admin.get_json("/api/v1/staff/retention").await;
        assert_eq!(report["policy"]["consent_years"], 10);
        assert_eq!(report["horizon_days"], 30);
        let due: Vec<&str> = report["submissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap())
            .collect();
        assert_eq!(due.len(), 3, "{report}");
        for id in [&old_cleared, &soon_cleared, &old_new] {
            assert!(due.contains(&id.as_str()), "{id} in {report}");
        }
        let kinds: Vec<&str> = report["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["kind"].as_str().unwrap())
            .collect();
        for kind in [
            "invite",
            "mail_body",
            "session",
            "login_failure",
            "audit_address",
        ] {
            assert!(kinds.contains(&kind), "{kind} in {report}");
        }
        assert!(report["last_run"].is_null());

        // A server starting on this database applies the policy at once.
        app.another_server(env(&[])).await;
        app.eventually(20, "the retention run", || async {
            !exists(&app, &old_cleared).await
        })
        .await;
        app.eventually(10, "the run to finish", || async {
            app.count_rows("audit_log WHERE action = 'retention_purge'")
                .await
                == 1
        })
        .await;
        assert!(!exists(&app, &old_new).await);
        assert!(exists(&app, &soon_cleared).await && exists(&app, &recent).await);
        // Tombstones without personal data, and the ids cannot come back.
        let tombstones = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("submission_deleted"))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(tombstones.len(), 2);
        for t in &tombstones {
            assert!(t.staff_id.is_none());
            let detail = t.detail.as_deref().unwrap();
            assert!(detail.starts_with("retention policy ("), "{detail}");
            assert!(!detail.contains("Ana") && !detail.contains('@'), "{detail}");
        }
        let mut again = fresh_submission();
        again["id"] = json!(old_new);
        assert_eq!(app.post_submission(&again).await.status(), 410);
        // The stale invite and its e-mail are gone; the valid one stays.
        assert!(invite::Entity::find_by_id(stale_id)
            .one(&db)
            .await
            .unwrap()
            .is_none());
        assert_eq!(
            app.count_rows(&format!("mail_message WHERE invite_id = '{stale_id}'"))
                .await
                .min(app.count_rows("mail_message WHERE kind = 'invite'").await),
            0
        );
        let fresh_id = Uuid::parse_str(fresh["id"].as_str().unwrap()).unwrap();
        assert!(invite::Entity::find_by_id(fresh_id)
            .one(&db)
            .await
            .unwrap()
            .is_some());
        assert_eq!(
            app.count_rows("audit_log WHERE action = 'invite_deleted'")
                .await,
            1
        );
        // The old mail keeps its row, not its text or its outbox file.
        let mail = mail_message::Entity::find_by_id(recent_mail.id)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(mail.body_text, "");
        assert_eq!(mail.status, "sent");
        assert!(!outbox_file.exists());
        assert_eq!(app.count_rows("login_failure").await, 0);
        assert_eq!(colleague.get("/api/v1/staff/me").await.status(), 401);
        assert_eq!(
            app.count_rows("audit_log WHERE ip = '203.0.113.9'").await,
            0,
            "the old address is forgotten"
        );
        assert_eq!(
            app.count_rows("audit_log WHERE action = 'login' AND ip IS NULL")
                .await,
            1
        );
        // Everything else in the audit log still cannot change.
        for sql in [
            "UPDATE audit_log SET detail = 'changed'",
            "UPDATE audit_log SET ip = '198.51.100.1'",
            "DELETE FROM audit_log",
        ] {
            let refused = db
                .execute_raw(Statement::from_string(db.get_database_backend(), sql))
                .await;
            assert!(refused.is_err(), "{sql} was allowed");
        }
        let report = admin.get_json("/api/v1/staff/retention").await;
        assert!(report["last_run"].is_string(), "{report}");
        assert_eq!(
            report["submissions"].as_array().unwrap().len(),
            1,
            "{report}"
        );
        let run = admin
            .get_json("/api/v1/staff/audit?action=retention_purge")
            .await;
        let detail = run["items"][0]["detail"].as_str().unwrap();
        assert!(
            detail.contains("submission: 2") && detail.contains("invite: 1"),
            "{detail}"
        );
    }
);

db_test!(
    staff_delete_an_invite_and_a_used_one_keeps_no_contact,
    |app| {
        let staff = app.staff("staff").await;
        let invite = new_invite(&staff, true).await;
        let id = invite["id"].as_str().unwrap();
        let token = invite["link"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string();
        assert_eq!(
            app.count_rows("mail_message WHERE kind = 'invite'").await,
            1
        );
        assert_eq!(
            staff
                .delete(&format!("/api/v1/staff/invites/{id}"))
                .await
                .status(),
            204
        );
        assert_eq!(
            app.count_rows("mail_message WHERE kind = 'invite'").await,
            0
        );
        assert_eq!(
            app.get(&format!("/api/v1/invites/{token}")).await.status(),
            404
        );
        let list = staff.get_json("/api/v1/staff/invites").await;
        assert!(!list.to_string().contains(id), "{list}");
        assert_eq!(
            staff
                .delete(&format!("/api/v1/staff/invites/{id}"))
                .await
                .status(),
            404
        );
        assert_eq!(
            staff
                .delete("/api/v1/staff/invites/not-an-id")
                .await
                .status(),
            404
        );
        assert_eq!(
            app.count_rows("audit_log WHERE action = 'invite_deleted'")
                .await,
            1
        );

        // A used invite keeps the appointment, not the name and contact staff typed.
        let invite = new_invite(&staff, false).await;
        let token = invite["link"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string();
        let mut s = fresh_submission();
        s["appointment"]["invite_token"] = json!(token);
        let (sid, _) = app.submit(&s).await;
        let row =
            invite::Entity::find_by_id(Uuid::parse_str(invite["id"].as_str().unwrap()).unwrap())
                .one(&app.db().await)
                .await
                .unwrap()
                .unwrap();
        assert_eq!(row.client_name, "");
        assert!(row.client_email.is_none() && row.client_phone.is_none());
        let list = staff.get_json("/api/v1/staff/invites").await;
        assert_eq!(list["items"][0]["submission_id"], sid.as_str());
        assert_eq!(list["items"][0]["client_name"], s["client"]["full_name"]);
    }
);
