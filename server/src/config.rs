//! Settings come from environment variables (all listed in README and
//! `.env.example`). A bad value stops start-up with a message naming it.
//!
//! Each variable is declared once, on [`Raw`]: its name, default and value
//! parser. Checks that need more than one value live in [`validate`].

use std::{
    collections::HashMap,
    ffi::{OsStr, OsString},
    net::{IpAddr, SocketAddr},
    path::PathBuf,
    sync::LazyLock,
};

use clap::{CommandFactory, FromArgMatches};
use stipple_app::domain::api::RetentionPolicy;

#[derive(Debug, thiserror::Error)]
#[error("{var}: {message}")]
pub struct ConfigError {
    pub var: &'static str,
    pub message: String,
}

/// A value that must not end up in logs: `Debug` hides it, and there is no
/// `Display`, so reading it takes a deliberate [`Secret::expose`].
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

#[derive(Clone, Debug)]
pub struct Settings {
    /// Address to listen on; port 0 picks a free port (tests).
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    /// A secret because a PostgreSQL URL may carry the password.
    pub database_url: Secret,
    /// Built site: `assets/` (hashed, precompressed), `assets.json` and the
    /// files that keep their names (service worker, manifest, icons).
    pub site_root: PathBuf,
    pub log_filter: String,
    pub log_json: bool,
    /// Largest accepted JSON body, in bytes.
    pub max_body_bytes: usize,
    /// Key for receipt tokens; read from `STIPPLE_SECRET_KEY` or a file in the data dir.
    pub secret_key: Option<Secret>,
    /// The data key sealing health data at rest: `STIPPLE_DATA_KEY`, else
    /// the file `STIPPLE_DATA_KEY_FILE` (by default in the user's
    /// configuration directory, created at first start).
    pub data_key: Option<Secret>,
    pub data_key_file: PathBuf,
    /// A clinic's own consent template (TOML); the shipped default otherwise.
    pub consent_template: Option<PathBuf>,
    /// SMTP server; without it mail is written to `data_dir/outbox/`.
    /// A secret because the URL may carry the account's password.
    pub smtp_url: Option<Secret>,
    pub mail_from: String,
    /// First retry delay for mail; doubles with each failed attempt.
    pub mail_retry_secs: u64,
    pub paper: Paper,
    /// The clinic's time zone (IANA name), for signing times in the PDF.
    pub timezone: chrono_tz::Tz,
    /// Staff session cookies without `Secure`, for plain-http local use only.
    pub insecure_cookies: bool,
    /// A staff session ends after this long without a request.
    pub staff_idle_minutes: u32,
    /// Who must sign in with a second factor.
    pub require_2fa: Require2fa,
    /// How long an appointment invite link stays valid.
    pub invite_days: u32,
    /// The address clients reach the app at, for links in e-mails
    /// (taken from the request when unset).
    pub public_url: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpAddr>,
    /// Plain `smtp://` to a host other than this machine, knowingly.
    pub smtp_allow_plaintext: bool,
    /// Limits on the public endpoints, see [`Limits`].
    pub limits: Limits,
    /// A receipt token opens the client's own record for this many days.
    pub receipt_days: u32,
    /// The consent version in force before the current one stays signable
    /// this many days after the change (intakes filled offline meanwhile).
    pub consent_grace_days: u32,
    /// A request body must arrive within this many seconds.
    pub body_timeout_secs: u64,
    /// How long each kind of record is kept (`STIPPLE_RETAIN_*`).
    pub retention: RetentionPolicy,
    /// Where webhooks may go and how they are retried (`STIPPLE_WEBHOOK_*`).
    pub webhooks: WebhookSettings,
}

/// Outbound webhooks.
#[derive(Clone, Debug)]
pub struct WebhookSettings {
    /// Plain `http://` to this machine, and loopback targets at all: for
    /// tests and development only.
    pub allow_loopback: bool,
    /// Targets in private, link-local or shared address ranges (a booking
    /// system inside the clinic's own network).
    pub allow_private: bool,
    /// Seconds before each retry after a failed attempt; after the last,
    /// the message is given up.
    pub retry_secs: Vec<u64>,
    /// An endpoint whose every attempt failed for this long is disabled.
    pub disable_after_hours: u32,
}

/// So many requests per so many seconds: written `10/hour`, `5/30s`, `3/day`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    pub count: u32,
    pub per_secs: u64,
}

/// Every limit on what the public may ask of the clinic.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Intakes per client address (IPv6 by /64), and in all.
    pub submit: Rate,
    pub submit_total: Rate,
    /// Intakes per address inside `kiosk_networks` (the clinic's tablets).
    pub submit_kiosk: Rate,
    pub kiosk_networks: Vec<ipnet::IpNet>,
    /// The client's record and PDF, and invite links.
    pub read: Rate,
    pub read_total: Rate,
    /// PDF verification.
    pub verify: Rate,
    pub verify_total: Rate,
    /// Requests per API token.
    pub api_token: Rate,
    /// E-mailed consent copies per recipient address, and per client address.
    pub mail_per_recipient: Rate,
    pub mail_per_address: Rate,
}

pub use crate::consent_pdf::Paper;

/// The variables as declared, each checked on its own. Values reach it as
/// `--flag=value` arguments built from a variable map (see [`parse`]), so the
/// `env` names declare the variables but clap never reads the environment itself.
/// `hide_env_values` marks variables whose value must not appear in an error.
#[derive(clap::Parser)]
#[command(name = "stipple", disable_help_flag = true)]
struct Raw {
    #[arg(long, env = "STIPPLE_BIND", default_value = "127.0.0.1:8080", value_parser = address)]
    bind: SocketAddr,
    #[arg(long, env = "STIPPLE_DATA_DIR", default_value = "./data")]
    data_dir: PathBuf,
    /// Defaults to SQLite in the data dir, see [`validate`].
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, value_parser = database_url)]
    database_url: Option<String>,
    #[arg(long, env = "STIPPLE_SITE_ROOT", default_value = "target/site")]
    site_root: PathBuf,
    #[arg(long = "log", env = "STIPPLE_LOG", default_value = "info")]
    log_filter: String,
    #[arg(
        long = "log-format",
        env = "STIPPLE_LOG_FORMAT",
        default_value = "text",
        action = clap::ArgAction::Set,
        value_parser = log_format,
    )]
    log_json: bool,
    #[arg(
        long,
        env = "STIPPLE_MAX_BODY_BYTES",
        default_value_t = 2 * 1024 * 1024,
        value_parser = clap::value_parser!(u64).range(16 * 1024..=64 * 1024 * 1024),
    )]
    max_body_bytes: u64,
    #[arg(long, env = "STIPPLE_SECRET_KEY", hide_env_values = true, value_parser = secret_key)]
    secret_key: Option<Secret>,
    #[arg(long, env = "STIPPLE_DATA_KEY", hide_env_values = true, value_parser = data_key)]
    data_key: Option<Secret>,
    #[arg(long, env = "STIPPLE_DATA_KEY_FILE")]
    data_key_file: Option<PathBuf>,
    #[arg(long, env = "STIPPLE_CONSENT_TEMPLATE")]
    consent_template: Option<PathBuf>,
    #[arg(long, env = "STIPPLE_SMTP_URL", hide_env_values = true, value_parser = smtp_url)]
    smtp_url: Option<Secret>,
    #[arg(
        long,
        env = "STIPPLE_MAIL_FROM",
        default_value = "Stipple <no-reply@localhost>",
        value_parser = mailbox,
    )]
    mail_from: String,
    #[arg(
        long,
        env = "STIPPLE_MAIL_RETRY_SECS",
        default_value_t = 30,
        value_parser = clap::value_parser!(u64).range(1..=3600),
    )]
    mail_retry_secs: u64,
    #[arg(long, env = "STIPPLE_PAPER", default_value = "a4", value_parser = paper)]
    paper: Paper,
    #[arg(long, env = "STIPPLE_TIMEZONE", default_value = "UTC", value_parser = timezone)]
    timezone: chrono_tz::Tz,
    #[arg(
        long,
        env = "STIPPLE_INSECURE_COOKIES",
        default_value = "0",
        action = clap::ArgAction::Set,
        value_parser = switch,
    )]
    insecure_cookies: bool,
    #[arg(
        long,
        env = "STIPPLE_STAFF_IDLE_MINUTES",
        default_value_t = 30,
        value_parser = clap::value_parser!(u32).range(1..=24 * 60),
    )]
    staff_idle_minutes: u32,
    #[arg(long, env = "STIPPLE_REQUIRE_2FA", default_value = "admins", value_parser = require_2fa)]
    require_2fa: Require2fa,
    #[arg(
        long,
        env = "STIPPLE_INVITE_DAYS",
        default_value_t = 14,
        value_parser = clap::value_parser!(u32).range(1..=365),
    )]
    invite_days: u32,
    #[arg(long, env = "STIPPLE_PUBLIC_URL", value_parser = public_url)]
    public_url: Option<String>,
    #[arg(
        long,
        env = "STIPPLE_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_parser = proxy,
    )]
    trusted_proxies: Vec<IpAddr>,
    #[arg(
        long,
        env = "STIPPLE_SMTP_ALLOW_PLAINTEXT",
        default_value = "0",
        action = clap::ArgAction::Set,
        value_parser = switch,
    )]
    smtp_allow_plaintext: bool,
    #[arg(long, env = "STIPPLE_LIMIT_SUBMIT", default_value = "10/hour", value_parser = rate)]
    limit_submit: Rate,
    #[arg(long, env = "STIPPLE_LIMIT_SUBMIT_TOTAL", default_value = "600/hour", value_parser = rate)]
    limit_submit_total: Rate,
    #[arg(long, env = "STIPPLE_LIMIT_SUBMIT_KIOSK", default_value = "120/hour", value_parser = rate)]
    limit_submit_kiosk: Rate,
    #[arg(long, env = "STIPPLE_KIOSK_NETWORKS", value_delimiter = ',', value_parser = network)]
    kiosk_networks: Vec<ipnet::IpNet>,
    #[arg(long, env = "STIPPLE_LIMIT_READ", default_value = "60/min", value_parser = rate)]
    limit_read: Rate,
    #[arg(long, env = "STIPPLE_LIMIT_READ_TOTAL", default_value = "3000/min", value_parser = rate)]
    limit_read_total: Rate,
    #[arg(long, env = "STIPPLE_LIMIT_VERIFY", default_value = "10/min", value_parser = rate)]
    limit_verify: Rate,
    #[arg(long, env = "STIPPLE_LIMIT_VERIFY_TOTAL", default_value = "60/min", value_parser = rate)]
    limit_verify_total: Rate,
    #[arg(long, env = "STIPPLE_LIMIT_API_TOKEN", default_value = "600/min", value_parser = rate)]
    limit_api_token: Rate,
    #[arg(long, env = "STIPPLE_MAIL_CAP_RECIPIENT", default_value = "3/day", value_parser = rate)]
    mail_cap_recipient: Rate,
    #[arg(long, env = "STIPPLE_MAIL_CAP_ADDRESS", default_value = "5/hour", value_parser = rate)]
    mail_cap_address: Rate,
    #[arg(
        long,
        env = "STIPPLE_RECEIPT_DAYS",
        default_value_t = 30,
        value_parser = clap::value_parser!(u32).range(1..=3650),
    )]
    receipt_days: u32,
    #[arg(
        long,
        env = "STIPPLE_CONSENT_GRACE_DAYS",
        default_value_t = 7,
        value_parser = clap::value_parser!(u32).range(0..=90),
    )]
    consent_grace_days: u32,
    #[arg(
        long,
        env = "STIPPLE_BODY_TIMEOUT_SECS",
        default_value_t = 30,
        value_parser = clap::value_parser!(u64).range(1..=600),
    )]
    body_timeout_secs: u64,
    #[arg(
        long,
        env = "STIPPLE_RETAIN_CONSENT_YEARS",
        default_value_t = 10,
        value_parser = clap::value_parser!(u32).range(1..=100),
    )]
    retain_consent_years: u32,
    #[arg(
        long,
        env = "STIPPLE_RETAIN_UNREVIEWED_DAYS",
        default_value_t = 365,
        value_parser = clap::value_parser!(u32).range(1..=36500),
    )]
    retain_unreviewed_days: u32,
    #[arg(
        long,
        env = "STIPPLE_RETAIN_INVITE_DAYS",
        default_value_t = 30,
        value_parser = clap::value_parser!(u32).range(1..=3650),
    )]
    retain_invite_days: u32,
    #[arg(
        long,
        env = "STIPPLE_RETAIN_MAIL_DAYS",
        default_value_t = 30,
        value_parser = clap::value_parser!(u32).range(1..=3650),
    )]
    retain_mail_days: u32,
    #[arg(
        long,
        env = "STIPPLE_RETAIN_SESSION_DAYS",
        default_value_t = 30,
        value_parser = clap::value_parser!(u32).range(1..=3650),
    )]
    retain_session_days: u32,
    #[arg(
        long,
        env = "STIPPLE_RETAIN_LOGIN_FAILURE_DAYS",
        default_value_t = 90,
        value_parser = clap::value_parser!(u32).range(1..=3650),
    )]
    retain_login_failure_days: u32,
    #[arg(
        long,
        env = "STIPPLE_RETAIN_AUDIT_ADDRESS_DAYS",
        default_value_t = 90,
        value_parser = clap::value_parser!(u32).range(1..=3650),
    )]
    retain_audit_address_days: u32,
    #[arg(
        long,
        env = "STIPPLE_WEBHOOK_ALLOW_LOOPBACK",
        default_value = "0",
        action = clap::ArgAction::Set,
        value_parser = switch,
    )]
    webhook_allow_loopback: bool,
    #[arg(
        long,
        env = "STIPPLE_WEBHOOK_ALLOW_PRIVATE",
        default_value = "0",
        action = clap::ArgAction::Set,
        value_parser = switch,
    )]
    webhook_allow_private: bool,
    /// About three days in all: 5 s, 5 min, 30 min, 2 h, 5 h, then 10 h six times.
    #[arg(
        long,
        env = "STIPPLE_WEBHOOK_RETRY_SECS",
        value_delimiter = ',',
        default_value = "5,300,1800,7200,18000,36000,36000,36000,36000,36000,36000",
        value_parser = retry_secs,
    )]
    webhook_retry_secs: Vec<u64>,
    #[arg(
        long,
        env = "STIPPLE_WEBHOOK_DISABLE_AFTER_HOURS",
        default_value_t = 72,
        value_parser = clap::value_parser!(u32).range(1..=24 * 30),
    )]
    webhook_disable_after_hours: u32,
}

/// Built once and kept, so the variable names it holds are `'static` and can
/// be given out in [`ConfigError::var`].
static COMMAND: LazyLock<clap::Command> = LazyLock::new(|| {
    let mut cmd = Raw::command();
    cmd.build();
    cmd
});

/// The declared variables: name and the flag that carries its value.
fn declared() -> impl Iterator<Item = (&'static str, &'static str)> {
    COMMAND.get_arguments().filter_map(|arg| {
        let var = arg.get_env().and_then(OsStr::to_str)?;
        Some((var, arg.get_long()?))
    })
}

/// A rejected value, worded by our own parsers; told apart from clap's own
/// errors (number ranges) so its message is used as it stands.
#[derive(Debug)]
struct Invalid(String);

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Invalid {}

fn invalid<T>(message: impl Into<String>) -> Result<T, Invalid> {
    Err(Invalid(message.into()))
}

fn address(v: &str) -> Result<SocketAddr, Invalid> {
    v.parse()
        .or_else(|_| invalid(format!("`{v}` is not an address like 127.0.0.1:8080")))
}

fn database_url(url: &str) -> Result<String, Invalid> {
    if ["sqlite:", "postgres://", "postgresql://"]
        .iter()
        .any(|p| url.starts_with(p))
    {
        return Ok(url.to_string());
    }
    // Only the scheme is echoed: the rest may hold a password.
    let scheme = url.split(':').next().unwrap_or_default();
    invalid(format!(
        "unsupported scheme `{scheme}`; use sqlite://path or postgres://…"
    ))
}

fn log_format(v: &str) -> Result<bool, Invalid> {
    match v {
        "text" => Ok(false),
        "json" => Ok(true),
        other => invalid(format!("`{other}` is not `text` or `json`")),
    }
}

fn data_key(v: &str) -> Result<Secret, Invalid> {
    let lines: Vec<&str> = v
        .split([',', '\n'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.is_empty()
        || !lines
            .iter()
            .all(|l| l.len() == 64 && l.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return invalid("must be 64 hexadecimal digits (32 bytes), the current key first");
    }
    Ok(Secret(lines.join("\n")))
}

fn secret_key(v: &str) -> Result<Secret, Invalid> {
    if v.len() < 32 {
        return invalid("must be at least 32 characters");
    }
    Ok(Secret(v.to_string()))
}

fn smtp_url(v: &str) -> Result<Secret, Invalid> {
    if !(v.starts_with("smtp://") || v.starts_with("smtps://")) {
        return invalid("must start with smtp:// or smtps://");
    }
    Ok(Secret(v.to_string()))
}

/// Checked here rather than when the first mail is sent, so a typo stops start-up.
fn mailbox(v: &str) -> Result<String, Invalid> {
    if v.contains(['\r', '\n']) || v.parse::<lettre::message::Mailbox>().is_err() {
        return invalid(format!(
            "`{v}` is not an address like Clinic <desk@example.com>"
        ));
    }
    Ok(v.to_string())
}

/// Who must have two-factor sign-in before using the staff pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Require2fa {
    Admins,
    All,
    Off,
}

impl Require2fa {
    pub fn applies_to(self, role: stipple_app::domain::states::Role) -> bool {
        match self {
            Require2fa::All => true,
            Require2fa::Admins => role == stipple_app::domain::states::Role::Admin,
            Require2fa::Off => false,
        }
    }
}

fn require_2fa(v: &str) -> Result<Require2fa, Invalid> {
    match v.trim() {
        "admins" => Ok(Require2fa::Admins),
        "all" => Ok(Require2fa::All),
        "off" => Ok(Require2fa::Off),
        _ => invalid("must be admins, all or off"),
    }
}

fn paper(v: &str) -> Result<Paper, Invalid> {
    match v.to_ascii_lowercase().as_str() {
        "a4" => Ok(Paper::A4),
        "letter" => Ok(Paper::Letter),
        other => invalid(format!("`{other}` is not `a4` or `letter`")),
    }
}

fn timezone(v: &str) -> Result<chrono_tz::Tz, Invalid> {
    v.parse()
        .or_else(|_| invalid(format!("`{v}` is not a time zone like Europe/London")))
}

fn switch(v: &str) -> Result<bool, Invalid> {
    match v {
        "0" | "false" => Ok(false),
        "1" | "true" => Ok(true),
        other => invalid(format!("`{other}` is not 0 or 1")),
    }
}

fn public_url(v: &str) -> Result<String, Invalid> {
    if v.starts_with("https://") || v.starts_with("http://") {
        // Links are built by appending `/path`.
        return Ok(v.trim_end_matches('/').to_string());
    }
    invalid(format!(
        "`{v}` is not an address like https://intake.example.com"
    ))
}

/// One delay of the retry list, in seconds: 1 s to a day.
fn retry_secs(v: &str) -> Result<u64, Invalid> {
    match v.trim().parse::<u64>() {
        Ok(n) if (1..=86_400).contains(&n) => Ok(n),
        _ => invalid(format!(
            "`{}` is not a number of seconds from 1 to 86400",
            v.trim()
        )),
    }
}

/// One entry of the comma-separated list; spaces after commas are allowed.
fn proxy(v: &str) -> Result<IpAddr, Invalid> {
    let ip = v.trim();
    ip.parse()
        .or_else(|_| invalid(format!("`{ip}` is not an IP address")))
}

/// `count/period`, the period one of `s`, `min`, `hour`, `day` (or `Ns`,
/// `Nmin`…); at most a day, so counters need not be kept longer.
fn rate(v: &str) -> Result<Rate, Invalid> {
    let bad = || Invalid(format!("`{v}` is not a rate like 10/hour or 5/30s"));
    let (count, period) = v.split_once('/').ok_or_else(bad)?;
    let count: u32 = count.trim().parse().map_err(|_| bad())?;
    let period = period.trim();
    let digits = period.len()
        - period
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .len();
    let (n, unit) = period.split_at(digits);
    let n: u64 = if n.is_empty() {
        1
    } else {
        n.parse().map_err(|_| bad())?
    };
    let unit_secs = match unit {
        "s" | "sec" | "second" => 1,
        "m" | "min" | "minute" => 60,
        "h" | "hour" => 3600,
        "d" | "day" => 86_400,
        _ => return Err(bad()),
    };
    let per_secs = n * unit_secs;
    if count == 0 || per_secs == 0 || per_secs > 86_400 {
        return invalid(format!(
            "`{v}` must allow at least one request per period of at most a day"
        ));
    }
    Ok(Rate { count, per_secs })
}

/// An address or a network in CIDR form (`192.168.10.0/24`).
fn network(v: &str) -> Result<ipnet::IpNet, Invalid> {
    let v = v.trim();
    v.parse::<ipnet::IpNet>()
        .or_else(|_| v.parse::<IpAddr>().map(ipnet::IpNet::from))
        .or_else(|_| {
            invalid(format!(
                "`{v}` is not an address or network like 10.0.0.0/24"
            ))
        })
}

/// Runs the declared parsers over the variables in `vars`.
fn parse(vars: &HashMap<String, String>) -> Result<Raw, ConfigError> {
    let args = declared().filter_map(|(var, long)| {
        // Blank counts as unset, so an empty `FOO=` line in an env file keeps the default.
        let value = vars.get(var).map(|v| v.trim()).filter(|v| !v.is_empty())?;
        // `--flag=value` keeps a value that starts with `-` from reading as a flag.
        Some(OsString::from(format!("--{long}={value}")))
    });
    // Without `env` the map is the only source, so the process environment
    // cannot leak into `from_vars` (and into tests).
    let cmd = COMMAND.clone().mut_args(|arg| arg.env(None));
    let matches = cmd
        .try_get_matches_from(std::iter::once(OsString::from("stipple")).chain(args))
        .map_err(config_error)?;
    Raw::from_arg_matches(&matches).map_err(config_error)
}

/// Names the variable behind a failed argument and words the message.
fn config_error(err: clap::Error) -> ConfigError {
    use clap::error::{ContextKind, ContextValue};

    let flag = match err.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(s)) => s
            .strip_prefix("--")
            .and_then(|s| s.split([' ', '=']).next()),
        _ => None,
    };
    let arg = flag.and_then(|flag| {
        COMMAND
            .get_arguments()
            .find(|arg| arg.get_long() == Some(flag))
    });
    let var = arg
        .and_then(|arg| arg.get_env())
        .and_then(OsStr::to_str)
        .unwrap_or("settings");
    let hidden = arg.is_none_or(|arg| arg.is_hide_env_values_set());
    let value = match err.get(ContextKind::InvalidValue) {
        Some(ContextValue::String(v)) => Some(v.trim()),
        _ => None,
    };
    let source = std::error::Error::source(&err);
    let message = match (source, value) {
        (Some(s), _) if s.is::<Invalid>() => s.to_string(),
        (Some(s), Some(v)) if !hidden => format!("`{v}` is not valid: {s}"),
        (Some(s), _) => s.to_string(),
        // Never clap's rendered message: it would quote a hidden value.
        (None, _) => err.kind().as_str().unwrap_or("invalid value").to_string(),
    };
    ConfigError { var, message }
}

/// Everything that depends on more than one variable, and the conversion
/// to the types the rest of the server uses.
fn validate(raw: Raw) -> Result<Settings, ConfigError> {
    // SQLite beside the other files in the data dir unless told otherwise.
    let database_url = raw.database_url.unwrap_or_else(|| {
        format!(
            "sqlite://{}?mode=rwc",
            raw.data_dir.join("stipple.db").display()
        )
    });
    let max_body_bytes = usize::try_from(raw.max_body_bytes).map_err(|_| ConfigError {
        var: "STIPPLE_MAX_BODY_BYTES",
        message: format!("`{}` is too large for this machine", raw.max_body_bytes),
    })?;
    let data_key_file = match (raw.data_key_file.clone(), &raw.data_key) {
        (Some(f), _) => f,
        (None, given) => match crate::vault::default_key_path() {
            Some(f) => f,
            // With the key itself given, the file is never read.
            None if given.is_some() => PathBuf::from("/nonexistent"),
            None => {
                return Err(ConfigError {
                    var: "STIPPLE_DATA_KEY_FILE",
                    message: "no configuration directory to keep the data key in (HOME is not \
                              set): name a file outside the data directory"
                        .into(),
                })
            }
        },
    };
    // A copy of the data directory must not carry the key that opens it.
    let absolute = |p: &std::path::Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    if absolute(&data_key_file).starts_with(absolute(&raw.data_dir)) {
        return Err(ConfigError {
            var: "STIPPLE_DATA_KEY_FILE",
            message: "must be outside STIPPLE_DATA_DIR: a copy of the data must not carry its key"
                .into(),
        });
    }
    let loopback = raw.bind.ip().is_loopback();
    if !loopback && raw.insecure_cookies {
        return Err(ConfigError {
            var: "STIPPLE_INSECURE_COOKIES",
            message: format!(
                "cookies without Secure are only for this machine, not while listening on {}",
                raw.bind
            ),
        });
    }
    if !loopback && raw.public_url.is_none() {
        return Err(ConfigError {
            var: "STIPPLE_PUBLIC_URL",
            message: format!(
                "required while listening on {}: links in e-mails must not be built from what a request claims its host is",
                raw.bind
            ),
        });
    }
    if let Some(url) = &raw.smtp_url {
        if !raw.smtp_allow_plaintext && !smtp_is_protected(url.expose()) {
            return Err(ConfigError {
                var: "STIPPLE_SMTP_URL",
                message:
                    "mail would cross the network unencrypted: use smtps://, add ?tls=required, \
                          or set STIPPLE_SMTP_ALLOW_PLAINTEXT=1"
                        .into(),
            });
        }
    }
    Ok(Settings {
        bind: raw.bind,
        data_dir: raw.data_dir,
        database_url: Secret(database_url),
        site_root: raw.site_root,
        log_filter: raw.log_filter,
        log_json: raw.log_json,
        max_body_bytes,
        secret_key: raw.secret_key,
        data_key: raw.data_key,
        data_key_file,
        consent_template: raw.consent_template,
        smtp_url: raw.smtp_url,
        mail_from: raw.mail_from,
        mail_retry_secs: raw.mail_retry_secs,
        paper: raw.paper,
        timezone: raw.timezone,
        insecure_cookies: raw.insecure_cookies,
        staff_idle_minutes: raw.staff_idle_minutes,
        require_2fa: raw.require_2fa,
        invite_days: raw.invite_days,
        public_url: raw.public_url,
        trusted_proxies: raw.trusted_proxies,
        smtp_allow_plaintext: raw.smtp_allow_plaintext,
        limits: Limits {
            submit: raw.limit_submit,
            submit_total: raw.limit_submit_total,
            submit_kiosk: raw.limit_submit_kiosk,
            kiosk_networks: raw.kiosk_networks,
            read: raw.limit_read,
            read_total: raw.limit_read_total,
            verify: raw.limit_verify,
            verify_total: raw.limit_verify_total,
            api_token: raw.limit_api_token,
            mail_per_recipient: raw.mail_cap_recipient,
            mail_per_address: raw.mail_cap_address,
        },
        receipt_days: raw.receipt_days,
        consent_grace_days: raw.consent_grace_days,
        body_timeout_secs: raw.body_timeout_secs,
        retention: RetentionPolicy {
            consent_years: raw.retain_consent_years,
            unreviewed_days: raw.retain_unreviewed_days,
            invite_days: raw.retain_invite_days,
            mail_days: raw.retain_mail_days,
            session_days: raw.retain_session_days,
            login_failure_days: raw.retain_login_failure_days,
            audit_address_days: raw.retain_audit_address_days,
        },
        webhooks: WebhookSettings {
            allow_loopback: raw.webhook_allow_loopback,
            allow_private: raw.webhook_allow_private,
            retry_secs: raw.webhook_retry_secs,
            disable_after_hours: raw.webhook_disable_after_hours,
        },
    })
}

/// TLS from the start (`smtps://`), STARTTLS required, or a server on this
/// machine, where nothing crosses a network.
fn smtp_is_protected(url: &str) -> bool {
    let Ok(u) = url::Url::parse(url) else {
        return false;
    };
    if u.scheme() == "smtps" || u.query_pairs().any(|(k, v)| k == "tls" && v == "required") {
        return true;
    }
    match u.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        // `smtp:` is not a scheme the URL standard knows, so an IPv4
        // address arrives as a name.
        Some(url::Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost")
                || d.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
        }
        None => false,
    }
}

impl Settings {
    /// Where the data key is read from: the key itself, else its file.
    pub fn data_key_source(&self) -> crate::vault::KeySource<'_> {
        match &self.data_key {
            Some(k) => crate::vault::KeySource::Value(k.expose()),
            None => crate::vault::KeySource::File(&self.data_key_file),
        }
    }

    /// Reads only the declared variables, so an unrelated variable that is not
    /// UTF-8 does not matter.
    pub fn from_env() -> Result<Self, ConfigError> {
        let mut vars = HashMap::new();
        for (var, _) in declared() {
            match std::env::var(var) {
                Ok(value) => {
                    vars.insert(var.to_string(), value);
                }
                Err(std::env::VarError::NotPresent) => {}
                Err(std::env::VarError::NotUnicode(_)) => {
                    return Err(ConfigError {
                        var,
                        message: "is not valid UTF-8".into(),
                    })
                }
            }
        }
        Self::from_vars(&vars)
    }

    /// Parses settings from a variable map, so tests need not touch the process environment.
    pub fn from_vars(vars: &HashMap<String, String>) -> Result<Self, ConfigError> {
        validate(parse(vars)?)
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.expose().starts_with("sqlite:")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_are_local_sqlite_on_8080() {
        let s = Settings::from_vars(&vars(&[])).unwrap();
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(
            s.database_url.expose(),
            "sqlite://./data/stipple.db?mode=rwc"
        );
        assert!(s.is_sqlite());
    }

    #[test]
    fn bad_values_name_the_variable() {
        for (k, v) in [
            ("STIPPLE_BIND", "nowhere"),
            ("DATABASE_URL", "mysql://x"),
            ("STIPPLE_LOG_FORMAT", "xml"),
            ("STIPPLE_MAX_BODY_BYTES", "12"),
            ("STIPPLE_SECRET_KEY", "short"),
            ("STIPPLE_SMTP_URL", "http://mail"),
            ("STIPPLE_MAIL_FROM", "no address"),
            ("STIPPLE_MAIL_RETRY_SECS", "0"),
            ("STIPPLE_PAPER", "a3"),
            ("STIPPLE_TIMEZONE", "Mars/Olympus"),
            ("STIPPLE_INSECURE_COOKIES", "yes please"),
            ("STIPPLE_STAFF_IDLE_MINUTES", "0"),
            ("STIPPLE_REQUIRE_2FA", "sometimes"),
            ("STIPPLE_INVITE_DAYS", "1000"),
            ("STIPPLE_PUBLIC_URL", "intake.example.com"),
            ("STIPPLE_TRUSTED_PROXIES", "10.0.0.1, proxy"),
            ("STIPPLE_LIMIT_SUBMIT", "ten/hour"),
            ("STIPPLE_LIMIT_READ", "0/min"),
            ("STIPPLE_LIMIT_VERIFY", "5/week"),
            ("STIPPLE_KIOSK_NETWORKS", "10.0.0.0/33"),
            ("STIPPLE_RECEIPT_DAYS", "0"),
            ("STIPPLE_SMTP_URL", "smtp://mail.example.com:25"),
            ("STIPPLE_INSECURE_COOKIES", "1"),
            ("STIPPLE_PUBLIC_URL", ""),
        ] {
            let mut vars = vars(&[(k, v)]);
            if v.is_empty() || k == "STIPPLE_INSECURE_COOKIES" && v == "1" {
                // Rules that need a second value: listening on every interface.
                vars.insert("STIPPLE_BIND".into(), "0.0.0.0:8080".into());
                if k == "STIPPLE_INSECURE_COOKIES" {
                    vars.insert("STIPPLE_PUBLIC_URL".into(), "https://x.example".into());
                }
            }
            let err = Settings::from_vars(&vars).unwrap_err();
            assert_eq!(err.var, k, "{err}");
            assert!(err.to_string().starts_with(k), "{err}");
        }
    }

    #[test]
    fn every_variable_is_in_the_example_file() {
        let example = include_str!("../../.env.example");
        for (var, _) in declared() {
            assert!(
                example.contains(&format!("{var}=")),
                "{var} is not in .env.example"
            );
        }
    }

    #[test]
    fn postgres_url_is_kept() {
        let s =
            Settings::from_vars(&vars(&[("DATABASE_URL", "postgres://u@localhost/db")])).unwrap();
        assert!(!s.is_sqlite());
    }

    #[test]
    fn debug_output_hides_secrets() {
        let key = "a-key-of-at-least-thirty-two-characters";
        let s = Settings::from_vars(&vars(&[
            ("STIPPLE_SECRET_KEY", key),
            ("STIPPLE_SMTP_URL", "smtps://desk:hunter2@mail.example.com"),
            (
                "DATABASE_URL",
                "postgres://stipple:pg-secret-9@db.example/stipple",
            ),
        ]))
        .unwrap();
        assert_eq!(s.secret_key.as_ref().map(Secret::expose), Some(key));
        let printed = format!("{s:?}");
        assert!(!printed.contains(key), "{printed}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(!printed.contains("pg-secret-9"), "{printed}");
    }

    #[test]
    fn blank_values_count_as_unset_and_values_are_trimmed() {
        let s = Settings::from_vars(&vars(&[
            ("STIPPLE_BIND", "  "),
            ("DATABASE_URL", ""),
            ("STIPPLE_PAPER", " Letter "),
            ("STIPPLE_TRUSTED_PROXIES", "10.0.0.1, ::1"),
        ]))
        .unwrap();
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert!(s.is_sqlite());
        assert_eq!(s.paper, Paper::Letter);
        assert_eq!(s.trusted_proxies.len(), 2);
    }

    #[test]
    fn rates_and_networks_read_as_written() {
        let s = Settings::from_vars(&vars(&[
            ("STIPPLE_LIMIT_SUBMIT", "3/30s"),
            ("STIPPLE_LIMIT_READ", "100/min"),
            ("STIPPLE_MAIL_CAP_RECIPIENT", "2/day"),
            ("STIPPLE_KIOSK_NETWORKS", "192.168.10.0/24, 2001:db8::7"),
        ]))
        .unwrap();
        assert_eq!(
            s.limits.submit,
            Rate {
                count: 3,
                per_secs: 30
            }
        );
        assert_eq!(
            s.limits.read,
            Rate {
                count: 100,
                per_secs: 60
            }
        );
        assert_eq!(
            s.limits.mail_per_recipient,
            Rate {
                count: 2,
                per_secs: 86_400
            }
        );
        assert_eq!(s.limits.kiosk_networks.len(), 2);
    }

    #[test]
    fn mail_in_clear_only_on_this_machine_or_when_asked() {
        for ok in [
            "smtp://127.0.0.1:2525",
            "smtp://localhost:25",
            "smtp://[::1]:25",
            "smtps://u:p@mail.example.com",
            "smtp://mail.example.com:587?tls=required",
        ] {
            assert!(
                Settings::from_vars(&vars(&[("STIPPLE_SMTP_URL", ok)])).is_ok(),
                "{ok}"
            );
        }
        let plain = vars(&[
            ("STIPPLE_SMTP_URL", "smtp://mail.example.com:25"),
            ("STIPPLE_SMTP_ALLOW_PLAINTEXT", "1"),
        ]);
        assert!(Settings::from_vars(&plain).is_ok());
    }
}
