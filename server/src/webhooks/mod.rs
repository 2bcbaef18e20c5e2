//! Webhooks: events the clinic's other systems subscribe to, queued in the
//! database in the same transaction as what they report, and delivered by
//! a background sender signed as the Standard Webhooks specification says.
//! Payloads carry ids, times and status only; a receiver fetches more with
//! an API token.

pub mod deliver;
pub(crate) mod handlers;
pub mod outbound;

use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use sha2::Sha256;
use stipple_app::domain::{
    states::{DeliveryStatus, WebhookEvent},
    vocab::split,
};
use uuid::Uuid;

pub use deliver::WebhookSender;

use crate::{
    endpoints::{Access, Endpoint, Verb},
    entities::{webhook_delivery as delivery, webhook_endpoint as endpoint},
};

pub static ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        verb: Verb::Get,
        path: "/api/v1/staff/integrations/webhooks",
        access: Access::Admin,
        handler: |r| r.to(handlers::list),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/staff/integrations/webhooks",
        access: Access::Admin,
        handler: |r| r.to(handlers::create),
    },
    Endpoint {
        verb: Verb::Delete,
        path: "/api/v1/staff/integrations/webhooks/{id}",
        access: Access::Admin,
        handler: |r| r.to(handlers::delete),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/staff/integrations/webhooks/{id}/enable",
        access: Access::Admin,
        handler: |r| r.to(handlers::enable),
    },
    Endpoint {
        verb: Verb::Get,
        path: "/api/v1/staff/integrations/webhooks/{id}/deliveries",
        access: Access::Admin,
        handler: |r| r.to(handlers::deliveries),
    },
    Endpoint {
        verb: Verb::Post,
        path: "/api/v1/staff/integrations/webhooks/{id}/deliveries/{delivery}/resend",
        access: Access::Admin,
        handler: |r| r.to(handlers::resend),
    },
];

/// `webhook-id` of a delivery: the same on every retry.
pub fn message_id(delivery: Uuid) -> String {
    format!("msg_{}", delivery.simple())
}

/// A new signing secret, `whsec_` and 24 random bytes in base64.
pub fn new_secret() -> String {
    let mut key = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut key);
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(key)
    )
}

/// `webhook-signature`: `v1,` and the base64 HMAC-SHA256, keyed with the
/// secret's bytes, of `{id}.{timestamp}.{body}`.
pub fn signature(secret: &str, msg_id: &str, timestamp: i64, body: &str) -> Option<String> {
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.strip_prefix("whsec_")?)
        .ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{msg_id}.{timestamp}.").as_bytes());
    mac.update(body.as_bytes());
    Some(format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// What happened, to whom: the ids, status and times an event carries.
pub struct Happened {
    pub event: WebhookEvent,
    pub data: Value,
}

impl Happened {
    pub fn submission(event: WebhookEvent, id: Uuid, status: Option<&str>) -> Self {
        let mut data = json!({ "submission_id": id });
        if let Some(s) = status {
            data["status"] = json!(s);
        }
        Happened { event, data }
    }

    pub fn invite(event: WebhookEvent, id: Uuid, submission_id: Option<Uuid>) -> Self {
        let mut data = json!({ "invite_id": id });
        if let Some(s) = submission_id {
            data["submission_id"] = json!(s);
        }
        Happened { event, data }
    }

    /// Queues the event for every endpoint that subscribed to it, inside
    /// the caller's transaction: the event and its messages commit or
    /// vanish together. Disabled endpoints get theirs too, sent once an
    /// administrator enables them again.
    pub async fn queue(self, db: &impl ConnectionTrait) -> Result<usize, DbErr> {
        self.queue_at(db, Utc::now()).await
    }

    pub async fn queue_at(
        self,
        db: &impl ConnectionTrait,
        at: DateTime<Utc>,
    ) -> Result<usize, DbErr> {
        let wanted = self.event.as_str();
        let targets: Vec<endpoint::Model> = endpoint::Entity::find()
            .filter(endpoint::Column::Events.contains(wanted))
            .all(db)
            .await?
            .into_iter()
            .filter(|e| split::<WebhookEvent>(&e.events).contains(&self.event))
            .collect();
        if targets.is_empty() {
            return Ok(0);
        }
        let body = json!({
            "type": wanted,
            "timestamp": at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "data": self.data,
        })
        .to_string();
        let rows = targets.iter().map(|e| delivery::ActiveModel {
            id: Set(Uuid::new_v4()),
            endpoint_id: Set(e.id),
            event: Set(wanted.to_string()),
            payload: Set(body.clone()),
            created_at: Set(at),
            status: Set(DeliveryStatus::Pending.as_str().to_string()),
            attempts: Set(0),
            next_attempt_at: Set(at),
            last_attempt_at: Set(None),
            last_status_code: Set(None),
            last_error: Set(None),
        });
        delivery::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
        Ok(targets.len())
    }
}

#[cfg(test)]
mod tests {
    /// The example of the Standard Webhooks specification's test vectors.
    #[test]
    fn signs_as_the_specification_says() {
        let sig = super::signature(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(
            sig.as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
    }
}
