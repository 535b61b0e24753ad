//! The emulator's controllable clock and RFC 3339 formatting/parsing.
//!
//! The clock is real time plus an offset that tests move with [`Clock::advance`] or
//! [`Clock::set`]. Everything time-dependent in the emulator reads it: `createdAt`,
//! `lastUsedAt`, API-key expiry and the end of transitional sandbox states, so a test can
//! step a sandbox through `stopping` → `stopped` or expire a key without sleeping.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A shared handle to the emulator's clock (cloning shares the same offset).
#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
    /// Whether the clock stands still (then `offset_ms` is the whole reading).
    frozen: Arc<AtomicBool>,
}

impl Clock {
    /// The emulator's current time.
    pub fn now(&self) -> SystemTime {
        from_ms(self.now_ms())
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX / 2);
        self.offset_ms.fetch_add(ms, Ordering::SeqCst);
    }

    /// Makes the clock read `to` now; it keeps running from there (unless frozen).
    pub fn set(&self, to: SystemTime) {
        let base = if self.frozen.load(Ordering::SeqCst) {
            0
        } else {
            real_ms()
        };
        self.offset_ms.store(to_ms(to) - base, Ordering::SeqCst);
    }

    /// Stops the clock at its current reading, whole second: from now on only
    /// [`Clock::advance`] and [`Clock::set`] move it, so a test can compare times exactly
    /// however long the machine takes. Transitions then end only when the test moves it.
    pub fn freeze(&self) {
        let now = self.now_ms();
        self.frozen.store(true, Ordering::SeqCst);
        self.offset_ms
            .store(now - now.rem_euclid(1000), Ordering::SeqCst);
    }

    /// The current time as milliseconds since the Unix epoch.
    pub(crate) fn now_ms(&self) -> i64 {
        let base = if self.frozen.load(Ordering::SeqCst) {
            0
        } else {
            real_ms()
        };
        base + self.offset_ms.load(Ordering::SeqCst)
    }

    /// The current time formatted as RFC 3339 with milliseconds, e.g. `2026-10-01T12:00:00.000Z`.
    pub(crate) fn now_rfc3339(&self) -> String {
        format_rfc3339(self.now_ms())
    }
}

fn real_ms() -> i64 {
    to_ms(SystemTime::now())
}

/// Milliseconds since the Unix epoch (negative before it).
pub(crate) fn to_ms(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

/// The inverse of [`to_ms`].
pub(crate) fn from_ms(ms: i64) -> SystemTime {
    if ms >= 0 {
        UNIX_EPOCH + Duration::from_millis(ms.unsigned_abs())
    } else {
        UNIX_EPOCH - Duration::from_millis(ms.unsigned_abs())
    }
}

/// Formats like JavaScript's `Date.toISOString()`: `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn format_rfc3339(ms: i64) -> String {
    const FORMAT: &[time::format_description::BorrowedFormatItem<'static>] = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    // Years outside ±9999 cannot be written in this form; clamp to its ends.
    let at = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap_or(
        if ms < 0 {
            time::PrimitiveDateTime::MIN.assume_utc()
        } else {
            time::PrimitiveDateTime::MAX.assume_utc()
        },
    );
    at.format(FORMAT)
        .unwrap_or_else(|_| "1970-01-01T00:00:00.000Z".into())
}

/// Parses an RFC 3339 timestamp (`2030-01-01T00:00:00Z`, fractional seconds and numeric
/// offsets allowed; a space may stand for the `T`) or a plain date (`2030-01-01`,
/// midnight UTC). `None` if malformed.
pub(crate) fn parse_rfc3339(s: &str) -> Option<i64> {
    use time::format_description::well_known::Rfc3339;
    let s = s.trim();
    let at = if s.len() == 10 {
        let date =
            time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).ok()?;
        date.midnight().assume_utc()
    } else {
        let normalized = match s.as_bytes().get(10) {
            Some(b' ') => format!("{}T{}", &s[..10], &s[11..]),
            _ => s.to_string(),
        };
        time::OffsetDateTime::parse(&normalized, &Rfc3339).ok()?
    };
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_javascript_to_iso_string() {
        assert_eq!(format_rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            format_rfc3339(1_893_456_000_123),
            "2030-01-01T00:00:00.123Z"
        );
        assert_eq!(format_rfc3339(951_782_400_000), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn parses_what_it_formats_and_common_variants() {
        for ms in [0, 1_893_456_000_123, 951_782_400_000, 1_700_000_000_000] {
            assert_eq!(parse_rfc3339(&format_rfc3339(ms)), Some(ms));
        }
        assert_eq!(parse_rfc3339("2030-01-01"), Some(1_893_456_000_000));
        assert_eq!(
            parse_rfc3339("2030-01-01T02:00:00+02:00"),
            Some(1_893_456_000_000)
        );
        assert_eq!(
            parse_rfc3339("2030-01-01T00:00:00.5Z"),
            Some(1_893_456_000_500)
        );
        for bad in [
            "",
            "tomorrow",
            "2030-13-01",
            "2030-01-01T25:00:00Z",
            "2030-01-01T00:00:00",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn advancing_moves_now_forward() {
        let clock = Clock::default();
        let before = clock.now_ms();
        clock.advance(Duration::from_secs(3600));
        assert!(clock.now_ms() - before >= 3_600_000);
        clock.set(UNIX_EPOCH);
        assert!(clock.now_ms() < 1000);
    }

    #[test]
    fn a_frozen_clock_moves_only_when_told() {
        let clock = Clock::default();
        clock.set(UNIX_EPOCH + Duration::from_millis(5_250));
        clock.freeze();
        let shared = clock.clone();
        assert_eq!(shared.now_ms(), 5_000);
        std::thread::sleep(Duration::from_millis(2));
        assert_eq!(clock.now_ms(), 5_000);
        shared.advance(Duration::from_secs(60));
        assert_eq!(clock.now_ms(), 65_000);
        clock.set(UNIX_EPOCH);
        assert_eq!(shared.now_ms(), 0);
    }
}
