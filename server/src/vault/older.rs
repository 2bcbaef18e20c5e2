//! Sealing what an earlier version stored in clear.
use sea_orm::{sea_query::Expr, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use stipple_app::domain::{flags, Submission};

use super::{at, is_sealed, is_sealed_text, Vault};
use crate::entities::{consent_pdf, mail_message, submission, submission_note};

pub async fn seal_all(db: &impl ConnectionTrait, vault: &Vault) -> Result<usize, DbErr> {
    let mut n = 0;
    for row in submission::Entity::find().all(db).await? {
        let mut update =
            submission::Entity::update_many().filter(submission::Column::Id.eq(row.id));
        if !is_sealed_text(&row.answers) {
            update = update.col_expr(
                submission::Column::Answers,
                Expr::value(vault.seal_text(at::answers(row.id), &row.answers)),
            );
            // Flags written before could repeat a scar's description;
            // the ones stored now repeat no free text.
            if let Ok(s) = serde_json::from_str::<Submission>(&row.answers) {
                let now = flags(&s, row.received_at.date_naive());
                update = update.col_expr(
                    submission::Column::Flags,
                    Expr::value(serde_json::to_value(now).expect("flags serialise")),
                );
            }
        }
        if !is_sealed_text(&row.signature_strokes) {
            update = update.col_expr(
                submission::Column::SignatureStrokes,
                Expr::value(vault.seal_text(at::strokes(row.id), &row.signature_strokes)),
            );
        }
        if !is_sealed(&row.signature_png) {
            update = update.col_expr(
                submission::Column::SignaturePng,
                Expr::value(vault.seal(at::signature(row.id), &row.signature_png)),
            );
        }
        update.exec(db).await?;
        n += 1;
    }
    for row in consent_pdf::Entity::find().all(db).await? {
        if !is_sealed(&row.pdf) {
            consent_pdf::Entity::update_many()
                .col_expr(
                    consent_pdf::Column::Pdf,
                    Expr::value(vault.seal(at::pdf(row.submission_id), &row.pdf)),
                )
                .filter(consent_pdf::Column::SubmissionId.eq(row.submission_id))
                .exec(db)
                .await?;
        }
    }
    for row in submission_note::Entity::find().all(db).await? {
        if !is_sealed_text(&row.text) {
            submission_note::Entity::update_many()
                .col_expr(
                    submission_note::Column::Text,
                    Expr::value(vault.seal_text(at::note(row.id), &row.text)),
                )
                .filter(submission_note::Column::Id.eq(row.id))
                .exec(db)
                .await?;
        }
    }
    for row in mail_message::Entity::find().all(db).await? {
        if !is_sealed_text(&row.body_text) {
            mail_message::Entity::update_many()
                .col_expr(
                    mail_message::Column::BodyText,
                    Expr::value(vault.seal_text(at::mail_body(row.id), &row.body_text)),
                )
                .filter(mail_message::Column::Id.eq(row.id))
                .exec(db)
                .await?;
        }
    }
    Ok(n)
}
