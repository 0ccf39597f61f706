//! Replays every shared test vector against the embedded library.

use yinhuan::{Date, EvaluateOptions, Library};
use yinhuan_tests::load_vectors;

#[test]
fn shared_vectors_replay() {
    let lib = Library::embedded().unwrap();
    let vectors = load_vectors();
    assert!(
        vectors.len() >= 10,
        "expected the shared vectors, found {}",
        vectors.len()
    );
    let mut failures = Vec::new();
    for (file, v) in &vectors {
        let mut opts = EvaluateOptions::new(Date::parse(&v.as_of).unwrap());
        opts.standards = v.standards.clone();
        opts.allow_superseded = v.allow_superseded;
        let result = lib.evaluate_json(&v.facts, &opts);
        match (&v.expect_error, result) {
            (Some(want), Err(e)) => {
                if e.code() != want.code {
                    failures.push(format!(
                        "{file}: expected error {}, got {} ({e})",
                        want.code,
                        e.code()
                    ));
                }
                if let (Some(path), yinhuan::Error::Fact(f)) = (&want.path, &e) {
                    if &f.path != path {
                        failures.push(format!("{file}: expected error at {path}, got {}", f.path));
                    }
                }
            }
            (Some(want), Ok(_)) => failures.push(format!(
                "{file}: expected error {}, got a report",
                want.code
            )),
            (None, Err(e)) => failures.push(format!("{file}: unexpected error {e}")),
            (None, Ok(report)) => {
                for (rule, outcome) in &v.expect {
                    match report.finding(rule) {
                        Some(f) if f.outcome.as_str() == outcome => {}
                        Some(f) => failures.push(format!(
                            "{file}: {rule} expected {outcome}, got {}",
                            f.outcome.as_str()
                        )),
                        None => failures.push(format!("{file}: {rule} was not evaluated")),
                    }
                }
                for (rule, want) in &v.expect_missing {
                    let got = report
                        .finding(rule)
                        .map(|f| f.missing.clone())
                        .unwrap_or_default();
                    if &got != want {
                        failures.push(format!("{file}: {rule} missing {got:?}, expected {want:?}"));
                    }
                }
                for (rule, want) in &v.expect_citations {
                    let got = report
                        .finding(rule)
                        .map(|f| f.citations.clone())
                        .unwrap_or_default();
                    if &got != want {
                        failures.push(format!(
                            "{file}: {rule} citations {got:?}, expected {want:?}"
                        ));
                    }
                }
                for (rule, want) in &v.expect_reasons {
                    let got = report
                        .finding(rule)
                        .map(|f| f.reasons.clone())
                        .unwrap_or_default();
                    if &got != want {
                        failures.push(format!("{file}: {rule} reasons {got:?}, expected {want:?}"));
                    }
                }
                for (rule, want) in &v.expect_instances {
                    let got: Vec<String> = report
                        .finding(rule)
                        .map(|f| f.instances.iter().map(|i| i.path.clone()).collect())
                        .unwrap_or_default();
                    if &got != want {
                        failures.push(format!(
                            "{file}: {rule} instances {got:?}, expected {want:?}"
                        ));
                    }
                }
                for rule in &v.expect_not_evaluated {
                    if report.finding(rule).is_some() {
                        failures.push(format!(
                            "{file}: {rule} was evaluated, but its standard is not in force"
                        ));
                    }
                }
                let notices: Vec<&str> = report.notices.iter().map(|n| n.code).collect();
                for code in &v.expect_notices {
                    if !notices.contains(&code.as_str()) {
                        failures.push(format!("{file}: expected notice {code}, got {notices:?}"));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} vector failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
