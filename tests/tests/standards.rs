//! Every test case written beside the rule files (`standards/**/*.test.yh`), run through the
//! embedded library — the same cases `yinhuan test` runs.

use yinhuan::Library;

#[test]
fn every_standard_test_case_passes() {
    let lib = Library::embedded_with_tests().unwrap();
    let results = lib.run_tests(&|_| true);
    assert!(
        results.len() > 300,
        "expected the standards' test cases, found {}",
        results.len()
    );
    let failed: Vec<String> = results
        .iter()
        .filter(|r| !r.passed())
        .map(|r| {
            format!(
                "{} ({}:{}): {}",
                r.name,
                r.file,
                r.line,
                r.failures.join("; ")
            )
        })
        .collect();
    assert!(
        failed.is_empty(),
        "{} failing cases:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

#[test]
fn every_rule_has_positive_negative_and_undetermined_cases() {
    let lib = Library::embedded_with_tests().unwrap();
    let c = lib.compiled();
    let mut seen: std::collections::HashMap<&str, [bool; 3]> = Default::default();
    for t in &c.tests {
        for e in &t.expects {
            if let yinhuan::compile::Expectation::Rule { rule, outcome, .. } = e {
                let slot = match outcome.as_str() {
                    "hazard" => 0,
                    "clear" => 1,
                    "undetermined" => 2,
                    _ => continue,
                };
                if let Some(entry) = seen.get_mut(rule.as_str()) {
                    entry[slot] = true;
                } else {
                    let mut entry = [false; 3];
                    entry[slot] = true;
                    seen.insert(rule.as_str(), entry);
                }
            }
        }
    }
    let missing: Vec<String> = c
        .rules
        .iter()
        .filter_map(|r| {
            let s = seen.get(r.id.as_str()).copied().unwrap_or_default();
            let lacks: Vec<&str> = ["hazard", "clear", "undetermined"]
                .iter()
                .zip(s)
                .filter(|(_, has)| !has)
                .map(|(n, _)| *n)
                .collect();
            (!lacks.is_empty()).then(|| format!("{}: no {} case", r.id, lacks.join("/")))
        })
        .collect();
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn the_examples_are_valid_facts() {
    let lib = Library::embedded_with_tests().unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "json") {
            let v: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            lib.facts(&v)
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            n += 1;
        }
    }
    assert!(n >= 3);
}
