//! API tests against the real server: each runs on SQLite and, with
//! `TEST_DATABASE_URL`, on PostgreSQL.

mod foundation;
mod submissions;
mod templates;
