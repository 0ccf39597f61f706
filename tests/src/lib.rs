//! Shared test vectors (`tests/vectors/*.json`): the same facts and expected results replayed by
//! the Rust, Python and JavaScript test suites. This crate holds the Rust replayer.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct ExpectedError {
    pub code: String,
    pub path: Option<String>,
}

/// One vector. Every `expect_*` map is keyed by rule id.
#[derive(Debug, Deserialize)]
pub struct Vector {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub as_of: String,
    #[serde(default)]
    pub standards: Vec<String>,
    #[serde(default)]
    pub allow_superseded: bool,
    pub facts: serde_json::Value,
    #[serde(default)]
    pub expect: BTreeMap<String, String>,
    #[serde(default)]
    pub expect_missing: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub expect_citations: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub expect_reasons: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub expect_instances: BTreeMap<String, Vec<String>>,
    /// Rules that must not appear in the report (their standard is not in force).
    #[serde(default)]
    pub expect_not_evaluated: Vec<String>,
    #[serde(default)]
    pub expect_notices: Vec<String>,
    pub expect_error: Option<ExpectedError>,
}

/// The folder of vectors, found from this crate's manifest.
pub fn vectors_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors")
}

pub fn load_vectors() -> Vec<(String, Vector)> {
    let mut out = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(vectors_dir())
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    for p in paths {
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        match serde_json::from_str::<Vector>(&text) {
            Ok(v) => out.push((p.display().to_string(), v)),
            Err(e) => panic!("{}: not a test vector: {e}", p.display()),
        }
    }
    out
}
