//! Any bytes through the submission parser; whatever parses goes through
//! every rule, the flags, the answer table and the canonical form. None of
//! it may panic, whatever the input.

#![no_main]

use std::sync::LazyLock;

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use stipple_domain::{
    answers::answer_sections, flags, parse_submission, CheckContext, ConsentTemplate,
};

static TEMPLATE: LazyLock<ConsentTemplate> = LazyLock::new(|| {
    toml::from_str(include_str!("../../server/templates/consent-default-v1.toml"))
        .expect("the shipped template parses")
});

fuzz_target!(|data: &[u8]| {
    let Ok(submission) = parse_submission(data) else {
        return;
    };
    let today = NaiveDate::from_ymd_opt(2026, 11, 21).expect("a date");
    let ctx = CheckContext {
        today,
        template: &TEMPLATE,
    };
    let _ = submission.check(&ctx);
    let _ = flags(&submission, today);
    let _ = answer_sections(&submission);
    let canonical = submission.canonical_json();
    // The canonical form is what is hashed and stored: it must parse back
    // to the same submission.
    let again = parse_submission(&canonical).expect("the canonical form parses");
    assert_eq!(again.canonical_json(), canonical);
});
