//! Malformed rule sources and malformed facts: the exact code, message and location of each error,
//! rendered as the CLI shows them. Snapshots live in tests/snapshots; review every change.

use yinhuan::{Library, Source};

const BASE: &str = r#"
enum device_state "装置状态" {
  absent  "未设置"
  working "正常"
  failed  "失效"
}
enum sector "行业" {
  metallurgy "冶金"
  textile    "纺织"
}
entity enterprise "企业" {
  name    : text "企业名称？"
  sectors : list of sector "行业？"
  furnaces : list of furnace "炉子？"
}
entity furnace "炉" {
  name     : text "名称？"
  pressure : quantity kPa "压力？"
  alarm    : device_state "报警装置？"
  built    : date "建成日期？"
}
standard demo {
  title "示例标准"
  valid_from 2024-01-01
  outcome "重大事故隐患"
}
"#;

fn compile_error(rule_file: &str) -> String {
    let sources = vec![
        Source {
            name: "base.yh".into(),
            text: BASE.into(),
        },
        Source {
            name: "standards/demo/rules.yh".into(),
            text: rule_file.into(),
        },
    ];
    match Library::from_sources(&sources) {
        Ok(_) => panic!("expected a compile error"),
        Err(e) => e.to_string(),
    }
}

fn good_rule(hazard: &str) -> String {
    format!("part of demo\n\nrule D-1 \"示例\" {{\n  cites \"第一条\"\n  provenance confirmed\n  hazard when {hazard}\n}}\n")
}

#[test]
fn syntax_error_points_at_the_unexpected_token() {
    insta::assert_snapshot!(compile_error("part of demo\nrule D-1 \"示例\" {\n  cites \"第一条\"\n  hazard when any f in furnaces: f.pressure >\n}\n"));
}

#[test]
fn unknown_field_suggests_the_closest_name() {
    insta::assert_snapshot!(compile_error(&good_rule(
        "any f in furnaces: f.presure > 30 kPa"
    )));
}

#[test]
fn unknown_enterprise_fact() {
    insta::assert_snapshot!(compile_error(&good_rule("furnace_count > 3")));
}

#[test]
fn incompatible_units() {
    insta::assert_snapshot!(compile_error(&good_rule(
        "any f in furnaces: f.pressure > 30 t"
    )));
}

#[test]
fn quantity_compared_with_a_plain_number() {
    insta::assert_snapshot!(compile_error(&good_rule(
        "any f in furnaces: f.pressure > 30"
    )));
}

#[test]
fn ordering_choices_is_rejected() {
    insta::assert_snapshot!(compile_error(&good_rule(
        "any f in furnaces: f.alarm < working"
    )));
}

#[test]
fn unknown_choice() {
    insta::assert_snapshot!(compile_error(&good_rule(
        "any f in furnaces: f.alarm == brokn"
    )));
}

#[test]
fn condition_must_be_yes_or_no() {
    insta::assert_snapshot!(compile_error(&good_rule("any f in furnaces: f.pressure")));
}

#[test]
fn duplicate_rule_id() {
    let r = good_rule("metallurgy in sectors");
    insta::assert_snapshot!(compile_error(&format!(
        "{r}\n{}",
        r.replace("part of demo\n", "")
    )));
}

#[test]
fn rule_outside_a_standard() {
    insta::assert_snapshot!(compile_error(
        &good_rule("metallurgy in sectors").replace("part of demo\n", "")
    ));
}

#[test]
fn missing_provenance() {
    insta::assert_snapshot!(compile_error(
        &good_rule("metallurgy in sectors").replace("  provenance confirmed\n", "")
    ));
}

#[test]
fn unknown_provenance() {
    insta::assert_snapshot!(compile_error(
        &good_rule("metallurgy in sectors").replace("confirmed", "verified")
    ));
}

#[test]
fn part_of_an_undeclared_standard() {
    insta::assert_snapshot!(compile_error(
        &good_rule("metallurgy in sectors").replace("part of demo", "part of nosuch")
    ));
}

#[test]
fn impossible_date() {
    insta::assert_snapshot!(compile_error(&good_rule(
        "any f in furnaces: f.built < 2023-02-30"
    )));
}

#[test]
fn table_missing_a_choice() {
    insta::assert_snapshot!(compile_error("part of demo\ntable weight \"权重\" : device_state -> decimal {\n  absent => 1\n  working => 0\n}\n"));
}

#[test]
fn nesting_too_deep_is_an_error_not_a_stack_overflow() {
    let deep = format!(
        "{}metallurgy in sectors{}",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    let out = compile_error(&good_rule(&deep));
    assert!(
        out.starts_with("error[E0102]: brackets are nested more than 64 levels deep"),
        "{out}"
    );
}

#[test]
fn every_error_in_every_file_is_reported() {
    let out = compile_error(&format!(
        "{}\n{}",
        good_rule("any f in furnaces: f.presure > 1 kPa"),
        good_rule("nosuch")
            .replace("part of demo\n", "")
            .replace("D-1", "D-2")
    ));
    assert_eq!(out.matches("error[").count(), 2, "{out}");
}

fn lib() -> Library {
    Library::from_sources(&[
        Source {
            name: "base.yh".into(),
            text: BASE.into(),
        },
        Source {
            name: "rules.yh".into(),
            text: good_rule("any f in furnaces: f.pressure > 30 kPa"),
        },
    ])
    .unwrap()
}

fn fact_error(json: &str) -> String {
    let value: serde_json::Value = match serde_json::from_str(json) {
        Ok(v) => v,
        Err(_) => {
            let e = yinhuan::Facts::from_str(&lib().compiled().schema, json).unwrap_err();
            return format!("{}: {}", e.code, e.message);
        }
    };
    let e = lib().facts(&value).unwrap_err();
    format!(
        "{}: {}\npath: {}\nexpected: {}\nreceived: {}",
        e.code, e.message, e.path, e.expected, e.received
    )
}

#[test]
fn fact_of_the_wrong_type() {
    insta::assert_snapshot!(fact_error(r#"{"furnaces": [{"pressure": true}]}"#));
}

#[test]
fn misspelt_fact_is_an_error_with_a_suggestion() {
    insta::assert_snapshot!(fact_error(r#"{"furnaces": [{"presure": 3}]}"#));
}

#[test]
fn unknown_choice_lists_the_choices() {
    insta::assert_snapshot!(fact_error(r#"{"sectors": ["steel"]}"#));
}

#[test]
fn quantity_in_an_incompatible_unit() {
    insta::assert_snapshot!(fact_error(r#"{"furnaces": [{"pressure": "3 t"}]}"#));
}

#[test]
fn impossible_date_fact() {
    insta::assert_snapshot!(fact_error(r#"{"furnaces": [{"built": "2023-02-30"}]}"#));
}

#[test]
fn list_expected() {
    insta::assert_snapshot!(fact_error(r#"{"furnaces": {"pressure": 3}}"#));
}

#[test]
fn root_must_be_an_object() {
    insta::assert_snapshot!(fact_error(r#"[1, 2]"#));
}

#[test]
fn invalid_json() {
    insta::assert_snapshot!(fact_error(r#"{"furnaces": [}"#));
}

#[test]
fn number_beyond_the_limit() {
    insta::assert_snapshot!(fact_error(r#"{"furnaces": [{"pressure": 1e30}]}"#));
}
