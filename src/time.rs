//! RFC 3339 timestamps without a date crate: civil-date ↔ day-number
//! conversion (Howard Hinnant's algorithms), formatting in UTC, and parsing of
//! `Z`, `±HH:MM` offsets and fractional seconds.
//!
//! Instants are milliseconds since the Unix epoch (`i64`, so dates before 1970
//! parse too). "Now" is never read here: callers pass
//! [`crate::http::Transport::now_unix_millis`], so tests control the clock.

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400); // [0, 399]
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// The date `(year, month, day)` of a day number since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Whether `year` has a 29 February.
pub fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Format an instant as RFC 3339 in UTC with milliseconds, as Daytona does
/// (`2030-01-01T00:00:00.000Z`).
pub fn format_millis(millis: i64) -> String {
    let days = millis.div_euclid(86_400_000);
    let ms_of_day = millis.rem_euclid(86_400_000);
    let (y, mo, d) = civil_from_days(days);
    let secs = ms_of_day / 1000;
    format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        ms_of_day % 1000
    )
}

/// Format whole seconds since the epoch (see [`format_millis`]).
pub fn format_secs(secs: i64) -> String {
    format_millis(secs.saturating_mul(1000))
}

/// Parse an RFC 3339 date-time (`T`, `t` or a space between date and time;
/// `Z`, `z` or `±HH:MM`; any number of fractional digits) into milliseconds
/// since the epoch. The error says which part is wrong.
pub fn parse(text: &str) -> Result<i64, &'static str> {
    let b = text.as_bytes();
    if b.len() < 20 {
        return Err("too short for YYYY-MM-DDTHH:MM:SSZ");
    }
    let num = |from: usize, len: usize| -> Result<i64, &'static str> {
        let part = b.get(from..from + len).ok_or("ends early")?;
        if !part.iter().all(u8::is_ascii_digit) {
            return Err("expected digits in YYYY-MM-DDTHH:MM:SS");
        }
        Ok(part.iter().fold(0, |acc, d| acc * 10 + i64::from(d - b'0')))
    };
    let sep = |at: usize, want: &[u8]| match b.get(at) {
        Some(c) if want.contains(c) => Ok(()),
        _ => Err("expected the form YYYY-MM-DDTHH:MM:SS"),
    };
    let year = num(0, 4)?;
    sep(4, b"-")?;
    let month = num(5, 2)? as u32;
    sep(7, b"-")?;
    let day = num(8, 2)? as u32;
    sep(10, b"Tt ")?;
    let hour = num(11, 2)?;
    sep(13, b":")?;
    let minute = num(14, 2)?;
    sep(16, b":")?;
    let second = num(17, 2)?;
    if !(1..=12).contains(&month) {
        return Err("the month is not 01-12");
    }
    if day == 0 || day > days_in_month(year, month) {
        return Err("the day does not exist in that month");
    }
    // 60 is a leap second; it counts as the first second of the next minute.
    if hour > 23 || minute > 59 || second > 60 {
        return Err("the time of day is out of range");
    }
    let mut at = 19;
    let mut millis = 0;
    if b.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        while b.get(at).is_some_and(u8::is_ascii_digit) {
            if at - start < 3 {
                millis = millis * 10 + i64::from(b[at] - b'0');
            }
            at += 1;
        }
        if at == start {
            return Err("a fraction needs at least one digit after the dot");
        }
        for _ in (at - start)..3 {
            millis *= 10;
        }
    }
    let offset_minutes = match b.get(at) {
        Some(b'Z' | b'z') if at + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) if at + 6 == b.len() => {
            sep(at + 3, b":").map_err(|_| "the offset must be ±HH:MM")?;
            let h = num(at + 1, 2)?;
            let m = num(at + 4, 2)?;
            if h > 23 || m > 59 {
                return Err("the offset is out of range");
            }
            let total = h * 60 + m;
            if *sign == b'-' { -total } else { total }
        }
        _ => return Err("expected Z or an offset like +00:00 at the end"),
    };
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    Ok(secs * 1000 + millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip_across_leap_years_and_centuries() {
        for days in (-800_000..800_000).step_by(7) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn leap_days_exist_only_in_leap_years() {
        assert!(parse("2024-02-29T00:00:00Z").is_ok());
        assert!(parse("2000-02-29T00:00:00Z").is_ok());
        assert!(parse("2023-02-29T00:00:00Z").is_err());
        assert!(parse("1900-02-29T00:00:00Z").is_err());
        assert_eq!(
            civil_from_days(days_from_civil(2024, 2, 29) + 1),
            (2024, 3, 1)
        );
    }

    #[test]
    fn formats_utc_with_milliseconds() {
        assert_eq!(format_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_secs(1_893_456_000), "2030-01-01T00:00:00.000Z");
        assert_eq!(format_millis(951_782_400_123), "2000-02-29T00:00:00.123Z");
        assert_eq!(format_millis(-1), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn parses_z_offsets_and_fractions_to_the_same_instant() {
        let want = 1_893_456_000_000;
        for text in [
            "2030-01-01T00:00:00Z",
            "2030-01-01T00:00:00.000Z",
            "2030-01-01t00:00:00z",
            "2030-01-01 00:00:00+00:00",
            "2030-01-01T02:30:00+02:30",
            "2029-12-31T19:00:00-05:00",
            "2030-01-01T00:00:00.0000001Z",
        ] {
            assert_eq!(parse(text), Ok(want), "{text}");
        }
        assert_eq!(parse("2030-01-01T00:00:00.5Z"), Ok(want + 500));
        assert_eq!(parse("2030-01-01T00:00:00.123456789Z"), Ok(want + 123));
    }

    #[test]
    fn format_then_parse_is_identity() {
        for ms in [0, 1, 999, 86_399_999, 1_700_000_000_123, 4_102_444_800_000] {
            assert_eq!(parse(&format_millis(ms)), Ok(ms));
        }
    }

    #[test]
    fn malformed_timestamps_are_refused_with_a_reason() {
        for bad in [
            "",
            "2030-01-01",
            "2030-01-01T00:00:00",
            "2030-13-01T00:00:00Z",
            "2030-04-31T00:00:00Z",
            "2030-01-01T24:00:00Z",
            "2030-01-01T00:00:00.Z",
            "2030-01-01T00:00:00+0000",
            "2030-01-01T00:00:00+24:00",
            "2030-01-01T00:00:00Zjunk",
            "２030-01-01T00:00:00Z",
            "tomorrow at noon, please",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
