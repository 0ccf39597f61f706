//! Duties that recur by calendar period: a finding names the period that was missed, the last day
//! of a period still counts, an incomplete period is not yet missed, and leap days are days.

use serde_json::json;
use yinhuan::{Date, EvaluateOptions, Library, Outcome, Report, Source};

const SRC: &str = r#"
entity enterprise "企业" {
  duty_start : date "义务起算日期？"
  checks     : list of check "检查记录？"
}
entity check "检查" {
  date : date "检查日期？"
}
standard duties {
  title "示例" valid_from 2020-01-01 outcome "未履行"
}
"#;

const RULES: &str = r#"part of duties
rule D-Q "每季度至少检查一次" {
  cites "任务一" provenance confirmed
  hazard when any q in periods(quarter, duty_start, as_of): not (any c in checks: c.date in q)
}
rule D-Y "检测超过两年" {
  cites "任务三" provenance confirmed
  hazard when any c in checks: as_of > c.date + 2 years
}
rule D-M "每月至少检查一次" {
  cites "任务二" provenance confirmed
  hazard when any m in periods(month, duty_start, as_of): all c in checks: c.date not in m
}
"#;

fn eval(facts: serde_json::Value, as_of: &str) -> Report {
    let lib = Library::from_sources(&[
        Source {
            name: "s.yh".into(),
            text: SRC.into(),
        },
        Source {
            name: "r.yh".into(),
            text: RULES.into(),
        },
    ])
    .unwrap();
    lib.evaluate_json(&facts, &EvaluateOptions::new(Date::parse(as_of).unwrap()))
        .unwrap()
}

fn dates(ds: &[&str]) -> serde_json::Value {
    json!(ds.iter().map(|d| json!({ "date": d })).collect::<Vec<_>>())
}

#[test]
fn a_missed_quarter_is_named() {
    let r = eval(
        json!({"duty_start": "2025-01-01", "checks": dates(&["2025-02-01", "2025-05-20", "2025-11-03"])}),
        "2025-12-31",
    );
    let f = r.finding("D-Q").unwrap();
    assert_eq!(f.outcome, Outcome::Hazard);
    let periods: Vec<&str> = f
        .instances
        .iter()
        .filter_map(|i| i.period.as_deref())
        .collect();
    assert_eq!(periods, vec!["2025-Q3"]);
}

#[test]
fn a_check_on_the_last_day_of_a_quarter_counts() {
    let r = eval(
        json!({"duty_start": "2025-01-01", "checks": dates(&["2025-03-31", "2025-06-30", "2025-09-30"])}),
        "2025-09-30",
    );
    assert_eq!(r.finding("D-Q").unwrap().outcome, Outcome::Clear);
    // The day before, Q3 is not complete: it cannot have been missed yet.
    let r = eval(
        json!({"duty_start": "2025-01-01", "checks": dates(&["2025-03-31", "2025-06-30"])}),
        "2025-09-29",
    );
    assert_eq!(r.finding("D-Q").unwrap().outcome, Outcome::Clear);
    let r = eval(
        json!({"duty_start": "2025-01-01", "checks": dates(&["2025-03-31", "2025-06-30"])}),
        "2025-09-30",
    );
    assert_eq!(r.finding("D-Q").unwrap().outcome, Outcome::Hazard);
}

#[test]
fn leap_day_is_in_february() {
    let r = eval(
        json!({"duty_start": "2024-01-01", "checks": dates(&["2024-01-15", "2024-02-29"])}),
        "2024-02-29",
    );
    assert_eq!(r.finding("D-M").unwrap().outcome, Outcome::Clear);
    let r = eval(
        json!({"duty_start": "2024-01-01", "checks": dates(&["2024-01-15", "2024-03-01"])}),
        "2024-03-31",
    );
    let f = r.finding("D-M").unwrap();
    assert_eq!(f.outcome, Outcome::Hazard);
    assert_eq!(
        f.instances
            .iter()
            .filter_map(|i| i.period.as_deref())
            .collect::<Vec<_>>(),
        vec!["2024-02"]
    );
}

#[test]
fn an_unknown_start_or_check_date_is_undetermined() {
    let r = eval(json!({"checks": dates(&["2025-02-01"])}), "2025-12-31");
    let f = r.finding("D-Q").unwrap();
    assert_eq!(
        (f.outcome, f.missing.clone()),
        (Outcome::Undetermined, vec!["/duty_start".to_string()])
    );
    let r = eval(
        json!({"duty_start": "2025-01-01", "checks": [{"date": "2025-02-01"}, {"date": null}]}),
        "2025-06-30",
    );
    let f = r.finding("D-Q").unwrap();
    assert_eq!(
        (f.outcome, f.missing.clone()),
        (Outcome::Undetermined, vec!["/checks/1/date".to_string()])
    );
}

#[test]
fn calendar_years_and_months_move_dates_by_the_calendar() {
    // 2022-02-28 + 2 years = 2024-02-28: overdue from 2024-02-29, not on the day itself.
    let r = eval(
        json!({"duty_start": "2024-01-01", "checks": dates(&["2022-02-28"])}),
        "2024-02-28",
    );
    assert_eq!(r.finding("D-Y").unwrap().outcome, Outcome::Clear);
    let r = eval(
        json!({"duty_start": "2024-01-01", "checks": dates(&["2022-02-28"])}),
        "2024-02-29",
    );
    assert_eq!(r.finding("D-Y").unwrap().outcome, Outcome::Hazard);
    // A leap day plus one year falls on the last day of February.
    assert_eq!(
        Date::parse("2024-02-29")
            .unwrap()
            .add_months(12)
            .to_string(),
        "2025-02-28"
    );
    assert_eq!(
        Date::parse("2024-08-31")
            .unwrap()
            .add_months(-6)
            .to_string(),
        "2024-02-29"
    );
}

#[test]
fn with_the_start_unknown_the_missing_list_still_names_the_records_needed() {
    let r = eval(json!({}), "2025-12-31");
    let f = r.finding("D-Q").unwrap();
    assert_eq!(f.outcome, Outcome::Undetermined);
    assert_eq!(
        f.missing,
        vec!["/duty_start".to_string(), "/checks".to_string()]
    );
}
