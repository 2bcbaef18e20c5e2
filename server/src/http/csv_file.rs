//! CSV downloads: cells a spreadsheet would run as formulas are defused,
//! and the file is never cached.

use actix_web::{http::header, HttpResponse};

use super::api_error::ApiError;

/// Spreadsheets run cells that start with these as formulas.
pub fn cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// `rows` (the header first) as a CSV attachment named `filename`.
pub fn response<R, I>(filename: &str, rows: R) -> Result<HttpResponse, ApiError>
where
    R: IntoIterator<Item = I>,
    I: IntoIterator,
    I::Item: AsRef<[u8]>,
{
    let mut out = csv::Writer::from_writer(Vec::new());
    for r in rows {
        out.write_record(r)
            .map_err(|e| ApiError::Unexpected(e.into()))?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| ApiError::Unexpected(anyhow::anyhow!("{e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(bytes))
}
