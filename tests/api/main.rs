//! API tests against the real server: each runs on SQLite and, with
//! `TEST_DATABASE_URL`, on PostgreSQL.

mod at_rest;
mod consent_pdf;
mod courses;
mod faults;
mod foundation;
mod integrations;
mod limits;
mod links;
mod mail;
mod openapi;
mod retention;
mod staff_access;
mod staff_accounts;
mod staff_queue;
mod submissions;
mod templates;
