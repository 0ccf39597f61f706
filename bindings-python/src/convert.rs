//! Python objects to JSON values: the only shape the core reads facts in.
//!
//! `None`, NaN, `pandas.NA` and `pandas.NaT` become `null` (an unknown fact). Everything the core
//! would reject is passed on unchanged so that the core reports it; only values JSON cannot hold
//! (an infinite float, a set, bytes, …) are refused here, as `E0300` with the JSON pointer.

use std::collections::HashMap;

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value as Json};
use yinhuan::{FactError, FactErrorKind};

/// Deepest nesting of lists and objects accepted (a self-containing list must not overflow the stack).
const MAX_DEPTH: usize = 100;

/// A JSON pointer token for `key` appended to `path`.
pub fn push_token(path: &mut String, key: &str) {
    path.push('/');
    for c in key.chars() {
        match c {
            '~' => path.push_str("~0"),
            '/' => path.push_str("~1"),
            c => path.push(c),
        }
    }
}

fn refuse(path: &str, obj: &Bound<'_, PyAny>, why: Option<String>) -> FactError {
    let ty = obj
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into());
    let at = if path.is_empty() {
        String::new()
    } else {
        format!(" at `{path}`")
    };
    let received = match why {
        Some(w) => format!("a Python `{ty}`{at} ({w})"),
        None => format!("a Python `{ty}`{at}"),
    };
    FactError::new(
        FactErrorKind::InvalidJson,
        path,
        "None, bool, int, float, str, date, list or dict",
        received,
    )
}

/// Converts Python values to JSON, remembering the text of the strings it has seen: the records of
/// a batch often share their key (and many value) objects — interned names, one template's values.
#[derive(Default)]
pub struct Converter<'py> {
    /// String object address → (the object, kept alive so the address stays its own; its text).
    strings: HashMap<usize, (Bound<'py, PyString>, String)>,
}

/// Strings remembered by one converter at most.
const MAX_REMEMBERED: usize = 1 << 16;

impl<'py> Converter<'py> {
    fn text(&mut self, s: &Bound<'py, PyString>) -> PyResult<String> {
        let key = s.as_ptr() as usize;
        if let Some((_, text)) = self.strings.get(&key) {
            return Ok(text.clone());
        }
        let text = s.to_cow()?.into_owned();
        if self.strings.len() < MAX_REMEMBERED {
            self.strings.insert(key, (s.clone(), text.clone()));
        }
        Ok(text)
    }

    /// Converts one Python value to JSON. `path` is the JSON pointer of `obj` (restored on return).
    pub fn value(
        &mut self,
        obj: &Bound<'py, PyAny>,
        path: &mut String,
        depth: usize,
    ) -> Result<Json, FactError> {
        if depth > MAX_DEPTH {
            return Err(FactError::new(
                FactErrorKind::LimitExceeded,
                path,
                format!("at most {MAX_DEPTH} levels of nested lists and objects"),
                "deeper nesting",
            ));
        }
        if obj.is_none() {
            return Ok(Json::Null);
        }
        if let Ok(s) = obj.cast::<PyString>() {
            return self
                .text(s)
                .map(Json::String)
                .map_err(|e| refuse(path, obj, Some(e.to_string())));
        }
        if let Ok(b) = obj.cast::<PyBool>() {
            return Ok(Json::Bool(b.is_true()));
        }
        if obj.is_instance_of::<PyInt>() {
            if let Ok(i) = obj.extract::<i64>() {
                return Ok(Json::from(i));
            }
            if let Ok(u) = obj.extract::<u64>() {
                return Ok(Json::from(u));
            }
            // Beyond 64 bits: the digits, which the core reads (and bounds) like any number.
            return obj
                .str()
                .map(|s| Json::String(s.to_string()))
                .map_err(|e| refuse(path, obj, Some(e.to_string())));
        }
        if let Ok(f) = obj.cast::<PyFloat>() {
            let v = f.value();
            if v.is_nan() {
                return Ok(Json::Null);
            }
            return Number::from_f64(v)
                .map(Json::Number)
                .ok_or_else(|| refuse(path, obj, Some(format!("{v} is not a finite number"))));
        }
        if let Ok(d) = obj.cast::<PyDict>() {
            return self.object(d, path, depth, &[]).map(Json::Object);
        }
        if let Ok(l) = obj.cast::<PyList>() {
            return self.array(l.iter(), path, depth);
        }
        if let Ok(t) = obj.cast::<PyTuple>() {
            return self.array(t.iter(), path, depth);
        }
        self.other(obj, path, depth)
    }

    fn array(
        &mut self,
        items: impl Iterator<Item = Bound<'py, PyAny>>,
        path: &mut String,
        depth: usize,
    ) -> Result<Json, FactError> {
        let mut out = Vec::new();
        for (i, item) in items.enumerate() {
            let len = path.len();
            path.push('/');
            path.push_str(&i.to_string());
            let v = self.value(&item, path, depth + 1)?;
            path.truncate(len);
            out.push(v);
        }
        Ok(Json::Array(out))
    }

    /// A dict to a JSON object, leaving out the keys in `skip`.
    pub fn object(
        &mut self,
        d: &Bound<'py, PyDict>,
        path: &mut String,
        depth: usize,
        skip: &[String],
    ) -> Result<Map<String, Json>, FactError> {
        let mut map = Map::new();
        for (k, v) in d.iter() {
            let Ok(key) = k.cast::<PyString>() else {
                return Err(refuse(
                    path,
                    &k,
                    Some("keys of a fact object must be strings".into()),
                ));
            };
            let key = self
                .text(key)
                .map_err(|e| refuse(path, &k, Some(e.to_string())))?;
            if skip.contains(&key) {
                continue;
            }
            let len = path.len();
            push_token(path, &key);
            let value = self.value(&v, path, depth + 1)?;
            path.truncate(len);
            map.insert(key, value);
        }
        Ok(map)
    }

    /// The rarer types: pandas' missing markers, dates, `Decimal`, NumPy scalars and arrays, mappings.
    fn other(
        &mut self,
        obj: &Bound<'py, PyAny>,
        path: &mut String,
        depth: usize,
    ) -> Result<Json, FactError> {
        let py = obj.py();
        let ty = obj.get_type();
        let name = ty.name().map(|n| n.to_string()).unwrap_or_default();
        if name == "NAType" || name == "NaTType" {
            return Ok(Json::Null);
        }
        let err = |e: PyErr| refuse(path, obj, Some(e.to_string()));
        let datetime = py.import("datetime").map_err(err)?;
        let dt_type = datetime.getattr("datetime").map_err(err)?;
        if obj.is_instance(&dt_type).map_err(err)? {
            // A timestamp at midnight with no zone is a date (what pandas makes of a date column);
            // anything else keeps its time, and the core rejects it where a date is expected.
            let midnight = obj
                .call_method0("time")
                .and_then(|t| t.str())
                .and_then(|s| s.to_cow().map(|c| c == "00:00:00"))
                .map_err(err)?;
            let naive = obj.getattr("tzinfo").map(|t| t.is_none()).map_err(err)?;
            let target = if midnight && naive {
                obj.call_method0("date").map_err(err)?
            } else {
                obj.clone()
            };
            let iso = target.call_method0("isoformat").map_err(err)?;
            return Ok(Json::String(iso.to_string()));
        }
        let date_type = datetime.getattr("date").map_err(err)?;
        if obj.is_instance(&date_type).map_err(err)? {
            let iso = obj.call_method0("isoformat").map_err(err)?;
            return Ok(Json::String(iso.to_string()));
        }
        if name == "Decimal" {
            if obj
                .call_method0("is_nan")
                .and_then(|b| b.is_truthy())
                .map_err(err)?
            {
                return Ok(Json::Null);
            }
            return Ok(Json::String(obj.str().map_err(err)?.to_string()));
        }
        // NumPy scalars (`numpy.int64`, `numpy.bool_`, …) and arrays (list cells read from Parquet).
        for method in ["item", "tolist"] {
            if obj.hasattr(method).unwrap_or(false) {
                let plain = obj.call_method0(method).map_err(err)?;
                if plain.get_type().is(&ty) {
                    break;
                }
                return self.value(&plain, path, depth + 1);
            }
        }
        if let Ok(m) = obj.cast::<pyo3::types::PyMapping>() {
            let d = PyDict::new(py);
            for item in m.items().map_err(err)?.iter() {
                let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract().map_err(err)?;
                d.set_item(k, v).map_err(err)?;
            }
            return self.object(&d, path, depth, &[]).map(Json::Object);
        }
        Err(refuse(path, obj, None))
    }
}
