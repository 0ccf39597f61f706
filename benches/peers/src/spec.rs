//! The 11 rules (工贸 2023 第三条 and 第四条) as one small expression tree, rendered into CEL
//! (cel-interpreter) and into the ZEN expression language of a GoRules JDM decision (zen-engine).
//! Neither language has user functions or `let`, so the three-valued helpers are expanded inline;
//! `cargo run --release -- --emit-rules` writes the rendered files to `rules/` for reading.
//!
//! Encoding (shared with rules/gongmao.rego and python/gongmao.py): 0 = false, 1 = unknown,
//! 2 = true; `and` = min, `or` = max, `not` = 2 - x; a missing key or null is unknown. A rule's
//! result is 3 (not_applicable) when its scope is 0, else min(scope, hazard): 0 clear,
//! 1 undetermined, 2 hazard.

#[derive(Clone)]
pub enum F {
    /// a field of the enterprise
    Root(&'static str),
    /// a field of the element bound by the enclosing `Any`
    Elem(&'static str),
}

#[derive(Clone)]
pub enum E {
    True,
    Bool(F),
    Not(Box<E>),
    And(Vec<E>),
    Or(Vec<E>),
    /// device_state `!= working`
    NotWorking(F),
    Gt(F, F),
    LtConst(F, u32),
    /// `a in sectors or b in sectors or …`
    InSectors(&'static [&'static str]),
    NotEmpty(&'static str),
    Any(&'static str, Box<E>),
}

use E::*;
use F::*;

fn b(f: F) -> E {
    Bool(f)
}
fn nb(f: F) -> E {
    Not(Box::new(Bool(f)))
}
fn nw(f: F) -> E {
    NotWorking(f)
}
fn any(list: &'static str, body: E) -> E {
    Any(list, Box::new(body))
}

pub struct Rule {
    pub id: &'static str,
    pub scope: E,
    pub hazard: E,
}

/// 第二条: the standard's own scope, `applies when metallurgy in sectors or … commerce_trade in sectors`
/// (standards/gongmao-2023/standard.yh); yinhuan ands it with every rule's scope.
pub const GONGMAO_SECTORS: [&str; 8] = [
    "metallurgy",
    "nonferrous",
    "building_materials",
    "machinery",
    "light_industry",
    "textile",
    "tobacco",
    "commerce_trade",
];

pub fn rules() -> Vec<Rule> {
    let mut rules = article_rules();
    for r in &mut rules {
        let own = std::mem::replace(&mut r.scope, True);
        r.scope = match own {
            True => InSectors(&GONGMAO_SECTORS),
            own => And(vec![InSectors(&GONGMAO_SECTORS), own]),
        };
    }
    rules
}

fn article_rules() -> Vec<Rule> {
    let met = || InSectors(&["metallurgy"]);
    vec![
        Rule {
            id: "GM2023-3-1",
            scope: True,
            hazard: any(
                "contractor_or_tenant_units",
                Or(vec![
                    nb(Elem("unified_coordination_and_management")),
                    nb(Elem("periodic_safety_inspection")),
                ]),
            ),
        },
        Rule {
            id: "GM2023-3-2",
            scope: True,
            hazard: any(
                "special_operation_workers",
                And(vec![
                    b(Elem("working_in_special_operation")),
                    Or(vec![
                        nb(Elem("completed_specialised_training")),
                        nb(Elem("holds_valid_qualification")),
                    ]),
                ]),
            ),
        },
        Rule {
            id: "GM2023-3-3",
            scope: b(Root("is_metal_smelting_enterprise")),
            hazard: Or(vec![
                nb(Root("principal_person_assessed_qualified")),
                any("safety_managers", nb(Elem("assessed_qualified"))),
            ]),
        },
        Rule {
            id: "GM2023-4-1",
            scope: met(),
            hazard: Or(vec![
                NotEmpty("met_rooms_in_molten_lifting_bay_ground_area"),
                b(Root("met_ladle_repair_station_in_molten_lifting_bay_ground_area")),
            ]),
        },
        Rule {
            id: "GM2023-4-2",
            scope: met(),
            hazard: And(vec![b(Root("in_production")), NotEmpty("met_wet_zones")]),
        },
        Rule {
            id: "GM2023-4-3",
            scope: met(),
            hazard: Or(vec![
                And(vec![b(Root("met_has_continuous_casting")), nw(Root("met_cc_emergency_ladle"))]),
                And(vec![b(Root("met_has_continuous_casting")), nw(Root("met_cc_tundish_breakout_pit"))]),
                And(vec![b(Root("met_has_continuous_casting")), nw(Root("met_cc_tundish_overflow_pit"))]),
                And(vec![b(Root("met_has_continuous_casting")), nw(Root("met_cc_breakout_rotary_chute"))]),
                And(vec![
                    b(Root("met_has_ingot_casting")),
                    nw(Root("met_ingot_emergency_ladle_pit_or_trough")),
                ]),
            ]),
        },
        Rule {
            id: "GM2023-4-4",
            scope: met(),
            hazard: any(
                "steelmaking_furnaces",
                Or(vec![
                    nw(Elem("wc_outlet_temp_alarm")),
                    nw(Elem("wc_flow_diff_alarm")),
                    And(vec![b(Elem("tilting_body")), nw(Elem("interlock_tilting"))]),
                    And(vec![b(Elem("has_oxygen_or_sub_lance")), nw(Elem("interlock_lance_auto_lift"))]),
                    And(vec![
                        b(Elem("electrode_heated")),
                        nw(Elem("interlock_electrode_power_off_raise")),
                    ]),
                ]),
            ),
        },
        Rule {
            id: "GM2023-4-5",
            scope: met(),
            hazard: any(
                "blast_furnaces",
                Or(vec![
                    And(vec![
                        b(Elem("in_production")),
                        Gt(Elem("top_pressure_setpoint"), Elem("design_max_top_working_pressure")),
                    ]),
                    nw(Elem("bleeder_interlock")),
                    Gt(Elem("bleeder_release_setpoint"), Elem("equipment_design_pressure")),
                ]),
            ),
        },
        Rule {
            id: "GM2023-4-6",
            scope: met(),
            hazard: any(
                "met_co_points",
                Or(vec![nw(Elem("fixed_co_alarm")), nb(Elem("data_to_24h_staffed_location"))]),
            ),
        },
        Rule {
            id: "GM2023-4-7",
            scope: met(),
            hazard: any("met_gas_isolation_points", nw(Elem("isolation_device"))),
        },
        Rule {
            id: "GM2023-4-8",
            scope: met(),
            hazard: Or(vec![
                any(
                    "water_seal_drainers",
                    And(vec![
                        b(Elem("on_positive_pressure_gas_line")),
                        LtConst(Elem("max_sealing_gas_pressure"), 30),
                    ]),
                ),
                b(Root("drainer_shared_across_both_sides_of_an_isolation_device")),
                b(Root("upper_drain_pipes_of_different_gas_lines_connected")),
                b(Root("drainer_shared_by_gas_lines_of_different_media")),
            ]),
        },
    ]
}

// ---------------------------------------------------------------------------------------------
// CEL (cel-interpreter): the record is the variable `input`; `has()` tests presence.

fn cel_path(f: &F) -> (String, String) {
    match f {
        Root(n) => ("input".into(), format!("input.{n}")),
        Elem(n) => ("e".into(), format!("e.{n}")),
    }
}

fn cel_known(f: &F) -> String {
    let (_, p) = cel_path(f);
    format!("(has({p}) && {p} != null)")
}

pub fn cel(e: &E) -> String {
    match e {
        True => "2".into(),
        Bool(f) => format!("({} ? ({} ? 2 : 0) : 1)", cel_known(f), cel_path(f).1),
        Not(x) => format!("(2 - {})", cel(x)),
        And(xs) => format!("min({})", xs.iter().map(cel).collect::<Vec<_>>().join(", ")),
        Or(xs) => format!("max({})", xs.iter().map(cel).collect::<Vec<_>>().join(", ")),
        NotWorking(f) => format!(
            "({} ? ({} == 'working' ? 0 : 2) : 1)",
            cel_known(f),
            cel_path(f).1
        ),
        Gt(a, b) => format!(
            "(({} && {}) ? (double({}) > double({}) ? 2 : 0) : 1)",
            cel_known(a),
            cel_known(b),
            cel_path(a).1,
            cel_path(b).1
        ),
        LtConst(a, c) => format!(
            "({} ? (double({}) < {c}.0 ? 2 : 0) : 1)",
            cel_known(a),
            cel_path(a).1
        ),
        InSectors([c]) => format!(
            "((has(input.sectors) && input.sectors != null) ? ('{c}' in input.sectors ? 2 : 0) : 1)"
        ),
        InSectors(cs) => format!(
            "((has(input.sectors) && input.sectors != null) ? (input.sectors.exists(s, s in [{}]) ? 2 : 0) : 1)",
            cs.iter().map(|c| format!("'{c}'")).collect::<Vec<_>>().join(", ")
        ),
        NotEmpty(l) => format!(
            "((has(input.{l}) && input.{l} != null) ? (size(input.{l}) > 0 ? 2 : 0) : 1)"
        ),
        Any(l, body) => format!(
            "((has(input.{l}) && input.{l} != null) ? max([0] + input.{l}.map(e, {})) : 1)",
            cel(body)
        ),
    }
}

/// One CEL program per rule, yielding the outcome code.
pub fn cel_rule(r: &Rule) -> String {
    let s = cel(&r.scope);
    format!("{s} == 0 ? 3 : min({s}, {})", cel(&r.hazard))
}

// ---------------------------------------------------------------------------------------------
// ZEN expression language (zen-engine): the record's fields are top-level names; `#` is the
// element inside `map`; a missing property reads as null.

fn zen_path(f: &F) -> String {
    match f {
        Root(n) => n.to_string(),
        Elem(n) => format!("#.{n}"),
    }
}

pub fn zen(e: &E) -> String {
    match e {
        True => "2".into(),
        Bool(f) => {
            let p = zen_path(f);
            format!("({p} == true ? 2 : ({p} == false ? 0 : 1))")
        }
        Not(x) => format!("(2 - {})", zen(x)),
        And(xs) => format!("min([{}])", xs.iter().map(zen).collect::<Vec<_>>().join(", ")),
        Or(xs) => format!("max([{}])", xs.iter().map(zen).collect::<Vec<_>>().join(", ")),
        NotWorking(f) => {
            let p = zen_path(f);
            format!("({p} == null ? 1 : ({p} == 'working' ? 0 : 2))")
        }
        Gt(a, b) => {
            let (a, b) = (zen_path(a), zen_path(b));
            format!("(({a} == null or {b} == null) ? 1 : ({a} > {b} ? 2 : 0))")
        }
        LtConst(a, c) => {
            let a = zen_path(a);
            format!("({a} == null ? 1 : ({a} < {c} ? 2 : 0))")
        }
        InSectors([c]) => format!("(sectors == null ? 1 : ('{c}' in sectors ? 2 : 0))"),
        InSectors(cs) => format!(
            "(sectors == null ? 1 : (some(sectors, # in [{}]) ? 2 : 0))",
            cs.iter().map(|c| format!("'{c}'")).collect::<Vec<_>>().join(", ")
        ),
        NotEmpty(l) => format!("({l} == null ? 1 : (len({l}) > 0 ? 2 : 0))"),
        Any(l, body) => format!(
            "({l} == null ? 1 : (len({l}) == 0 ? 0 : max(map({l}, {}))))",
            zen(body)
        ),
    }
}

pub fn zen_rule(r: &Rule) -> String {
    let s = zen(&r.scope);
    format!("{s} == 0 ? 3 : min([{s}, {}])", zen(&r.hazard))
}

/// The JDM decision: input node → one expression node (one expression per rule) → output node.
pub fn jdm(rules: &[Rule]) -> serde_json::Value {
    let expressions: Vec<serde_json::Value> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| {
            serde_json::json!({
                "id": format!("e{i}"),
                "key": format!("r{i}"),
                "value": zen_rule(r),
            })
        })
        .collect();
    serde_json::json!({
        "nodes": [
            { "id": "in", "name": "facts", "type": "inputNode", "content": {} },
            { "id": "rules", "name": "gongmao-2023 第三条、第四条", "type": "expressionNode",
              "content": { "passThrough": false, "expressions": expressions } },
            { "id": "out", "name": "outcomes", "type": "outputNode", "content": {} }
        ],
        "edges": [
            { "id": "e1", "sourceId": "in", "targetId": "rules" },
            { "id": "e2", "sourceId": "rules", "targetId": "out" }
        ]
    })
}
