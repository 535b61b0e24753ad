//! How long an ephemeral key lives: whole seconds or a duration string
//! (`90s`, `10m`, `1h`, `1h30m`), bounded to 1 minute ..= 24 hours, default
//! 10 minutes (Creddy's bounds). Out-of-range values are refused, not clamped,
//! so a caller never gets a key living other than it asked.
//!
//! The typed interface (`ttl-seconds`) and the tool (`ttl`) both end in
//! [`check`], the one place the bounds are enforced.

use crate::error::Error;
use serde_json::Value;

/// The shortest lifetime: 1 minute.
pub const MIN_SECS: u64 = 60;
/// The longest lifetime: 24 hours.
pub const MAX_SECS: u64 = 86_400;
/// The lifetime when none is given: 10 minutes.
pub const DEFAULT_SECS: u64 = 600;

/// Parse a duration string: whole seconds (`"600"`) or hours, minutes and
/// seconds in that order, each at most once (`"90s"`, `"10m"`, `"1h30m"`,
/// `"2h0m5s"`). No bounds are applied. The error says what is wrong.
pub fn parse(text: &str) -> Result<u64, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("is empty".into());
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().map_err(|_| "is too large".into());
    }
    let mut total: u64 = 0;
    let mut digits = String::new();
    let mut last_unit = 0; // 0 none, 1 h, 2 m, 3 s: units must descend and not repeat
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let (rank, factor) = match c {
            'h' => (1, 3600),
            'm' => (2, 60),
            's' => (3, 1),
            _ => {
                return Err(format!(
                    "has '{}', which is not a unit (use h, m, s as in 1h30m)",
                    c.escape_default()
                ));
            }
        };
        if digits.is_empty() {
            return Err(format!("needs a number before '{c}'"));
        }
        if rank <= last_unit {
            return Err(
                "must give hours, minutes, seconds in that order, each at most once".into(),
            );
        }
        last_unit = rank;
        let n: u64 = digits.parse().map_err(|_| "is too large".to_string())?;
        digits.clear();
        total = n
            .checked_mul(factor)
            .and_then(|v| total.checked_add(v))
            .ok_or("is too large")?;
    }
    if !digits.is_empty() {
        return Err("ends in a number without a unit (use e.g. 90s, 10m, 1h30m)".into());
    }
    Ok(total)
}

/// Say a number of seconds the way a person would (`1h30m`, `10m`, `45s`).
pub fn describe(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 || out.is_empty() {
        out.push_str(&format!("{s}s"));
    }
    out
}

/// The bounds check every TTL goes through: `None` is the default; outside
/// [`MIN_SECS`]..=[`MAX_SECS`] is `invalid-input` naming the bounds.
pub fn check(field: &str, secs: Option<u64>) -> Result<u32, Error> {
    let secs = secs.unwrap_or(DEFAULT_SECS);
    bounds(field, secs, MIN_SECS, MAX_SECS)?;
    // MAX_SECS fits in u32.
    Ok(secs.min(MAX_SECS) as u32)
}

/// Refuse `secs` outside `min..=max`, saying the bounds.
pub fn bounds(field: &str, secs: u64, min: u64, max: u64) -> Result<(), Error> {
    if (min..=max).contains(&secs) {
        return Ok(());
    }
    Err(Error::invalid_input(format!(
        "`{field}` is {} ({secs} s); it must be from {} ({min} s) to {} ({max} s)",
        describe(secs),
        describe(min),
        describe(max)
    ))
    .with_hint(
        "give whole seconds or a duration like 90s, 10m, 1h30m; leave it out for 10 minutes",
    ))
}

/// Seconds from a tool argument: a non-negative integer or a duration string.
/// No bounds are applied (see [`check`]).
pub fn from_json(field: &str, value: &Value) -> Result<u64, Error> {
    match value {
        Value::Number(n) => n.as_u64().ok_or_else(|| {
            Error::invalid_input(format!(
                "`{field}` must be a whole, non-negative number of seconds or a duration like 10m"
            ))
        }),
        Value::String(s) => parse(s).map_err(|why| {
            Error::invalid_input(format!("`{field}` '{}' {why}", crate::error::scrub(s, &[])))
        }),
        _ => Err(Error::invalid_input(format!(
            "`{field}` must be a number of seconds or a duration string like 10m"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use serde_json::json;

    #[test]
    fn duration_strings_and_plain_seconds_parse() {
        for (text, want) in [
            ("90s", 90),
            ("10m", 600),
            ("1h", 3600),
            ("1h30m", 5400),
            ("2h0m5s", 7205),
            ("1m30s", 90),
            ("600", 600),
            (" 24h ", 86_400),
        ] {
            assert_eq!(parse(text), Ok(want), "{text}");
        }
    }

    #[test]
    fn malformed_durations_say_why() {
        for bad in [
            "", "m", "10x", "1m1h", "1h1h", "10 m", "1.5h", "-5m", "10m5", "1d",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(parse("1m1h").unwrap_err().contains("order"));
        assert!(
            parse("99999999999999999999h")
                .unwrap_err()
                .contains("too large")
        );
    }

    #[test]
    fn missing_ttl_is_ten_minutes() {
        assert_eq!(check("ttl", None).unwrap(), 600);
    }

    #[test]
    fn bounds_are_one_minute_to_a_day_inclusive() {
        assert_eq!(check("ttl", Some(60)).unwrap(), 60);
        assert_eq!(check("ttl", Some(86_400)).unwrap(), 86_400);
        for bad in [0, 59, 86_401, u64::MAX] {
            let err = check("ttl", Some(bad)).unwrap_err();
            assert_eq!(err.kind, ErrorKind::InvalidInput);
            assert!(
                err.message.contains("1m (60 s)") && err.message.contains("24h (86400 s)"),
                "{}",
                err.message
            );
        }
    }

    #[test]
    fn json_integers_and_strings_both_work() {
        assert_eq!(from_json("ttl", &json!(120)).unwrap(), 120);
        assert_eq!(from_json("ttl", &json!("1h30m")).unwrap(), 5400);
        for bad in [json!(-1), json!(1.5), json!(true), json!("soon")] {
            assert_eq!(
                from_json("ttl", &bad).unwrap_err().kind,
                ErrorKind::InvalidInput,
                "{bad}"
            );
        }
    }

    #[test]
    fn describe_reads_like_the_input_format() {
        assert_eq!(describe(5400), "1h30m");
        assert_eq!(describe(60), "1m");
        assert_eq!(describe(0), "0s");
        assert_eq!(describe(86_401), "24h1s");
    }
}
