//! Migrations, one file each. They never import the live entities, so old
//! migrations keep compiling as the entities change.

pub use sea_orm_migration::prelude::*;

mod m20261120_000001_create_consent_template;
mod m20261120_000002_create_submission;
mod m20261121_000003_create_consent_pdf_and_mail;
mod m20261121_000004_create_staff;
mod m20261121_000005_queue_index_and_audit_guard;
mod m20261121_000006_create_health_probe;
mod m20261207_000007_rate_windows_and_consent_history;
mod m20261207_000008_session_device;
mod m20261207_000009_staff_status;
mod m20261207_000010_staff_links_and_two_factor;
mod m20261207_000011_sealed_health_data;
mod m20261207_000012_retention;
mod m20261207_000013_integrations;
mod m20261207_000014_treatment_course;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261120_000001_create_consent_template::Migration),
            Box::new(m20261120_000002_create_submission::Migration),
            Box::new(m20261121_000003_create_consent_pdf_and_mail::Migration),
            Box::new(m20261121_000004_create_staff::Migration),
            Box::new(m20261121_000005_queue_index_and_audit_guard::Migration),
            Box::new(m20261121_000006_create_health_probe::Migration),
            Box::new(m20261207_000007_rate_windows_and_consent_history::Migration),
            Box::new(m20261207_000008_session_device::Migration),
            Box::new(m20261207_000009_staff_status::Migration),
            Box::new(m20261207_000010_staff_links_and_two_factor::Migration),
            Box::new(m20261207_000011_sealed_health_data::Migration),
            Box::new(m20261207_000012_retention::Migration),
            Box::new(m20261207_000013_integrations::Migration),
            Box::new(m20261207_000014_treatment_course::Migration),
        ]
    }
}
