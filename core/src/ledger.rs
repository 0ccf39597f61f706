//! The hazard ledger (重大事故隐患台账): one record per major hazard found, and the campaign's
//! measures of 动态清零 computed from it as of a date — open, overdue, the pre-2024 stock still open,
//! hazards found in the year, share signed off, median days to rectify — per region (rolled up from
//! county to city to province by the six-digit administrative code) and per sector.
//!
//! Definitions (chosen here, documented in the README):
//! - *open*: found on or before `as_of` and not rectified on or before `as_of`;
//! - *overdue*: open with a rectification deadline before `as_of` (a deadline equal to `as_of` is
//!   not yet overdue);
//! - *pre-2024 stock*: open and found before 2024-01-01 (the campaign's 2024 year-end goal);
//! - *found in year*: found in the calendar year of `as_of`, on or before it (the increment);
//! - *signed-off share*: of the hazards rectified by `as_of`, the share with a department sign-off
//!   (审核把关销号) by `as_of`;
//! - *median days to rectify*: over hazards rectified by `as_of`, found → rectified, in days.
//!
//! A record that cannot be used as it stands is never dropped silently: it is listed in
//! `problems`, and it still counts in the national row wherever its dates allow.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use yinhuan_grammar::Date;

/// How a hazard came to light.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 企业自查自报
    SelfReport,
    /// 监督检查
    Inspection,
    /// 群众举报（经核实）
    PublicReport,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerRecord {
    pub id: String,
    pub enterprise: String,
    pub region_code: String,
    pub sector: String,
    pub standard: Option<String>,
    pub rule: Option<String>,
    pub channel: Option<Channel>,
    pub found: Date,
    pub deadline: Option<Date>,
    pub rectified: Option<Date>,
    pub signed_off: Option<Date>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// A field is missing or malformed; the record is listed but not counted.
    InvalidField,
    DeadlineBeforeFound,
    RectifiedBeforeFound,
    SignedOffWithoutRectification,
    SignedOffBeforeRectification,
    /// Not a six-digit code of a province-level division: counted nationally, in no region.
    UnknownRegionCode,
    /// Found after `as_of`: not counted as of that date.
    FoundAfterAsOf,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordProblem {
    /// Position of the record in the input (0-based).
    pub row: usize,
    pub id: String,
    pub kind: ProblemKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    National,
    Province,
    City,
    County,
}

/// The measures for one region (and one sector, or every sector: `"*"`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LedgerRow {
    pub level: Level,
    /// `000000` for the national row; otherwise the province (`320000`), city (`320500`) or county code.
    pub region_code: String,
    pub sector: String,
    pub total: usize,
    pub open: usize,
    pub overdue: usize,
    pub pre_2024_open: usize,
    pub found_in_year: usize,
    pub rectified: usize,
    pub signed_off: usize,
    /// `signed_off / rectified` as exact decimal text, `null` when nothing is rectified.
    pub signed_off_share: Option<String>,
    pub median_days_to_rectify: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LedgerReport {
    pub as_of: String,
    pub rows: Vec<LedgerRow>,
    pub problems: Vec<RecordProblem>,
}

/// Province-level division codes (GB/T 2260): the first two digits of every valid region code.
const PROVINCES: &[&str] = &[
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82",
];

fn valid_region(code: &str) -> bool {
    code.len() == 6
        && code.bytes().all(|b| b.is_ascii_digit())
        && code.get(..2).is_some_and(|p| PROVINCES.contains(&p))
}

/// Reads ledger records from JSON objects (e.g. CSV rows or DataFrame records); malformed ones
/// become problems.
pub fn records_from_json(rows: &[Json]) -> (Vec<(usize, LedgerRecord)>, Vec<RecordProblem>) {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (row, j) in rows.iter().enumerate() {
        let text = |k: &str| -> Option<String> {
            match j.get(k) {
                Some(Json::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
                Some(Json::Number(n)) => Some(n.to_string()),
                _ => None,
            }
        };
        let id = text("id").unwrap_or_else(|| format!("#{row}"));
        let mut bad = |field: &str, what: String| {
            problems.push(RecordProblem {
                row,
                id: id.clone(),
                kind: ProblemKind::InvalidField,
                message: format!("`{field}` {what}"),
            });
        };
        let date = |k: &str, bad: &mut dyn FnMut(&str, String)| -> Result<Option<Date>, ()> {
            match text(k) {
                None => Ok(None),
                Some(s) => match Date::parse(s.get(..10).unwrap_or(&s)) {
                    Some(d) => Ok(Some(d)),
                    None => {
                        bad(k, format!("is not a date: `{s}`"));
                        Err(())
                    }
                },
            }
        };
        let found = date("found", &mut bad);
        let deadline = date("deadline", &mut bad);
        let rectified = date("rectified", &mut bad);
        let signed_off = date("signed_off", &mut bad);
        let channel = match text("channel").as_deref() {
            None => Ok(None),
            Some("self_report" | "企业自查自报" | "自查") => Ok(Some(Channel::SelfReport)),
            Some("inspection" | "监督检查" | "检查") => Ok(Some(Channel::Inspection)),
            Some("public_report" | "群众举报" | "举报") => Ok(Some(Channel::PublicReport)),
            Some(other) => {
                bad(
                    "channel",
                    format!("is not `self_report`, `inspection` or `public_report`: `{other}`"),
                );
                Err(())
            }
        };
        let (Ok(found), Ok(deadline), Ok(rectified), Ok(signed_off), Ok(channel)) =
            (found, deadline, rectified, signed_off, channel)
        else {
            continue;
        };
        let Some(found) = found else {
            bad("found", "is missing".into());
            continue;
        };
        let Some(region_code) = text("region_code") else {
            bad("region_code", "is missing".into());
            continue;
        };
        out.push((
            row,
            LedgerRecord {
                id: id.clone(),
                enterprise: text("enterprise").unwrap_or_default(),
                region_code,
                sector: text("sector").unwrap_or_else(|| "(unknown)".into()),
                standard: text("standard"),
                rule: text("rule"),
                channel,
                found,
                deadline,
                rectified,
                signed_off,
            },
        ));
    }
    (out, problems)
}

#[derive(Default)]
struct Acc {
    total: usize,
    open: usize,
    overdue: usize,
    pre_2024_open: usize,
    found_in_year: usize,
    rectified: usize,
    signed_off: usize,
    days: Vec<i64>,
}

/// Computes the measures as of `as_of`. `problems` from reading the records are carried through.
pub fn compute(
    records: &[(usize, LedgerRecord)],
    mut problems: Vec<RecordProblem>,
    as_of: Date,
) -> LedgerReport {
    let stock_cutoff = Date::from_ymd(2024, 1, 1).unwrap_or(as_of);
    let (year, _, _) = as_of.ymd();
    let mut groups: BTreeMap<(Level, String, String), Acc> = BTreeMap::new();
    for (row, r) in records {
        let mut problem = |kind: ProblemKind, message: String| {
            problems.push(RecordProblem {
                row: *row,
                id: r.id.clone(),
                kind,
                message,
            })
        };
        if r.deadline.is_some_and(|d| d < r.found) {
            problem(
                ProblemKind::DeadlineBeforeFound,
                format!(
                    "deadline {} is before the hazard was found on {}",
                    r.deadline.map(|d| d.to_string()).unwrap_or_default(),
                    r.found
                ),
            );
        }
        if r.rectified.is_some_and(|d| d < r.found) {
            problem(
                ProblemKind::RectifiedBeforeFound,
                format!(
                    "rectified {} before it was found on {}",
                    r.rectified.map(|d| d.to_string()).unwrap_or_default(),
                    r.found
                ),
            );
        }
        match (r.rectified, r.signed_off) {
            (None, Some(s)) => problem(
                ProblemKind::SignedOffWithoutRectification,
                format!("signed off on {s} but never rectified"),
            ),
            (Some(rd), Some(s)) if s < rd => problem(
                ProblemKind::SignedOffBeforeRectification,
                format!("signed off on {s}, before rectification on {rd}"),
            ),
            _ => {}
        }
        let region_ok = valid_region(&r.region_code);
        if !region_ok {
            problem(
                ProblemKind::UnknownRegionCode,
                format!(
                    "`{}` is not a six-digit administrative division code; counted nationally only",
                    r.region_code
                ),
            );
        }
        if r.found > as_of {
            problem(
                ProblemKind::FoundAfterAsOf,
                format!("found on {}, after {as_of}", r.found),
            );
            continue;
        }
        let rectified = r.rectified.filter(|d| *d <= as_of);
        let open = rectified.is_none();
        let overdue = open && r.deadline.is_some_and(|d| d < as_of);
        let signed = rectified.is_some() && r.signed_off.is_some_and(|d| d <= as_of);
        let days = rectified.map(|d| i64::from(d.days()) - i64::from(r.found.days()));
        let mut keys = vec![(Level::National, "000000".to_string())];
        if region_ok {
            let c = &r.region_code;
            keys.push((Level::Province, format!("{}0000", c.get(..2).unwrap_or(""))));
            let city = format!("{}00", c.get(..4).unwrap_or(""));
            if !city.ends_with("0000") {
                keys.push((Level::City, city));
            }
            if !c.ends_with("00") {
                keys.push((Level::County, c.clone()));
            }
        }
        for (level, code) in keys {
            for sector in [r.sector.as_str(), "*"] {
                let a = groups
                    .entry((level, code.clone(), sector.to_string()))
                    .or_default();
                a.total += 1;
                a.open += usize::from(open);
                a.overdue += usize::from(overdue);
                a.pre_2024_open += usize::from(open && r.found < stock_cutoff);
                a.found_in_year += usize::from(r.found.ymd().0 == year);
                a.rectified += usize::from(rectified.is_some());
                a.signed_off += usize::from(signed);
                if let Some(d) = days {
                    a.days.push(d);
                }
            }
        }
    }
    let rows = groups
        .into_iter()
        .map(|((level, region_code, sector), mut a)| {
            a.days.sort_unstable();
            let median = match a.days.len() {
                0 => None,
                n if n % 2 == 1 => a.days.get(n / 2).map(|d| d.to_string()),
                n => match (a.days.get(n / 2 - 1), a.days.get(n / 2)) {
                    (Some(x), Some(y)) => Some(
                        (Decimal::from(x + y) / Decimal::from(2))
                            .normalize()
                            .to_string(),
                    ),
                    _ => None,
                },
            };
            let share = (a.rectified > 0).then(|| {
                (Decimal::from(a.signed_off as u64) / Decimal::from(a.rectified as u64))
                    .round_dp(4)
                    .normalize()
                    .to_string()
            });
            LedgerRow {
                level,
                region_code,
                sector,
                total: a.total,
                open: a.open,
                overdue: a.overdue,
                pre_2024_open: a.pre_2024_open,
                found_in_year: a.found_in_year,
                rectified: a.rectified,
                signed_off: a.signed_off,
                signed_off_share: share,
                median_days_to_rectify: median,
            }
        })
        .collect();
    problems.sort_by_key(|p| p.row);
    LedgerReport {
        as_of: as_of.to_string(),
        rows,
        problems,
    }
}

/// Reads and computes in one step.
pub fn ledger(rows: &[Json], as_of: Date) -> LedgerReport {
    let (records, problems) = records_from_json(rows);
    compute(&records, problems, as_of)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn row<'a>(r: &'a LedgerReport, level: Level, code: &str, sector: &str) -> &'a LedgerRow {
        r.rows
            .iter()
            .find(|x| x.level == level && x.region_code == code && x.sector == sector)
            .unwrap()
    }

    fn records() -> Vec<Json> {
        vec![
            // Pre-2024 stock, still open, overdue.
            json!({"id": "A", "region_code": "320583", "sector": "冶金", "found": "2023-11-02", "deadline": "2023-12-31"}),
            // Rectified in 10 days and signed off.
            json!({"id": "B", "region_code": "320583", "sector": "冶金", "found": "2025-03-01", "deadline": "2025-03-31", "rectified": "2025-03-11", "signed_off": "2025-03-20"}),
            // Deadline equal to as_of: open but not overdue.
            json!({"id": "C", "region_code": "320506", "sector": "化工", "found": "2025-06-01", "deadline": "2025-06-30"}),
            // Rectified in 31 days, not signed off.
            json!({"id": "D", "region_code": "330106", "sector": "化工", "found": "2025-01-01", "rectified": "2025-02-01"}),
            // Bad records: signed off without rectification; unknown region; unreadable date.
            json!({"id": "E", "region_code": "330106", "sector": "化工", "found": "2025-04-01", "signed_off": "2025-04-02"}),
            json!({"id": "F", "region_code": "999999", "sector": "冶金", "found": "2025-05-05"}),
            json!({"id": "G", "region_code": "320583", "sector": "冶金", "found": "2025-13-01"}),
            json!({"id": "H", "region_code": "320583", "sector": "冶金", "found": "2025-01-10", "deadline": "2025-01-05"}),
        ]
    }

    #[test]
    fn measures_by_region_with_roll_up_and_boundaries() {
        let r = ledger(&records(), d("2025-06-30"));
        let nat = row(&r, Level::National, "000000", "*");
        // G is unreadable: listed, not counted. F counts nationally.
        assert_eq!(
            (nat.total, nat.open, nat.overdue, nat.pre_2024_open),
            (7, 5, 2, 1)
        );
        assert_eq!(nat.found_in_year, 6);
        assert_eq!(
            (
                nat.rectified,
                nat.signed_off,
                nat.signed_off_share.as_deref()
            ),
            (2, 1, Some("0.5"))
        );
        assert_eq!(nat.median_days_to_rectify.as_deref(), Some("20.5"));
        let county = row(&r, Level::County, "320583", "*");
        assert_eq!((county.total, county.open, county.overdue), (3, 2, 2));
        let city = row(&r, Level::City, "320500", "*");
        assert_eq!(
            (city.total, city.open, city.overdue),
            (4, 3, 2),
            "C's deadline equals as_of: not overdue"
        );
        let province = row(&r, Level::Province, "320000", "化工");
        assert_eq!(province.total, 1);
        assert!(!r.rows.iter().any(|x| x.region_code.starts_with("99")));
    }

    #[test]
    fn bad_records_are_reported_not_dropped() {
        let r = ledger(&records(), d("2025-06-30"));
        let kinds: Vec<(&str, ProblemKind)> =
            r.problems.iter().map(|p| (p.id.as_str(), p.kind)).collect();
        assert!(kinds.contains(&("E", ProblemKind::SignedOffWithoutRectification)));
        assert!(kinds.contains(&("F", ProblemKind::UnknownRegionCode)));
        assert!(kinds.contains(&("G", ProblemKind::InvalidField)));
        assert!(kinds.contains(&("H", ProblemKind::DeadlineBeforeFound)));
    }

    #[test]
    fn rectification_after_as_of_is_still_open() {
        let r = ledger(
            &[
                json!({"id": "X", "region_code": "110101", "sector": "s", "found": "2025-01-01", "rectified": "2025-07-01"}),
            ],
            d("2025-06-30"),
        );
        assert_eq!(row(&r, Level::National, "000000", "*").open, 1);
        // Municipality district codes roll up to the province without a city row of zeros.
        assert!(r
            .rows
            .iter()
            .any(|x| x.level == Level::City && x.region_code == "110100"));
    }
}
