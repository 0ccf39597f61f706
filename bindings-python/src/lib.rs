//! `yinhuan._yinhuan`: the compiled half of the Python package. Conversion only — Python objects
//! to JSON facts, the core's results and errors back to Python — every behaviour lives in the
//! `yinhuan` crate. The pure-Python package `yinhuan` wraps this module with pandas/Arrow glue.
#![forbid(unsafe_code)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod convert;
mod errors;

use std::ops::Range;
use std::path::PathBuf;
use std::thread::ScopedJoinHandle;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};
use serde_json::Value as Json;
use yinhuan::batch::BatchRecord;
use yinhuan::{
    BatchOutput, Date, Error, EvaluateOptions, FactError, Facts, Library, Outcome, Source,
};

// glibc malloc spent half of a batch's time in records built on one thread and freed on another.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Records converted (holding the GIL) while the previous chunk is evaluated.
const CHUNK: usize = 4096;

use crate::errors::guard;

/// A compiled library of standards. Immutable and shareable across threads.
#[pyclass(frozen, name = "Library", module = "yinhuan._yinhuan")]
struct PyLibrary {
    lib: Library,
}

fn parse_date(py: Python<'_>, as_of: Option<&str>) -> PyResult<Date> {
    match as_of {
        None => Ok(yinhuan::today()),
        Some(s) => Date::parse(s.trim()).ok_or_else(|| {
            errors::request_error(py, &yinhuan::RequestError::InvalidDate(s.to_string()))
        }),
    }
}

fn options(
    py: Python<'_>,
    as_of: Option<&str>,
    standards: Option<Vec<String>>,
    allow_superseded: bool,
    explain: bool,
) -> PyResult<EvaluateOptions> {
    let mut o = EvaluateOptions::new(parse_date(py, as_of)?);
    o.standards = standards.unwrap_or_default();
    o.allow_superseded = allow_superseded;
    o.explain = explain;
    Ok(o)
}

fn to_py<T: serde::Serialize>(py: Python<'_>, value: &T) -> PyResult<Py<PyAny>> {
    Ok(pythonize::pythonize(py, value)?.unbind())
}

fn bytes_of<T: Copy, const N: usize>(
    py: Python<'_>,
    v: &[T],
    f: impl Fn(T) -> [u8; N],
) -> Py<PyBytes> {
    let mut out = Vec::with_capacity(v.len() * N);
    for x in v {
        out.extend_from_slice(&f(*x));
    }
    PyBytes::new(py, &out).unbind()
}

impl PyLibrary {
    /// Facts from a dict (or any JSON-like Python value) or from a JSON text.
    fn facts(&self, py: Python<'_>, facts: &Bound<'_, PyAny>) -> PyResult<Facts> {
        let result = if let Ok(text) = facts.cast::<PyString>() {
            Facts::from_str(&self.lib.compiled().schema, &text.to_cow()?)
        } else {
            convert::Converter::default()
                .value(facts, &mut String::new(), 0)
                .and_then(|j| self.lib.facts(&j))
        };
        result.map_err(|e| errors::fact_error(py, &e))
    }

    /// Converts records chunk by chunk (holding the GIL) while the previous chunk is evaluated on
    /// other threads by `Library::evaluate_batch` (the GIL released), then lays the results out
    /// in long form. `convert(range)` converts the records of `range`.
    fn batch(
        &self,
        py: Python<'_>,
        n: usize,
        convert: &mut dyn FnMut(Range<usize>) -> PyResult<Vec<Result<Json, FactError>>>,
        opts: EvaluateOptions,
        threads: usize,
    ) -> PyResult<Py<PyDict>> {
        let lib = &self.lib;
        let rules = lib.batch_rules(&opts).map_err(|e| errors::error(py, &e))?;
        let mut records: Vec<BatchRecord> = Vec::with_capacity(n);
        // A record that could not be converted is evaluated as `null` and reported with the
        // conversion's error.
        let mut failed: Vec<Option<FactError>> = Vec::with_capacity(n);
        let opts = &opts;
        std::thread::scope(|s| -> PyResult<()> {
            let mut pending: Option<ScopedJoinHandle<'_, Result<BatchOutput, Error>>> = None;
            let mut start = 0;
            loop {
                let next = if start < n {
                    let end = (start + CHUNK).min(n);
                    let chunk = convert(start..end)?;
                    start = end;
                    Some(chunk)
                } else {
                    None
                };
                if let Some(handle) = pending.take() {
                    let out = py
                        .detach(|| handle.join())
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                        .map_err(|e| errors::error(py, &e))?;
                    records.extend(out.records);
                }
                let Some(chunk) = next else { break };
                let mut json = Vec::with_capacity(chunk.len());
                for r in chunk {
                    match r {
                        Ok(j) => {
                            failed.push(None);
                            json.push(j);
                        }
                        Err(e) => {
                            failed.push(Some(e));
                            json.push(Json::Null);
                        }
                    }
                }
                pending = Some(s.spawn(move || lib.evaluate_batch(&json, opts, threads)));
            }
            Ok(())
        })?;
        let out = BatchOutput { rules, records };
        let long = py
            .detach(|| LongForm::build(&out, &failed))
            .map_err(|e| errors::error(py, &e))?;
        long.into_py(py, &out.rules)
    }
}

/// One row per (record, rule), or one row for a rejected record, as flat little-endian buffers.
#[derive(Default)]
struct LongForm {
    record: Vec<u32>,
    rule: Vec<i32>,
    outcome: Vec<u8>,
    cit_offsets: Vec<i32>,
    cit_values: Vec<u32>,
    cit_dict: Vec<String>,
    miss_offsets: Vec<i32>,
    miss_values: Vec<String>,
    /// (row, code, path, expected, received, message)
    errors: Vec<(u32, &'static str, String, String, String, String)>,
}

fn outcome_code(o: Outcome) -> u8 {
    match o {
        Outcome::Hazard => 0,
        Outcome::Clear => 1,
        Outcome::Undetermined => 2,
        Outcome::NotApplicable => 3,
    }
}

fn offset(n: usize) -> Result<i32, Error> {
    // Arrow list offsets are 32-bit; a batch this large must be split by the caller.
    i32::try_from(n).map_err(|_| {
        Error::Fact(FactError::new(
            yinhuan::FactErrorKind::LimitExceeded,
            "",
            "fewer than 2^31 citations or missing facts in one batch (split the batch)",
            format!("{n}"),
        ))
    })
}

impl LongForm {
    fn build(out: &yinhuan::BatchOutput, failed: &[Option<FactError>]) -> Result<LongForm, Error> {
        let mut lf = LongForm::default();
        let mut dict: std::collections::HashMap<String, u32> = Default::default();
        let mut intern = |lf: &mut LongForm, c: &str| -> u32 {
            if let Some(i) = dict.get(c) {
                return *i;
            }
            let i = lf.cit_dict.len() as u32;
            lf.cit_dict.push(c.to_string());
            dict.insert(c.to_string(), i);
            i
        };
        let base: Vec<Vec<u32>> = out
            .rules
            .iter()
            .map(|r| r.citations.iter().map(|c| intern(&mut lf, c)).collect())
            .collect();
        let rows = out
            .records
            .iter()
            .map(|r| r.as_ref().map_or(1, Vec::len))
            .sum();
        lf.record.reserve(rows);
        lf.rule.reserve(rows);
        lf.outcome.reserve(rows);
        lf.cit_offsets.reserve(rows + 1);
        lf.miss_offsets.reserve(rows + 1);
        lf.cit_offsets.push(0);
        lf.miss_offsets.push(0);
        for (ri, result) in out.records.iter().enumerate() {
            let rejected = match (failed.get(ri), result) {
                (Some(Some(conv)), _) => Some(Error::Fact(conv.clone())),
                (_, Err(e)) => Some(e.clone()),
                (_, Ok(cells)) if cells.len() != out.rules.len() => {
                    return Err(Error::Fact(FactError::new(
                        yinhuan::FactErrorKind::LimitExceeded,
                        "",
                        format!("{} results per record", out.rules.len()),
                        format!("{} for record {ri}", cells.len()),
                    )))
                }
                _ => None,
            };
            if let Some(e) = rejected {
                let row = lf.record.len() as u32;
                lf.record.push(ri as u32);
                lf.rule.push(-1);
                lf.outcome.push(4);
                lf.cit_offsets.push(offset(lf.cit_values.len())?);
                lf.miss_offsets.push(offset(lf.miss_values.len())?);
                let (path, expected, received) = match &e {
                    Error::Fact(f) => (f.path.clone(), f.expected.clone(), f.received.clone()),
                    _ => Default::default(),
                };
                lf.errors
                    .push((row, e.code(), path, expected, received, e.to_string()));
                continue;
            }
            let Ok(cells) = result else { continue };
            for (k, (cell, cits)) in cells.iter().zip(&base).enumerate() {
                lf.record.push(ri as u32);
                lf.rule.push(k as i32);
                lf.outcome.push(outcome_code(cell.outcome));
                lf.cit_values.extend_from_slice(cits);
                for c in &cell.extra_citations {
                    let i = intern(&mut lf, c);
                    lf.cit_values.push(i);
                }
                lf.cit_offsets.push(offset(lf.cit_values.len())?);
                lf.miss_values.extend(cell.missing.iter().cloned());
                lf.miss_offsets.push(offset(lf.miss_values.len())?);
            }
        }
        Ok(lf)
    }

    fn into_py(self, py: Python<'_>, rules: &[yinhuan::BatchRule]) -> PyResult<Py<PyDict>> {
        let d = PyDict::new(py);
        d.set_item("rules", to_py(py, &rules)?)?;
        d.set_item("rows", self.record.len())?;
        d.set_item("record", bytes_of(py, &self.record, u32::to_le_bytes))?;
        d.set_item("rule", bytes_of(py, &self.rule, i32::to_le_bytes))?;
        d.set_item("outcome", PyBytes::new(py, &self.outcome))?;
        d.set_item(
            "cit_offsets",
            bytes_of(py, &self.cit_offsets, i32::to_le_bytes),
        )?;
        d.set_item(
            "cit_values",
            bytes_of(py, &self.cit_values, u32::to_le_bytes),
        )?;
        d.set_item("cit_dict", PyList::new(py, &self.cit_dict)?)?;
        d.set_item(
            "miss_offsets",
            bytes_of(py, &self.miss_offsets, i32::to_le_bytes),
        )?;
        d.set_item("miss_values", PyList::new(py, &self.miss_values)?)?;
        d.set_item("errors", PyList::new(py, &self.errors)?)?;
        Ok(d.unbind())
    }
}

#[pymethods]
impl PyLibrary {
    /// The standards compiled into the extension.
    #[staticmethod]
    fn embedded(py: Python<'_>) -> PyResult<Self> {
        guard(py, || {
            Library::embedded()
                .map(|lib| PyLibrary { lib })
                .map_err(|e| errors::compile_error(py, &e))
        })
    }

    /// Compiles `.yh` files; directories are searched recursively.
    #[staticmethod]
    fn from_paths(py: Python<'_>, paths: Vec<PathBuf>) -> PyResult<Self> {
        guard(py, || {
            py.detach(|| Library::from_paths(&paths))
                .map(|lib| PyLibrary { lib })
                .map_err(|e| errors::compile_error(py, &e))
        })
    }

    /// Compiles rule sources given as `(name, text)` pairs.
    #[staticmethod]
    fn from_sources(py: Python<'_>, sources: Vec<(String, String)>) -> PyResult<Self> {
        guard(py, || {
            let sources: Vec<Source> = sources
                .into_iter()
                .map(|(name, text)| Source { name, text })
                .collect();
            py.detach(|| Library::from_sources(&sources))
                .map(|lib| PyLibrary { lib })
                .map_err(|e| errors::compile_error(py, &e))
        })
    }

    /// The sources `embedded()` compiles, as `(name, text)` pairs.
    #[staticmethod]
    fn embedded_sources(py: Python<'_>) -> PyResult<Vec<(String, String)>> {
        guard(py, || {
            Ok(Library::embedded_sources()
                .into_iter()
                .map(|s| (s.name, s.text))
                .collect())
        })
    }

    /// Evaluates one enterprise; the report stays in Rust until its parts are asked for.
    #[pyo3(signature = (facts, as_of=None, standards=None, allow_superseded=false, explain=true))]
    fn evaluate(
        &self,
        py: Python<'_>,
        facts: &Bound<'_, PyAny>,
        as_of: Option<&str>,
        standards: Option<Vec<String>>,
        allow_superseded: bool,
        explain: bool,
    ) -> PyResult<PyReport> {
        guard(py, || {
            let opts = options(py, as_of, standards, allow_superseded, explain)?;
            let facts = self.facts(py, facts)?;
            let lib = &self.lib;
            let report = py
                .detach(|| lib.evaluate(&facts, &opts))
                .map_err(|e| errors::error(py, &e))?;
            Ok(PyReport { report })
        })
    }

    /// The facts still needed to decide every rule evaluated.
    #[pyo3(signature = (facts, as_of=None, standards=None, allow_superseded=false))]
    fn questions(
        &self,
        py: Python<'_>,
        facts: &Bound<'_, PyAny>,
        as_of: Option<&str>,
        standards: Option<Vec<String>>,
        allow_superseded: bool,
    ) -> PyResult<Py<PyAny>> {
        guard(py, || {
            let opts = options(py, as_of, standards, allow_superseded, false)?;
            let facts = self.facts(py, facts)?;
            let q = self
                .lib
                .questions(&facts, &opts)
                .map_err(|e| errors::error(py, &e))?;
            to_py(py, &q)
        })
    }

    /// Every standard with its status on `as_of`.
    #[pyo3(signature = (as_of=None))]
    fn standards(&self, py: Python<'_>, as_of: Option<&str>) -> PyResult<Py<PyAny>> {
        guard(py, || {
            to_py(py, &self.lib.standards(parse_date(py, as_of)?))
        })
    }

    /// The rules and gaps of a standard.
    fn rules(&self, py: Python<'_>, standard: &str) -> PyResult<Py<PyAny>> {
        guard(py, || {
            let r = self
                .lib
                .rules(standard)
                .map_err(|e| errors::request_error(py, &e))?;
            to_py(py, &r)
        })
    }

    /// One rule: citation, provenance, source and the facts it reads.
    fn explain_rule(&self, py: Python<'_>, rule: &str) -> PyResult<Py<PyAny>> {
        guard(py, || {
            let r = self
                .lib
                .explain_rule(rule)
                .map_err(|e| errors::request_error(py, &e))?;
            to_py(py, &r)
        })
    }

    /// JSON Schema of the facts (of one standard's rules, or all).
    #[pyo3(signature = (standard=None))]
    fn schema(&self, py: Python<'_>, standard: Option<&str>) -> PyResult<Py<PyAny>> {
        guard(py, || {
            let s = self
                .lib
                .schema(standard)
                .map_err(|e| errors::request_error(py, &e))?;
            to_py(py, &s)
        })
    }

    /// Batch from a sequence of dicts; keys in `drop` are not facts (e.g. a foreign id column).
    #[pyo3(signature = (records, drop, as_of=None, standards=None, allow_superseded=false, threads=0))]
    #[allow(clippy::too_many_arguments)]
    fn batch_records(
        &self,
        py: Python<'_>,
        records: &Bound<'_, PyList>,
        drop: Vec<String>,
        as_of: Option<&str>,
        standards: Option<Vec<String>>,
        allow_superseded: bool,
        threads: usize,
    ) -> PyResult<Py<PyDict>> {
        guard(py, || {
            let opts = options(py, as_of, standards, allow_superseded, false)?;
            let mut converter = convert::Converter::default();
            let mut convert = |range: Range<usize>| -> PyResult<Vec<Result<Json, FactError>>> {
                let mut out = Vec::with_capacity(range.len());
                for i in range {
                    let item = records.get_item(i)?;
                    let mut path = String::new();
                    out.push(match item.cast::<PyDict>() {
                        Ok(d) => converter.object(d, &mut path, 0, &drop).map(Json::Object),
                        Err(_) => converter.value(&item, &mut path, 0),
                    });
                }
                Ok(out)
            };
            self.batch(py, records.len(), &mut convert, opts, threads)
        })
    }

    /// Batch from columns: `names[j]` holds `columns[j]`, a list with one value per record. A null
    /// cell of a column in `sparse` is left out of its record (absent and null both mean unknown);
    /// other columns keep their nulls, so that the core still reports a column that is no fact.
    #[pyo3(signature = (names, columns, drop, sparse, as_of=None, standards=None, allow_superseded=false, threads=0))]
    #[allow(clippy::too_many_arguments)]
    fn batch_columns(
        &self,
        py: Python<'_>,
        names: Vec<String>,
        columns: Vec<Bound<'_, PyList>>,
        drop: Vec<String>,
        sparse: Vec<String>,
        as_of: Option<&str>,
        standards: Option<Vec<String>>,
        allow_superseded: bool,
        threads: usize,
    ) -> PyResult<Py<PyDict>> {
        guard(py, || {
            let opts = options(py, as_of, standards, allow_superseded, false)?;
            if names.len() != columns.len() {
                return Err(pyo3::exceptions::PyValueError::new_err(
                    "names and columns differ in length",
                ));
            }
            let n = columns.first().map_or(0, |c| c.len());
            if columns.iter().any(|c| c.len() != n) {
                return Err(pyo3::exceptions::PyValueError::new_err(
                    "columns differ in length",
                ));
            }
            let mut converter = convert::Converter::default();
            let mut convert = |range: Range<usize>| -> PyResult<Vec<Result<Json, FactError>>> {
                let mut out: Vec<Result<Json, FactError>> = range
                    .clone()
                    .map(|_| Ok(Json::Object(Default::default())))
                    .collect();
                for (name, col) in names.iter().zip(&columns) {
                    if drop.contains(name) {
                        continue;
                    }
                    let sparse = sparse.contains(name);
                    for (slot, i) in out.iter_mut().zip(range.clone()) {
                        let Ok(Json::Object(map)) = slot else {
                            continue;
                        };
                        let value = col.get_item(i)?;
                        let mut path = String::new();
                        convert::push_token(&mut path, name);
                        match converter.value(&value, &mut path, 1) {
                            Ok(Json::Null) if sparse => {}
                            Ok(v) => {
                                map.insert(name.clone(), v);
                            }
                            Err(e) => *slot = Err(e),
                        }
                    }
                }
                Ok(out)
            };
            self.batch(py, n, &mut convert, opts, threads)
        })
    }

    fn __repr__(&self) -> String {
        let c = self.lib.compiled();
        format!(
            "<yinhuan._yinhuan.Library: {} standard(s), {} rule(s)>",
            c.standards.len(),
            c.rules.len()
        )
    }
}

/// A report held in Rust: converted to Python part by part, on demand (`yinhuan.Report` wraps it).
#[pyclass(frozen, name = "RawReport", module = "yinhuan._yinhuan")]
struct PyReport {
    report: yinhuan::Report,
}

#[pymethods]
impl PyReport {
    /// One top-level part of the report as Python objects (`findings`, `summary`, …).
    fn part(&self, py: Python<'_>, name: &str) -> PyResult<Py<PyAny>> {
        guard(py, || {
            let r = &self.report;
            match name {
                "schema_version" => to_py(py, &r.schema_version),
                "as_of" => to_py(py, &r.as_of),
                "enterprise" => to_py(py, &r.enterprise),
                "summary" => to_py(py, &r.summary),
                "standards" => to_py(py, &r.standards),
                "notices" => to_py(py, &r.notices),
                "findings" => to_py(py, &r.findings),
                "outputs" => to_py(py, &r.outputs),
                "questions" => to_py(py, &r.questions),
                _ => Err(pyo3::exceptions::PyKeyError::new_err(name.to_string())),
            }
        })
    }

    /// The findings with one outcome (`hazard`, `undetermined`, …).
    fn findings_with(&self, py: Python<'_>, outcome: &str) -> PyResult<Py<PyAny>> {
        guard(py, || {
            let picked: Vec<&yinhuan::Finding> = self
                .report
                .findings
                .iter()
                .filter(|f| f.outcome.as_str() == outcome)
                .collect();
            to_py(py, &picked)
        })
    }

    /// The report as JSON text, exactly as the core serialises it; `indent` spaces per level.
    #[pyo3(signature = (indent=None))]
    fn to_json(&self, py: Python<'_>, indent: Option<usize>) -> PyResult<String> {
        guard(py, || {
            let text = match indent {
                None => serde_json::to_vec(&self.report),
                Some(n) => {
                    let pad = vec![b' '; n];
                    let mut out = Vec::new();
                    let fmt = serde_json::ser::PrettyFormatter::with_indent(&pad);
                    let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
                    serde::Serialize::serialize(&self.report, &mut ser).map(|_| out)
                }
            };
            text.map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
                .and_then(|t| {
                    String::from_utf8(t)
                        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
                })
        })
    }
}

/// The hazard ledger's measures for each date in `dates` (see `yinhuan::ledger`): the records are
/// converted once, then measured as of every date.
#[pyfunction]
fn ledger(py: Python<'_>, records: &Bound<'_, PyList>, dates: Vec<String>) -> PyResult<Py<PyAny>> {
    guard(py, || {
        let mut conv = convert::Converter::default();
        let mut rows = Vec::with_capacity(records.len());
        for (i, r) in records.iter().enumerate() {
            let mut path = format!("/{i}");
            rows.push(
                conv.value(&r, &mut path, 0)
                    .map_err(|e| errors::fact_error(py, &e))?,
            );
        }
        let dates = dates
            .iter()
            .map(|d| parse_date(py, Some(d)))
            .collect::<PyResult<Vec<Date>>>()?;
        let (recs, problems) = yinhuan::ledger::records_from_json(&rows);
        let reports: Vec<_> = py.detach(|| {
            dates
                .iter()
                .map(|d| yinhuan::ledger::compute(&recs, problems.clone(), *d))
                .collect()
        });
        to_py(py, &reports)
    })
}

/// Raises a Rust panic inside the guard: lets the tests prove that no panic crosses into Python.
#[pyfunction]
fn _panic_for_test(py: Python<'_>) -> PyResult<()> {
    guard(py, || -> PyResult<()> {
        #[allow(clippy::panic)]
        {
            panic!("deliberate panic for the test suite")
        }
    })
}

#[pymodule]
fn _yinhuan(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyLibrary>()?;
    m.add_class::<PyReport>()?;
    m.add_function(wrap_pyfunction!(_panic_for_test, m)?)?;
    m.add_function(wrap_pyfunction!(ledger, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
