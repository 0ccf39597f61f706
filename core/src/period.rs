//! Calendar periods (month, quarter, half-year, year) for duties that recur: "at least once per
//! quarter" is checked period by period, and a finding names the period that was missed.

use yinhuan_grammar::ast::PeriodKind;
use yinhuan_grammar::Date;

/// At most this many periods are enumerated for one quantifier (a century of months).
pub const MAX_PERIODS: usize = 1200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub kind: PeriodKind,
    pub start: Date,
    /// Last day, inclusive.
    pub end: Date,
}

fn months(kind: PeriodKind) -> u32 {
    match kind {
        PeriodKind::Month => 1,
        PeriodKind::Quarter => 3,
        PeriodKind::HalfYear => 6,
        PeriodKind::Year => 12,
    }
}

impl Period {
    /// The period of `kind` that contains `d`.
    pub fn containing(kind: PeriodKind, d: Date) -> Period {
        let (y, m, _) = d.ymd();
        let len = months(kind);
        let first_month = (m - 1) / len * len + 1;
        let start = Date::from_ymd(y, first_month, 1).unwrap_or(d);
        Period {
            kind,
            start,
            end: next_start(start, len).add_days(-1),
        }
    }

    pub fn next(self) -> Period {
        Period::containing(self.kind, self.end.add_days(1))
    }

    pub fn contains(self, d: Date) -> bool {
        self.start <= d && d <= self.end
    }

    /// `2025-07`, `2025-Q3`, `2025-H2`, `2025`.
    pub fn label(self) -> String {
        let (y, m, _) = self.start.ymd();
        match self.kind {
            PeriodKind::Month => format!("{y:04}-{m:02}"),
            PeriodKind::Quarter => format!("{y:04}-Q{}", (m - 1) / 3 + 1),
            PeriodKind::HalfYear => format!("{y:04}-H{}", (m - 1) / 6 + 1),
            PeriodKind::Year => format!("{y:04}"),
        }
    }
}

fn next_start(start: Date, months: u32) -> Date {
    let (y, m, _) = start.ymd();
    let total = (m - 1) + months;
    Date::from_ymd(y + (total / 12) as i32, total % 12 + 1, 1).unwrap_or(start)
}

/// The complete periods from the one containing `from` to the last one ending on or before `to`.
pub fn complete_periods(kind: PeriodKind, from: Date, to: Date) -> Vec<Period> {
    let mut out = Vec::new();
    let mut p = Period::containing(kind, from);
    while p.end <= to && out.len() < MAX_PERIODS {
        out.push(p);
        p = p.next();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn quarters_end_on_their_last_day_and_leap_years_count() {
        let q = Period::containing(PeriodKind::Quarter, d("2024-02-29"));
        assert_eq!(
            (q.start.to_string(), q.end.to_string(), q.label()),
            ("2024-01-01".into(), "2024-03-31".into(), "2024-Q1".into())
        );
        let m = Period::containing(PeriodKind::Month, d("2024-02-10"));
        assert_eq!(m.end.to_string(), "2024-02-29");
        assert_eq!(
            Period::containing(PeriodKind::HalfYear, d("2025-12-31")).label(),
            "2025-H2"
        );
    }

    #[test]
    fn only_complete_periods_are_listed() {
        let ps = complete_periods(PeriodKind::Quarter, d("2025-02-15"), d("2025-09-29"));
        let labels: Vec<String> = ps.iter().map(|p| p.label()).collect();
        assert_eq!(labels, vec!["2025-Q1", "2025-Q2"]);
        // The last day of a quarter completes it.
        let ps = complete_periods(PeriodKind::Quarter, d("2025-01-01"), d("2025-09-30"));
        assert_eq!(ps.len(), 3);
    }
}
