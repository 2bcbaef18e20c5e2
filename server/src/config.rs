//! Settings come from environment variables (all listed in README and
//! `.env.example`). A bad value stops start-up with a message naming it.

use std::{collections::HashMap, net::SocketAddr, path::PathBuf};

#[derive(Debug, thiserror::Error)]
#[error("{var}: {message}")]
pub struct ConfigError {
    pub var: &'static str,
    pub message: String,
}

fn bad(var: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        var,
        message: message.into(),
    }
}

#[derive(Clone, Debug)]
pub struct Settings {
    /// Address to listen on; port 0 picks a free port (tests).
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: String,
    /// Built site: `assets/` (hashed, precompressed), `assets.json` and the
    /// files that keep their names (service worker, manifest, icons).
    pub site_root: PathBuf,
    pub log_filter: String,
    pub log_json: bool,
    /// Largest accepted JSON body, in bytes.
    pub max_body_bytes: usize,
    /// Key for receipt tokens; read from `STIPPLE_SECRET_KEY` or a file in the data dir.
    pub secret_key: Option<String>,
    /// A clinic's own consent template (TOML); the shipped default otherwise.
    pub consent_template: Option<PathBuf>,
    /// SMTP server; without it mail is written to `data_dir/outbox/`.
    pub smtp_url: Option<String>,
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
    /// How long an appointment invite link stays valid.
    pub invite_days: u32,
    /// The address clients reach the app at, for links in e-mails
    /// (taken from the request when unset).
    pub public_url: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

pub use crate::consent_pdf::Paper;

impl Settings {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(&std::env::vars().collect())
    }

    /// Parses settings from a variable map, so tests need not touch the process environment.
    pub fn from_vars(vars: &HashMap<String, String>) -> Result<Self, ConfigError> {
        let get = |k: &str| {
            vars.get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };

        let bind = match get("STIPPLE_BIND") {
            Some(v) => v.parse().map_err(|_| {
                bad(
                    "STIPPLE_BIND",
                    format!("`{v}` is not an address like 127.0.0.1:8080"),
                )
            })?,
            None => SocketAddr::from(([127, 0, 0, 1], 8080)),
        };
        let data_dir = PathBuf::from(get("STIPPLE_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let database_url = match get("DATABASE_URL") {
            Some(url)
                if url.starts_with("sqlite:")
                    || url.starts_with("postgres://")
                    || url.starts_with("postgresql://") =>
            {
                url
            }
            Some(url) => {
                let scheme = url.split(':').next().unwrap_or_default();
                return Err(bad(
                    "DATABASE_URL",
                    format!("unsupported scheme `{scheme}`; use sqlite://path or postgres://…"),
                ));
            }
            None => format!(
                "sqlite://{}?mode=rwc",
                data_dir.join("stipple.db").display()
            ),
        };
        let site_root =
            PathBuf::from(get("STIPPLE_SITE_ROOT").unwrap_or_else(|| "target/site".into()));
        let log_filter = get("STIPPLE_LOG").unwrap_or_else(|| "info".into());
        let log_json = match get("STIPPLE_LOG_FORMAT").as_deref() {
            None | Some("text") => false,
            Some("json") => true,
            Some(other) => {
                return Err(bad(
                    "STIPPLE_LOG_FORMAT",
                    format!("`{other}` is not `text` or `json`"),
                ))
            }
        };
        let max_body_bytes = match get("STIPPLE_MAX_BODY_BYTES") {
            Some(v) => v
                .parse::<usize>()
                .ok()
                .filter(|n| (16 * 1024..=64 * 1024 * 1024).contains(n))
                .ok_or_else(|| {
                    bad(
                        "STIPPLE_MAX_BODY_BYTES",
                        format!("`{v}` is not a byte count between 16384 and 67108864"),
                    )
                })?,
            None => 2 * 1024 * 1024,
        };
        let secret_key = get("STIPPLE_SECRET_KEY");
        if let Some(k) = &secret_key {
            if k.len() < 32 {
                return Err(bad("STIPPLE_SECRET_KEY", "must be at least 32 characters"));
            }
        }
        let consent_template = get("STIPPLE_CONSENT_TEMPLATE").map(PathBuf::from);
        let smtp_url = get("STIPPLE_SMTP_URL");
        if let Some(url) = &smtp_url {
            if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                return Err(bad(
                    "STIPPLE_SMTP_URL",
                    "must start with smtp:// or smtps://",
                ));
            }
        }
        let mail_from =
            get("STIPPLE_MAIL_FROM").unwrap_or_else(|| "Stipple <no-reply@localhost>".into());
        if mail_from.contains(['\r', '\n'])
            || mail_from.parse::<lettre::message::Mailbox>().is_err()
        {
            return Err(bad(
                "STIPPLE_MAIL_FROM",
                format!("`{mail_from}` is not an address like Clinic <desk@example.com>"),
            ));
        }
        let mail_retry_secs = match get("STIPPLE_MAIL_RETRY_SECS") {
            Some(v) => v
                .parse::<u64>()
                .ok()
                .filter(|n| (1..=3600).contains(n))
                .ok_or_else(|| {
                    bad(
                        "STIPPLE_MAIL_RETRY_SECS",
                        format!("`{v}` is not a number of seconds from 1 to 3600"),
                    )
                })?,
            None => 30,
        };
        let paper = match get("STIPPLE_PAPER")
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("a4") => Paper::A4,
            Some("letter") => Paper::Letter,
            Some(other) => {
                return Err(bad(
                    "STIPPLE_PAPER",
                    format!("`{other}` is not `a4` or `letter`"),
                ))
            }
        };
        let timezone = match get("STIPPLE_TIMEZONE") {
            Some(tz) => tz.parse::<chrono_tz::Tz>().map_err(|_| {
                bad(
                    "STIPPLE_TIMEZONE",
                    format!("`{tz}` is not a time zone like Europe/London"),
                )
            })?,
            None => chrono_tz::Tz::UTC,
        };
        let insecure_cookies = match get("STIPPLE_INSECURE_COOKIES").as_deref() {
            None | Some("0") | Some("false") => false,
            Some("1") | Some("true") => true,
            Some(other) => {
                return Err(bad(
                    "STIPPLE_INSECURE_COOKIES",
                    format!("`{other}` is not 0 or 1"),
                ))
            }
        };
        let number = |var: &'static str, default: u32, max: u32, unit: &str| match get(var) {
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| {
                    bad(
                        var,
                        format!("`{v}` is not a number of {unit} from 1 to {max}"),
                    )
                }),
            None => Ok(default),
        };
        let staff_idle_minutes = number("STIPPLE_STAFF_IDLE_MINUTES", 30, 24 * 60, "minutes")?;
        let invite_days = number("STIPPLE_INVITE_DAYS", 14, 365, "days")?;
        let public_url = match get("STIPPLE_PUBLIC_URL") {
            Some(u) if u.starts_with("https://") || u.starts_with("http://") => {
                Some(u.trim_end_matches('/').to_string())
            }
            Some(u) => {
                return Err(bad(
                    "STIPPLE_PUBLIC_URL",
                    format!("`{u}` is not an address like https://intake.example.com"),
                ))
            }
            None => None,
        };
        let trusted_proxies = match get("STIPPLE_TRUSTED_PROXIES") {
            None => Vec::new(),
            Some(list) => list
                .split(',')
                .map(|ip| {
                    ip.trim().parse().map_err(|_| {
                        bad(
                            "STIPPLE_TRUSTED_PROXIES",
                            format!("`{}` is not an IP address", ip.trim()),
                        )
                    })
                })
                .collect::<Result<_, _>>()?,
        };
        Ok(Self {
            bind,
            data_dir,
            database_url,
            site_root,
            log_filter,
            log_json,
            max_body_bytes,
            secret_key,
            consent_template,
            smtp_url,
            mail_from,
            mail_retry_secs,
            paper,
            timezone,
            insecure_cookies,
            staff_idle_minutes,
            invite_days,
            public_url,
            trusted_proxies,
        })
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
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
        assert_eq!(s.database_url, "sqlite://./data/stipple.db?mode=rwc");
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
            ("STIPPLE_INVITE_DAYS", "1000"),
            ("STIPPLE_PUBLIC_URL", "intake.example.com"),
            ("STIPPLE_TRUSTED_PROXIES", "10.0.0.1, proxy"),
        ] {
            let err = Settings::from_vars(&vars(&[(k, v)])).unwrap_err();
            assert_eq!(err.var, k);
            assert!(err.to_string().starts_with(k), "{err}");
        }
    }

    #[test]
    fn postgres_url_is_kept() {
        let s =
            Settings::from_vars(&vars(&[("DATABASE_URL", "postgres://u@localhost/db")])).unwrap();
        assert!(!s.is_sqlite());
    }
}
