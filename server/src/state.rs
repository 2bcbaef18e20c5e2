//! What every handler may need, shared across workers.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{
    config::Settings, consent::Templates, endpoints::Endpoint, limits::Limiter, mail::MailSender,
    secret::SecretKey, vault::Vault,
};

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Settings,
    pub secret: SecretKey,
    /// The data key: health data is sealed with it at rest.
    pub vault: Arc<Vault>,
    pub templates: Arc<Templates>,
    pub mail: MailSender,
    /// Wakes the webhook sender when a request queued messages, so they
    /// need not wait for its next look at the queue.
    pub webhooks: Arc<tokio::sync::Notify>,
    pub limiter: Arc<Limiter>,
    /// When `/healthz` last saw the database take a write.
    pub healthy_at: Arc<std::sync::Mutex<Option<std::time::Instant>>>,
    /// Every route the server answers, by feature: the staff guard reads
    /// who may call which from here.
    pub endpoints: &'static [&'static [Endpoint]],
}
