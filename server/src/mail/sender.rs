//! The background sender: claims due messages, sends them, records the
//! outcome, and retries failures with exponential backoff.

use std::{path::PathBuf, sync::Arc, time::Duration};

use anyhow::Context;
use chrono::Utc;
use lettre::{
    message::{header::ContentType, Attachment, Mailbox, MultiPart, SinglePart},
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
};
use tokio::sync::Notify;

use crate::{
    entities::{consent_pdf, mail_message as entity},
    vault::{at, Vault},
};
use stipple_app::domain::states::{MailKind, MailStatus};

/// Attempts before a message is marked failed (about a day with backoff).
const MAX_ATTEMPTS: i32 = 12;
/// How long a claimed message is reserved for the sender that claimed it.
const LEASE: Duration = Duration::from_secs(120);

pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// `{outbox}/{mail id}.eml`: named by our id so erasing a record can
    /// remove its mail too.
    Outbox(PathBuf),
}

/// The outbox file of a message (without SMTP).
pub fn outbox_file(outbox: &std::path::Path, mail_id: uuid::Uuid) -> PathBuf {
    outbox.join(format!("{mail_id}.eml"))
}

/// Once an erasure or purge has committed: its messages leave the outbox
/// and, on SQLite, the WAL keeps no older copy of the erased rows.
pub async fn after_erasure(
    db: &sea_orm::DatabaseConnection,
    outbox: &std::path::Path,
    mail_ids: &[uuid::Uuid],
) {
    remove_from_outbox(outbox, mail_ids).await;
    crate::db::checkpoint(db).await;
}

/// Removes erased messages from the outbox; a file already gone is fine.
pub async fn remove_from_outbox(outbox: &std::path::Path, mail_ids: &[uuid::Uuid]) {
    for id in mail_ids {
        match tokio::fs::remove_file(outbox_file(outbox, *id)).await {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                tracing::warn!(mail_id = %id, error = %e, "cannot remove an erased message from the outbox")
            }
        }
    }
}

impl Transport {
    pub fn from_settings(smtp_url: Option<&str>, outbox: PathBuf) -> anyhow::Result<Self> {
        match smtp_url {
            Some(url) => Ok(Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .context("STIPPLE_SMTP_URL is not a valid SMTP URL")?
                    .timeout(Some(Duration::from_secs(20)))
                    .build(),
            )),
            None => {
                std::fs::create_dir_all(&outbox)
                    .with_context(|| format!("cannot create the outbox {}", outbox.display()))?;
                Ok(Transport::Outbox(outbox))
            }
        }
    }

    async fn send(&self, mail_id: uuid::Uuid, message: Message) -> Result<(), String> {
        match self {
            Transport::Smtp(t) => t.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
            Transport::Outbox(dir) => {
                tokio::fs::write(outbox_file(dir, mail_id), message.formatted())
                    .await
                    .map_err(|e| e.to_string())
            }
        }
    }
}

#[derive(Clone)]
pub struct MailSender {
    db: DatabaseConnection,
    vault: Arc<Vault>,
    transport: Arc<Transport>,
    from: Mailbox,
    retry_base: Duration,
    wake: Arc<Notify>,
}

impl MailSender {
    pub fn new(
        db: DatabaseConnection,
        vault: Arc<Vault>,
        transport: Transport,
        from: Mailbox,
        retry_base: Duration,
    ) -> Self {
        Self {
            db,
            vault,
            transport: Arc::new(transport),
            from,
            retry_base,
            wake: Arc::new(Notify::new()),
        }
    }

    /// Tells the sender that a message was queued, so it need not wait.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Runs until the process ends: sends what is due, then sleeps until woken
    /// or until the next retry could be due.
    pub async fn run(self) {
        loop {
            match self.send_due().await {
                Ok(_) => {}
                Err(e) => tracing::warn!(
                    error = format!("{e:#}"),
                    "mail queue: cannot read the queue"
                ),
            }
            let nap = self
                .retry_base
                .min(Duration::from_secs(5))
                .max(Duration::from_millis(200));
            let _ = tokio::time::timeout(nap, self.wake.notified()).await;
        }
    }

    /// Sends every message that is due; returns how many were attempted.
    pub async fn send_due(&self) -> anyhow::Result<usize> {
        let due = entity::Entity::find()
            .filter(entity::Column::Status.eq(MailStatus::Queued.as_str()))
            .filter(entity::Column::NextAttemptAt.lte(Utc::now()))
            .order_by_asc(entity::Column::NextAttemptAt)
            .limit(20)
            .all(&self.db)
            .await?;
        let mut attempted = 0;
        for msg in due {
            if self.claim(&msg).await? {
                attempted += 1;
                self.deliver(msg).await?;
            }
        }
        Ok(attempted)
    }

    /// Reserves a message by moving its next attempt forward, only if no other
    /// sender did so first (several servers may share one database).
    async fn claim(&self, msg: &entity::Model) -> anyhow::Result<bool> {
        let lease_until = Utc::now() + chrono::Duration::from_std(LEASE)?;
        let res = entity::Entity::update_many()
            .col_expr(entity::Column::NextAttemptAt, Expr::value(lease_until))
            .filter(entity::Column::Id.eq(msg.id))
            .filter(entity::Column::Status.eq(MailStatus::Queued.as_str()))
            .filter(entity::Column::NextAttemptAt.eq(msg.next_attempt_at))
            .exec(&self.db)
            .await?;
        Ok(res.rows_affected == 1)
    }

    async fn deliver(&self, msg: entity::Model) -> anyhow::Result<()> {
        let outcome = match self.build(&msg).await {
            Ok(message) => self
                .transport
                .send(msg.id, message)
                .await
                .map_err(|e| (e, false)),
            Err(NotBuilt::Permanent(reason)) => Err((reason, true)),
            Err(NotBuilt::Later(reason)) => Err((reason, false)),
        };
        // A sent message must be recorded as sent, or its lease would expire
        // and it would go out twice: retry the write a few times.
        let mut tries = 0;
        loop {
            match self.record(msg.clone(), outcome.clone()).await {
                Ok(()) => return Ok(()),
                Err(e) if tries < 5 => {
                    tries += 1;
                    tracing::warn!(mail_id = %msg.id, error = format!("{e:#}"), "mail queue: cannot record the outcome yet");
                    tokio::time::sleep(Duration::from_millis(200 * (1 << tries))).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn build(&self, msg: &entity::Model) -> Result<Message, NotBuilt> {
        let to_address = msg
            .to_address
            .parse()
            .map_err(|_| NotBuilt::Permanent("the recipient address is not valid".into()))?;
        // Mailbox encodes the display name; CR/LF can never reach a header.
        let to = Mailbox::new(Some(msg.to_name.replace(['\r', '\n'], " ")), to_address);
        let body = self
            .vault
            .open_text(at::mail_body(msg.id), &msg.body_text)
            .map_err(|e| NotBuilt::Permanent(e.to_string()))?;
        let text = SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .body(body);
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(msg.subject.replace(['\r', '\n'], " "));
        let message = if msg.attach_consent_pdf {
            let submission_id = msg
                .submission_id
                .ok_or_else(|| NotBuilt::Permanent("no submission to attach".into()))?;
            // A database hiccup is worth another try; a missing PDF is not.
            let pdf = consent_pdf::Entity::find_by_id(submission_id)
                .one(&self.db)
                .await
                .map_err(|e| NotBuilt::Later(format!("cannot read the consent PDF: {e}")))?
                .ok_or_else(|| NotBuilt::Permanent("the consent PDF no longer exists".into()))?;
            let pdf = consent_pdf::Model {
                pdf: self
                    .vault
                    .open(at::pdf(submission_id), &pdf.pdf)
                    .map_err(|e| NotBuilt::Permanent(e.to_string()))?,
                ..pdf
            };
            let attachment = Attachment::new(format!("consent-{submission_id}.pdf")).body(
                pdf.pdf,
                ContentType::parse("application/pdf").expect("a valid MIME type"),
            );
            builder.multipart(MultiPart::mixed().singlepart(text).singlepart(attachment))
        } else {
            builder.singlepart(text)
        };
        message.map_err(|e| NotBuilt::Permanent(format!("the message could not be built: {e}")))
    }

    /// Records a send: sent, or a failure retried later, or given up.
    async fn record(
        &self,
        msg: entity::Model,
        outcome: Result<(), (String, bool)>,
    ) -> anyhow::Result<()> {
        let attempts = msg.attempts + 1;
        let id = msg.id;
        let kind = msg.kind.clone();
        let mut row = msg.into_active_model();
        row.attempts = Set(attempts);
        match outcome {
            Ok(()) => {
                row.status = Set(MailStatus::Sent.as_str().into());
                row.sent_at = Set(Some(Utc::now()));
                row.last_error = Set(None);
                // An invite's text holds its personal link; once delivered,
                // the database need not (only the link's hash is kept).
                if kind == MailKind::Invite.as_str() || kind == MailKind::StaffAccess.as_str() {
                    row.body_text = Set(self
                        .vault
                        .seal_text(at::mail_body(id), "(sent; the personal link is not kept)"));
                }
                tracing::info!(mail_id = %id, attempts, "mail sent");
            }
            Err((reason, permanent)) => {
                let give_up = permanent || attempts >= MAX_ATTEMPTS;
                let wait =
                    self.retry_base * 2u32.saturating_pow((attempts - 1).clamp(0, 16) as u32);
                let wait = wait.min(Duration::from_secs(6 * 3600));
                row.last_error = Set(Some(reason.chars().take(500).collect()));
                if give_up {
                    row.status = Set(MailStatus::Failed.as_str().into());
                } else {
                    row.next_attempt_at = Set(Utc::now() + chrono::Duration::from_std(wait)?);
                }
                tracing::warn!(mail_id = %id, attempts, give_up, error = %reason, "mail not sent");
            }
        }
        entity::Entity::update(row).exec(&self.db).await?;
        Ok(())
    }
}

/// Why a message could not be put together.
enum NotBuilt {
    /// It can never be sent as it is.
    Permanent(String),
    /// Something it needs is unavailable for now.
    Later(String),
}
