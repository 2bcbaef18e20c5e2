//! The staff workspace: accounts and sessions, the review queue with its
//! contraindication flags, appointment invites and the audit log.

pub mod accounts;
pub mod audit;
pub mod handlers;
pub mod invites;
pub mod password;
pub mod queue;
pub mod routes;
pub mod session;
pub mod throttle;
