//! sea-orm entities: the stored shape of the clinic's records.

pub mod consent_pdf;
pub mod consent_template;
pub mod mail_message;
pub mod submission;
