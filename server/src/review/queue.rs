//! The review queue: listing, searching, reviewing and erasing submissions.

use base64::Engine;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use sea_orm::{
    sea_query::{Expr, ExprTrait, LikeExpr},
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use serde::Serialize;
use stipple_app::domain::{
    flags,
    states::{AuditAction, MailKind, ReviewStatus, WebhookEvent},
    Flag,
};
use uuid::Uuid;

use crate::{
    audit::Event,
    entities::{
        invite,
        submission::{self as entity, search_text},
        submission_note as note,
    },
    vault::{at, Vault},
    webhooks::Happened,
};

/// What the queue can be narrowed to.
#[derive(Debug, Default)]
pub struct Filter {
    pub q: Option<String>,
    pub status: Option<ReviewStatus>,
    /// Received on or after this clinic-calendar day.
    pub from: Option<NaiveDate>,
    /// Received on or before this clinic-calendar day.
    pub to: Option<NaiveDate>,
}

/// Where a page ends: the next page starts after this (time, id).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cursor {
    pub received_at: DateTime<Utc>,
    pub id: Uuid,
}

impl Cursor {
    pub fn encode(&self) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!(
            "{}|{}",
            self.received_at.timestamp_micros(),
            self.id
        ))
    }

    pub fn decode(s: &str) -> Option<Self> {
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(s)
            .ok()?;
        let text = String::from_utf8(raw).ok()?;
        let (micros, id) = text.split_once('|')?;
        Some(Self {
            received_at: DateTime::from_timestamp_micros(micros.parse().ok()?)?,
            id: id.parse().ok()?,
        })
    }
}

#[derive(Debug, Serialize, FromQueryResult)]
pub struct ListRow {
    pub id: Uuid,
    pub client_name: String,
    pub client_email: Option<String>,
    pub client_phone: Option<String>,
    pub received_at: DateTime<Utc>,
    pub appointment_date: Option<NaiveDate>,
    pub status: String,
    #[serde(skip)]
    pub flags: Option<serde_json::Value>,
}

impl ListRow {
    pub fn flags(&self) -> Vec<Flag> {
        self.flags
            .clone()
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default()
    }
}

/// A search as a LIKE pattern: phone-like queries match on digits only.
fn search_pattern(q: &str) -> Option<String> {
    let q = q.trim();
    if q.is_empty() {
        return None;
    }
    let digits: String = q.chars().filter(char::is_ascii_digit).collect();
    let phone_like = digits.len() >= 3
        && q.chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    let needle = if phone_like { digits } else { q.to_lowercase() };
    let escaped: String = needle
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    Some(format!("%{escaped}%"))
}

fn condition(filter: &Filter, tz: chrono_tz::Tz) -> Condition {
    let mut cond = Condition::all();
    if let Some(pattern) = filter.q.as_deref().and_then(search_pattern) {
        cond = cond
            .add(Expr::col(entity::Column::SearchText).like(LikeExpr::new(pattern).escape('\\')));
    }
    if let Some(status) = &filter.status {
        cond = cond.add(entity::Column::Status.eq(status.as_str()));
    }
    let start_of = |day: NaiveDate| {
        tz.from_local_datetime(&day.and_hms_opt(0, 0, 0).expect("midnight"))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    };
    if let Some(from) = filter.from.and_then(start_of) {
        cond = cond.add(entity::Column::ReceivedAt.gte(from));
    }
    if let Some(to) = filter.to.and_then(|d| d.succ_opt()).and_then(start_of) {
        cond = cond.add(entity::Column::ReceivedAt.lt(to));
    }
    cond
}

fn list_query(filter: &Filter, tz: chrono_tz::Tz) -> sea_orm::Select<entity::Entity> {
    use entity::Column as C;
    entity::Entity::find()
        .select_only()
        .columns([
            C::Id,
            C::ClientName,
            C::ClientEmail,
            C::ClientPhone,
            C::ReceivedAt,
            C::AppointmentDate,
            C::Status,
            C::Flags,
        ])
        .filter(condition(filter, tz))
        .order_by_desc(C::ReceivedAt)
        .order_by_desc(C::Id)
}

/// One page of the queue, newest first, and the cursor of the next page.
pub async fn page(
    db: &DatabaseConnection,
    tz: chrono_tz::Tz,
    filter: &Filter,
    after: Option<Cursor>,
    limit: u64,
) -> Result<(Vec<ListRow>, Option<Cursor>), DbErr> {
    use entity::Column as C;
    let mut query = list_query(filter, tz);
    if let Some(c) = after {
        query = query.filter(
            Condition::any().add(C::ReceivedAt.lt(c.received_at)).add(
                Condition::all()
                    .add(C::ReceivedAt.eq(c.received_at))
                    .add(C::Id.lt(c.id)),
            ),
        );
    }
    let mut rows = query
        .limit(limit + 1)
        .into_model::<ListRow>()
        .all(db)
        .await?;
    let next = if rows.len() as u64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| Cursor {
            received_at: r.received_at,
            id: r.id,
        })
    } else {
        None
    };
    Ok((rows, next))
}

/// Every row the filter matches, for the CSV export.
pub async fn all(
    db: &DatabaseConnection,
    tz: chrono_tz::Tz,
    filter: &Filter,
) -> Result<Vec<ListRow>, DbErr> {
    list_query(filter, tz).into_model::<ListRow>().all(db).await
}

/// A submission's notes, oldest first, opened.
pub async fn notes(
    db: &DatabaseConnection,
    vault: &Vault,
    id: Uuid,
) -> Result<Vec<note::Model>, DbErr> {
    note::Entity::find()
        .filter(note::Column::SubmissionId.eq(id))
        .order_by_asc(note::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|n| {
            Ok(note::Model {
                text: vault.open_text(at::note(n.id), &n.text)?,
                ..n
            })
        })
        .collect()
}

/// Stores a note sealed; returns it as written.
pub async fn add_note(
    db: &impl ConnectionTrait,
    vault: &Vault,
    submission_id: Uuid,
    author_id: Uuid,
    text: &str,
) -> Result<note::Model, DbErr> {
    let id = Uuid::new_v4();
    let row = note::Entity::insert(note::ActiveModel {
        id: Set(id),
        submission_id: Set(submission_id),
        author_id: Set(author_id),
        text: Set(vault.seal_text(at::note(id), text)),
        created_at: Set(Utc::now()),
    })
    .exec_with_returning(db)
    .await?;
    Ok(note::Model {
        text: text.to_string(),
        ..row
    })
}

pub enum StatusChange {
    Done(Box<entity::Model>),
    NotFound,
    /// The move is not allowed from the current status.
    NotAllowed(ReviewStatus),
    /// Clearing over a `stop` flag needs a note saying why.
    NoteRequired,
}

/// Moves a submission to `to`, recording who and when, the note (if any)
/// and the audit entry, all in one transaction.
pub async fn change_status(
    db: &DatabaseConnection,
    vault: &Vault,
    id: Uuid,
    to: ReviewStatus,
    note_text: Option<&str>,
    staff_id: Uuid,
    ip: String,
) -> Result<StatusChange, DbErr> {
    // Read before the transaction: on SQLite a transaction that reads and
    // then writes cannot wait for another writer (it fails at once as
    // busy), while one that starts by writing waits its turn. The update
    // below only applies if the status is still the one read here.
    let Some(row) = entity::Entity::find_by_id(id).one(db).await? else {
        return Ok(StatusChange::NotFound);
    };
    let from = row.review_status()?;
    if !from.may_move(to) {
        return Ok(StatusChange::NotAllowed(from));
    }
    let stop_flag = stored_flags(&row)
        .iter()
        .any(|f| f.severity == stipple_app::domain::Severity::Stop);
    if to == ReviewStatus::Cleared && stop_flag && note_text.is_none() {
        return Ok(StatusChange::NoteRequired);
    }
    let now = Utc::now();
    let txn = db.begin().await?;
    // Only if nobody changed it meanwhile: the status seen is the one replaced.
    let updated = entity::Entity::update_many()
        .col_expr(entity::Column::Status, Expr::value(to.as_str()))
        .col_expr(entity::Column::StatusChangedAt, Expr::value(now))
        .col_expr(entity::Column::StatusChangedBy, Expr::value(staff_id))
        .filter(entity::Column::Id.eq(id))
        .filter(entity::Column::Status.eq(from.as_str()))
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        return Ok(StatusChange::NotAllowed(from));
    }
    if let Some(text) = note_text {
        add_note(&txn, vault, id, staff_id, text).await?;
    }
    Event::new(AuditAction::StatusChanged, Some(staff_id), Some(ip))
        .submission(id)
        .detail(format!("{} → {}", from.as_str(), to.as_str()))
        .record(&txn)
        .await?;
    Happened::submission(WebhookEvent::SubmissionStatusChanged, id, Some(to.as_str()))
        .queue(&txn)
        .await?;
    let row = entity::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("submission vanished".into()))?;
    txn.commit().await?;
    Ok(StatusChange::Done(Box::new(row)))
}

/// The flags stored with a submission (every row has them once the server
/// has started: [`backfill_flags`]).
pub fn stored_flags(row: &entity::Model) -> Vec<Flag> {
    row.flags
        .as_ref()
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default()
}

/// Erases a submission: the answers, signature, PDF, notes and mail go;
/// the audit log keeps a tombstone (id, hash, when, by whom) and the id can
/// never be stored again. Returns the ids of the erased mail (for the
/// outbox), or `None` when there was no such submission. `by` is the
/// admin who asked, with their address, or `None` for the retention policy;
/// `why` starts the tombstone's detail.
pub async fn erase(
    db: &DatabaseConnection,
    id: Uuid,
    by: Option<(Uuid, String)>,
    why: &str,
) -> Result<Option<Vec<Uuid>>, DbErr> {
    use crate::entities::mail_message as mail;
    let txn = db.begin().await?;
    // A write first: on SQLite a transaction that reads and then writes
    // fails at once when another writer holds the lock, while one that
    // starts by writing waits its turn (on PostgreSQL this locks the row).
    let claimed = entity::Entity::update_many()
        .col_expr(entity::Column::Status, Expr::col(entity::Column::Status))
        .filter(entity::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 {
        return Ok(None);
    }
    let Some(row) = entity::Entity::find_by_id(id).one(&txn).await? else {
        return Ok(None);
    };
    let mut mail_ids: Vec<Uuid> = mail::Entity::find()
        .filter(mail::Column::SubmissionId.eq(id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|m| m.id)
        .collect();
    // Children first: PostgreSQL and SQLite both cascade, but only if SQLite
    // has foreign keys on; this does not depend on it.
    note::Entity::delete_many()
        .filter(note::Column::SubmissionId.eq(id))
        .exec(&txn)
        .await?;
    crate::entities::mail_message::Entity::delete_many()
        .filter(crate::entities::mail_message::Column::SubmissionId.eq(id))
        .exec(&txn)
        .await?;
    crate::entities::consent_pdf::Entity::delete_by_id(id)
        .exec(&txn)
        .await?;
    // The invite that led here named the client too: erase that as well,
    // with the invitation e-mail that carried the name.
    let invites = invite::Entity::find()
        .filter(invite::Column::SubmissionId.eq(id))
        .all(&txn)
        .await?;
    for i in invites {
        mail_ids.extend(
            mail::Entity::find()
                .filter(mail::Column::InviteId.eq(i.id))
                .all(&txn)
                .await?
                .into_iter()
                .map(|m| m.id),
        );
        mail::Entity::delete_many()
            .filter(mail::Column::InviteId.eq(i.id))
            .exec(&txn)
            .await?;
        if let Some(address) = &i.client_email {
            mail_ids.extend(
                mail::Entity::find()
                    .filter(mail::Column::Kind.eq(MailKind::Invite.as_str()))
                    .filter(mail::Column::ToAddress.eq(address.clone()))
                    .all(&txn)
                    .await?
                    .into_iter()
                    .map(|m| m.id),
            );
            crate::entities::mail_message::Entity::delete_many()
                .filter(crate::entities::mail_message::Column::Kind.eq(MailKind::Invite.as_str()))
                .filter(crate::entities::mail_message::Column::ToAddress.eq(address.clone()))
                .exec(&txn)
                .await?;
        }
        invite::Entity::update_many()
            .col_expr(invite::Column::ClientName, Expr::value("(erased)"))
            .col_expr(
                invite::Column::ClientEmail,
                Expr::value(Option::<String>::None),
            )
            .col_expr(
                invite::Column::ClientPhone,
                Expr::value(Option::<String>::None),
            )
            .filter(invite::Column::Id.eq(i.id))
            .exec(&txn)
            .await?;
    }
    entity::Entity::delete_by_id(id).exec(&txn).await?;
    let (staff_id, ip) = by.unzip();
    Event::new(AuditAction::SubmissionDeleted, staff_id, ip)
        .submission(id)
        .detail(format!(
            "{why}received {}; sha256 {}",
            row.received_at.to_rfc3339(),
            row.canonical_sha256
        ))
        .record(&txn)
        .await?;
    Happened::submission(WebhookEvent::SubmissionErased, id, None)
        .queue(&txn)
        .await?;
    txn.commit().await?;
    Ok(Some(mail_ids))
}

/// Fills in flags for submissions stored before flags were kept.
pub async fn backfill_flags(db: &DatabaseConnection, vault: &Vault) -> Result<usize, DbErr> {
    let missing = entity::Entity::find()
        .filter(entity::Column::Flags.is_null())
        .all(db)
        .await?;
    let n = missing.len();
    for row in missing {
        let computed = crate::intake::service::answers(vault, &row)
            .map(|s| flags(&s, row.received_at.date_naive()))
            .unwrap_or_default();
        let phone = row.client_phone.clone();
        entity::Entity::update_many()
            .col_expr(
                entity::Column::Flags,
                Expr::value(serde_json::to_value(&computed).expect("flags serialise")),
            )
            .col_expr(
                entity::Column::SearchText,
                Expr::value(search_text(
                    &row.client_name,
                    row.client_email.as_deref(),
                    phone.as_deref(),
                )),
            )
            .filter(entity::Column::Id.eq(row.id))
            .exec(db)
            .await?;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips() {
        let c = Cursor {
            received_at: DateTime::from_timestamp_micros(1_763_700_000_123_456).unwrap(),
            id: Uuid::new_v4(),
        };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        assert_eq!(Cursor::decode("not a cursor"), None);
    }

    #[test]
    fn search_escapes_wildcards_and_matches_phone_digits() {
        assert_eq!(search_pattern("  "), None);
        assert_eq!(search_pattern("Ana_%").unwrap(), "%ana\\_\\%%");
        assert_eq!(search_pattern("+44 7700-900").unwrap(), "%447700900%");
        assert_eq!(
            search_text("Đặng Thị", Some("A@B.example"), Some("+44 (0) 7700")),
            "đặng thị a@b.example 4407700"
        );
    }
}
