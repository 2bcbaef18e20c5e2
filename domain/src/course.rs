//! The rules of a treatment course's records, shared by the staff pages and
//! the server: what a session record must hold, and how pigment lots are
//! compared for a recall.

use chrono::{NaiveDate, NaiveTime};

use crate::api::{wire, NewCourse, SessionInput};
use crate::FieldErrors;

pub const MAX_TEXT: usize = 4000;
pub const MAX_PIGMENTS: usize = 20;
pub const MAX_PLANNED_SESSIONS: u8 = 12;

/// A lot number as compared in a recall: upper case, without spaces, so
/// "ab 123" on a form finds "AB123" on the bottle.
pub fn lot_key(lot: &str) -> String {
    lot.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// A free text of at most `max` characters: line breaks allowed, other
/// control characters not.
pub fn check_text(errors: &mut FieldErrors, path: &str, text: &str, max: usize) {
    if text.chars().count() > max {
        errors.add(path, format!("Keep this under {max} characters"));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        errors.add(path, "Remove the special characters");
    }
}

/// A required one-line text of 1 to `max` characters.
fn check_line(errors: &mut FieldErrors, path: &str, text: &str, max: usize, missing: &str) {
    let t = text.trim();
    if t.is_empty() {
        errors.add(path, missing);
    } else if t.chars().count() > max {
        errors.add(path, format!("Keep this under {max} characters"));
    } else if t.chars().any(char::is_control) {
        errors.add(path, "Remove the special characters");
    }
}

pub fn parse_time(s: &str) -> Option<NaiveTime> {
    let s = s.trim();
    (s.len() == 5 && s.as_bytes()[2] == b':').then_some(())?;
    let h: u32 = s[..2].parse().ok()?;
    let m: u32 = s[3..].parse().ok()?;
    NaiveTime::from_hms_opt(h, m, 0)
}

/// A course plan's problems, keyed by field.
pub fn check_course(c: &NewCourse) -> FieldErrors {
    let mut e = FieldErrors::default();
    if c.planned_sessions == 0 || c.planned_sessions > MAX_PLANNED_SESSIONS {
        e.add(
            "planned_sessions",
            format!("Plan between 1 and {MAX_PLANNED_SESSIONS} sessions"),
        );
    }
    if c.areas.is_empty() {
        e.add("areas", "Choose at least one area");
    }
    check_text(&mut e, "notes", &c.notes, MAX_TEXT);
    e
}

/// A session record's problems, keyed by field; `today` is the clinic's
/// calendar day (a session is not recorded ahead of time).
pub fn check_session(s: &SessionInput, today: NaiveDate) -> FieldErrors {
    let mut e = FieldErrors::default();
    let day = wire::parse_day(s.performed_on.trim());
    match day {
        None => e.add("performed_on", "Enter the session date"),
        Some(d) if d > today => e.add("performed_on", "The session date is in the future"),
        Some(_) => {}
    }
    let start = parse_time(&s.start_time);
    if start.is_none() {
        e.add("start_time", "Enter the start time, like 09:30");
    }
    match s
        .end_time
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        None => {}
        Some(t) => match parse_time(t) {
            None => e.add("end_time", "Enter the end time, like 11:45"),
            Some(end) if start.is_some_and(|s| end <= s) => {
                e.add("end_time", "The end time is before the start time")
            }
            Some(_) => {}
        },
    }
    if s.areas.is_empty() {
        e.add("areas", "Choose the areas treated");
    }
    check_text(&mut e, "technique_notes", &s.technique_notes, MAX_TEXT);
    check_line(
        &mut e,
        "needle",
        &s.needle,
        120,
        "Enter the needle or cartridge type",
    );
    check_line(
        &mut e,
        "needle_lot",
        &s.needle_lot,
        60,
        "Enter the needle's lot number",
    );
    if s.pigments.is_empty() {
        e.add("pigments", "Add the pigments used");
    }
    if s.pigments.len() > MAX_PIGMENTS {
        e.add("pigments", format!("At most {MAX_PIGMENTS} pigments"));
    }
    for (i, p) in s.pigments.iter().take(MAX_PIGMENTS).enumerate() {
        let at = |f: &str| format!("pigments[{i}].{f}");
        check_line(&mut e, &at("brand"), &p.brand, 80, "Enter the brand");
        check_line(&mut e, &at("shade"), &p.shade, 80, "Enter the shade");
        check_line(
            &mut e,
            &at("lot"),
            &p.lot,
            60,
            "Enter the lot number from the bottle",
        );
        match wire::parse_day(p.expires_on.trim()) {
            None => e.add(at("expires_on"), "Enter the expiry date from the bottle"),
            Some(exp) if day.is_some_and(|d| exp < d) => e.add(
                at("expires_on"),
                format!("This pigment expired on {exp}: use an unexpired bottle"),
            ),
            Some(_) => {}
        }
    }
    if s.pain_reported.is_some_and(|p| p > 10) {
        e.add("pain_reported", "Pain is from 0 to 10");
    }
    check_text(&mut e, "reactions", &s.reactions, MAX_TEXT);
    check_text(&mut e, "aftercare_given", &s.aftercare_given, MAX_TEXT);
    match s
        .next_session_on
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        None => {}
        Some(t) => match wire::parse_day(t) {
            None => e.add("next_session_on", "Enter a date like 2026-12-24"),
            Some(next) if day.is_some_and(|d| next <= d) => {
                e.add("next_session_on", "The next session comes after this one")
            }
            Some(_) => {}
        },
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::PigmentUse;
    use crate::vocab::HairLossArea;

    fn session() -> SessionInput {
        SessionInput {
            practitioner_id: None,
            performed_on: "2026-12-01".into(),
            start_time: "09:30".into(),
            end_time: Some("11:00".into()),
            areas: vec![HairLossArea::Crown],
            technique_notes: String::new(),
            needle: "3RL 0.18".into(),
            needle_lot: "N-77".into(),
            pigments: vec![PigmentUse {
                brand: "Brand".into(),
                shade: "Dark".into(),
                lot: "L123".into(),
                expires_on: "2027-06-30".into(),
            }],
            pain_reported: Some(3),
            reactions: String::new(),
            aftercare_given: String::new(),
            next_session_on: Some("2026-12-15".into()),
        }
    }

    const TODAY: NaiveDate = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();

    #[test]
    fn a_complete_record_passes() {
        assert!(check_session(&session(), TODAY).is_empty());
    }

    #[test]
    fn an_expired_pigment_or_missing_lot_is_refused() {
        let mut s = session();
        s.pigments[0].expires_on = "2026-11-30".into();
        let e = check_session(&s, TODAY);
        assert!(e
            .first("pigments[0].expires_on")
            .unwrap()
            .contains("expired"));
        s.pigments[0].expires_on = "2026-12-01".into();
        s.pigments[0].lot = "  ".into();
        let e = check_session(&s, TODAY);
        assert!(e.first("pigments[0].expires_on").is_none());
        assert!(e.first("pigments[0].lot").is_some());
    }

    #[test]
    fn times_and_days_are_checked() {
        let mut s = session();
        s.end_time = Some("09:00".into());
        s.performed_on = "2026-12-08".into();
        s.next_session_on = Some("2026-11-01".into());
        s.pain_reported = Some(11);
        let e = check_session(&s, TODAY);
        for path in ["end_time", "performed_on", "pain_reported"] {
            assert!(e.first(path).is_some(), "{path}");
        }
        assert_eq!(parse_time("24:00"), None);
        assert_eq!(parse_time("7:00"), None);
    }

    #[test]
    fn lots_compare_without_case_or_spaces() {
        assert_eq!(lot_key(" ab 12-c "), "AB12-C");
        assert_eq!(lot_key("ß"), "SS");
    }
}
