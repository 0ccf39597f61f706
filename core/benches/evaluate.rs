//! Compile time of the embedded standards and evaluation time of each example enterprise.
//! Run: `cargo bench -p yinhuan --bench evaluate`.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use yinhuan::{Date, EvaluateOptions, Library};

fn examples() -> Vec<(String, serde_json::Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut out: Vec<(String, serde_json::Value)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter_map(|p| {
            let v = serde_json::from_str(&std::fs::read_to_string(&p).ok()?).ok()?;
            Some((p.file_stem()?.to_string_lossy().into_owned(), v))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn bench(c: &mut Criterion) {
    let sources = Library::embedded_sources();
    c.bench_function("compile/embedded", |b| {
        b.iter(|| Library::from_sources(black_box(&sources)).map(|_| ()))
    });

    let lib = Library::embedded().expect("embedded standards compile");
    let as_of = Date::parse("2024-06-01").expect("date");
    let quiet = EvaluateOptions {
        explain: false,
        ..EvaluateOptions::new(as_of)
    };
    let full = EvaluateOptions::new(as_of);
    for (name, json) in examples() {
        let facts = lib.facts(&json).expect("example facts are valid");
        c.bench_function(&format!("parse_facts/{name}"), |b| {
            b.iter(|| lib.facts(black_box(&json)).map(|_| ()))
        });
        c.bench_function(&format!("evaluate/{name}"), |b| {
            b.iter(|| {
                lib.evaluate(black_box(&facts), &quiet)
                    .map(|r| r.summary.hazard)
            })
        });
        c.bench_function(&format!("evaluate_explained/{name}"), |b| {
            b.iter(|| {
                lib.evaluate(black_box(&facts), &full)
                    .map(|r| r.summary.hazard)
            })
        });
        let c_ = lib.compiled();
        c.bench_function(&format!("outcomes_only/{name}"), |b| {
            b.iter(|| {
                let mut hazards = 0;
                for s in &c_.standards {
                    for r in &s.rules {
                        if let Some(rule) = c_.rules.get(*r as usize) {
                            if lib.outcome(s, rule, black_box(&facts), as_of).ok()
                                == Some(yinhuan::Outcome::Hazard)
                            {
                                hazards += 1;
                            }
                        }
                    }
                }
                hazards
            })
        });
    }
    let records: Vec<serde_json::Value> = examples()
        .into_iter()
        .map(|(_, v)| v)
        .cycle()
        .take(3000)
        .collect();
    let mut group = c.benchmark_group("batch");
    group.sample_size(10);
    group.bench_function("3000_records_all_cores", |b| {
        b.iter(|| {
            lib.evaluate_batch(black_box(&records), &quiet, 0)
                .map(|o| o.records.len())
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
