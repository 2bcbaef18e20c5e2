//! What every handler may need, shared across workers.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{
    config::Settings, consent::Templates, endpoints::Endpoint, mail::MailSender, secret::SecretKey,
};

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Settings,
    pub secret: SecretKey,
    pub templates: Arc<Templates>,
    pub mail: MailSender,
    /// Every route the server answers, by feature: the staff guard reads
    /// who may call which from here.
    pub endpoints: &'static [&'static [Endpoint]],
}
