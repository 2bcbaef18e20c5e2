//! Turning request bytes into a [`Submission`]: malformed JSON is told apart
//! from well-formed JSON of the wrong shape, which gets a field path.

use super::{errors::FieldErrors, submission::Submission};

/// Nesting deeper than this is refused before parsing (a submission needs 5).
pub const MAX_DEPTH: usize = 32;

#[derive(Debug, PartialEq)]
pub enum ParseError {
    /// Not JSON, or not UTF-8, or nested absurdly deep: HTTP 400.
    Malformed(String),
    /// JSON, but a field is missing or has the wrong type or value: HTTP 422.
    Shape(FieldErrors),
}

pub fn parse_submission(body: &[u8]) -> Result<Submission, ParseError> {
    if std::str::from_utf8(body).is_err() {
        return Err(ParseError::Malformed("The body is not valid UTF-8".into()));
    }
    if nesting_depth(body) > MAX_DEPTH {
        return Err(ParseError::Malformed(
            "The JSON is nested too deeply".into(),
        ));
    }
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        ParseError::Malformed(format!(
            "The body is not valid JSON: {} at line {}, column {}",
            describe(&e),
            e.line(),
            e.column()
        ))
    })?;
    serde_path_to_error::deserialize::<_, Submission>(value).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        let inner = e.into_inner().to_string();
        let mut errors = FieldErrors::default();
        // serde names a missing field inside the message; put it in the path.
        if let Some(field) = inner
            .strip_prefix("missing field `")
            .and_then(|r| r.split('`').next())
        {
            let full = if path.is_empty() {
                field.to_string()
            } else {
                format!("{path}.{field}")
            };
            errors.add(full, "This field is required");
        } else {
            errors.add(path, shape_message(&inner));
        }
        ParseError::Shape(errors)
    })
}

fn describe(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Eof => "it ends too early",
        serde_json::error::Category::Syntax => "syntax error",
        serde_json::error::Category::Io => "read error",
        serde_json::error::Category::Data => "unexpected data",
    }
}

/// serde's message without its position suffix, which means nothing for a `Value`.
fn shape_message(inner: &str) -> String {
    let msg = inner.split(" at line ").next().unwrap_or(inner);
    format!("Invalid value: {msg}")
}

/// Deepest bracket nesting outside strings, counted without parsing.
fn nesting_depth(body: &[u8]) -> usize {
    let (mut depth, mut max, mut in_str, mut esc) = (0usize, 0usize, false, false);
    for &b in body {
        if in_str {
            match (esc, b) {
                (true, _) => esc = false,
                (false, b'\\') => esc = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'{' | b'[' => {
                depth += 1;
                max = max.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}
