//! Requests counted per key in fixed time windows: in the database when it
//! is PostgreSQL (every server sharing it sees the same counts), in memory
//! on SQLite (one server per file).

use std::{collections::HashMap, sync::Mutex};

use sea_orm::{
    sea_query::{Alias, Expr, ExprTrait, OnConflict, Query},
    ConnectionTrait, DatabaseConnection, DbErr,
};

use crate::config::Rate;

pub enum Counter {
    Memory(Mutex<HashMap<(String, i64), u32>>),
    Database(DatabaseConnection),
}

/// Refused: the window that is full ends in this many seconds.
#[derive(Debug, PartialEq, Eq)]
pub struct Full {
    pub retry_after: u64,
}

/// Windows are at most a day long (see `config::Rate`); older ones are dropped.
const KEEP_SECS: i64 = 2 * 86_400;

impl Counter {
    pub fn new(db: &DatabaseConnection, shared: bool) -> Self {
        if shared {
            Counter::Database(db.clone())
        } else {
            Counter::Memory(Mutex::new(HashMap::new()))
        }
    }

    /// Counts one request against `rate` for `key` at `now` (seconds since
    /// the epoch). A request over the limit is counted too, so a client that
    /// keeps trying does not get through sooner.
    pub async fn hit(&self, key: &str, rate: Rate, now: i64) -> Result<Result<(), Full>, DbErr> {
        let per = rate.per_secs as i64;
        let start = now - now.rem_euclid(per);
        let hits = match self {
            Counter::Memory(map) => {
                let mut map = map.lock().expect("rate counter lock");
                let n = map.entry((key.to_string(), start)).or_insert(0);
                *n = n.saturating_add(1);
                *n
            }
            Counter::Database(db) => {
                let table = Alias::new("rate_window");
                let hits_col = Alias::new("hits");
                let q = Query::insert()
                    .into_table(table.clone())
                    .columns([
                        Alias::new("bucket"),
                        Alias::new("window_start"),
                        hits_col.clone(),
                    ])
                    .values_panic([key.into(), start.into(), 1.into()])
                    .on_conflict(
                        OnConflict::columns([Alias::new("bucket"), Alias::new("window_start")])
                            .value(
                                hits_col.clone(),
                                Expr::col((table, hits_col.clone())).add(1),
                            )
                            .to_owned(),
                    )
                    .returning_col(hits_col)
                    .to_owned();
                let backend = db.get_database_backend();
                let row = db
                    .query_one_raw(backend.build(&q))
                    .await?
                    .ok_or_else(|| DbErr::RecordNotFound("rate window".into()))?;
                u32::try_from(row.try_get::<i32>("", "hits")?).unwrap_or(u32::MAX)
            }
        };
        if hits > rate.count {
            Ok(Err(Full {
                retry_after: Ord::max(start + per - now, 1) as u64,
            }))
        } else {
            Ok(Ok(()))
        }
    }

    /// Drops windows that can no longer refuse anything.
    pub async fn prune(&self, now: i64) -> Result<(), DbErr> {
        let cutoff = now - KEEP_SECS;
        match self {
            Counter::Memory(map) => {
                map.lock()
                    .expect("rate counter lock")
                    .retain(|(_, start), _| *start >= cutoff);
            }
            Counter::Database(db) => {
                let q = Query::delete()
                    .from_table(Alias::new("rate_window"))
                    .and_where(Expr::col(Alias::new("window_start")).lt(cutoff))
                    .to_owned();
                let backend = db.get_database_backend();
                db.execute_raw(backend.build(&q)).await?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn counts_per_window_and_says_when_it_ends() {
        let c = Counter::Memory(Mutex::new(HashMap::new()));
        let rate = Rate {
            count: 2,
            per_secs: 60,
        };
        assert_eq!(c.hit("a", rate, 120).await.unwrap(), Ok(()));
        assert_eq!(c.hit("a", rate, 130).await.unwrap(), Ok(()));
        assert_eq!(
            c.hit("a", rate, 170).await.unwrap(),
            Err(Full { retry_after: 10 })
        );
        // Another key, and the next window, start afresh.
        assert_eq!(c.hit("b", rate, 170).await.unwrap(), Ok(()));
        assert_eq!(c.hit("a", rate, 180).await.unwrap(), Ok(()));
        c.prune(180 + KEEP_SECS + 1).await.unwrap();
        let Counter::Memory(m) = &c else {
            unreachable!()
        };
        assert!(m.lock().unwrap().is_empty());
    }
}
