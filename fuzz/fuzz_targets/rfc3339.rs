//! RFC 3339 (`time`): parsing never panics; an accepted timestamp
//! agrees with an independent day count, formats back to text that parses to
//! the same instant, and canonical text re-formats identically; any instant in
//! years 0000-9999 formats and parses back (format → parse round-trips).
#![no_main]

use daytona_tools::time;
use libfuzzer_sys::fuzz_target;

/// 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z in milliseconds.
const FIRST_MS: i64 = -62_167_219_200_000;
const END_MS: i64 = 253_402_300_800_000;

/// Days since 1970-01-01, counted a different way from the code under test:
/// whole years by the leap-year rule, then a table of month lengths.
fn reference_days(year: i64, month: u32, day: u32) -> i64 {
    // Leap years in [0, y): multiples of 4, less of 100, plus of 400 (y >= 0).
    let leaps_before = |y: i64| (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400;
    let days_before_year = |y: i64| 365 * y + leaps_before(y);
    const CUMULATIVE: [i64; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    let leap = time::is_leap_year(year) && month > 2;
    days_before_year(year) - days_before_year(1970)
        + CUMULATIVE[month as usize - 1]
        + i64::from(leap)
        + i64::from(day)
        - 1
}

fn digits(s: &str) -> i64 {
    s.parse().expect("digits")
}

fuzz_target!(|input: (&str, i64)| {
    let (text, millis) = input;

    match time::parse(text) {
        Ok(ms) => {
            // The parser accepted a fixed layout: check it against the reference.
            let (year, month, day) = (
                digits(&text[0..4]),
                digits(&text[5..7]),
                digits(&text[8..10]),
            );
            let (h, m, s) = (
                digits(&text[11..13]),
                digits(&text[14..16]),
                digits(&text[17..19]),
            );
            let rest = &text[19..];
            let (fraction, zone) = match rest.strip_prefix('.') {
                Some(f) => {
                    let end = f.find(|c: char| !c.is_ascii_digit()).unwrap_or(f.len());
                    (&f[..end], &f[end..])
                }
                None => ("", rest),
            };
            let offset_min = match zone {
                "Z" | "z" => 0,
                _ => {
                    let sign = if zone.starts_with('-') { -1 } else { 1 };
                    sign * (digits(&zone[1..3]) * 60 + digits(&zone[4..6]))
                }
            };
            let frac_ms = format!("{fraction:0<3}")[..3].parse::<i64>().unwrap();
            let days = reference_days(year, month as u32, day as u32);
            let want = ((days * 86_400 + h * 3600 + m * 60 + s - offset_min * 60) * 1000) + frac_ms;
            assert_eq!(ms, want, "{text}");

            // Format → parse round-trips for every instant a 4-digit year can show.
            let shown = time::format_millis(ms);
            if (FIRST_MS..END_MS).contains(&ms) {
                assert_eq!(time::parse(&shown), Ok(ms), "{text} -> {shown}");
            }
            // Canonical text (UTC, 'T', milliseconds, no leap second) re-formats identically.
            let canonical = text.len() == 24
                && &text[10..11] == "T"
                && zone == "Z"
                && fraction.len() == 3
                && s < 60;
            if canonical {
                assert_eq!(shown, text);
            }
        }
        Err(why) => assert!(!why.is_empty()),
    }

    // Any instant formats without panicking; within years 0000-9999 it parses back.
    let shown = time::format_millis(millis);
    if (FIRST_MS..END_MS).contains(&millis) {
        assert_eq!(shown.len(), 24, "{shown}");
        assert_eq!(time::parse(&shown), Ok(millis), "{millis} -> {shown}");
        let secs = millis.div_euclid(1000);
        assert_eq!(time::parse(&time::format_secs(secs)), Ok(secs * 1000));
    }
    // Day numbers round-trip through civil dates.
    let days = millis / 86_400_000;
    let (y, mo, d) = time::civil_from_days(days);
    assert_eq!(time::days_from_civil(y, mo, d), days);
    if (0..=9999).contains(&y) {
        assert_eq!(reference_days(y, mo, d), days);
    }
});
