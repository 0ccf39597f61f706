//! `yinhuan batch`: streams records through the library's parallel batch evaluation in chunks, so
//! memory stays bounded however long the input is. A progress line goes to a terminal's stderr.

use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::path::Path;

use serde_json::{json, Map, Value};
use yinhuan::{EvaluateOptions, Library, Outcome};

const CHUNK: usize = 20_000;

/// A CSV cell as a fact: empty is unknown; JSON arrays/objects, numbers and true/false are parsed;
/// anything else is text (quantities such as `29.9 kPa` and choices stay strings).
fn cell(v: &str) -> Value {
    let t = v.trim();
    if t.is_empty() {
        return Value::Null;
    }
    if t.starts_with('[')
        || t.starts_with('{')
        || t == "true"
        || t == "false"
        || t.parse::<f64>().is_ok()
    {
        if let Ok(j) = serde_json::from_str(t) {
            return j;
        }
    }
    Value::String(t.to_string())
}

pub fn run(
    lib: &Library,
    input: &Path,
    opts: &EvaluateOptions,
    threads: usize,
) -> Result<u8, String> {
    let is_csv = input
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let progress = std::io::stderr().is_terminal();
    let rules = lib
        .batch_rules(opts)
        .map_err(|e| format!("error[{}]: {e}", e.code()))?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let (mut done, mut hazards, mut undetermined, mut errors) = (0usize, 0usize, 0usize, 0usize);
    let mut flush = |chunk: &mut Vec<Value>,
                     invalid: &mut std::collections::HashMap<usize, String>,
                     out: &mut dyn Write|
     -> Result<(), String> {
        let batch = lib
            .evaluate_batch(chunk, opts, threads)
            .map_err(|e| format!("error[{}]: {e}", e.code()))?;
        for (i, (rec, facts)) in batch.records.iter().zip(chunk.iter()).enumerate() {
            let mut line = Map::new();
            line.insert("record".into(), json!(done + i));
            if let Some(id) = facts.get("id").filter(|v| !v.is_null()) {
                line.insert("id".into(), id.clone());
            }
            if let Some(message) = invalid.get(&i) {
                errors += 1;
                line.insert("error".into(), json!({"code": "E0300", "message": message}));
                writeln!(out, "{}", Value::Object(line)).map_err(|e| e.to_string())?;
                continue;
            }
            match rec {
                Ok(cells) => {
                    let mut h = Vec::new();
                    let mut u = Vec::new();
                    for (r, c) in rules.iter().zip(cells) {
                        match c.outcome {
                            Outcome::Hazard => {
                                let mut cites = r.citations.clone();
                                cites.extend(c.extra_citations.iter().cloned());
                                h.push(json!({"standard": r.standard, "rule": r.rule, "citations": cites}));
                            }
                            Outcome::Undetermined => {
                                u.push(json!({"rule": r.rule, "missing": c.missing}))
                            }
                            _ => {}
                        }
                    }
                    hazards += usize::from(!h.is_empty());
                    undetermined += usize::from(!u.is_empty());
                    line.insert("hazards".into(), Value::Array(h));
                    line.insert("undetermined".into(), Value::Array(u));
                }
                Err(e) => {
                    errors += 1;
                    let mut err = json!({"code": e.code(), "message": e.to_string()});
                    if let yinhuan::Error::Fact(f) = e {
                        err["path"] = json!(f.path);
                    }
                    line.insert("error".into(), err);
                }
            }
            if let Err(e) = writeln!(out, "{}", Value::Object(line)) {
                if e.kind() == std::io::ErrorKind::BrokenPipe {
                    std::process::exit(0);
                }
                return Err(e.to_string());
            }
        }
        done += chunk.len();
        chunk.clear();
        invalid.clear();
        if progress {
            eprint!("\r{done} records, {hazards} with hazards, {undetermined} undetermined, {errors} rejected");
        }
        Ok(())
    };
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut invalid: std::collections::HashMap<usize, String> = std::collections::HashMap::new();
    if is_csv {
        let mut reader = csv::Reader::from_path(input)
            .map_err(|e| format!("cannot read `{}`: {e}", input.display()))?;
        let headers = reader.headers().map_err(|e| e.to_string())?.clone();
        for (n, rec) in reader.records().enumerate() {
            let rec = rec.map_err(|e| format!("`{}` row {}: {e}", input.display(), n + 2))?;
            let obj: Map<String, Value> = headers
                .iter()
                .zip(rec.iter())
                .filter(|(_, v)| !v.trim().is_empty())
                .map(|(h, v)| (h.trim().to_string(), cell(v)))
                .collect();
            chunk.push(Value::Object(obj));
            if chunk.len() == CHUNK {
                flush(&mut chunk, &mut invalid, &mut out)?;
            }
        }
    } else {
        let reader: Box<dyn BufRead> = if input.as_os_str() == "-" {
            Box::new(BufReader::new(std::io::stdin()))
        } else {
            Box::new(BufReader::new(std::fs::File::open(input).map_err(|e| {
                format!("cannot read `{}`: {e}", input.display())
            })?))
        };
        for (n, line) in reader.lines().enumerate() {
            let line = line.map_err(|e| e.to_string())?;
            if line.trim().is_empty() {
                continue;
            }
            // A line that is not JSON still gets its own output line, with the error.
            match serde_json::from_str(&line) {
                Ok(v) => chunk.push(v),
                Err(e) => {
                    invalid.insert(
                        chunk.len(),
                        format!("line {} is not valid JSON: {e}", n + 1),
                    );
                    chunk.push(Value::Null);
                }
            }
            if chunk.len() == CHUNK {
                flush(&mut chunk, &mut invalid, &mut out)?;
            }
        }
    }
    if !chunk.is_empty() {
        flush(&mut chunk, &mut invalid, &mut out)?;
    }
    out.flush().map_err(|e| e.to_string())?;
    if progress {
        eprintln!();
    }
    Ok(if errors > 0 {
        3
    } else if hazards > 0 {
        1
    } else if undetermined > 0 {
        2
    } else {
        0
    })
}
