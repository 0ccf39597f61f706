//! The core's errors as the Python exceptions of `yinhuan.errors`, and the panic guard every entry
//! point runs inside.

use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use yinhuan::{CompileError, Error, FactError, RequestError};

/// Instantiates `yinhuan.errors.<class>(message, **kwargs)` as a `PyErr`.
fn raise(py: Python<'_>, class: &str, message: String, kwargs: &Bound<'_, PyDict>) -> PyErr {
    let made = py
        .import("yinhuan.errors")
        .and_then(|m| m.getattr(class))
        .and_then(|c| c.call((message.clone(),), Some(kwargs)));
    match made {
        Ok(exc) => PyErr::from_value(exc),
        // The Python half of the package is missing: still raise something readable.
        Err(e) => PyRuntimeError::new_err(format!("{message} (and yinhuan.errors failed: {e})")),
    }
}

pub fn fact_error(py: Python<'_>, e: &FactError) -> PyErr {
    let kw = PyDict::new(py);
    let set = || -> PyResult<()> {
        kw.set_item("code", e.code)?;
        kw.set_item("kind", pythonize::pythonize(py, &e.kind)?)?;
        kw.set_item("path", &e.path)?;
        kw.set_item("expected", &e.expected)?;
        kw.set_item("received", &e.received)?;
        Ok(())
    };
    if let Err(err) = set() {
        return err;
    }
    raise(py, "FactError", e.message.clone(), &kw)
}

pub fn compile_error(py: Python<'_>, e: &CompileError) -> PyErr {
    let kw = PyDict::new(py);
    let set = || -> PyResult<()> {
        let diags = PyList::empty(py);
        for d in &e.diagnostics {
            let item = PyDict::new(py);
            item.set_item("code", d.code)?;
            item.set_item("message", &d.message)?;
            item.set_item("file", &d.file)?;
            item.set_item("line", d.line)?;
            item.set_item("column", d.column)?;
            item.set_item("rendered", d.to_string())?;
            diags.append(item)?;
        }
        kw.set_item("code", e.diagnostics.first().map_or("E0100", |d| d.code))?;
        kw.set_item("diagnostics", diags)?;
        Ok(())
    };
    if let Err(err) = set() {
        return err;
    }
    raise(py, "CompileError", e.to_string(), &kw)
}

pub fn request_error(py: Python<'_>, e: &RequestError) -> PyErr {
    let kw = PyDict::new(py);
    if let Err(err) = kw.set_item("code", e.code()) {
        return err;
    }
    raise(py, "RequestError", e.to_string(), &kw)
}

pub fn error(py: Python<'_>, e: &Error) -> PyErr {
    match e {
        Error::Compile(c) => compile_error(py, c),
        Error::Fact(f) => fact_error(py, f),
        Error::Request(r) => request_error(py, r),
        Error::Eval(ev) => {
            let kw = PyDict::new(py);
            if let Err(err) = kw.set_item("code", ev.code()) {
                return err;
            }
            raise(py, "EvalError", ev.to_string(), &kw)
        }
    }
}

/// Runs `f`, turning a panic into `yinhuan.errors.InternalError` so none crosses into Python.
pub fn guard<T>(py: Python<'_>, f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            let kw = PyDict::new(py);
            kw.set_item("code", "internal")?;
            Err(raise(
                py,
                "InternalError",
                format!("internal error in the yinhuan engine (please report it): {what}"),
                &kw,
            ))
        }
    }
}
