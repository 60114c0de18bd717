//! Wall-clock time as Unix milliseconds, and Discord's exact timestamp format
//! (`2026-01-02T03:04:05.678000+00:00`), which strict client libraries require.

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// Formats Unix milliseconds as `YYYY-MM-DDTHH:MM:SS.ffffff+00:00`.
pub fn format_timestamp(unix_ms: u64) -> String {
    let secs = unix_ms / 1000;
    let (year, month, day) = civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    let (hour, minute, second, ms) = (rem / 3600, rem % 3600 / 60, rem % 60, unix_ms % 1000);
    let Ok(year @ 0..=9999) = u64::try_from(year) else {
        return formatted(unix_ms);
    };
    // Digit by digit: every message of every page has a timestamp, and `format!` took 3.6 % of
    // a history read's cycles.
    let mut out = String::with_capacity(32);
    for (value, width, after) in [
        (year, 4, '-'),
        (month.into(), 2, '-'),
        (day.into(), 2, 'T'),
        (hour, 2, ':'),
        (minute, 2, ':'),
        (second, 2, '.'),
    ] {
        push_digits(&mut out, value, width);
        out.push(after);
    }
    push_digits(&mut out, ms, 3);
    out.push_str("000+00:00");
    out
}

/// [`format_timestamp`] through the formatting machinery: for years past 9999, which have
/// more than four digits, and as the reference its digit path is tested against.
fn formatted(unix_ms: u64) -> String {
    let secs = unix_ms / 1000;
    let (year, month, day) = civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    let (hour, minute, second, ms) = (rem / 3600, rem % 3600 / 60, rem % 60, unix_ms % 1000);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{ms:03}000+00:00")
}

/// The last `width` decimal digits of `value`, zero-padded.
fn push_digits(out: &mut String, value: u64, width: u32) {
    for place in (0..width).rev() {
        out.push(char::from(b'0' + (value / 10u64.pow(place) % 10) as u8));
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day); Howard Hinnant's algorithm.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Parses Discord's ISO 8601 timestamps (`2026-01-02T03:04:05[.ffffff](Z|+00:00)`) to Unix ms.
pub fn parse_timestamp(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let rest = &s[19..];
    let (frac, zone) = match rest.strip_prefix('.') {
        Some(r) => {
            let digits = r.bytes().take_while(u8::is_ascii_digit).count();
            (&r[..digits], &r[digits..])
        }
        None => ("", rest),
    };
    if !matches!(zone, "Z" | "+00:00")
        || !(1..=12).contains(&mo)
        || !(1..=31).contains(&d)
        || h > 23
        || mi > 59
        || sec > 60
    {
        return None;
    }
    let ms = frac.get(..3.min(frac.len())).map_or(0, |f| format!("{f:0<3}").parse::<i64>().unwrap_or(0));
    // Days from civil (Howard Hinnant), the inverse of civil_from_days.
    let (y2, m2) = if mo <= 2 { (y - 1, mo + 9) } else { (y, mo - 3) };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * m2 + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    u64::try_from(((days * 86_400 + h * 3600 + mi * 60 + sec) * 1000) + ms).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_discord() {
        assert_eq!(format_timestamp(0), "1970-01-01T00:00:00.000000+00:00");
        assert_eq!(format_timestamp(1_767_323_045_678), "2026-01-02T03:04:05.678000+00:00");
        assert_eq!(format_timestamp(951_782_400_000), "2000-02-29T00:00:00.000000+00:00");
        assert_eq!(format_timestamp(1_420_070_400_000).len(), 32);
        assert_eq!(format_timestamp(253_402_300_799_999), "9999-12-31T23:59:59.999000+00:00");
        assert_eq!(format_timestamp(253_402_300_800_000), "10000-01-01T00:00:00.000000+00:00");
    }

    proptest::proptest! {
        #[test]
        fn digits_match_the_formatting_machinery(ms in 0u64..253_402_300_800_000) {
            proptest::prop_assert_eq!(format_timestamp(ms), formatted(ms));
        }
    }

    #[test]
    fn parses_discords_shapes_and_round_trips() {
        assert_eq!(parse_timestamp("2026-01-02T03:04:05.678000+00:00"), Some(1_767_323_045_678));
        assert_eq!(parse_timestamp("2026-01-02T03:04:05Z"), Some(1_767_323_045_000));
        assert_eq!(parse_timestamp("2026-01-02 03:04:05Z"), None);
        assert_eq!(parse_timestamp("2026-13-02T03:04:05Z"), None);
        assert_eq!(parse_timestamp("2026-01-02T03:04:05+02:00"), None);
        for ms in [0, 951_782_400_000, 1_767_323_045_678, 4_102_444_800_123] {
            assert_eq!(parse_timestamp(&format_timestamp(ms)), Some(ms));
        }
    }
}
