//! The JSON shape every front end shares, pinned by a snapshot. A change here is a change to the
//! documented report format (README, "The JSON report"): review it, and bump `schema_version` if
//! it is not additive.

use serde_json::json;
use yinhuan::{Date, EvaluateOptions, Library};

#[test]
fn report_json_shape() {
    let lib = Library::embedded().unwrap();
    let facts = json!({
        "id": "91320000000000000X",
        "name": "示例钢铁有限公司",
        "region_code": "320583",
        "sectors": ["metallurgy"],
        "blast_furnaces": [
            {"name": "1#高炉", "in_production": true, "top_pressure_setpoint": "260 kPa",
             "design_max_top_working_pressure": "250 kPa", "bleeder_interlock": "failed",
             "bleeder_release_setpoint": null, "equipment_design_pressure": "300 kPa"}
        ]
    });
    let mut opts = EvaluateOptions::new(Date::parse("2024-06-01").unwrap());
    opts.standards = vec!["gongmao-2023".into()];
    let report = lib.evaluate_json(&facts, &opts).unwrap();
    let mut value = serde_json::to_value(&report).unwrap();
    // Keep the snapshot to the parts under review: the envelope and the one finding about the furnace.
    let findings = value["findings"].as_array().unwrap().clone();
    value["findings"] = json!(findings
        .into_iter()
        .filter(|f| f["rule"] == "GM2023-4-5")
        .collect::<Vec<_>>());
    let questions = value["questions"].as_array().unwrap().clone();
    value["questions"] = json!(questions.into_iter().take(2).collect::<Vec<_>>());
    insta::assert_json_snapshot!(value);
}
