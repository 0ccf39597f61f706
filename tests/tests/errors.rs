//! Replays the bad-input catalogue, `tests/vectors/errors/*.json`: malformed rule sources and
//! malformed facts, each with the error it must produce. The Python and WebAssembly suites replay
//! the same files.
//!
//! Format of one case (one JSON object per file):
//!
//! ```text
//! {
//!   "name":        "source-unknown-field",        // unique; the file is named after it
//!   "description": "a misspelt fact, with a suggestion",
//!   "kind":        "source" | "facts",
//!   "source":      "...",        // kind "source": a rule file, loaded as a second file named
//!                                //   `case.yh` after `tests/vectors/errors/base.yh` (named `base.yh`)
//!   "facts":       {...},        // kind "facts": a JSON document checked against base.yh alone …
//!   "facts_text":  "...",        //   … or the raw text, for documents that are not valid JSON
//!   "expect": {
//!     "code":    "E0201",        // always
//!     "message": "...",          // the exact message (of the first diagnostic, for sources);
//!                                //   absent for E0300, whose text comes from the JSON parser
//!     "file":    "case.yh",      // sources: where the first diagnostic points,
//!     "line":    3,              //   1-based line
//!     "column":  15,             //   1-based column, counted in characters
//!     "path":    "/units/0/kind" // facts: the JSON pointer of the offending value ("" = the root)
//!   }
//! }
//! ```
//!
//! Set `YINHUAN_BLESS=1` to rewrite every case's `message` and location from the current results
//! (the code is never rewritten: a different code is always a failure). Review the diff.

use std::path::{Path, PathBuf};

use serde_json::{json, Value as Json};
use yinhuan::{Facts, Library, Source};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors/errors")
}

fn base() -> String {
    std::fs::read_to_string(dir().join("base.yh")).unwrap()
}

fn cases() -> Vec<(PathBuf, Json)> {
    let mut paths: Vec<_> = std::fs::read_dir(dir())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let v = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{}: not JSON: {e}", p.display()));
            (p, v)
        })
        .collect()
}

/// What actually happens for one case, in the `expect` shape.
fn actual(case: &Json, base_text: &str, base_lib: &Library) -> Result<Json, String> {
    match case["kind"].as_str() {
        Some("source") => {
            let source = case["source"]
                .as_str()
                .ok_or("a source case needs `source`")?;
            let r = Library::from_sources(&[
                Source {
                    name: "base.yh".into(),
                    text: base_text.into(),
                },
                Source {
                    name: "case.yh".into(),
                    text: source.into(),
                },
            ]);
            let e = match r {
                Ok(_) => return Err("the source compiled".into()),
                Err(e) => e,
            };
            let d = &e.diagnostics[0];
            Ok(json!({
                "code": d.code,
                "message": d.message,
                "file": d.file,
                "line": d.line,
                "column": d.column,
            }))
        }
        Some("facts") => {
            let r = if let Some(text) = case.get("facts_text").and_then(Json::as_str) {
                Facts::from_str(&base_lib.compiled().schema, text)
            } else {
                let facts = case
                    .get("facts")
                    .ok_or("a facts case needs `facts` or `facts_text`")?;
                base_lib.facts(facts)
            };
            let e = match r {
                Ok(_) => return Err("the facts were accepted".into()),
                Err(e) => e,
            };
            let mut out = json!({ "code": e.code, "path": e.path });
            if e.code != "E0300" {
                out["message"] = json!(e.message);
            }
            Ok(out)
        }
        other => Err(format!("unknown kind {other:?}")),
    }
}

#[test]
fn bad_input_catalogue() {
    let base_text = base();
    let base_lib = Library::from_sources(&[Source {
        name: "base.yh".into(),
        text: base_text.clone(),
    }])
    .unwrap_or_else(|e| panic!("base.yh does not compile:\n{e}"));
    let bless = std::env::var_os("YINHUAN_BLESS").is_some();
    let cases = cases();
    assert!(
        cases.len() >= 40,
        "expected at least 40 cases, found {}",
        cases.len()
    );
    let mut failures = Vec::new();
    let mut names = std::collections::BTreeSet::new();
    for (path, mut case) in cases {
        let file = path.display().to_string();
        let name = case["name"].as_str().unwrap_or_default().to_string();
        if !names.insert(name.clone()) {
            failures.push(format!("{file}: duplicate name `{name}`"));
        }
        if path.file_stem().and_then(|s| s.to_str()) != Some(name.as_str()) {
            failures.push(format!("{file}: the file should be named after `{name}`"));
        }
        let got = match actual(&case, &base_text, &base_lib) {
            Ok(g) => g,
            Err(e) => {
                failures.push(format!("{file}: {e}"));
                continue;
            }
        };
        let want = case["expect"].clone();
        if want["code"] != got["code"] {
            failures.push(format!("{file}: expected {}, got {got}", want["code"]));
            continue;
        }
        if bless {
            if got != want {
                eprintln!("blessed {name}: {got}");
                case["expect"] = got;
                let mut text = serde_json::to_string_pretty(&case).unwrap();
                text.push('\n');
                std::fs::write(&path, text).unwrap();
            }
            continue;
        }
        for key in ["message", "file", "line", "column", "path"] {
            let required = match case["kind"].as_str() {
                Some("source") => key != "path",
                _ => key == "path" || (key == "message" && got["code"] != "E0300"),
            };
            if want.get(key).is_none() && required {
                failures.push(format!("{file}: `expect` lacks `{key}`"));
            }
            if let Some(w) = want.get(key) {
                if Some(w) != got.get(key) {
                    failures.push(format!("{file}: {key} expected {w}, got {}", got[key]));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
