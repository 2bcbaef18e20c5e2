//! Limits on the public endpoints: how often one client address (an IPv6
//! address counts by its /64, which one household or phone holds) and
//! everyone together may send intakes, read records and links, and verify
//! PDFs. Checked before the body is read, so a refused request costs a
//! counter and nothing else.

pub mod counter;

use std::{collections::HashMap, net::IpAddr, sync::Mutex};

use counter::{Counter, Full};
use sea_orm::{DatabaseConnection, DbErr};

use crate::{
    config::{Limits, Rate},
    secret::SecretKey,
};

/// What a request asks for, each with its own limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// A new intake. `invited`: it carries a valid invite link, which the
    /// clinic sent to this person, so their address's count does not apply.
    Submit { invited: bool },
    /// The client's own record or PDF, or an invite link.
    Read,
    /// A PDF checked against the stored ones.
    Verify,
}

impl Class {
    fn name(self) -> &'static str {
        match self {
            Class::Submit { .. } => "submit",
            Class::Read => "read",
            Class::Verify => "verify",
        }
    }
}

/// Why a request was turned away, for the 429's JSON reason.
#[derive(Debug)]
pub enum Refusal {
    Limited {
        retry_after: u64,
        reason: &'static str,
    },
    Storage(DbErr),
}

impl From<DbErr> for Refusal {
    fn from(e: DbErr) -> Self {
        Refusal::Storage(e)
    }
}

pub struct Limiter {
    counter: Counter,
    limits: Limits,
    /// Addresses are kept as keyed hashes: the counters are no list of who
    /// visited.
    key: SecretKey,
    /// Expensive work under way per key (see [`Limiter::enter`]).
    running: Mutex<HashMap<String, u32>>,
}

/// A place among at most so many at once; given back when dropped.
pub struct Permit<'a> {
    running: &'a Mutex<HashMap<String, u32>>,
    key: String,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut running = self.running.lock().expect("permit lock");
        if let Some(n) = running.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                running.remove(&self.key);
            }
        }
    }
}

impl Limiter {
    /// Counts in the database when several servers may share it.
    pub fn new(db: &DatabaseConnection, shared: bool, limits: Limits, key: SecretKey) -> Self {
        Self {
            counter: Counter::new(db, shared),
            limits,
            key,
            running: Mutex::new(HashMap::new()),
        }
    }

    /// One of at most `max` at once for `key` (in this server), or `None`:
    /// keeps a flood from one address off the blocking pool that checks
    /// passwords.
    pub fn enter(&self, key: &str, max: u32) -> Option<Permit<'_>> {
        let mut running = self.running.lock().expect("permit lock");
        let n = running.entry(key.to_string()).or_insert(0);
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(Permit {
            running: &self.running,
            key: key.to_string(),
        })
    }

    /// A keyed hash of `text` for `purpose`: stored where the text must not be.
    pub fn fingerprint(&self, purpose: &str, text: &str) -> String {
        self.key.sign(purpose, text.as_bytes())
    }

    /// Counts the request and refuses it when a limit is reached: first
    /// the client's address, then everyone's together, so one address over
    /// its limit does not use up the total.
    pub async fn admit(&self, client: Option<IpAddr>, class: Class) -> Result<(), Refusal> {
        let now = chrono::Utc::now().timestamp();
        let l = &self.limits;
        let (each, total) = match class {
            Class::Submit { .. } => (l.submit, l.submit_total),
            Class::Read => (l.read, l.read_total),
            Class::Verify => (l.verify, l.verify_total),
        };
        let per_address = match (class, client) {
            (Class::Submit { invited: true }, _) | (_, None) => None,
            (Class::Submit { .. }, Some(ip)) if self.is_kiosk(ip) => Some((ip, l.submit_kiosk)),
            (_, Some(ip)) => Some((ip, each)),
        };
        if let Some((ip, rate)) = per_address {
            let key = format!("{}:{}", class.name(), self.address_key(ip));
            self.count(
                &key,
                rate,
                now,
                "Too many requests from your network. Please try again later.",
            )
            .await?;
        }
        self.count(
            &format!("{}:all", class.name()),
            total,
            now,
            "The clinic is receiving too many requests right now. Please try again later.",
        )
        .await
    }

    /// Counts one for `what`: e.g. copies mailed to one recipient.
    pub async fn take(&self, what: &str, subject: &str, rate: Rate) -> Result<bool, DbErr> {
        let key = format!("{what}:{}", self.key.sign("limit", subject.as_bytes()));
        let now = chrono::Utc::now().timestamp();
        Ok(self.counter.hit(&key, rate, now).await?.is_ok())
    }

    /// The key an address is counted under (see [`address_group`]).
    pub fn address_key(&self, ip: IpAddr) -> String {
        self.key.sign("limit", &address_group(ip))
    }

    fn is_kiosk(&self, ip: IpAddr) -> bool {
        self.limits.kiosk_networks.iter().any(|n| n.contains(&ip))
    }

    async fn count(
        &self,
        key: &str,
        rate: Rate,
        now: i64,
        reason: &'static str,
    ) -> Result<(), Refusal> {
        match self.counter.hit(key, rate, now).await? {
            Ok(()) => Ok(()),
            Err(Full { retry_after }) => Err(Refusal::Limited {
                retry_after,
                reason,
            }),
        }
    }

    /// Drops counters too old to matter; run now and then.
    pub async fn prune(&self) -> Result<(), DbErr> {
        self.counter.prune(chrono::Utc::now().timestamp()).await
    }
}

/// One client: an IPv4 address, or the /64 an IPv6 address is in (one
/// household's or one phone's allocation; counting single IPv6 addresses
/// would let anyone take a fresh one per request).
pub fn address_group(ip: IpAddr) -> Vec<u8> {
    match ip {
        IpAddr::V4(v4) => v4.octets().to_vec(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.octets().to_vec(),
            None => v6.octets()[..8].to_vec(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_counts_by_its_64_and_mapped_ipv4_as_ipv4() {
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(address_group(a), address_group(b));
        assert_ne!(address_group(a), address_group(c));
        let mapped: IpAddr = "::ffff:203.0.113.9".parse().unwrap();
        let plain: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(address_group(mapped), address_group(plain));
    }
}
