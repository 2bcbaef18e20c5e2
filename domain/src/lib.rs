//! The intake model and its rules, shared by browser (wasm32) and server:
//! both check a submission with the very same code. Its own crate, so the
//! rules are fuzzed and tested without the UI around them.

pub mod answers;
pub mod api;
#[cfg(feature = "staff")]
pub mod course;
pub mod errors;
pub mod flags;
pub mod names;
pub mod parse;
pub mod questions;
#[cfg(feature = "ssr")]
pub mod signature_png;
pub mod states;
pub mod submission;
pub mod template;
pub mod vocab;

pub use errors::FieldErrors;
pub use flags::{flags, Flag, Severity};
pub use parse::{parse_submission, ParseError};
pub use submission::*;
pub use template::{Clause, ConsentTemplate};
