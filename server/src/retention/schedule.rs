//! What the policy purges by a given time, and when each record falls due.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Months, Utc};
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
};
use stipple_app::domain::{
    api::{DueGroup, DueSubmission, RetentionPolicy},
    states::{MailStatus, PurgeKind, ReviewStatus},
};
use uuid::Uuid;

use crate::entities::{
    audit_log, invite, login_failure, mail_message, staff_session, submission, submission_note,
};

/// Records due by a time: intakes one by one, other kinds counted.
#[derive(Debug, Default)]
pub struct Schedule {
    pub submissions: Vec<DueSubmission>,
    pub groups: Vec<DueGroup>,
}

/// When an intake falls due: a reviewed one (its consent signed and read)
/// years after its last activity, one never reviewed or declined sooner.
pub fn due_at(
    policy: &RetentionPolicy,
    status: ReviewStatus,
    last: DateTime<Utc>,
) -> DateTime<Utc> {
    match status {
        ReviewStatus::New | ReviewStatus::Declined => {
            last + Duration::days(i64::from(policy.unreviewed_days))
        }
        ReviewStatus::InReview | ReviewStatus::FollowUp | ReviewStatus::Cleared => last
            .checked_add_months(Months::new(12 * policy.consent_years))
            .unwrap_or(DateTime::<Utc>::MAX_UTC),
    }
}

/// The latest of `column` per submission, over `rows` of a child table.
async fn latest_per_submission<E: EntityTrait>(
    db: &impl ConnectionTrait,
    submission_id: E::Column,
    at: E::Column,
) -> Result<HashMap<Uuid, DateTime<Utc>>, DbErr> {
    Ok(E::find()
        .select_only()
        .column(submission_id)
        .column_as(Expr::col(at).max(), "latest")
        .filter(submission_id.is_not_null())
        .group_by(submission_id)
        .into_tuple::<(Uuid, DateTime<Utc>)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// The intakes due by `by`, overdue ones included, soonest first.
pub async fn due_submissions(
    db: &impl ConnectionTrait,
    policy: &RetentionPolicy,
    by: DateTime<Utc>,
) -> Result<Vec<DueSubmission>, DbErr> {
    let notes = latest_per_submission::<submission_note::Entity>(
        db,
        submission_note::Column::SubmissionId,
        submission_note::Column::CreatedAt,
    )
    .await?;
    let mail = latest_per_submission::<mail_message::Entity>(
        db,
        mail_message::Column::SubmissionId,
        mail_message::Column::CreatedAt,
    )
    .await?;
    let rows = submission::Entity::find()
        .select_only()
        .columns([
            submission::Column::Id,
            submission::Column::ClientName,
            submission::Column::Status,
            submission::Column::ReceivedAt,
            submission::Column::StatusChangedAt,
        ])
        .into_tuple::<(Uuid, String, String, DateTime<Utc>, Option<DateTime<Utc>>)>()
        .all(db)
        .await?;
    let mut submissions = Vec::new();
    for (id, client_name, status, received, changed) in rows {
        let status = ReviewStatus::parse(&status)
            .ok_or_else(|| DbErr::Type(format!("unknown review status `{status}`")))?;
        let last_activity = [
            Some(received),
            changed,
            notes.get(&id).copied(),
            mail.get(&id).copied(),
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(received);
        let due = due_at(policy, status, last_activity);
        if due <= by {
            submissions.push(DueSubmission {
                id,
                client_name,
                status,
                last_activity,
                due_at: due,
            });
        }
    }
    submissions.sort_by_key(|s| (s.due_at, s.id));
    Ok(submissions)
}

/// Everything the policy purges by `by`, overdue records included.
pub async fn schedule(
    db: &impl ConnectionTrait,
    policy: &RetentionPolicy,
    by: DateTime<Utc>,
) -> Result<Schedule, DbErr> {
    let submissions = due_submissions(db, policy, by).await?;
    let days = |n: u32| Duration::days(i64::from(n));
    let mut groups = Vec::new();
    let mut group = |kind, count: usize, first: Option<DateTime<Utc>>, keep: Duration| {
        if let (true, Some(first)) = (count > 0, first) {
            groups.push(DueGroup {
                kind,
                count: count as u64,
                first_due: first + keep,
            });
        }
    };

    let invites = invite_expiries(db, by - days(policy.invite_days)).await?;
    group(
        PurgeKind::Invite,
        invites.len(),
        invites.iter().map(|(_, at)| *at).min(),
        days(policy.invite_days),
    );
    let (n, first) = oldest::<mail_message::Entity>(
        db,
        mail_message::Column::CreatedAt,
        finished_mail_filter(by - days(policy.mail_days)),
    )
    .await?;
    group(PurgeKind::MailBody, n, first, days(policy.mail_days));
    let (n, first) = oldest::<staff_session::Entity>(
        db,
        staff_session::Column::LastSeenAt,
        staff_session::Column::LastSeenAt.lt(by - days(policy.session_days)),
    )
    .await?;
    group(PurgeKind::Session, n, first, days(policy.session_days));
    let (n, first) = oldest::<login_failure::Entity>(
        db,
        login_failure::Column::At,
        login_failure::Column::At.lt(by - days(policy.login_failure_days)),
    )
    .await?;
    group(
        PurgeKind::LoginFailure,
        n,
        first,
        days(policy.login_failure_days),
    );
    let (n, first) = oldest::<audit_log::Entity>(
        db,
        audit_log::Column::At,
        audit_log::Column::At
            .lt(by - days(policy.audit_address_days))
            .and(audit_log::Column::Ip.is_not_null()),
    )
    .await?;
    group(
        PurgeKind::AuditAddress,
        n,
        first,
        days(policy.audit_address_days),
    );
    Ok(Schedule {
        submissions,
        groups,
    })
}

/// How many rows match, and the earliest `at` among them.
async fn oldest<E: EntityTrait>(
    db: &impl ConnectionTrait,
    at: E::Column,
    filter: Expr,
) -> Result<(usize, Option<DateTime<Utc>>), DbErr> {
    let row = E::find()
        .select_only()
        .column_as(Expr::col(at).count(), "n")
        .column_as(Expr::col(at).min(), "first")
        .filter(filter)
        .into_tuple::<(i64, Option<DateTime<Utc>>)>()
        .one(db)
        .await?;
    Ok(row.map_or((0, None), |(n, first)| {
        (usize::try_from(n).unwrap_or(0), first)
    }))
}

/// Invites never used that expired before `before`, with their expiry.
async fn invite_expiries(
    db: &impl ConnectionTrait,
    before: DateTime<Utc>,
) -> Result<Vec<(Uuid, DateTime<Utc>)>, DbErr> {
    invite::Entity::find()
        .select_only()
        .columns([invite::Column::Id, invite::Column::ExpiresAt])
        .filter(invite::Column::ExpiresAt.lt(before))
        .filter(invite::Column::SubmissionId.is_null())
        .into_tuple()
        .all(db)
        .await
}

/// Invites never used that expired before `before`.
pub async fn expired_invites(
    db: &impl ConnectionTrait,
    before: DateTime<Utc>,
) -> Result<Vec<Uuid>, DbErr> {
    Ok(invite_expiries(db, before)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect())
}

/// Mail that is done with (sent, given up or held back by a cap), made
/// before `before`, whose text is still kept.
fn finished_mail_filter(before: DateTime<Utc>) -> Expr {
    mail_message::Column::Status
        .is_in([
            MailStatus::Sent.as_str(),
            MailStatus::Failed.as_str(),
            MailStatus::Limited.as_str(),
        ])
        .and(mail_message::Column::CreatedAt.lt(before))
        .and(mail_message::Column::BodyText.ne(""))
}

/// The ids of [`finished_mail_filter`]'s mail.
pub async fn finished_mail(
    db: &impl ConnectionTrait,
    before: DateTime<Utc>,
) -> Result<Vec<Uuid>, DbErr> {
    mail_message::Entity::find()
        .select_only()
        .column(mail_message::Column::Id)
        .filter(finished_mail_filter(before))
        .into_tuple()
        .all(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetentionPolicy {
        RetentionPolicy {
            consent_years: 10,
            unreviewed_days: 365,
            invite_days: 30,
            mail_days: 30,
            session_days: 30,
            login_failure_days: 90,
            audit_address_days: 90,
        }
    }

    #[test]
    fn reviewed_intakes_keep_for_years_and_others_for_days() {
        let last = DateTime::parse_from_rfc3339("2020-02-29T12:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(
            due_at(&policy(), ReviewStatus::Cleared, last).to_rfc3339(),
            "2030-02-28T12:00:00+00:00"
        );
        assert_eq!(
            due_at(&policy(), ReviewStatus::Declined, last),
            last + Duration::days(365)
        );
        assert_eq!(
            due_at(&policy(), ReviewStatus::New, last),
            last + Duration::days(365)
        );
        assert!(due_at(&policy(), ReviewStatus::FollowUp, last) > last + Duration::days(3650));
    }
}
