//! Entity-level derived values and the lower bounds of sums with unknown terms, on a small
//! GB 18218-style library: S = Σ q/Q per unit; a unit is a major hazard source when S ≥ 1, which
//! is decided as soon as the known part reaches 1 even if another inventory is unknown.

use serde_json::json;
use yinhuan::{Date, EvaluateOptions, Library, Outcome, Source};

const SRC: &str = r#"
enum category "类别" {
  toxic     "毒性气体"
  flammable "易燃液体"
}
entity enterprise "企业" {
  units : list of unit "单元？"
}
entity unit "单元" {
  name       : text "单元名称？"
  exposed    : integer "500米内暴露人数？"
  substances : list of substance "危险化学品？"
}
entity substance "危险化学品" {
  name      : text "名称？"
  category  : category "类别？"
  q         : quantity t "实际存在量？"
  threshold : quantity t "临界量？"
}
standard demo {
  title "示例" valid_from 2020-01-01 outcome "重大危险源"
}
"#;

const RULES: &str = r#"part of demo
table beta "β" : category -> decimal {
  toxic     => 2
  flammable => 1
}
table alpha "α" : integer -> decimal {
  >= 100 => 2.0
  >= 30  => 1.2
  else   => 1.0
}
table grade "分级" : decimal -> text {
  >= 100 => "一级"
  >= 50  => "二级"
  >= 10  => "三级"
  else   => "四级"
}
value unit.s "S" = sum x in substances: x.q / x.threshold
value unit.r "R" = alpha[exposed] * (sum x in substances: beta[x.category] * (x.q / x.threshold))
value unit.level "级别" = grade[r]
value unit.verdict "结论" = if s >= 1 then level else "不构成重大危险源"
rule U-1 "构成重大危险源" {
  cites "4.2.2" provenance confirmed
  hazard when any u in units: u.s >= 1
}
rule U-2 "R 不小于 100（一级）" {
  cites "4.3" provenance confirmed
  hazard when any u in units: u.r >= 100
}
rule U-3 "单种物质超过临界量" {
  cites "示例" provenance confirmed
  hazard when any u in units: any x in u.substances: x.q > x.threshold
}
test "S 恰为 1" {
  as_of 2024-01-01
  facts { "units": [{ "name": "罐区", "exposed": 10, "substances": [
    { "category": "flammable", "q": "4.6 t", "threshold": "5 t" },
    { "category": "toxic", "q": "40000 kg", "threshold": "500 t" } ] }] }
  expect U-1 hazard
  expect output s at "/units/0" = 1
  expect output r at "/units/0" = 1.08
  expect output level at "/units/0" = "四级"
}
"#;

fn lib() -> Library {
    Library::from_sources(&[
        Source {
            name: "schema.yh".into(),
            text: SRC.into(),
        },
        Source {
            name: "rules.yh".into(),
            text: RULES.into(),
        },
    ])
    .unwrap()
}

fn eval(units: serde_json::Value) -> yinhuan::Report {
    lib()
        .evaluate_json(
            &json!({ "units": units }),
            &EvaluateOptions::new(Date::parse("2024-01-01").unwrap()),
        )
        .unwrap()
}

#[test]
fn tests_written_beside_the_rules_pass_including_per_instance_outputs() {
    let results = lib().run_tests(&|_| true);
    assert_eq!(results.len(), 1);
    assert!(results[0].passed(), "{:?}", results[0].failures);
}

#[test]
fn an_unknown_inventory_leaves_s_open_until_the_known_part_reaches_one() {
    let below = eval(json!([{ "substances": [
        { "category": "flammable", "q": "4.6 t", "threshold": "5 t" },
        { "category": "toxic", "q": null, "threshold": "500 t" } ] }]));
    let f = below.finding("U-1").unwrap();
    assert_eq!(f.outcome, Outcome::Undetermined);
    assert_eq!(f.missing, vec!["/units/0/substances/1/q"]);
    let s = below.outputs.iter().find(|o| o.name == "s").unwrap();
    assert_eq!(
        (
            s.value.as_deref(),
            s.at_least.as_deref(),
            s.instance.as_deref()
        ),
        (None, Some("0.92"), Some("/units/0"))
    );

    let reached = eval(json!([{ "substances": [
        { "category": "flammable", "q": "4.6 t", "threshold": "5 t" },
        { "category": "toxic", "q": null, "threshold": "500 t" },
        { "category": "flammable", "q": "0.4 t", "threshold": "5 t" } ] }]));
    assert_eq!(
        reached.finding("U-1").unwrap().outcome,
        Outcome::Hazard,
        "0.92 + 0.08 known already reaches 1"
    );
}

#[test]
fn negative_inventories_are_rejected_because_the_bounds_rely_on_them() {
    let e = lib()
        .facts(&json!({ "units": [{ "substances": [{ "q": "-1 t" }] }] }))
        .unwrap_err();
    assert_eq!(
        (e.code, e.path.as_str()),
        ("E0301", "/units/0/substances/0/q")
    );
}

#[test]
fn an_unknown_exposure_leaves_r_unknown_and_its_grade_too() {
    let r = eval(
        json!([{ "name": "A", "substances": [{ "category": "toxic", "q": "500 t", "threshold": "5 t" }] }]),
    );
    // β·q/Q = 200, but α depends on the unknown exposure: R is at least 200 × 1.0 only if the table
    // were known to be monotone, which the engine does not assume.
    assert_eq!(r.finding("U-2").unwrap().outcome, Outcome::Undetermined);
    assert_eq!(r.finding("U-2").unwrap().missing, vec!["/units/0/exposed"]);
    let level = r.outputs.iter().find(|o| o.name == "level").unwrap();
    assert_eq!(
        (level.value.as_deref(), level.instance_name.as_deref()),
        (None, Some("A"))
    );
    let r = eval(
        json!([{ "exposed": 100, "substances": [{ "category": "toxic", "q": "250 t", "threshold": "5 t" }] }]),
    );
    let level = r.outputs.iter().find(|o| o.name == "level").unwrap();
    assert_eq!(
        level.value.as_deref(),
        Some("一级"),
        "R = 2.0 × 2 × 50 = 200"
    );
    assert_eq!(r.finding("U-2").unwrap().outcome, Outcome::Hazard);
}

#[test]
fn findings_name_the_innermost_entity_with_its_ancestors() {
    let r = eval(json!([{ "name": "罐区", "substances": [
        { "name": "甲苯", "category": "flammable", "q": "1 t", "threshold": "500 t" },
        { "name": "氯气", "category": "toxic", "q": "6 t", "threshold": "5 t" } ] }]));
    let f = r.finding("U-3").unwrap();
    assert_eq!(f.instances.len(), 1);
    assert_eq!(f.instances[0].path, "/units/0/substances/1");
    assert_eq!(f.instances[0].name.as_deref(), Some("罐区 › 氯气"));
}

#[test]
fn values_may_use_values_declared_later_and_cycles_are_reported() {
    let later = "part of demo\nvalue a \"A\" = b + 1\nvalue b \"B\" = 2\nrule V-1 \"a\" {\n  cites \"x\" provenance confirmed\n  hazard when a == 3\n}\n";
    let lib = Library::from_sources(&[
        Source {
            name: "schema.yh".into(),
            text: SRC.into(),
        },
        Source {
            name: "v.yh".into(),
            text: later.into(),
        },
    ])
    .unwrap();
    let r = lib
        .evaluate_json(
            &json!({}),
            &EvaluateOptions::new(Date::parse("2024-01-01").unwrap()),
        )
        .unwrap();
    assert_eq!(r.finding("V-1").unwrap().outcome, Outcome::Hazard);
    let cycle = "part of demo\nvalue a \"A\" = b + 1\nvalue b \"B\" = a + 1\n";
    let err = Library::from_sources(&[
        Source {
            name: "schema.yh".into(),
            text: SRC.into(),
        },
        Source {
            name: "v.yh".into(),
            text: cycle.into(),
        },
    ])
    .unwrap_err();
    assert_eq!(err.diagnostics.len(), 2, "{err}");
    assert!(err.diagnostics.iter().all(|d| d.code == "E0201"));
}

#[test]
fn a_lower_bound_decides_a_grade_only_when_it_already_reaches_the_top_row() {
    // R is at least 2.0 × 2 × 50 = 200 with one inventory unknown: 一级 whatever the rest is.
    let r = eval(json!([{ "exposed": 120, "substances": [
        { "category": "toxic", "q": "250 t", "threshold": "5 t" },
        { "category": "flammable", "q": null, "threshold": "500 t" } ] }]));
    let level = r.outputs.iter().find(|o| o.name == "level").unwrap();
    assert_eq!(level.value.as_deref(), Some("一级"));
    // At least 2.0 × 2 × 15 = 60: could still be 一级 — unknown, never the `else` row.
    let r = eval(json!([{ "exposed": 120, "substances": [
        { "category": "toxic", "q": "75 t", "threshold": "5 t" },
        { "category": "flammable", "q": null, "threshold": "500 t" } ] }]));
    let level = r.outputs.iter().find(|o| o.name == "level").unwrap();
    assert_eq!(level.value.as_deref(), None);
    assert_eq!(r.finding("U-2").unwrap().outcome, Outcome::Undetermined);
}

#[test]
fn if_then_else_is_three_valued() {
    let r = eval(
        json!([{ "exposed": 10, "substances": [{ "category": "flammable", "q": "1 t", "threshold": "5 t" }] }]),
    );
    let v = r.outputs.iter().find(|o| o.name == "verdict").unwrap();
    assert_eq!(v.value.as_deref(), Some("不构成重大危险源"));
    let r = eval(
        json!([{ "exposed": 10, "substances": [{ "category": "toxic", "q": "10 t", "threshold": "5 t" }] }]),
    );
    let v = r.outputs.iter().find(|o| o.name == "verdict").unwrap();
    assert_eq!(v.value.as_deref(), Some("四级"), "R = 1.0 × 2 × 2 = 4");
    // S unknown: the branches differ, so the verdict is unknown.
    let r = eval(
        json!([{ "exposed": 10, "substances": [{ "category": "toxic", "q": null, "threshold": "5 t" }] }]),
    );
    assert_eq!(
        r.outputs
            .iter()
            .find(|o| o.name == "verdict")
            .unwrap()
            .value,
        None
    );
}
