//! WebAssembly bindings of `yinhuan` for browsers and Node.js (wasm-bindgen).
//!
//! A thin conversion layer: JavaScript values in, `yinhuan` called, plain JavaScript objects (the
//! report JSON) out. Facts cross the boundary as JSON text (`JSON.stringify` on the JavaScript side,
//! `serde_json` with its nesting limit on ours), results as JSON text parsed by `JSON.parse`. Errors
//! are thrown as `Error` objects with a stable `code` and the details of the failure.
//!
//! `wasm32-unknown-unknown` aborts on panic (no unwinding, so `catch_unwind` cannot help). The core
//! is written not to panic; as a last line of defence a panic hook turns a panic into a thrown
//! `Error` with code `ERR_INTERNAL` instead of an opaque `unreachable` trap, and every later call
//! throws the same until the module is reloaded.
#![forbid(unsafe_code)]

pub mod api;

use std::sync::atomic::{AtomicBool, Ordering};

use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use api::{Failure, Options};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = include_str!("types.d.ts");

/// Set when a panic reached the hook: the module's state can no longer be trusted.
static POISONED: AtomicBool = AtomicBool::new(false);

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen(start, js_name = __yinhuanStart, skip_typescript)]
fn start() {
    std::panic::set_hook(Box::new(|info| {
        POISONED.store(true, Ordering::SeqCst);
        let f = Failure::internal(format!(
            "yinhuan: internal error (a panic in the WebAssembly module: {info}); reload the module to continue"
        ));
        wasm_bindgen::throw_val(to_js_error(&f));
    }));
}

/// The `Error` (or `TypeError`) object thrown for a failure.
fn to_js_error(f: &Failure) -> JsValue {
    let err: js_sys::Error = if f.type_error {
        js_sys::TypeError::new(&f.message).unchecked_into()
    } else {
        js_sys::Error::new(&f.message)
    };
    if let Ok(text) = serde_json::to_string(&f.props) {
        if let Ok(props) = JSON::parse(&text) {
            if let Some(props) = props.dyn_ref::<Object>() {
                Object::assign(err.unchecked_ref::<Object>(), props);
            }
        }
    }
    err.into()
}

fn fail(f: Failure) -> JsValue {
    to_js_error(&f)
}

fn guard() -> Result<(), JsValue> {
    if POISONED.load(Ordering::SeqCst) {
        return Err(fail(Failure::internal(
            "yinhuan: an earlier call panicked inside the WebAssembly module; reload the module to continue",
        )));
    }
    Ok(())
}

/// JSON text produced by the core, as a plain JavaScript value.
fn parsed(text: Result<String, Failure>) -> Result<JsValue, JsValue> {
    let text = text.map_err(fail)?;
    JSON::parse(&text)
}

/// The local calendar date of the JavaScript clock (the inspector's today).
fn today() -> Result<yinhuan::Date, JsValue> {
    let now = js_sys::Date::new_0();
    date_of(&now)
}

fn date_of(d: &js_sys::Date) -> Result<yinhuan::Date, JsValue> {
    let (y, m, day) = (d.get_full_year(), d.get_month(), d.get_date());
    if y > 9999 || !(0..12).contains(&m) || day == 0 {
        return Err(fail(Failure::invalid_arg("asOf is not a valid date")));
    }
    yinhuan::Date::from_ymd(y as i32, m + 1, day)
        .ok_or_else(|| fail(Failure::invalid_arg("asOf is not a valid date")))
}

/// `asOf`: a `YYYY-MM-DD` string or a `Date`; `undefined`/`null` mean today.
fn as_of(v: &JsValue) -> Result<yinhuan::Date, JsValue> {
    if v.is_undefined() || v.is_null() {
        return today();
    }
    if let Some(s) = v.as_string() {
        return api::parse_date(&s).map_err(fail);
    }
    if let Some(d) = v.dyn_ref::<js_sys::Date>() {
        return date_of(d);
    }
    Err(fail(Failure::invalid_arg(
        "asOf must be a date string of the form YYYY-MM-DD or a Date",
    )))
}

/// Reads an options object, rejecting keys not in `allowed` so that a misspelt option is not
/// silently ignored.
fn options(v: &JsValue, allowed: &[&str]) -> Result<Options, JsValue> {
    let listed = allowed.join(", ");
    if v.is_undefined() || v.is_null() {
        return Ok(Options::new(today()?));
    }
    if !v.is_object() || Array::is_array(v) {
        return Err(fail(Failure::invalid_arg(format!(
            "options must be an object with the keys {listed}"
        ))));
    }
    let obj: &Object = v.unchecked_ref();
    for key in Object::keys(obj).iter() {
        let key = key.as_string().unwrap_or_default();
        if !allowed.contains(&key.as_str()) {
            return Err(fail(Failure::invalid_arg(format!(
                "unknown option `{key}`; the options are {listed}"
            ))));
        }
    }
    let get = |k: &str| Reflect::get(v, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
    let mut o = Options::new(as_of(&get("asOf"))?);
    let standards = get("standards");
    if let Some(s) = standards.as_string() {
        o.standards = vec![s];
    } else if Array::is_array(&standards) {
        let arr: &Array = standards.unchecked_ref();
        o.standards = arr
            .iter()
            .map(|s| {
                s.as_string().ok_or_else(|| {
                    fail(Failure::invalid_arg(
                        "standards must be a standard id or an array of standard ids",
                    ))
                })
            })
            .collect::<Result<_, _>>()?;
    } else if !(standards.is_undefined() || standards.is_null()) {
        return Err(fail(Failure::invalid_arg(
            "standards must be a standard id or an array of standard ids",
        )));
    }
    let flag = |k: &str, default: bool| -> Result<bool, JsValue> {
        let v = get(k);
        if v.is_undefined() || v.is_null() {
            return Ok(default);
        }
        v.as_bool()
            .ok_or_else(|| fail(Failure::invalid_arg(format!("{k} must be true or false"))))
    };
    if allowed.contains(&"allowSuperseded") {
        o.allow_superseded = flag("allowSuperseded", o.allow_superseded)?;
    }
    if allowed.contains(&"explain") {
        o.explain = flag("explain", o.explain)?;
    }
    Ok(o)
}

/// Facts as JSON text: a string is taken as JSON text; anything else goes through
/// `JSON.stringify`, with non-finite numbers kept as the strings `"NaN"`/`"Infinity"` (so the core
/// rejects them with their path instead of reading them as unknown) and `BigInt`s as exact decimal
/// strings. A cycle, or nesting too deep for `JSON.stringify`, becomes an `E0300` error.
fn facts_text(v: &JsValue) -> Result<String, JsValue> {
    if let Some(s) = v.as_string() {
        return Ok(s);
    }
    if v.is_undefined() || v.is_function() || v.is_symbol() {
        return Err(fail(Failure::invalid_arg(
            "facts must be an object (the enterprise) or its JSON text",
        )));
    }
    let replacer = Closure::<dyn FnMut(JsValue, JsValue) -> JsValue>::new(
        |_key: JsValue, value: JsValue| -> JsValue {
            if let Some(n) = value.as_f64() {
                if !n.is_finite() {
                    return JsValue::from_str(if n.is_nan() {
                        "NaN"
                    } else if n > 0.0 {
                        "Infinity"
                    } else {
                        "-Infinity"
                    });
                }
            } else if value.is_bigint() {
                let text = value
                    .dyn_ref::<js_sys::BigInt>()
                    .and_then(|b| b.to_string(10).ok())
                    .and_then(|s| s.as_string());
                if let Some(text) = text {
                    return JsValue::from_str(&text);
                }
            }
            value
        },
    );
    match JSON::stringify_with_replacer(v, replacer.as_ref()) {
        Ok(s) => s.as_string().ok_or_else(|| {
            fail(Failure::invalid_arg(
                "facts must be an object (the enterprise) or its JSON text",
            ))
        }),
        Err(e) => {
            let reason = e
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .unwrap_or_else(|| "JSON.stringify failed".into());
            Err(fail(
                yinhuan::FactError::new(
                    yinhuan::FactErrorKind::InvalidJson,
                    "",
                    "JSON",
                    format!("the facts cannot be converted to JSON: {reason}"),
                )
                .into(),
            ))
        }
    }
}

/// A library of compiled standards.
#[wasm_bindgen(js_name = Library)]
pub struct WasmLibrary {
    lib: yinhuan::Library,
}

#[wasm_bindgen(js_class = Library)]
impl WasmLibrary {
    /// The standards compiled into the module (the repository's `standards/` folder).
    pub fn embedded() -> Result<WasmLibrary, JsValue> {
        guard()?;
        let lib = yinhuan::Library::embedded().map_err(|e| fail(e.into()))?;
        Ok(WasmLibrary { lib })
    }

    /// The embedded standards together with their test cases, for `runTests`.
    #[wasm_bindgen(js_name = embeddedWithTests)]
    pub fn embedded_with_tests() -> Result<WasmLibrary, JsValue> {
        guard()?;
        let lib = yinhuan::Library::embedded_with_tests().map_err(|e| fail(e.into()))?;
        Ok(WasmLibrary { lib })
    }

    /// Compiles one `.yh` source (it must declare its standard and every name it uses); `name`
    /// (default `<source>`) names it in diagnostics. Compile errors throw an `Error` with `code`
    /// and `diagnostics`.
    #[wasm_bindgen(js_name = fromSource)]
    pub fn from_source(text: &str, name: Option<String>) -> Result<WasmLibrary, JsValue> {
        guard()?;
        let source = yinhuan::Source {
            name: name.unwrap_or_else(|| "<source>".into()),
            text: text.to_string(),
        };
        let lib = api::compile(&[source]).map_err(fail)?;
        Ok(WasmLibrary { lib })
    }

    /// Compiles several sources: an array of `{name, text}` or an object mapping names to texts.
    #[wasm_bindgen(js_name = fromSources)]
    pub fn from_sources(
        #[wasm_bindgen(unchecked_param_type = "SourceFile[] | Record<string, string>")]
        sources: JsValue,
    ) -> Result<WasmLibrary, JsValue> {
        guard()?;
        let text = JSON::stringify(&sources)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default();
        let sources = api::sources_from_json(&text).map_err(fail)?;
        let lib = api::compile(&sources).map_err(fail)?;
        Ok(WasmLibrary { lib })
    }

    /// The sources compiled into the module, e.g. to start an editor from them.
    #[wasm_bindgen(js_name = embeddedSources, unchecked_return_type = "SourceFile[]")]
    pub fn embedded_sources() -> Result<JsValue, JsValue> {
        guard()?;
        parsed(api::embedded_sources())
    }

    /// Evaluates one enterprise's facts (an object, or JSON text) and returns the report.
    #[wasm_bindgen(unchecked_return_type = "Report")]
    pub fn evaluate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Facts | string")] facts: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "EvaluateOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        guard()?;
        let o = options_for_evaluate(&options)?;
        let text = facts_text(&facts)?;
        parsed(api::evaluate(&self.lib, &text, &o))
    }

    /// The facts still needed to decide the rules, with labels, types, units and choices.
    #[wasm_bindgen(unchecked_return_type = "Question[]")]
    pub fn questions(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Facts | string")] facts: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "QuestionOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        guard()?;
        let o = self::options(&options, &["asOf", "standards", "allowSuperseded"])?;
        let text = facts_text(&facts)?;
        parsed(api::questions(&self.lib, &text, &o))
    }

    /// The question for the fact at a JSON pointer (e.g. `/blast_furnaces/0/in_production`), or
    /// `undefined` if the pointer names no fact.
    #[wasm_bindgen(unchecked_return_type = "Question | undefined")]
    pub fn question(&self, pointer: &str) -> Result<JsValue, JsValue> {
        guard()?;
        match api::question(&self.lib, pointer).map_err(fail)? {
            Some(text) => JSON::parse(&text),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// Every standard in the library with its status on `asOf` (default: today).
    #[allow(non_snake_case)]
    #[wasm_bindgen(unchecked_return_type = "StandardInfo[]")]
    pub fn standards(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "string | Date")] asOf: JsValue,
    ) -> Result<JsValue, JsValue> {
        guard()?;
        let d = as_of(&asOf)?;
        parsed(api::standards(&self.lib, d))
    }

    /// The rules and gaps of a standard.
    #[wasm_bindgen(unchecked_return_type = "RuleInfo[]")]
    pub fn rules(&self, standard: &str) -> Result<JsValue, JsValue> {
        guard()?;
        parsed(api::rules(&self.lib, standard))
    }

    /// One rule (or gap): citations, provenance, notes, source and the facts it reads.
    #[wasm_bindgen(js_name = explainRule, unchecked_return_type = "RuleInfo")]
    pub fn explain_rule(&self, id: &str) -> Result<JsValue, JsValue> {
        guard()?;
        parsed(api::explain_rule(&self.lib, id))
    }

    /// A JSON Schema of the facts a standard reads (every fact without an id), with Chinese titles,
    /// `x-unit` and `x-choices`.
    #[wasm_bindgen(unchecked_return_type = "FactSchema")]
    pub fn schema(&self, standard: Option<String>) -> Result<JsValue, JsValue> {
        guard()?;
        parsed(api::schema(&self.lib, standard.as_deref()))
    }

    /// Runs the tests written in the rule files (`*.test.yh`).
    #[wasm_bindgen(js_name = runTests, unchecked_return_type = "TestResult[]")]
    pub fn run_tests(&self) -> Result<JsValue, JsValue> {
        guard()?;
        parsed(api::run_tests(&self.lib))
    }
}

fn options_for_evaluate(v: &JsValue) -> Result<Options, JsValue> {
    options(v, &["asOf", "standards", "allowSuperseded", "explain"])
}

/// The version of the yinhuan crate this module was built from.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// For the test suite only: panics inside the module, to check that a panic reaches JavaScript as
/// a catchable `Error` with code `ERR_INTERNAL` (and poisons the module).
#[doc(hidden)]
#[wasm_bindgen(js_name = __panicForTests, skip_typescript)]
pub fn panic_for_tests() {
    #[allow(clippy::panic)]
    {
        panic!("deliberate panic for the test suite");
    }
}
