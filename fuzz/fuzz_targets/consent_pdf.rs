//! Arbitrary text (any Unicode, empty or huge) and arbitrary signature bytes
//! through the consent PDF renderer: it must always produce a PDF.

#![no_main]

use libfuzzer_sys::fuzz_target;
use stipple_pdf::{render, Audit, ClauseLine, ConsentPdfInput, Paper, Section};

fuzz_target!(|data: &[u8]| {
    // Fields are separated by U+0001; the first byte picks how many rows,
    // and whether one field is blown up to a very long string.
    let (&shape, rest) = data.split_first().unwrap_or((&0, &[]));
    let text = String::from_utf8_lossy(rest);
    let mut fields = text.split('\u{1}').map(str::to_string).cycle();
    let mut next = || fields.next().unwrap_or_default();
    let rows = usize::from(shape % 16);
    let mut client_name = next();
    if shape & 0x80 != 0 {
        client_name = client_name.repeat(2000);
    }
    let mut client: Vec<(String, String)> = (0..3).map(|_| (next(), next())).collect();
    client.insert(0, (next(), client_name));
    let input = ConsentPdfInput {
        paper: if shape & 0x40 != 0 { Paper::Letter } else { Paper::A4 },
        clinic_name: next(),
        title: next(),
        client,
        sections: (0..rows.div_ceil(4))
            .map(|_| Section {
                title: next(),
                rows: (0..4).map(|_| (next(), next())).collect(),
            })
            .collect(),
        clauses: (0..rows)
            .map(|i| ClauseLine {
                title: next(),
                text: next(),
                accepted: i % 2 == 0,
            })
            .collect(),
        photo_marketing: shape & 0x20 != 0,
        signature_png: rest.to_vec(),
        typed_name: next(),
        signed_local: next(),
        signed_utc: next(),
        created_at_unix: i64::from(shape) * 1_000_003,
        audit: Audit {
            submission_id: next(),
            template_version: next(),
            canonical_sha256: next(),
            client_ip: next(),
            user_agent: next(),
            events: vec![(next(), next())],
        },
    };
    let pdf = render(&input).expect("bad input never stops the PDF");
    assert!(pdf.starts_with(b"%PDF-"));
});
