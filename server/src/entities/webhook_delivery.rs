use sea_orm::entity::prelude::*;

/// One event for one endpoint, queued in the transaction that made the
/// event; its id is the `webhook-id` of every attempt.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_delivery")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub endpoint_id: Uuid,
    /// `WebhookEvent` wire name.
    pub event: String,
    /// The exact JSON body signed and sent (ids, times and status only).
    pub payload: String,
    pub created_at: DateTimeUtc,
    /// `DeliveryStatus` wire name.
    pub status: String,
    pub attempts: i32,
    /// When the next attempt is due; while an attempt runs, the end of its
    /// claim (several servers may share the queue).
    pub next_attempt_at: DateTimeUtc,
    pub last_attempt_at: Option<DateTimeUtc>,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
