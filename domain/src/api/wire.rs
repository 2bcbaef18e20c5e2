//! How times and days are read from the API's JSON. Written out rather than
//! left to chrono's parser, which would add its whole format machinery to
//! the staff pages' bundle; only the forms the server writes are read:
//! `2026-11-30T09:15:00.123456Z` (any offset, any fraction, years of any
//! length with a sign above 9999) and `2026-11-30`.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{de::Error, Deserialize, Deserializer, Serialize, Serializer};

/// `[+-]YYYY…-MM-DD` at the start of `s`, and the rest.
fn split_day(s: &str) -> Option<(NaiveDate, &str)> {
    let (sign, body) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => (1, s),
    };
    let year_len = body.find('-')?;
    let year: i32 = digits(&body[..year_len])?;
    let rest = &body[year_len + 1..];
    let month = digits(rest.get(..2)?)?;
    let day = digits(rest.get(3..5)?)?;
    (rest.as_bytes().get(2) == Some(&b'-')).then_some(())?;
    Some((
        NaiveDate::from_ymd_opt(sign * year, month, day)?,
        &rest[5..],
    ))
}

fn digits<T: TryFrom<u64>>(s: &str) -> Option<T> {
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = s.bytes().fold(0u64, |n, b| n * 10 + u64::from(b - b'0'));
    T::try_from(n).ok()
}

pub fn parse_day(s: &str) -> Option<NaiveDate> {
    match split_day(s)? {
        (day, "") => Some(day),
        _ => None,
    }
}

pub fn parse_instant(s: &str) -> Option<DateTime<Utc>> {
    let (day, rest) = split_day(s)?;
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let (h, m, sec) = (
        digits(rest.get(..2)?)?,
        digits(rest.get(3..5)?)?,
        digits(rest.get(6..8)?)?,
    );
    (rest.get(2..3) == Some(":") && rest.get(5..6) == Some(":")).then_some(())?;
    let mut rest = &rest[8..];
    let mut nanos = 0u32;
    if let Some(fraction) = rest.strip_prefix('.') {
        let len = fraction.bytes().take_while(u8::is_ascii_digit).count();
        let kept = &fraction[..len.min(9)];
        nanos = digits::<u32>(kept)? * 10u32.pow(9 - kept.len() as u32);
        rest = &fraction[len..];
    }
    let offset_secs = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            (rest.len() == 6 && &rest[3..4] == ":").then_some(())?;
            let (oh, om): (i32, i32) = (digits(&rest[1..3])?, digits(&rest[4..6])?);
            sign * (oh * 3600 + om * 60)
        }
    };
    let time = NaiveTime::from_hms_nano_opt(h, m, sec, nanos)?;
    FixedOffset::east_opt(offset_secs)?
        .from_local_datetime(&day.and_time(time))
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// `#[serde(with = "wire::instant")]` on a `DateTime<Utc>`.
pub mod instant {
    use super::*;

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        t.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let s = String::deserialize(d)?;
        parse_instant(&s).ok_or_else(|| D::Error::custom("expected an RFC 3339 time"))
    }
}

/// `#[serde(default, with = "wire::instant_opt")]` on an `Option<DateTime<Utc>>`.
pub mod instant_opt {
    use super::*;

    pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        t.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(s) => parse_instant(&s)
                .map(Some)
                .ok_or_else(|| D::Error::custom("expected an RFC 3339 time")),
        }
    }
}

/// `#[serde(with = "wire::day")]` on a `NaiveDate`.
pub mod day {
    use super::*;

    pub fn serialize<S: Serializer>(t: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        t.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let s = String::deserialize(d)?;
        parse_day(&s).ok_or_else(|| D::Error::custom("expected a date like 2026-11-30"))
    }
}

/// `#[serde(default, with = "wire::day_opt")]` on an `Option<NaiveDate>`.
pub mod day_opt {
    use super::*;

    pub fn serialize<S: Serializer>(t: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        t.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(s) => parse_day(&s)
                .map(Some)
                .ok_or_else(|| D::Error::custom("expected a date like 2026-11-30")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_chrono_writes() {
        let times = [
            "2026-11-30T09:15:00Z",
            "2026-11-30T09:15:00.123456Z",
            "2026-11-30T10:15:00.5+01:00",
            "1999-01-01T00:00:00-05:30",
            "+12345-06-07T08:09:10Z",
        ];
        for t in times {
            let ours = parse_instant(t).unwrap_or_else(|| panic!("{t}"));
            let chrono: DateTime<FixedOffset> = t.parse().unwrap_or_else(|e| panic!("{t}: {e}"));
            assert_eq!(ours, chrono.with_timezone(&Utc), "{t}");
            // And what the server writes comes back the same.
            let written = serde_json::to_string(&ours).unwrap();
            assert_eq!(
                parse_instant(written.trim_matches('"')),
                Some(ours),
                "{written}"
            );
        }
        assert_eq!(
            parse_day("2026-02-28"),
            NaiveDate::from_ymd_opt(2026, 2, 28)
        );
        assert_eq!(
            parse_day("+12345-01-02"),
            NaiveDate::from_ymd_opt(12345, 1, 2)
        );
    }

    #[test]
    fn refuses_other_forms() {
        for bad in [
            "",
            "2026-02-30",
            "2026-2-3",
            "2026-11-30T09:15Z",
            "2026-11-30T09:15:00",
            "2026-11-30T25:00:00Z",
            "2026-11-30T09:15:00+1:00",
            "2026-11-30T09:15:00.Z",
            "２０２６-11-30T09:15:00Z",
        ] {
            assert!(parse_instant(bad).is_none(), "{bad}");
        }
        assert!(parse_day("2026-11-30x").is_none());
        assert!(parse_day("-").is_none());
    }
}

/// `#[serde(with = "wire::small")]` on a `u8`: JSON Schema counts `3.0` as
/// the integer 3, so it is read as one.
pub mod small {
    use super::*;

    pub fn serialize<S: Serializer>(n: &u8, s: S) -> Result<S::Ok, S::Error> {
        n.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u8, D::Error> {
        let n = f64::deserialize(d)?;
        if n.fract() == 0.0 && (0.0..=255.0).contains(&n) {
            Ok(n as u8)
        } else {
            Err(D::Error::custom("expected a whole number from 0 to 255"))
        }
    }
}

/// `#[serde(default, with = "wire::small_opt")]` on an `Option<u8>`.
pub mod small_opt {
    use super::*;

    pub fn serialize<S: Serializer>(n: &Option<u8>, s: S) -> Result<S::Ok, S::Error> {
        n.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u8>, D::Error> {
        #[derive(Deserialize)]
        struct Wrap(#[serde(with = "super::small")] u8);
        Ok(Option::<Wrap>::deserialize(d)?.map(|w| w.0))
    }
}
