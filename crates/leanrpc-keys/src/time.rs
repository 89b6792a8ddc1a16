//! Unix-second timestamps as keys use them: now, and UTC dates in and out (no time zones, no
//! date crate: the civil-calendar arithmetic is Howard Hinnant's `days_from_civil`).

use std::time::{SystemTime, UNIX_EPOCH};

/// The current Unix time in seconds (0 if the clock is before 1970).
pub fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Formats Unix time `secs` as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_utc(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// Parses `YYYY-MM-DD` (midnight UTC at the start of that day) or `YYYY-MM-DDTHH:MM:SSZ` into
/// Unix seconds. Years 1970 to 9999.
pub fn parse_utc(text: &str) -> Result<i64, String> {
    let bad =
        || format!("invalid date {text:?}: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC)");
    let b = text.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = b.get(range)?;
        digits
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| digits.iter().fold(0, |n, &d| n * 10 + i64::from(d - b'0')))
    };
    let date = (b.len() == 10 || b.len() == 20)
        && b[4] == b'-'
        && b[7] == b'-'
        && (b.len() == 10 || (b[10] == b'T' && b[13] == b':' && b[16] == b':' && b[19] == b'Z'));
    if !date {
        return Err(bad());
    }
    let (y, m, d) = (num(0..4), num(5..7), num(8..10));
    let (Some(y @ 1970..=9999), Some(m @ 1..=12), Some(d)) = (y, m, d) else {
        return Err(bad());
    };
    if d < 1 || d > days_in_month(y, m) {
        return Err(bad());
    }
    let (hh, mm, ss) = if b.len() == 20 {
        match (num(11..13), num(14..16), num(17..19)) {
            (Some(hh @ 0..=23), Some(mm @ 0..=59), Some(ss @ 0..=59)) => (hh, mm, ss),
            _ => return Err(bad()),
        }
    } else {
        (0, 0, 0)
    };
    Ok(days_from_civil(y, m, d) * 86_400 + hh * 3600 + mm * 60 + ss)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(format_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(format_utc(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(parse_utc("2023-11-14T22:13:20Z"), Ok(1_700_000_000));
        assert_eq!(parse_utc("2000-02-29"), Ok(951_782_400));
        for secs in (0..4_102_444_800).step_by(86_399 * 37) {
            assert_eq!(parse_utc(&format_utc(secs)), Ok(secs));
        }
    }

    #[test]
    fn bad_dates_are_refused() {
        for bad in [
            "",
            "2023-02-29",
            "2023-13-01",
            "2023-00-10",
            "1969-12-31",
            "2023-1-01",
            "2023-01-01T24:00:00Z",
            "2023-01-01T10:00:00",
            "2023-01-01 10:00:00Z",
            "２０２３-01-01",
            "tomorrow",
        ] {
            assert!(parse_utc(bad).is_err(), "{bad}");
        }
    }
}
