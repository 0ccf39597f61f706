//! The evaluation semantics on a small library written for the purpose: three-valued logic, honest
//! counting, exact decimals, tables, dates, exceptions, and the choice of edition by date.

use serde_json::json;
use yinhuan::report::{EditionStatus, Outcome};
use yinhuan::{Date, EvaluateOptions, Library, Report, Source};

const SCHEMA: &str = r#"
enum device_state "装置状态" {
  absent  "未设置"
  working "正常"
  failed  "失效"
}
enum hazard_class "类别" {
  toxic     "毒性气体"
  flammable "易燃液体"
}
entity enterprise "企业" {
  name     : text "名称？"
  flag_a   : bool "A？"
  flag_b   : bool "B？"
  opened   : date "投产日期？"
  people   : integer "暴露人数？"
  tanks    : list of tank "储罐？"
  alarms   : list of alarm "报警点？"
}
entity tank "储罐" {
  name      : text "名称？"
  class     : hazard_class "类别？"
  quantity  : quantity t "存量？"
  threshold : quantity t "临界量？"
}
entity alarm "报警点" {
  name  : text "名称？"
  state : device_state "状态？"
}
"#;

const OLD: &str = r#"
standard old-2020 {
  title "旧版" valid_from 2020-01-01 outcome "重大事故隐患"
  cites "第九条" when reason is device_state.failed
}
table beta "校正系数" : hazard_class -> decimal {
  toxic     => 2
  flammable => 1
}
table alpha "暴露人数系数" : integer -> decimal {
  >= 100 => 2.0
  >= 50  => 1.5
  else   => 1.0
}
value ratio_sum "存量与临界量比值之和 S" = sum t in tanks: t.quantity / t.threshold
value weighted "校正后的 R" = alpha[people] * (sum t in tanks: beta[t.class] * (t.quantity / t.threshold))
rule O-and "与：false and unknown = false" {
  cites "第一条" provenance confirmed
  hazard when flag_a and flag_b
}
rule O-or "或：true or unknown = true" {
  cites "第二条" provenance confirmed
  hazard when any_of {
    case "A 成立": flag_a
    case "B 成立": flag_b
  }
}
rule O-count "三项以上" {
  cites "第三条" provenance single_source
  hazard when count_of {
    case "一": flag_a
    case "二": flag_b
    case "三": any a in alarms: a.state != working
    case "四": opened < 2000-01-01
    case "五": people >= 100
  } >= 3
}
rule O-sum "比值之和不小于1" {
  cites "第四条" provenance confirmed
  hazard when ratio_sum >= 1
}
rule O-device "报警点未设置或失效" {
  cites "第五条" provenance confirmed
  hazard when any a in alarms: a.state != working
}
rule O-age "投产满十年" {
  cites "第六条" provenance unconfirmed
  hazard when as_of - opened >= 3650 d
  unless flag_b
}
rule O-counted "两个以上报警点失效" {
  cites "第七条" provenance confirmed
  hazard when (count a in alarms where a.state == failed) >= 2
}
"#;

const NEW: &str = r#"
standard new-2025 {
  title "新版（未编码）" valid_from 2025-11-01 supersedes old-2020 outcome "重大事故隐患"
}
"#;

const SUPP: &str = r#"
standard supp-2022 {
  title "补充情形" valid_from 2022-01-01 supplements old-2020 outcome "重大事故隐患"
}
"#;

const SUPP_RULES: &str = r#"part of supp-2022
rule S-1 "补充" {
  cites "补充第一条" provenance confirmed
  hazard when flag_a
}
"#;

fn lib() -> Library {
    let mut src = vec![
        Source {
            name: "schema.yh".into(),
            text: SCHEMA.into(),
        },
        Source {
            name: "old.yh".into(),
            text: OLD.into(),
        },
        Source {
            name: "new.yh".into(),
            text: NEW.into(),
        },
        Source {
            name: "supp.yh".into(),
            text: SUPP.into(),
        },
        Source {
            name: "supp-rules.yh".into(),
            text: SUPP_RULES.into(),
        },
    ];
    src.rotate_left(1); // declaration order across files does not matter
    Library::from_sources(&src).unwrap()
}

fn eval(facts: serde_json::Value, as_of: &str) -> Report {
    let mut o = EvaluateOptions::new(Date::parse(as_of).unwrap());
    o.standards = vec!["old-2020".into()];
    lib().evaluate_json(&facts, &o).unwrap()
}

fn outcome(r: &Report, rule: &str) -> Outcome {
    r.finding(rule)
        .unwrap_or_else(|| panic!("{rule} not evaluated"))
        .outcome
}

#[test]
fn false_and_unknown_is_false_true_or_unknown_is_true() {
    let r = eval(json!({"flag_a": false}), "2024-01-01");
    assert_eq!(outcome(&r, "O-and"), Outcome::Clear);
    assert_eq!(outcome(&r, "O-or"), Outcome::Undetermined);
    assert_eq!(r.finding("O-or").unwrap().missing, vec!["/flag_b"]);
    let r = eval(json!({"flag_a": true}), "2024-01-01");
    assert_eq!(outcome(&r, "O-and"), Outcome::Undetermined);
    assert_eq!(r.finding("O-and").unwrap().missing, vec!["/flag_b"]);
    assert_eq!(outcome(&r, "O-or"), Outcome::Hazard);
    assert_eq!(r.finding("O-or").unwrap().reasons, vec!["A 成立"]);
}

#[test]
fn a_count_is_undetermined_only_while_unknowns_could_change_it() {
    // Three hold: a hazard whatever the unknown two turn out to be.
    let r = eval(
        json!({"flag_a": true, "flag_b": true, "alarms": [{"state": "absent"}]}),
        "2024-01-01",
    );
    assert_eq!(outcome(&r, "O-count"), Outcome::Hazard);
    assert_eq!(
        r.finding("O-count").unwrap().reasons,
        vec!["一", "二", "三"]
    );
    // One holds, two unknown: could reach three.
    let r = eval(
        json!({"flag_a": true, "flag_b": false, "alarms": []}),
        "2024-01-01",
    );
    assert_eq!(outcome(&r, "O-count"), Outcome::Undetermined);
    assert_eq!(
        r.finding("O-count").unwrap().missing,
        vec!["/opened", "/people"]
    );
    // One holds, one unknown, three false: cannot reach three.
    let r = eval(
        json!({"flag_a": true, "flag_b": false, "alarms": [], "opened": "2010-01-01"}),
        "2024-01-01",
    );
    assert_eq!(outcome(&r, "O-count"), Outcome::Clear);
}

#[test]
fn counting_list_elements_is_honest_about_unknowns() {
    let r = eval(
        json!({"alarms": [{"state": "failed"}, {"state": null}]}),
        "2024-01-01",
    );
    assert_eq!(outcome(&r, "O-counted"), Outcome::Undetermined);
    assert_eq!(
        r.finding("O-counted").unwrap().missing,
        vec!["/alarms/1/state"]
    );
    let r = eval(
        json!({"alarms": [{"state": "failed"}, {"state": "failed"}]}),
        "2024-01-01",
    );
    assert_eq!(outcome(&r, "O-counted"), Outcome::Hazard);
    let r = eval(
        json!({"alarms": [{"state": "failed"}, {"state": "working"}]}),
        "2024-01-01",
    );
    assert_eq!(outcome(&r, "O-counted"), Outcome::Clear);
}

#[test]
fn decimal_arithmetic_is_exact() {
    // 4.6 t / 5 t + 40 t / 500 t is exactly 1 (binary floating point gives 0.9999999999999999).
    let facts = json!({"tanks": [
        {"class": "flammable", "quantity": "4.6 t", "threshold": "5 t"},
        {"class": "toxic", "quantity": "40000 kg", "threshold": "500 t"}
    ], "people": 60});
    let r = eval(facts, "2024-01-01");
    assert_eq!(outcome(&r, "O-sum"), Outcome::Hazard);
    let s = r.outputs.iter().find(|o| o.name == "ratio_sum").unwrap();
    assert_eq!(s.value.as_deref(), Some("1"));
    // R = α(60 people → 1.5) × (1 × 0.92 + 2 × 0.08) = 1.5 × 1.08 = 1.62
    let w = r.outputs.iter().find(|o| o.name == "weighted").unwrap();
    assert_eq!(w.value.as_deref(), Some("1.62"));
}

#[test]
fn a_sum_with_an_unknown_term_is_unknown() {
    let r = eval(
        json!({"tanks": [{"class": "toxic", "quantity": null, "threshold": "5 t"}]}),
        "2024-01-01",
    );
    assert_eq!(outcome(&r, "O-sum"), Outcome::Undetermined);
    assert_eq!(
        r.finding("O-sum").unwrap().missing,
        vec!["/tanks/0/quantity"]
    );
}

#[test]
fn dates_and_exceptions() {
    // 2014-01-03 to 2024-01-01 is 3650 days: the bound is included (>=).
    let r = eval(
        json!({"opened": "2014-01-03", "flag_b": false}),
        "2024-01-01",
    );
    assert_eq!(outcome(&r, "O-age"), Outcome::Hazard);
    let r = eval(
        json!({"opened": "2014-01-04", "flag_b": false}),
        "2024-01-01",
    );
    assert_eq!(outcome(&r, "O-age"), Outcome::Clear);
    // The exception holds: clear; the exception unknown: undetermined.
    let r = eval(
        json!({"opened": "2000-01-01", "flag_b": true}),
        "2024-01-01",
    );
    assert_eq!(outcome(&r, "O-age"), Outcome::Clear);
    let r = eval(json!({"opened": "2000-01-01"}), "2024-01-01");
    assert_eq!(outcome(&r, "O-age"), Outcome::Undetermined);
    assert_eq!(r.finding("O-age").unwrap().missing, vec!["/flag_b"]);
}

#[test]
fn a_failed_device_adds_the_standard_citation_and_an_absent_one_does_not() {
    let r = eval(
        json!({"alarms": [{"name": "1号", "state": "failed"}]}),
        "2024-01-01",
    );
    let f = r.finding("O-device").unwrap();
    assert_eq!(f.citations, vec!["第五条", "第九条"]);
    assert_eq!(f.instances[0].path, "/alarms/0");
    assert_eq!(f.instances[0].name.as_deref(), Some("1号"));
    let r = eval(json!({"alarms": [{"state": "absent"}]}), "2024-01-01");
    assert_eq!(r.finding("O-device").unwrap().citations, vec!["第五条"]);
}

#[test]
fn explanations_show_the_values_compared() {
    let r = eval(
        json!({"tanks": [{"class": "toxic", "quantity": "6 t", "threshold": "5 t"}]}),
        "2024-01-01",
    );
    let text = serde_json::to_string(&r.finding("O-sum").unwrap().explanation).unwrap();
    assert!(text.contains("ratio_sum = 1.2 >= 1"), "{text}");
}

#[test]
fn the_edition_in_force_decides() {
    let lib = lib();
    let on = |d: &str| {
        let mut o = EvaluateOptions::new(Date::parse(d).unwrap());
        o.explain = false;
        o
    };
    let facts = json!({"flag_a": true, "flag_b": true});
    // Before the old edition: nothing in force.
    let r = lib.evaluate_json(&facts, &on("2019-12-31")).unwrap();
    assert!(r.findings.is_empty());
    // In force (with its supplement from 2022): both evaluated.
    let r = lib.evaluate_json(&facts, &on("2025-06-01")).unwrap();
    assert_eq!(outcome(&r, "O-and"), Outcome::Hazard);
    assert_eq!(outcome(&r, "S-1"), Outcome::Hazard);
    assert!(r.notices.is_empty());
    // The new edition is in force but not encoded: say so, and never quietly apply the old one.
    let r = lib.evaluate_json(&facts, &on("2026-01-01")).unwrap();
    assert!(r.finding("O-and").is_none());
    assert_eq!(r.notices[0].code, "N001");
    assert!(r.notices[0].message.contains("new-2025"));
    // On request, the superseded edition is applied and every finding says so.
    let mut o = on("2026-01-01");
    o.allow_superseded = true;
    let r = lib.evaluate_json(&facts, &o).unwrap();
    assert!(r.notices.iter().any(|n| n.code == "N003"));
    let f = r.finding("O-and").unwrap();
    assert_eq!(f.outcome, Outcome::Hazard);
    assert!(f.superseded);
    // Statuses as `yinhuan list` shows them.
    let s = lib.standards(Date::parse("2026-01-01").unwrap());
    let old = s.iter().find(|s| s.id == "old-2020").unwrap();
    assert_eq!(old.status, EditionStatus::Superseded);
    assert_eq!(old.superseded_by.as_deref(), Some("new-2025"));
}

#[test]
fn asking_for_an_edition_by_id_applies_its_supplement_and_labels_it_outside_its_dates() {
    let lib = lib();
    let mut o = EvaluateOptions::new(Date::parse("2024-01-01").unwrap());
    o.standards = vec!["old-2020".into()];
    let r = lib.evaluate_json(&json!({"flag_a": true}), &o).unwrap();
    assert_eq!(
        outcome(&r, "S-1"),
        Outcome::Hazard,
        "the supplement applies together with its base"
    );
    o.as_of = Date::parse("2026-01-01").unwrap();
    let r = lib.evaluate_json(&json!({"flag_a": true}), &o).unwrap();
    assert!(r.notices.iter().any(|n| n.code == "N004"));
    assert!(r.findings.iter().all(|f| f.superseded));
}

#[test]
fn batch_results_equal_one_by_one_results_and_the_library_is_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Library>();
    let lib = lib();
    let opts = EvaluateOptions::new(Date::parse("2024-01-01").unwrap());
    let records: Vec<serde_json::Value> = (0..500)
        .map(|i| {
            let state = ["absent", "working", "failed"][i % 3];
            let flag_b = if i % 3 == 0 { serde_json::Value::Null } else { json!(i % 5 == 0) };
            json!({"flag_a": i % 2 == 0, "flag_b": flag_b, "alarms": [{"state": state}], "people": i})
        })
        .collect();
    let batch = lib.evaluate_batch(&records, &opts, 4).unwrap();
    assert_eq!(batch.records.len(), records.len());
    for (rec, cells) in records.iter().zip(&batch.records) {
        let report = lib.evaluate_json(rec, &opts).unwrap();
        let cells = cells.as_ref().unwrap();
        let expected: Vec<Outcome> = report.findings.iter().map(|f| f.outcome).collect();
        let got: Vec<Outcome> = cells.iter().map(|c| c.outcome).collect();
        assert_eq!(got, expected);
    }
    // A failed device still adds the standard's citation in batch cells; an absent one does not.
    let device = batch
        .rules
        .iter()
        .position(|r| r.rule == "O-device")
        .unwrap();
    for (rec, cells) in records.iter().zip(&batch.records) {
        let cell = &cells.as_ref().unwrap()[device];
        let failed = rec["alarms"][0]["state"] == "failed";
        assert_eq!(
            cell.extra_citations,
            if failed {
                vec!["第九条".to_string()]
            } else {
                vec![]
            }
        );
    }
    let names: Vec<&str> = batch.rules.iter().map(|r| r.rule.as_str()).collect();
    assert!(names.contains(&"O-count") && names.contains(&"S-1"));
}

#[test]
fn extensions_may_come_before_what_they_extend() {
    let ext = Source { name: "a-first.yh".into(), text: "extend enum hazard_class {\n  corrosive \"腐蚀品\"\n}\nextend tank {\n  volume : quantity m3 \"容积？\"\n}\n".into() };
    let mut src = vec![
        ext,
        Source {
            name: "schema.yh".into(),
            text: SCHEMA.into(),
        },
    ];
    src.push(Source {
        name: "old.yh".into(),
        text: OLD.replace("toxic     => 2", "toxic     => 2\n  corrosive => 3"),
    });
    let lib = Library::from_sources(&src).unwrap();
    let facts = lib
        .facts(&json!({"tanks": [{"class": "corrosive", "volume": "10 m3"}]}))
        .unwrap();
    assert_eq!(
        facts.root.fields.len(),
        lib.compiled().schema.entity(0).unwrap().fields.len()
    );
}
