//! A stored PDF as a response: the client's and the staff routes share it.

use actix_web::{http::header, web, HttpRequest, HttpResponse};
use uuid::Uuid;

/// Whether `?download=1` (or `true`) asks for an attachment.
pub fn wants_download(req: &HttpRequest) -> bool {
    web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
        .map(|q| q.get("download").is_some_and(|v| v == "1" || v == "true"))
        .unwrap_or(false)
}

/// The same bytes every time: `inline` for printing, `?download=1` to save.
pub fn pdf_response(req: &HttpRequest, id: Uuid, pdf: Vec<u8>, sha256: &str) -> HttpResponse {
    let disposition = if wants_download(req) {
        "attachment"
    } else {
        "inline"
    };
    HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("{disposition}; filename=\"consent-{id}.pdf\""),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header((header::ETAG, format!("\"{sha256}\"")))
        .body(pdf)
}

/// A PDF in a request or response body, for the OpenAPI document.
pub struct PdfFile;

impl utoipa::PartialSchema for PdfFile {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
        use utoipa::openapi::{schema::Type, KnownFormat, ObjectBuilder, SchemaFormat};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .into()
    }
}

impl utoipa::ToSchema for PdfFile {}
