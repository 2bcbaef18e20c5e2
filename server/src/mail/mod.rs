//! Outgoing mail through a queue kept in the database: a message is stored in
//! the same transaction as what caused it, then sent by a background task
//! that retries with backoff. Nothing is lost when the mail server is down.
//!
//! With `STIPPLE_SMTP_URL` mail goes over SMTP; without it, each message is
//! written as an `.eml` file to `STIPPLE_DATA_DIR/outbox/`.

mod compose;
mod sender;

pub use compose::{aftercare, consent_copy, AftercareMail, NewMail};
pub use sender::{after_erasure, outbox_file, remove_from_outbox, MailSender, Transport};
