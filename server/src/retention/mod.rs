//! Retention: each kind of record is kept for the period the clinic's
//! policy gives it (`STIPPLE_RETAIN_*`), then purged by a daily run
//! (`stipple purge --dry-run` shows what it would do). Every purge leaves a
//! tombstone in the audit log; administrators see what falls due next.

pub mod handlers;
pub mod schedule;

use chrono::{DateTime, Utc};
use sea_orm::{sea_query::Expr, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use stipple_app::domain::{
    api::RetentionPolicy,
    states::{AuditAction, PurgeKind},
};
use uuid::Uuid;

use crate::{
    audit::Event,
    endpoints::{Access, Endpoint, Verb},
    entities::{audit_log, login_failure, mail_message, staff_session},
    invites::store as invites,
    review::queue,
};

pub use schedule::{schedule, Schedule};

pub static ENDPOINTS: &[Endpoint] = &[Endpoint {
    verb: Verb::Get,
    path: "/api/v1/staff/retention",
    access: Access::Admin,
    handler: |r| r.to(handlers::report),
}];

/// What one run purged, kind by kind.
#[derive(Debug, Default, PartialEq)]
pub struct Purged {
    pub counts: Vec<(PurgeKind, u64)>,
    /// Mail whose outbox files must go too.
    pub mail_ids: Vec<Uuid>,
}

impl Purged {
    pub fn total(&self) -> u64 {
        self.counts.iter().map(|(_, n)| n).sum()
    }

    /// The kinds purged, with their counts (`submission: 2, invite: 1`).
    pub fn summary(&self) -> String {
        self.counts
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(k, n)| format!("{}: {n}", k.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Applies the policy as of `now`: everything due is purged, each intake
/// with its own tombstone, and one audit entry counts the rest.
pub async fn run(
    db: &DatabaseConnection,
    policy: &RetentionPolicy,
    now: DateTime<Utc>,
) -> Result<Purged, DbErr> {
    let mut purged = Purged::default();
    let mut erased = 0;
    for s in &schedule::due_submissions(db, policy, now).await? {
        let why = format!(
            "retention policy ({}, last activity {}); ",
            s.status.as_str(),
            s.last_activity.date_naive()
        );
        if let Some(mail) = queue::erase(db, s.id, None, &why).await? {
            purged.mail_ids.extend(mail);
            erased += 1;
        }
    }
    purged.counts.push((PurgeKind::Submission, erased));

    let before = |days: u32| now - chrono::Duration::days(i64::from(days));

    let mut deleted = 0;
    for id in schedule::expired_invites(db, before(policy.invite_days)).await? {
        let txn = sea_orm::TransactionTrait::begin(db).await?;
        if let Some(mail) = invites::delete(&txn, id).await? {
            Event::new(AuditAction::InviteDeleted, None, None)
                .invite(id)
                .detail("retention policy")
                .record(&txn)
                .await?;
            purged.mail_ids.extend(mail);
            deleted += 1;
        }
        txn.commit().await?;
    }
    purged.counts.push((PurgeKind::Invite, deleted));

    let bodies = schedule::finished_mail(db, before(policy.mail_days)).await?;
    if !bodies.is_empty() {
        for chunk in bodies.chunks(500) {
            mail_message::Entity::update_many()
                .col_expr(mail_message::Column::BodyText, Expr::value(""))
                .filter(mail_message::Column::Id.is_in(chunk.iter().copied()))
                .exec(db)
                .await?;
        }
    }
    purged
        .counts
        .push((PurgeKind::MailBody, bodies.len() as u64));
    purged.mail_ids.extend(bodies);

    let sessions = staff_session::Entity::delete_many()
        .filter(staff_session::Column::LastSeenAt.lt(before(policy.session_days)))
        .exec(db)
        .await?
        .rows_affected;
    purged.counts.push((PurgeKind::Session, sessions));

    let failures = login_failure::Entity::delete_many()
        .filter(login_failure::Column::At.lt(before(policy.login_failure_days)))
        .exec(db)
        .await?
        .rows_affected;
    purged.counts.push((PurgeKind::LoginFailure, failures));

    // The one change the audit log allows (see the migration's trigger).
    let addresses = audit_log::Entity::update_many()
        .col_expr(audit_log::Column::Ip, Expr::value(Option::<String>::None))
        .filter(audit_log::Column::Ip.is_not_null())
        .filter(audit_log::Column::At.lt(before(policy.audit_address_days)))
        .exec(db)
        .await?
        .rows_affected;
    purged.counts.push((PurgeKind::AuditAddress, addresses));

    if purged.total() > 0 {
        Event::new(AuditAction::RetentionPurge, None, None)
            .detail(purged.summary())
            .record(db)
            .await?;
    }
    Ok(purged)
}

/// [`run`], then the purged mail's outbox files and (on SQLite) the WAL's
/// older copies go too: what the daily run and `stipple purge` do.
pub async fn apply(
    db: &DatabaseConnection,
    policy: &RetentionPolicy,
    outbox: &std::path::Path,
) -> Result<Purged, DbErr> {
    let purged = run(db, policy, Utc::now()).await?;
    if purged.total() > 0 {
        crate::mail::after_erasure(db, outbox, &purged.mail_ids).await;
    }
    Ok(purged)
}

/// Runs the policy now and then once a day for as long as the server runs.
/// Several servers on one database may each run it: every step is
/// idempotent.
pub async fn daily(db: DatabaseConnection, policy: RetentionPolicy, outbox: std::path::PathBuf) {
    const DAY: std::time::Duration = std::time::Duration::from_secs(24 * 3600);
    const HOUR: std::time::Duration = std::time::Duration::from_secs(3600);
    let mut wait = std::time::Duration::ZERO;
    loop {
        tokio::time::sleep(wait).await;
        wait = match apply(&db, &policy, &outbox).await {
            Ok(purged) => {
                if purged.total() > 0 {
                    tracing::info!(purged = purged.summary(), "retention run");
                }
                DAY
            }
            Err(e) => {
                tracing::error!(error = %e, "retention run failed; trying again in an hour");
                HOUR
            }
        };
    }
}
