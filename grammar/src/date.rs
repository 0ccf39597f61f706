//! A civil (proleptic Gregorian) calendar date. Standards, tests and facts only need days, so this
//! small type avoids a date-time dependency and behaves identically in native code and WebAssembly.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Days since 1970-01-01.
    days: i32,
}

impl Date {
    /// The date for a year, month and day, or `None` if no such day exists (e.g. 2023-02-29).
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) || day == 0 {
            return None;
        }
        if day > days_in_month(year, month) {
            return None;
        }
        Some(Date {
            days: days_from_civil(year, month, day),
        })
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
            return None;
        }
        let year = text.get(0..4)?.parse().ok()?;
        let month = text.get(5..7)?.parse().ok()?;
        let day = text.get(8..10)?.parse().ok()?;
        Date::from_ymd(year, month, day)
    }

    /// The date `days` after 1970-01-01, saturating at 0001-01-01 and 9999-12-31 (the dates
    /// `from_ymd` accepts), so that every date can be shown and split into year, month and day.
    pub fn from_days(days: i32) -> Date {
        Date {
            days: days.clamp(days_from_civil(1, 1, 1), days_from_civil(9999, 12, 31)),
        }
    }

    /// Days since 1970-01-01.
    pub fn days(self) -> i32 {
        self.days
    }

    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.days)
    }

    /// The date `n` calendar months later (earlier for negative `n`); a day past the end of the
    /// target month becomes its last day (2024-02-29 + 12 months = 2025-02-28).
    pub fn add_months(self, n: i64) -> Date {
        let (y, m, d) = self.ymd();
        let total = i64::from(y) * 12 + i64::from(m) - 1 + n;
        let year = total.div_euclid(12).clamp(1, 9999) as i32;
        let month = (total.rem_euclid(12) + 1) as u32;
        let day = d.min(days_in_month(year, month));
        Date::from_ymd(year, month, day).unwrap_or(self)
    }

    /// The date `n` days later (earlier for negative `n`), saturating at 0001-01-01 and 9999-12-31
    /// (further out, `ymd` would overflow).
    pub fn add_days(self, n: i64) -> Date {
        let days = (i64::from(self.days) + n).clamp(i64::from(i32::MIN), i64::from(i32::MAX));
        Date::from_days(days as i32)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(year) => 29,
        _ => 28,
    }
}

// Howard Hinnant's algorithms (public domain), exact for the proleptic Gregorian calendar.
fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = month as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i32) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_impossible_days() {
        let d = Date::parse("2024-02-29").unwrap();
        assert_eq!(d.to_string(), "2024-02-29");
        assert_eq!(d.add_days(1).to_string(), "2024-03-01");
        assert!(Date::parse("2023-02-29").is_none());
        assert!(Date::parse("2023-13-01").is_none());
        assert_eq!(Date::parse("1970-01-01").unwrap().days(), 0);
        assert!(Date::parse("2023-05-15").unwrap() > Date::parse("2023-05-14").unwrap());
    }
}
