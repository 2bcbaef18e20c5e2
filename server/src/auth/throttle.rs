//! Sign-in throttling that stops guessing without locking staff out.
//!
//! Failures are counted per (account, client address) pair: the first few
//! are free, then each further attempt must wait twice as long as the one
//! before (up to 15 minutes). A colleague on the same address, or the
//! account's owner on their own address, is never held back by someone
//! else's guessing. Spraying many accounts from one address meets a much
//! higher ceiling per address. Accounts and addresses are stored as keyed
//! hashes: an unknown e-mail (perhaps a password typed in the wrong box) is
//! never written down. Kept in the database, so it holds across restarts and
//! across servers sharing PostgreSQL.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entities::login_failure as entity;

/// Failures for one account from one address that cost nothing.
pub const FREE_FAILURES: usize = 3;
/// The wait after the first failure beyond the free ones; doubles after each.
const FIRST_DELAY_SECS: i64 = 5;
const MAX_DELAY_SECS: i64 = 15 * 60;
/// A pair's failures are forgotten after this long.
const PAIR_WINDOW_MINUTES: i64 = 60;
/// Failures from one address, whatever the accounts, within the window.
pub const ADDRESS_CEILING: u64 = 50;
const ADDRESS_WINDOW_MINUTES: i64 = 15;

/// Who is signing in, as stored: keyed hashes of the account as typed and of
/// the client's address (its /64 for IPv6).
pub struct Attempt<'a> {
    pub account: &'a str,
    pub address: &'a str,
}

/// Records a sign-in attempt before its password is checked, so that
/// attempts racing in parallel see each other: the row stays as a failure
/// unless the attempt succeeds or is turned away.
pub async fn record_attempt(
    db: &DatabaseConnection,
    a: &Attempt<'_>,
) -> Result<i64, sea_orm::DbErr> {
    let now = Utc::now();
    // Old failures count for nothing: drop them as new ones come in.
    let keep = PAIR_WINDOW_MINUTES.max(ADDRESS_WINDOW_MINUTES);
    entity::Entity::delete_many()
        .filter(entity::Column::At.lt(now - Duration::minutes(keep)))
        .exec(db)
        .await?;
    let done = entity::Entity::insert(entity::ActiveModel {
        email: Set(a.account.to_string()),
        ip: Set(a.address.to_string()),
        at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(done.last_insert_id)
}

/// Seconds to wait before this attempt may be checked, if any: the pair's
/// growing delay, or the address's ceiling.
pub async fn wait_for(
    db: &DatabaseConnection,
    a: &Attempt<'_>,
    attempt: i64,
) -> Result<Option<u64>, sea_orm::DbErr> {
    let now = Utc::now();
    let pair: Vec<DateTime<Utc>> = entity::Entity::find()
        .select_only()
        .column(entity::Column::At)
        .filter(entity::Column::Email.eq(a.account))
        .filter(entity::Column::Ip.eq(a.address))
        .filter(entity::Column::Id.lt(attempt))
        .filter(entity::Column::At.gt(now - Duration::minutes(PAIR_WINDOW_MINUTES)))
        .order_by_desc(entity::Column::At)
        .into_tuple()
        .all(db)
        .await?;
    let mut wait = None;
    if pair.len() >= FREE_FAILURES {
        let extra = (pair.len() - FREE_FAILURES).min(20) as u32;
        let delay = (FIRST_DELAY_SECS << extra).min(MAX_DELAY_SECS);
        let ready = pair[0] + Duration::seconds(delay);
        if ready > now {
            wait = Some(secs(ready - now));
        }
    }
    let since = now - Duration::minutes(ADDRESS_WINDOW_MINUTES);
    let recent: Vec<DateTime<Utc>> = entity::Entity::find()
        .select_only()
        .column(entity::Column::At)
        .filter(entity::Column::Ip.eq(a.address))
        .filter(entity::Column::Id.ne(attempt))
        .filter(entity::Column::At.gt(since))
        .order_by_desc(entity::Column::At)
        .limit(ADDRESS_CEILING)
        .into_tuple()
        .all(db)
        .await?;
    if recent.len() as u64 >= ADDRESS_CEILING {
        let oldest = *recent.last().expect("at the ceiling");
        let s = secs(oldest + Duration::minutes(ADDRESS_WINDOW_MINUTES) - now);
        wait = Some(wait.map_or(s, |w: u64| w.max(s)));
    }
    Ok(wait)
}

/// Whole seconds, rounded up: a client that waits exactly this long is let in.
/// How long to wait when `account` has `ceiling` failures in the last 15
/// minutes from all addresses together (besides `attempt`, this one).
pub async fn account_wait(
    db: &DatabaseConnection,
    account: &str,
    attempt: i64,
    ceiling: u64,
) -> Result<Option<u64>, sea_orm::DbErr> {
    let now = Utc::now();
    let since = now - Duration::minutes(ADDRESS_WINDOW_MINUTES);
    let recent: Vec<DateTime<Utc>> = entity::Entity::find()
        .select_only()
        .column(entity::Column::At)
        .filter(entity::Column::Email.eq(account))
        .filter(entity::Column::Id.ne(attempt))
        .filter(entity::Column::At.gt(since))
        .order_by_desc(entity::Column::At)
        .limit(ceiling)
        .into_tuple()
        .all(db)
        .await?;
    Ok((recent.len() as u64 >= ceiling).then(|| {
        let oldest = *recent.last().expect("at the ceiling");
        secs(oldest + Duration::minutes(ADDRESS_WINDOW_MINUTES) - now)
    }))
}

fn secs(d: Duration) -> u64 {
    ((d.num_milliseconds() + 999) / 1000).max(1) as u64
}

/// Takes back an attempt that was turned away before its password was checked.
pub async fn forget_attempt(db: &DatabaseConnection, attempt: i64) -> Result<(), sea_orm::DbErr> {
    entity::Entity::delete_by_id(attempt).exec(db).await?;
    Ok(())
}

/// A successful sign-in clears the pair's failures (not the address's).
pub async fn clear_pair(db: &DatabaseConnection, a: &Attempt<'_>) -> Result<(), sea_orm::DbErr> {
    entity::Entity::delete_many()
        .filter(entity::Column::Email.eq(a.account))
        .filter(entity::Column::Ip.eq(a.address))
        .exec(db)
        .await?;
    Ok(())
}
