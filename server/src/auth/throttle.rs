//! Login throttling: five failed sign-ins for one e-mail address, or from
//! one IP address, within 15 minutes lock that address or IP out until the
//! oldest of those failures is 15 minutes old. Kept in the database so it
//! holds across restarts and across servers sharing PostgreSQL.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entities::login_failure as entity;

pub const MAX_FAILURES: u64 = 5;
pub const WINDOW_MINUTES: i64 = 15;

/// Records a sign-in attempt before its password is checked, so that
/// attempts racing in parallel see each other: the row stays as a failure
/// unless the attempt succeeds or is turned away.
pub async fn record_attempt(
    db: &DatabaseConnection,
    email: &str,
    ip: &str,
) -> Result<i64, sea_orm::DbErr> {
    let now = Utc::now();
    // Old failures count for nothing: drop them as new ones come in.
    entity::Entity::delete_many()
        .filter(entity::Column::At.lt(now - Duration::minutes(WINDOW_MINUTES)))
        .exec(db)
        .await?;
    let done = entity::Entity::insert(entity::ActiveModel {
        email: Set(email.chars().take(254).collect()),
        ip: Set(ip.chars().take(64).collect()),
        at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(done.last_insert_id)
}

/// Seconds to wait before another attempt, if this e-mail or IP already
/// has five failures (or attempts under way) in the window besides `attempt`.
pub async fn locked_for(
    db: &DatabaseConnection,
    email: &str,
    ip: &str,
    attempt: i64,
) -> Result<Option<u64>, sea_orm::DbErr> {
    let now = Utc::now();
    let since = now - Duration::minutes(WINDOW_MINUTES);
    let mut wait = None;
    for (column, value) in [(entity::Column::Email, email), (entity::Column::Ip, ip)] {
        // The newest five: when the oldest of them leaves the window, fewer
        // than five remain.
        let recent: Vec<DateTime<Utc>> = entity::Entity::find()
            .select_only()
            .column(entity::Column::At)
            .filter(column.eq(value))
            .filter(entity::Column::Id.ne(attempt))
            .filter(entity::Column::At.gt(since))
            .order_by_desc(entity::Column::At)
            .limit(MAX_FAILURES)
            .into_tuple()
            .all(db)
            .await?;
        if recent.len() as u64 >= MAX_FAILURES {
            let oldest = *recent.last().expect("five entries");
            let secs = (oldest + Duration::minutes(WINDOW_MINUTES) - now)
                .num_seconds()
                .max(1) as u64;
            wait = Some(wait.map_or(secs, |w: u64| w.max(secs)));
        }
    }
    Ok(wait)
}

/// Takes back an attempt that was turned away before its password was checked.
pub async fn forget_attempt(db: &DatabaseConnection, attempt: i64) -> Result<(), sea_orm::DbErr> {
    entity::Entity::delete_by_id(attempt).exec(db).await?;
    Ok(())
}

/// A successful sign-in clears the account's failures (not the IP's).
pub async fn clear_account(db: &DatabaseConnection, email: &str) -> Result<(), sea_orm::DbErr> {
    entity::Entity::delete_many()
        .filter(entity::Column::Email.eq(email))
        .exec(db)
        .await?;
    Ok(())
}
