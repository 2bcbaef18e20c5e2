//! The background sender: claims due messages (safely when several
//! servers share the database), posts them signed, and retries failures
//! with exponential backoff and jitter for about three days. An endpoint
//! that has failed for days is disabled, with the reason for admins.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use rand::Rng;
use sea_orm::{
    sea_query::Expr, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, TransactionTrait,
};
use stipple_app::domain::states::{DeliveryStatus, WebhookEvent};
use tokio::sync::Notify;
use uuid::Uuid;

use super::{
    message_id,
    outbound::{self, Reach},
    signature, Happened,
};
use crate::{
    config::WebhookSettings,
    entities::{
        api_idempotency, invite, webhook_delivery as delivery, webhook_endpoint as endpoint,
    },
    vault::{at, Vault},
};

/// How long a claimed message is reserved for the server that claimed it:
/// longer than an attempt can take (10 s timeout).
const LEASE: chrono::Duration = chrono::Duration::seconds(60);
/// Messages attempted at once by one server.
const BATCH: u64 = 100;
/// Delivered and failed messages are kept this long for the delivery log.
const KEEP_DAYS: i64 = 30;

#[derive(Clone)]
pub struct WebhookSender {
    db: DatabaseConnection,
    vault: Arc<Vault>,
    settings: WebhookSettings,
    client: reqwest::Client,
    wake: Arc<Notify>,
}

/// How one attempt went.
struct Outcome {
    code: Option<i32>,
    /// Why it failed, or the start of the receiver's answer.
    note: Option<String>,
    ok: bool,
}

impl WebhookSender {
    pub fn new(db: DatabaseConnection, vault: Arc<Vault>, settings: WebhookSettings) -> Self {
        let client = outbound::client(Reach::from(&settings));
        Self {
            db,
            vault,
            settings,
            client,
            wake: Arc::new(Notify::new()),
        }
    }

    /// What tells the sender that messages were queued, so it need not wait.
    pub fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    /// Runs until the process ends.
    pub async fn run(self) {
        let mut last_sweep = std::time::Instant::now() - Duration::from_secs(3600);
        let mut last_tidy = last_sweep;
        loop {
            if last_tidy.elapsed() >= Duration::from_secs(600) {
                last_tidy = std::time::Instant::now();
                if let Err(e) = self.tidy().await {
                    tracing::warn!(error = %e, "webhooks: cannot tidy the delivery log");
                }
            }
            if last_sweep.elapsed() >= Duration::from_secs(5) {
                last_sweep = std::time::Instant::now();
                if let Err(e) = self.sweep().await {
                    tracing::warn!(error = %e, "webhooks: cannot look for expired invites");
                }
            }
            match self.send_due().await {
                // A full batch: there may be more waiting.
                Ok(n) if n as u64 >= BATCH => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "webhooks: cannot read the queue"),
            }
            let _ = tokio::time::timeout(Duration::from_secs(1), self.wake.notified()).await;
        }
    }

    /// Queues `invite.expired` for invites that expired unused, once each.
    pub async fn sweep(&self) -> Result<(), DbErr> {
        let now = Utc::now();
        let expired = invite::Entity::find()
            .filter(invite::Column::ExpiresAt.lte(now))
            .filter(invite::Column::SubmissionId.is_null())
            .filter(invite::Column::ExpiryAnnouncedAt.is_null())
            .limit(200)
            .all(&self.db)
            .await?;
        for i in expired {
            let txn = self.db.begin().await?;
            // Only the server that marks it queues the event.
            let marked = invite::Entity::update_many()
                .col_expr(invite::Column::ExpiryAnnouncedAt, Expr::value(now))
                .filter(invite::Column::Id.eq(i.id))
                .filter(invite::Column::ExpiryAnnouncedAt.is_null())
                .exec(&txn)
                .await?;
            if marked.rows_affected == 1 {
                Happened::invite(WebhookEvent::InviteExpired, i.id, None)
                    .queue_at(&txn, i.expires_at)
                    .await?;
            }
            txn.commit().await?;
        }
        Ok(())
    }

    /// Forgets old entries of the delivery log, and idempotency keys after
    /// a day (a booking system retries within minutes).
    pub async fn tidy(&self) -> Result<(), DbErr> {
        let now = Utc::now();
        delivery::Entity::delete_many()
            .filter(delivery::Column::Status.ne(DeliveryStatus::Pending.as_str()))
            .filter(delivery::Column::CreatedAt.lt(now - chrono::Duration::days(KEEP_DAYS)))
            .exec(&self.db)
            .await?;
        api_idempotency::Entity::delete_many()
            .filter(api_idempotency::Column::CreatedAt.lt(now - chrono::Duration::days(1)))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Attempts every message that is due, at once; returns how many.
    /// A batch costs three queries and one transaction whatever its size:
    /// under a flood of intakes the database, not the sender, is busy.
    pub async fn send_due(&self) -> Result<usize, DbErr> {
        let now = Utc::now();
        // Only for enabled endpoints: a disabled one's backlog must not
        // fill every batch and starve the others.
        let enabled = endpoint::Entity::find()
            .select_only()
            .column(endpoint::Column::Id)
            .filter(endpoint::Column::DisabledAt.is_null())
            .into_query();
        let due: Vec<Uuid> = delivery::Entity::find()
            .select_only()
            .column(delivery::Column::Id)
            .filter(delivery::Column::Status.eq(DeliveryStatus::Pending.as_str()))
            .filter(delivery::Column::NextAttemptAt.lte(now))
            .filter(delivery::Column::EndpointId.in_subquery(enabled))
            .order_by_asc(delivery::Column::NextAttemptAt)
            .limit(BATCH)
            .into_tuple()
            .all(&self.db)
            .await?;
        if due.is_empty() {
            return Ok(0);
        }
        // One claim for the batch: moved to a lease end no other claim has
        // (to the microsecond), so the rows that carry it are this server's,
        // even when another server claimed some of the same rows first.
        let lease = DateTime::<Utc>::from_timestamp_micros(
            (now + LEASE).timestamp_micros() + rand::thread_rng().gen_range(0..1_000_000),
        )
        .expect("a time in range");
        delivery::Entity::update_many()
            .col_expr(delivery::Column::NextAttemptAt, Expr::value(lease))
            .filter(delivery::Column::Id.is_in(due.clone()))
            .filter(delivery::Column::Status.eq(DeliveryStatus::Pending.as_str()))
            .filter(delivery::Column::NextAttemptAt.lte(now))
            .exec(&self.db)
            .await?;
        let ours = delivery::Entity::find()
            .filter(delivery::Column::Id.is_in(due))
            .filter(delivery::Column::NextAttemptAt.eq(lease))
            .all(&self.db)
            .await?;
        let targets: Vec<Uuid> = ours.iter().map(|d| d.endpoint_id).collect();
        let endpoints: Vec<endpoint::Model> = endpoint::Entity::find()
            .filter(endpoint::Column::Id.is_in(targets))
            .all(&self.db)
            .await?;
        let attempts = ours.into_iter().filter_map(|d| {
            let e = endpoints.iter().find(|e| e.id == d.endpoint_id)?.clone();
            Some(async move {
                let outcome = self.post(&e, &d).await;
                (e, d, outcome)
            })
        });
        let done = futures_util::future::join_all(attempts).await;
        let n = done.len();
        self.record(done, lease).await?;
        Ok(n)
    }

    /// Records a batch's attempts in one transaction: each message only
    /// while the claim is still ours (a server that took longer than the
    /// lease leaves the record to the next claimant), then each endpoint's
    /// health.
    async fn record(
        &self,
        done: Vec<(endpoint::Model, delivery::Model, Outcome)>,
        lease: DateTime<Utc>,
    ) -> Result<(), DbErr> {
        let now = Utc::now();
        let txn = self.db.begin().await?;
        let mut health: Vec<(endpoint::Model, bool, Option<i32>)> = Vec::new();
        for (e, d, outcome) in done {
            let attempts = d.attempts + 1;
            let retry = self.settings.retry_secs.get(d.attempts as usize).copied();
            let (status, next) = match (outcome.ok, retry) {
                (true, _) => (DeliveryStatus::Delivered, now),
                (false, Some(secs)) => (DeliveryStatus::Pending, now + jittered(secs)),
                (false, None) => (DeliveryStatus::Failed, now),
            };
            tracing::debug!(
                delivery = %message_id(d.id),
                endpoint = %e.id,
                attempts,
                code = outcome.code,
                status = status.as_str(),
                "webhook attempt"
            );
            delivery::Entity::update_many()
                .col_expr(delivery::Column::Status, Expr::value(status.as_str()))
                .col_expr(delivery::Column::Attempts, Expr::value(attempts))
                .col_expr(delivery::Column::NextAttemptAt, Expr::value(next))
                .col_expr(delivery::Column::LastAttemptAt, Expr::value(now))
                .col_expr(delivery::Column::LastStatusCode, Expr::value(outcome.code))
                .col_expr(delivery::Column::LastError, Expr::value(outcome.note))
                .filter(delivery::Column::Id.eq(d.id))
                .filter(delivery::Column::NextAttemptAt.eq(lease))
                .exec(&txn)
                .await?;
            match health.iter_mut().find(|(h, ..)| h.id == e.id) {
                Some(h) => {
                    h.1 |= outcome.ok;
                    h.2 = outcome.code;
                }
                None => health.push((e, outcome.ok, outcome.code)),
            }
        }
        for (e, any_ok, code) in health {
            let mut update = endpoint::Entity::update_many().filter(endpoint::Column::Id.eq(e.id));
            if any_ok {
                update = update.col_expr(
                    endpoint::Column::FailingSince,
                    Expr::value(Option::<DateTime<Utc>>::None),
                );
            } else {
                let since = e.failing_since.unwrap_or(now);
                let limit = chrono::Duration::hours(i64::from(self.settings.disable_after_hours));
                update = update.col_expr(endpoint::Column::FailingSince, Expr::value(since));
                if now - since >= limit {
                    let why = format!(
                        "Disabled on {}: no delivery succeeded since {} (last attempt: {})",
                        now.format("%Y-%m-%d %H:%M UTC"),
                        since.format("%Y-%m-%d %H:%M UTC"),
                        match code {
                            Some(c) => format!("HTTP {c}"),
                            None => "no answer".into(),
                        }
                    );
                    update = update
                        .col_expr(endpoint::Column::DisabledAt, Expr::value(now))
                        .col_expr(endpoint::Column::DisabledReason, Expr::value(why));
                    tracing::warn!(endpoint = %e.id, "webhook endpoint disabled after failing for days");
                }
            }
            update.exec(&txn).await?;
        }
        txn.commit().await
    }

    async fn post(&self, e: &endpoint::Model, d: &delivery::Model) -> Outcome {
        let failed = |note: String| Outcome {
            code: None,
            note: Some(note),
            ok: false,
        };
        let secret = match self.vault.open_text(at::webhook_secret(e.id), &e.secret) {
            Ok(s) => s,
            Err(_) => return failed("The signing secret does not open with the data key".into()),
        };
        // Checked again: the settings may have changed since it was added,
        // and an address written as a number skips the resolver.
        let url = match outbound::check_url(&e.url, Reach::from(&self.settings)).await {
            Ok(u) => u,
            Err(why) => return failed(why),
        };
        let id = message_id(d.id);
        let ts = Utc::now().timestamp();
        let Some(sig) = signature(&secret, &id, ts, &d.payload) else {
            return failed("The signing secret is malformed".into());
        };
        let sent = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", &id)
            .header("webhook-timestamp", ts.to_string())
            .header("webhook-signature", sig)
            .body(d.payload.clone())
            .send()
            .await;
        match sent {
            Err(err) => failed(describe(&err)),
            Ok(mut res) => {
                let code = i32::from(res.status().as_u16());
                // A short excerpt only: a receiver's answer is not ours to keep.
                let excerpt = match res.chunk().await {
                    Ok(Some(bytes)) => {
                        let text = String::from_utf8_lossy(&bytes[..bytes.len().min(400)]);
                        let short: String =
                            text.chars().filter(|c| !c.is_control()).take(200).collect();
                        (!short.is_empty()).then_some(short)
                    }
                    _ => None,
                };
                Outcome {
                    code: Some(code),
                    note: excerpt,
                    ok: res.status().is_success(),
                }
            }
        }
    }
}

/// `secs`, give or take a fifth, so retries from many messages spread out.
fn jittered(secs: u64) -> chrono::Duration {
    let ms = secs as f64 * 1000.0 * rand::thread_rng().gen_range(0.8..1.2);
    chrono::Duration::milliseconds(ms as i64)
}

/// What went wrong, for the admin's delivery log: no addresses of ours.
fn describe(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        "No answer within 10 seconds".into()
    } else if err.is_connect() {
        let mut source: Option<&dyn std::error::Error> = Some(err);
        while let Some(e) = source {
            if e.to_string().contains("no address webhooks may reach") {
                return "The host resolves to no address webhooks may reach".into();
            }
            source = e.source();
        }
        "Could not connect".into()
    } else {
        "The request failed before an answer".into()
    }
}
