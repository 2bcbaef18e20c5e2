//! A pigment recall: every session, and so every client, that used a lot.

use std::collections::HashMap;

use actix_web::{web, HttpRequest, HttpResponse};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;
use stipple_app::domain::{
    api::{ErrorBody, LotRecall, LotUse},
    course::lot_key,
    states::AuditAction,
};

use crate::{
    audit::Event,
    entities::{client, course, session_pigment, staff_user, treatment_session},
    http::{
        api_error::ApiError,
        csv_file,
        routes::{client_ip, no_store, Staff},
    },
    state::AppState,
};

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecallQuery {
    /// `csv` for a spreadsheet; JSON otherwise.
    format: Option<String>,
}

/// `GET /api/v1/staff/pigment-lots/{lot}`: matched without regard to case
/// or spaces.
#[utoipa::path(get, path = "/api/v1/staff/pigment-lots/{lot}", tag = "courses",
    params(("lot" = String, Path, description = "The lot or batch number"), RecallQuery),
    responses(
        (status = 200, description = "Every use of the lot, newest session first (the lookup is audited).", body = LotRecall),
        (status = 400, description = "Not a lot number.", body = ErrorBody),
    ))]
pub async fn lookup(
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<RecallQuery>,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let key = lot_key(&path);
    if key.is_empty() || key.chars().count() > 60 || key.chars().any(char::is_control) {
        return Err(ApiError::BadRequest(
            "Give a lot number of at most 60 characters".into(),
        ));
    }
    let db = &state.db;
    let pigments = session_pigment::Entity::find()
        .filter(session_pigment::Column::LotKey.eq(key.clone()))
        .all(db)
        .await?;
    let sessions: HashMap<_, _> = treatment_session::Entity::find()
        .filter(treatment_session::Column::Id.is_in(pigments.iter().map(|p| p.session_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let courses: HashMap<_, _> = course::Entity::find()
        .filter(course::Column::Id.is_in(sessions.values().map(|s| s.course_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.client_id))
        .collect();
    let clients: HashMap<_, _> = client::Entity::find()
        .filter(client::Column::Id.is_in(courses.values().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let names = staff_user::names(db).await?;
    let mut uses: Vec<LotUse> = pigments
        .into_iter()
        .filter_map(|p| {
            let s = sessions.get(&p.session_id)?;
            let c = clients.get(courses.get(&s.course_id)?)?;
            Some(LotUse {
                lot: p.lot,
                brand: p.brand,
                shade: p.shade,
                expires_on: p.expires_on,
                session_id: s.id,
                performed_on: s.performed_on,
                client_id: c.id,
                client_name: c.full_name.clone(),
                client_email: c.email.clone(),
                client_phone: c.phone.clone(),
                practitioner: s.practitioner_id.and_then(|i| names.get(&i).cloned()),
            })
        })
        .collect();
    uses.sort_by(|a, b| {
        b.performed_on
            .cmp(&a.performed_on)
            .then(a.session_id.cmp(&b.session_id))
    });
    let csv = query.format.as_deref() == Some("csv");
    // The lot and the count, not who: the log keeps no client's name.
    Event::new(
        AuditAction::LotRecalled,
        Some(staff.0.id),
        Some(client_ip(&req)),
    )
    .detail(format!(
        "lot {key}: {} uses{}",
        uses.len(),
        if csv { " (CSV)" } else { "" }
    ))
    .record(db)
    .await?;
    if !csv {
        return Ok(no_store(LotRecall { lot: key, uses }));
    }
    let header = [
        "lot",
        "brand",
        "shade",
        "expires_on",
        "performed_on",
        "session_id",
        "client_id",
        "client_name",
        "client_email",
        "client_phone",
        "practitioner",
    ]
    .map(String::from);
    let lines = uses.iter().map(|u| {
        [
            csv_file::cell(&u.lot),
            csv_file::cell(&u.brand),
            csv_file::cell(&u.shade),
            u.expires_on.to_string(),
            u.performed_on.to_string(),
            u.session_id.to_string(),
            u.client_id.to_string(),
            csv_file::cell(&u.client_name),
            csv_file::cell(u.client_email.as_deref().unwrap_or("")),
            csv_file::cell(u.client_phone.as_deref().unwrap_or("")),
            csv_file::cell(u.practitioner.as_deref().unwrap_or("")),
        ]
    });
    csv_file::response("pigment-lot.csv", std::iter::once(header).chain(lines))
}
