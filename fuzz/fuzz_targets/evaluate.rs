//! Arbitrary JSON facts against the embedded library on a few dates: a report or a typed error,
//! never a panic.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use yinhuan::{Date, EvaluateOptions, Library};

fn library() -> &'static Library {
    static LIB: OnceLock<Library> = OnceLock::new();
    LIB.get_or_init(|| Library::embedded().expect("the embedded standards compile"))
}

const DATES: [&str; 4] = ["2020-01-01", "2023-05-15", "2024-06-01", "2026-12-31"];

fuzz_target!(|data: &[u8]| {
    // The first byte picks the date and whether to explain; the rest is the JSON text.
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(text) else {
        return;
    };
    let lib = library();
    let date = DATES[usize::from(pick) % DATES.len()];
    let mut opts = EvaluateOptions::new(Date::parse(date).unwrap());
    opts.explain = pick & 0x80 != 0;
    opts.allow_superseded = pick & 0x40 != 0;
    if let Ok(report) = lib.evaluate_json(&json, &opts) {
        // Every finding's outcome is consistent with its missing list.
        for f in &report.findings {
            let undetermined = f.outcome == yinhuan::Outcome::Undetermined;
            assert_eq!(
                undetermined,
                !f.missing.is_empty(),
                "{}: outcome {:?} with missing {:?}",
                f.rule,
                f.outcome,
                f.missing
            );
        }
        let _ = serde_json::to_string(&report).unwrap();
    }
});
