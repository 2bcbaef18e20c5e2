//! Staff API handlers, one module per concern.

pub mod audit;
pub mod auth;
pub mod invites;
pub mod submissions;
