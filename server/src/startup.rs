//! Builds the application: binds the listener, connects and migrates the
//! database, and wires routes and middleware.

use std::net::{SocketAddr, TcpListener};

use actix_web::{dev::Server, middleware, web, App, HttpServer};
use leptos::prelude::LeptosOptions;
use leptos_actix::{generate_route_list, LeptosRoutes};

use std::sync::Arc;

use crate::{
    audit, auth,
    config::{Secret, Settings},
    consent::Templates,
    course, db,
    endpoints::{self, Endpoint},
    files, http, intake, invites,
    limits::Limiter,
    mail::{MailSender, Transport},
    openapi, retention, review,
    secret::SecretKey,
    state::AppState,
    tokens, webhooks,
};

/// Every route of the server, by feature: the router is built from these
/// tables and the staff guard reads them.
pub static ENDPOINTS: &[&[Endpoint]] = &[
    http::ENDPOINTS,
    openapi::ENDPOINTS,
    intake::ENDPOINTS,
    invites::ENDPOINTS,
    auth::ENDPOINTS,
    review::ENDPOINTS,
    course::ENDPOINTS,
    audit::ENDPOINTS,
    retention::ENDPOINTS,
    tokens::ENDPOINTS,
    webhooks::ENDPOINTS,
];

pub struct Application {
    address: SocketAddr,
    server: Server,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        // TLS to PostgreSQL and SMTP: name the crypto provider once, so a second
        // one linked in by another crate cannot make the choice ambiguous.
        let _ = rustls::crypto::ring::default_provider().install_default();
        files::lock_down(&settings.data_dir).map_err(|e| {
            anyhow::anyhow!(
                "cannot create or restrict the data directory {} (STIPPLE_DATA_DIR): {e}",
                settings.data_dir.display()
            )
        })?;
        let conn = db::connect(&settings).await?;
        db::migrate(&conn).await?;
        let vault = Arc::new(crate::vault::open_for(&conn, settings.data_key_source()).await?);
        tokio::spawn(crate::vault::follow_key_file(vault.clone()));
        let backfilled = review::queue::backfill_flags(&conn, &vault).await?;
        if backfilled > 0 {
            tracing::info!(
                backfilled,
                "contraindication flags computed for older submissions"
            );
        }
        let secret = SecretKey::load(
            settings.secret_key.as_ref().map(Secret::expose),
            &settings.data_dir,
        )?;
        let templates = Arc::new(
            Templates::load(
                &conn,
                settings.consent_template.as_deref(),
                settings.consent_grace_days,
            )
            .await?,
        );
        let transport = Transport::from_settings(
            settings.smtp_url.as_ref().map(Secret::expose),
            settings.data_dir.join("outbox"),
        )?;
        let from = settings
            .mail_from
            .parse()
            .map_err(|_| anyhow::anyhow!("STIPPLE_MAIL_FROM is not a valid address"))?;
        let mail = MailSender::new(
            conn.clone(),
            vault.clone(),
            transport,
            from,
            std::time::Duration::from_secs(settings.mail_retry_secs),
        );
        // Sends queued mail for as long as the server runs.
        tokio::spawn(mail.clone().run());
        let listener = TcpListener::bind(settings.bind).map_err(|e| {
            anyhow::anyhow!("cannot listen on {} (STIPPLE_BIND): {e}", settings.bind)
        })?;
        let address = listener.local_addr()?;
        let limiter = Arc::new(Limiter::new(
            &conn,
            !settings.is_sqlite(),
            settings.limits.clone(),
            secret.clone(),
        ));
        tokio::spawn(prune_counters(limiter.clone()));
        // Applies the retention policy now and daily.
        tokio::spawn(retention::daily(
            conn.clone(),
            settings.retention,
            settings.data_dir.join("outbox"),
        ));
        let webhooks =
            webhooks::WebhookSender::new(conn.clone(), vault.clone(), settings.webhooks.clone());
        // Delivers queued webhooks for as long as the server runs.
        tokio::spawn(webhooks.clone().run());
        let state = AppState {
            webhooks: webhooks.waker(),
            limiter,
            healthy_at: Default::default(),
            db: conn,
            settings,
            secret,
            vault,
            templates,
            mail,
            endpoints: ENDPOINTS,
        };
        let server = run(listener, state)?;
        Ok(Self { address, server })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// Runs until SIGTERM/SIGINT, then finishes in-flight requests.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Drops expired rate counters every few minutes for as long as the server runs.
async fn prune_counters(limiter: Arc<Limiter>) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        every.tick().await;
        if let Err(e) = limiter.prune().await {
            tracing::warn!(error = %e, "could not drop old rate counters");
        }
    }
}

fn run(listener: TcpListener, state: AppState) -> anyhow::Result<Server> {
    let site_root = state.settings.site_root.to_string_lossy().into_owned();
    let leptos_options = LeptosOptions::builder()
        .output_name("stipple")
        .site_root(site_root.as_str())
        .site_pkg_dir("pkg")
        .build();
    http::static_files::load_asset_names(&state.settings.site_root);
    let state = web::Data::new(state);
    let server = HttpServer::new(move || {
        let routes = generate_route_list(stipple_app::App);
        let options = leptos_options.clone();
        App::new()
            .app_data(state.clone())
            .app_data(web::Data::new(leptos_options.clone()))
            .configure(http::configure)
            .configure(|cfg| endpoints::configure_public(cfg, ENDPOINTS))
            .configure(|cfg| tokens::configure(cfg, ENDPOINTS))
            .configure(|cfg| auth::guard::configure(cfg, ENDPOINTS))
            .configure(|cfg| http::static_files::configure(cfg, &state.settings.site_root))
            .leptos_routes(routes, move || stipple_app::shell(options.clone()))
            .default_service(web::to(http::errors::not_found))
            .wrap(http::middleware::security_headers(
                !state.settings.insecure_cookies,
            ))
            // Pages and JSON; the build's assets come compressed already.
            .wrap(middleware::Compress::default())
            .wrap(middleware::from_fn(http::middleware::request_id))
    })
    .shutdown_timeout(10)
    .listen(listener)?
    .run();
    Ok(server)
}
