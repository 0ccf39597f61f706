//! One deterministic synthetic fact set: steel works in yinhuan's JSON shape, with missing values
//! (an absent key or a JSON null), empty and missing lists, ties at every threshold and mostly
//! compliant enterprises (so that every rule sees hazard, clear, undetermined and, through the
//! sector, not_applicable). Seeded SplitMix64, so the same `--seed` gives the same bytes.

use serde_json::{json, Map, Value};

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// uniform in 0..n
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// true with probability p (in per mille)
    pub fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }
}

/// Sets `key` to `v`, or — with probability `missing` per mille — leaves it out or sets null.
fn put(m: &mut Map<String, Value>, r: &mut Rng, missing: u64, key: &str, v: Value) {
    if r.chance(missing) {
        if r.chance(500) {
            m.insert(key.into(), Value::Null);
        }
    } else {
        m.insert(key.into(), v);
    }
}

fn yes(r: &mut Rng, per_mille_true: u64) -> Value {
    Value::Bool(r.chance(per_mille_true))
}

fn device(r: &mut Rng) -> Value {
    let x = r.below(1000);
    Value::from(if x < 930 {
        "working"
    } else if x < 965 {
        "absent"
    } else {
        "failed"
    })
}

/// A pressure in kPa: mostly whole, sometimes one decimal place.
fn kpa(r: &mut Rng, whole: i64) -> Value {
    if r.chance(200) {
        json!(whole as f64 + 0.5)
    } else {
        json!(whole)
    }
}

const ROOMS: [&str; 6] = [
    "meeting_room",
    "activity_room",
    "rest_room",
    "operation_room",
    "shift_handover_room",
    "changing_room",
];
const WET: [&str; 6] = [
    "accident_pit",
    "under_furnace_slag_pit",
    "furnace_front_platform",
    "furnace_foundation_area",
    "in_building_lifting_passage",
    "ground_transport_passage",
];
const FURNACES: [&str; 6] = [
    "converter",
    "electric_arc_furnace",
    "aod_furnace",
    "lf_furnace",
    "rh_furnace",
    "vod_furnace",
];
const CO_KINDS: [&str; 7] = [
    "meeting_room",
    "activity_room",
    "rest_room",
    "operation_room",
    "shift_handover_room",
    "changing_room",
    "gas_leak_or_accumulation_place",
];
const ISO_KINDS: [&str; 7] = [
    "heating_furnace",
    "gas_holder",
    "dust_collector",
    "gas_booster",
    "baking_device",
    "other_similar",
    "pipeline_before_workshop_entry",
];

fn list(
    m: &mut Map<String, Value>,
    r: &mut Rng,
    key: &str,
    max_len: u64,
    mut item: impl FnMut(&mut Rng, usize) -> Value,
) {
    if r.chance(20) {
        if r.chance(500) {
            m.insert(key.into(), Value::Null);
        }
        return;
    }
    let n = r.below(max_len + 1) as usize;
    let items = (0..n).map(|i| item(r, i)).collect();
    m.insert(key.into(), Value::Array(items));
}

/// Per-record probability (per mille) that a field is missing.
const MISS: u64 = 15;

pub fn record(r: &mut Rng, i: usize) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), Value::from(format!("91{:016}", i)));
    m.insert("name".into(), Value::from(format!("合成钢铁有限公司{i}号")));
    m.insert(
        "region_code".into(),
        Value::from(format!("{}", 110000 + r.below(550000))),
    );
    let s = r.below(1000);
    let sectors = if s < 850 {
        json!(["metallurgy"])
    } else if s < 910 {
        json!(["metallurgy", "machinery"])
    } else if s < 960 {
        json!(["nonferrous"])
    } else if s < 980 {
        json!([])
    } else {
        Value::Null
    };
    put(&mut m, r, if sectors.is_null() { 1000 } else { 0 }, "sectors", sectors);
    let v = yes(r, 920);
    put(&mut m, r, MISS, "in_production", v);

    // 第三条
    let v = yes(r, 900);
    put(&mut m, r, MISS, "is_metal_smelting_enterprise", v);
    let v = yes(r, 985);
    put(&mut m, r, MISS, "principal_person_assessed_qualified", v);
    list(&mut m, r, "safety_managers", 4, |r, i| {
        let mut o = Map::new();
        o.insert("name".into(), Value::from(format!("安全管理员{i}")));
        let v = yes(r, 985);
        put(&mut o, r, MISS, "assessed_qualified", v);
        Value::Object(o)
    });
    list(&mut m, r, "contractor_or_tenant_units", 3, |r, i| {
        let mut o = Map::new();
        o.insert("name".into(), Value::from(format!("承包单位{i}")));
        let v = yes(r, 980);
        put(&mut o, r, MISS, "unified_coordination_and_management", v);
        let v = yes(r, 970);
        put(&mut o, r, MISS, "periodic_safety_inspection", v);
        Value::Object(o)
    });
    list(&mut m, r, "special_operation_workers", 5, |r, i| {
        let mut o = Map::new();
        o.insert("name".into(), Value::from(format!("特种作业人员{i}")));
        let v = yes(r, 850);
        put(&mut o, r, MISS, "working_in_special_operation", v);
        let v = yes(r, 985);
        put(&mut o, r, MISS, "completed_specialised_training", v);
        let v = yes(r, 980);
        put(&mut o, r, MISS, "holds_valid_qualification", v);
        Value::Object(o)
    });

    // 第四条
    let rooms: Vec<Value> = if r.chance(40) {
        (0..1 + r.below(2))
            .map(|_| Value::from(ROOMS[r.below(6) as usize]))
            .collect()
    } else {
        Vec::new()
    };
    put(&mut m, r, MISS, "met_rooms_in_molten_lifting_bay_ground_area", Value::Array(rooms));
    let v = yes(r, 20);
    put(&mut m, r, MISS, "met_ladle_repair_station_in_molten_lifting_bay_ground_area", v);
    let wet: Vec<Value> = if r.chance(40) {
        vec![Value::from(WET[r.below(6) as usize])]
    } else {
        Vec::new()
    };
    put(&mut m, r, MISS, "met_wet_zones", Value::Array(wet));

    let v = yes(r, 800);
    put(&mut m, r, MISS, "met_has_continuous_casting", v);
    for k in [
        "met_cc_emergency_ladle",
        "met_cc_tundish_breakout_pit",
        "met_cc_tundish_overflow_pit",
        "met_cc_breakout_rotary_chute",
    ] {
        let v = device(r);
        put(&mut m, r, MISS, k, v);
    }
    let v = yes(r, 250);
    put(&mut m, r, MISS, "met_has_ingot_casting", v);
    let v = device(r);
    put(&mut m, r, MISS, "met_ingot_emergency_ladle_pit_or_trough", v);

    list(&mut m, r, "steelmaking_furnaces", 4, |r, i| {
        let mut o = Map::new();
        let ty = FURNACES[r.below(6) as usize];
        o.insert("name".into(), Value::from(format!("{}#炼钢炉", i + 1)));
        put(&mut o, r, MISS, "furnace_type", Value::from(ty));
        let v = device(r);
        put(&mut o, r, MISS, "wc_outlet_temp_alarm", v);
        let v = device(r);
        put(&mut o, r, MISS, "wc_flow_diff_alarm", v);
        let tilting = matches!(ty, "converter" | "electric_arc_furnace" | "aod_furnace");
        let lance = matches!(ty, "converter" | "aod_furnace" | "rh_furnace" | "vod_furnace");
        let electrode = matches!(ty, "electric_arc_furnace" | "lf_furnace");
        put(&mut o, r, MISS, "tilting_body", Value::Bool(tilting));
        if tilting || r.chance(100) {
            let v = device(r);
            put(&mut o, r, MISS, "interlock_tilting", v);
        }
        put(&mut o, r, MISS, "has_oxygen_or_sub_lance", Value::Bool(lance));
        if lance || r.chance(100) {
            let v = device(r);
            put(&mut o, r, MISS, "interlock_lance_auto_lift", v);
        }
        put(&mut o, r, MISS, "electrode_heated", Value::Bool(electrode));
        if electrode || r.chance(100) {
            let v = device(r);
            put(&mut o, r, MISS, "interlock_electrode_power_off_raise", v);
        }
        Value::Object(o)
    });

    list(&mut m, r, "blast_furnaces", 3, |r, i| {
        let mut o = Map::new();
        o.insert("name".into(), Value::from(format!("{}#高炉", i + 1)));
        let v = yes(r, 900);
        put(&mut o, r, MISS, "in_production", v);
        let design = 150 + r.below(150) as i64;
        let x = r.below(1000);
        let set = if x < 40 {
            design + 1 + r.below(30) as i64 // over the design maximum
        } else if x < 70 {
            design // a tie: not a hazard ("超过" is strictly greater)
        } else {
            design - 1 - r.below(40) as i64
        };
        let v = kpa(r, set);
        put(&mut o, r, MISS, "top_pressure_setpoint", v);
        put(&mut o, r, MISS, "design_max_top_working_pressure", json!(design));
        let v = device(r);
        put(&mut o, r, MISS, "bleeder_interlock", v);
        let equip = design + 20 + r.below(80) as i64;
        let x = r.below(1000);
        let release = if x < 30 {
            equip + 1 + r.below(20) as i64
        } else if x < 60 {
            equip
        } else {
            equip - 1 - r.below(30) as i64
        };
        let v = kpa(r, release);
        put(&mut o, r, MISS, "bleeder_release_setpoint", v);
        put(&mut o, r, MISS, "equipment_design_pressure", json!(equip));
        Value::Object(o)
    });

    list(&mut m, r, "met_co_points", 6, |r, i| {
        let mut o = Map::new();
        o.insert("name".into(), Value::from(format!("监测点{i}")));
        let v = Value::from(CO_KINDS[r.below(7) as usize]);
        put(&mut o, r, MISS, "kind", v);
        let v = device(r);
        put(&mut o, r, MISS, "fixed_co_alarm", v);
        let v = yes(r, 975);
        put(&mut o, r, MISS, "data_to_24h_staffed_location", v);
        Value::Object(o)
    });
    list(&mut m, r, "met_gas_isolation_points", 6, |r, i| {
        let mut o = Map::new();
        o.insert("name".into(), Value::from(format!("用煤气设施{i}")));
        let v = Value::from(ISO_KINDS[r.below(7) as usize]);
        put(&mut o, r, MISS, "kind", v);
        let v = device(r);
        put(&mut o, r, MISS, "isolation_device", v);
        Value::Object(o)
    });
    list(&mut m, r, "water_seal_drainers", 4, |r, i| {
        let mut o = Map::new();
        o.insert("name".into(), Value::from(format!("{}#排水器", i + 1)));
        let v = yes(r, 800);
        put(&mut o, r, MISS, "on_positive_pressure_gas_line", v);
        let x = r.below(1000);
        let p = if x < 40 {
            20 + r.below(10) as i64
        } else if x < 80 {
            30 // a tie: not a hazard ("小于" is strictly less)
        } else {
            31 + r.below(30) as i64
        };
        let v = kpa(r, p);
        put(&mut o, r, MISS, "max_sealing_gas_pressure", v);
        Value::Object(o)
    });
    for (k, p) in [
        ("drainer_shared_across_both_sides_of_an_isolation_device", 15),
        ("upper_drain_pipes_of_different_gas_lines_connected", 15),
        ("drainer_shared_by_gas_lines_of_different_media", 10),
    ] {
        let v = yes(r, p);
        put(&mut m, r, MISS, k, v);
    }
    Value::Object(m)
}

/// `n` records as JSON lines.
pub fn jsonl(seed: u64, n: usize) -> String {
    let mut r = Rng::new(seed);
    let mut out = String::with_capacity(n * 2500);
    for i in 0..n {
        out.push_str(&record(&mut r, i).to_string());
        out.push('\n');
    }
    out
}
