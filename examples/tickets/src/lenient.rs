//! Leantime clients send the fields inside `values`, `params` and `searchCriteria` as they come:
//! ids as `"9"` or `9`, hours as `1.5` or `"1.5"`, an unset field as `""` or `null`. These
//! deserializers read such a field the way Leantime does, and refuse anything else with a
//! message that names what was expected.

use serde::Deserialize;
use serde::de::{Deserializer, Error as _};
use serde_json::Value;

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// An integer written as a number or a numeric string; `null` and `""` are unset.
pub(crate) fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .map(Some)
            .ok_or_else(|| D::Error::custom(format!("expected an integer, got {n}"))),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| D::Error::custom(format!("expected an integer, got \"{s}\""))),
        Some(other) => Err(D::Error::custom(format!(
            "expected an integer, got {}",
            describe(&other)
        ))),
    }
}

/// A number written as a number or a numeric string; `null` and `""` are unset.
pub(crate) fn opt_float<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let parsed = match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(None),
        Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
        Some(other) => {
            return Err(D::Error::custom(format!(
                "expected a number, got {}",
                describe(&other)
            )));
        }
    };
    match parsed {
        Some(n) if n.is_finite() => Ok(Some(n)),
        _ => Err(D::Error::custom("expected a finite number")),
    }
}

/// Text written as a string (or, as PHP would print it, a number or boolean); `null` is unset.
/// Text holding NUL (U+0000) is refused: PostgreSQL cannot store it, so neither backend takes it.
pub(crate) fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.contains('\0') => {
            Err(D::Error::custom("expected text without NUL (U+0000)"))
        }
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(Value::Bool(b)) => Ok(Some(if b { "1" } else { "" }.to_owned())),
        Some(other) => Err(D::Error::custom(format!(
            "expected a string, got {}",
            describe(&other)
        ))),
    }
}

/// A list of integers: `[1, "2"]`, `"1,2"` or `1`; `null` and `""` are unset.
pub(crate) fn opt_int_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<i64>>, D::Error> {
    fn one<E: serde::de::Error>(value: &Value) -> Result<i64, E> {
        match value {
            Value::Number(n) => n.as_i64().ok_or_else(|| E::custom("expected integers")),
            Value::String(s) => s
                .trim()
                .parse()
                .map_err(|_| E::custom(format!("expected integers, got \"{s}\""))),
            other => Err(E::custom(format!(
                "expected integers, got {}",
                describe(other)
            ))),
        }
    }
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s
            .split(',')
            .filter(|part| !part.trim().is_empty())
            .map(|part| one(&Value::String(part.to_owned())))
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(Value::Array(items)) => items
            .iter()
            .map(one)
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(other) => one(&other).map(|n| Some(vec![n])),
    }
}

/// Normalizes a date as Leantime stores it (`Y-m-d H:i:s`): accepts `YYYY-MM-DD`,
/// `YYYY-MM-DD HH:MM[:SS]` and ISO 8601 with `T` (a trailing `Z` or fraction is dropped).
/// `None` when the text is not such a date.
pub(crate) fn date(text: &str) -> Option<String> {
    let text = text.trim();
    let (day, time) = match text.find(['T', ' ']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let mut parts = day.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || !digits(y, 4) || !digits(m, 2) || !digits(d, 2) {
        return None;
    }
    let (month, dom): (u32, u32) = (m.parse().ok()?, d.parse().ok()?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&dom) {
        return None;
    }
    let clock = match time {
        None => "00:00:00".to_owned(),
        Some(t) => {
            let t = t.trim_end_matches('Z');
            let t = t.split(['.', '+']).next().unwrap_or(t);
            let mut hms = t.split(':');
            let (h, mi) = (hms.next()?, hms.next()?);
            let s = hms.next().unwrap_or("00");
            if hms.next().is_some() || !digits(h, 2) || !digits(mi, 2) || !digits(s, 2) {
                return None;
            }
            let (h, mi, s): (u32, u32, u32) = (h.parse().ok()?, mi.parse().ok()?, s.parse().ok()?);
            if h > 23 || mi > 59 || s > 60 {
                return None;
            }
            format!("{h:02}:{mi:02}:{s:02}")
        }
    };
    Some(format!("{y}-{m}-{d} {clock}"))
}

#[cfg(test)]
mod tests {
    use super::date;

    #[test]
    fn dates_normalize_to_leantime_form() {
        assert_eq!(date("2026-03-01").as_deref(), Some("2026-03-01 00:00:00"));
        assert_eq!(
            date("2026-03-01 09:30").as_deref(),
            Some("2026-03-01 09:30:00")
        );
        assert_eq!(
            date("2026-03-01T09:30:15.5Z").as_deref(),
            Some("2026-03-01 09:30:15")
        );
        for bad in [
            "",
            "2026-3-1",
            "2026-13-01",
            "yesterday",
            "2026-03-01 25:00:00",
        ] {
            assert_eq!(date(bad), None, "{bad}");
        }
    }
}
