//! The conversion layer, in plain Rust so that it is tested on the host: text in, JSON text out,
//! and every error as a [`Failure`] — the message and the properties the JavaScript `Error` gets.
//! Nothing here decides anything about standards; it calls `yinhuan` and reshapes the answer.

use serde::Serialize;
use serde_json::{json, Map, Value};
use yinhuan::{Date, Error, EvaluateOptions, Facts, Library, RequestError, Source};

/// Code of an argument of the wrong JavaScript type or an unknown option (thrown as `TypeError`).
pub const ERR_INVALID_ARG: &str = "ERR_INVALID_ARG";
/// Code of an internal error: the WebAssembly module panicked and must be reloaded.
pub const ERR_INTERNAL: &str = "ERR_INTERNAL";

/// How to evaluate, as the JavaScript options object gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub as_of: Date,
    pub standards: Vec<String>,
    pub allow_superseded: bool,
    pub explain: bool,
}

impl Options {
    pub fn new(as_of: Date) -> Options {
        let core = EvaluateOptions::new(as_of);
        Options {
            as_of,
            standards: core.standards,
            allow_superseded: core.allow_superseded,
            explain: core.explain,
        }
    }

    fn core(&self) -> EvaluateOptions {
        let mut o = EvaluateOptions::new(self.as_of);
        o.standards = self.standards.clone();
        o.allow_superseded = self.allow_superseded;
        o.explain = self.explain;
        o
    }
}

/// An error on its way to JavaScript.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// Thrown as `TypeError` (a wrong argument) rather than `Error`.
    pub type_error: bool,
    pub message: String,
    /// Properties set on the thrown object; always has `code`.
    pub props: Map<String, Value>,
}

impl Failure {
    pub fn code(&self) -> &str {
        self.props.get("code").and_then(Value::as_str).unwrap_or("")
    }

    /// A wrong argument: thrown as a `TypeError` with code [`ERR_INVALID_ARG`].
    pub fn invalid_arg(message: impl Into<String>) -> Failure {
        let mut props = Map::new();
        props.insert("code".into(), json!(ERR_INVALID_ARG));
        Failure {
            type_error: true,
            message: message.into(),
            props,
        }
    }

    pub fn internal(message: impl Into<String>) -> Failure {
        let mut props = Map::new();
        props.insert("code".into(), json!(ERR_INTERNAL));
        Failure {
            type_error: false,
            message: message.into(),
            props,
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        let mut props = Map::new();
        props.insert("code".into(), json!(e.code()));
        match &e {
            Error::Compile(c) => {
                let diags: Vec<Value> = c
                    .diagnostics
                    .iter()
                    .map(|d| {
                        json!({
                            "code": d.code,
                            "message": d.message,
                            "file": d.file,
                            "line": d.line,
                            "column": d.column,
                            "start": d.start,
                            "end": d.end,
                        })
                    })
                    .collect();
                props.insert("diagnostics".into(), Value::Array(diags));
            }
            Error::Fact(f) => {
                props.insert("kind".into(), to_value(&f.kind));
                props.insert("path".into(), json!(f.path));
                props.insert("expected".into(), json!(f.expected));
                props.insert("received".into(), json!(f.received));
            }
            Error::Eval(ev) => {
                let (rule, expr) = match ev {
                    yinhuan::EvalError::Overflow { rule } => (rule, None),
                    yinhuan::EvalError::DivisionByZero { rule, expr } => (rule, Some(expr)),
                };
                props.insert("rule".into(), json!(rule));
                if let Some(expr) = expr {
                    props.insert("expr".into(), json!(expr));
                }
            }
            Error::Request(r) => {
                let value = match r {
                    RequestError::UnknownStandard(v)
                    | RequestError::UnknownRule(v)
                    | RequestError::InvalidDate(v) => v,
                };
                props.insert("value".into(), json!(value));
            }
        }
        Failure {
            type_error: false,
            message: e.to_string(),
            props,
        }
    }
}

impl From<RequestError> for Failure {
    fn from(e: RequestError) -> Failure {
        Error::from(e).into()
    }
}

impl From<yinhuan::CompileError> for Failure {
    fn from(e: yinhuan::CompileError) -> Failure {
        Error::from(e).into()
    }
}

impl From<yinhuan::FactError> for Failure {
    fn from(e: yinhuan::FactError) -> Failure {
        Error::from(e).into()
    }
}

fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn to_text<T: Serialize>(v: &T) -> Result<String, Failure> {
    serde_json::to_string(v).map_err(|e| Failure::internal(format!("cannot serialise: {e}")))
}

/// `YYYY-MM-DD`, or `E0503`.
pub fn parse_date(text: &str) -> Result<Date, Failure> {
    Date::parse(text).ok_or_else(|| RequestError::InvalidDate(text.to_string()).into())
}

/// Compiles rule sources; `E01xx`/`E02xx` with every diagnostic on failure.
pub fn compile(sources: &[Source]) -> Result<Library, Failure> {
    Ok(Library::from_sources(sources)?)
}

/// Sources given as JSON text: an array of `{name, text}` or an object `{name: text}`.
pub fn sources_from_json(text: &str) -> Result<Vec<Source>, Failure> {
    let bad = || {
        Failure::invalid_arg(
            "sources must be an array of {name, text} objects or an object mapping file names to texts",
        )
    };
    let v: Value = serde_json::from_str(text).map_err(|_| bad())?;
    match v {
        Value::Array(items) => items
            .into_iter()
            .map(|item| match (item.get("name"), item.get("text")) {
                (Some(Value::String(n)), Some(Value::String(t))) => Ok(Source {
                    name: n.clone(),
                    text: t.clone(),
                }),
                _ => Err(bad()),
            })
            .collect(),
        Value::Object(map) => map
            .into_iter()
            .map(|(name, t)| match t {
                Value::String(text) => Ok(Source { name, text }),
                _ => Err(bad()),
            })
            .collect(),
        _ => Err(bad()),
    }
}

/// The embedded sources as JSON text (`[{name, text}]`).
pub fn embedded_sources() -> Result<String, Failure> {
    let v: Vec<Value> = Library::embedded_sources()
        .into_iter()
        .map(|s| json!({"name": s.name, "text": s.text}))
        .collect();
    to_text(&v)
}

/// Checks fact JSON text against the schema (`E0300` for text that is not JSON, nested too deep, …).
pub fn facts(lib: &Library, text: &str) -> Result<Facts, Failure> {
    Ok(Facts::from_str(&lib.compiled().schema, text)?)
}

/// The report as JSON text.
pub fn evaluate(lib: &Library, facts_text: &str, opts: &Options) -> Result<String, Failure> {
    let f = facts(lib, facts_text)?;
    let report = lib.evaluate(&f, &opts.core())?;
    to_text(&report)
}

/// The questions still open, as JSON text.
pub fn questions(lib: &Library, facts_text: &str, opts: &Options) -> Result<String, Failure> {
    let f = facts(lib, facts_text)?;
    let q = lib.questions(&f, &opts.core())?;
    to_text(&q)
}

pub fn standards(lib: &Library, as_of: Date) -> Result<String, Failure> {
    to_text(&lib.standards(as_of))
}

pub fn rules(lib: &Library, standard: &str) -> Result<String, Failure> {
    to_text(&lib.rules(standard)?)
}

pub fn explain_rule(lib: &Library, id: &str) -> Result<String, Failure> {
    to_text(&lib.explain_rule(id)?)
}

pub fn schema(lib: &Library, standard: Option<&str>) -> Result<String, Failure> {
    to_text(&lib.schema(standard)?)
}

/// The question for one fact (a JSON pointer), or `None` if the pointer names no fact.
pub fn question(lib: &Library, pointer: &str) -> Result<Option<String>, Failure> {
    lib.question(pointer).map(|q| to_text(&q)).transpose()
}

/// Runs the `*.test.yh` tests compiled into the library.
pub fn run_tests(lib: &Library) -> Result<String, Failure> {
    let results = lib.run_tests(&|_| true);
    let v: Vec<Value> = results
        .iter()
        .map(|r| {
            let mut o = to_value(r);
            if let Some(m) = o.as_object_mut() {
                m.insert("passed".into(), json!(r.passed()));
            }
            o
        })
        .collect();
    to_text(&v)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Compiled once for all tests (compiling the embedded standards is slow in debug builds).
    fn lib() -> &'static Library {
        static LIB: std::sync::OnceLock<Library> = std::sync::OnceLock::new();
        LIB.get_or_init(|| Library::embedded().expect("embedded standards compile"))
    }

    fn opts() -> Options {
        let mut o = Options::new(Date::parse("2024-06-01").unwrap());
        o.standards = vec!["gongmao-2023".into()];
        o
    }

    const DEMO: &str = r#"
standard demo-2024 {
  title      "演示标准"
  issuer     "演示机关"
  document   "演示文件第1号"
  published  2024-01-01
  valid_from 2024-01-01
  outcome    "重大事故隐患"
}

entity enterprise "企业" {
  workers : integer "同时作业的人员有多少人？"
}

rule DEMO-1 "作业人员过多" {
  cites      "第一条"
  provenance confirmed
  hazard when workers > 10
}

test "more than ten" {
  facts { "workers": 11 }
  expect DEMO-1 hazard
}
"#;

    #[test]
    fn options_default_like_core() {
        let o = Options::new(Date::parse("2024-06-01").unwrap());
        assert!(o.explain);
        assert!(!o.allow_superseded);
        assert!(o.standards.is_empty());
    }

    #[test]
    fn evaluates_the_steel_works() {
        let text = include_str!("../../examples/steel-works.json");
        let out = evaluate(lib(), text, &opts()).unwrap();
        let v: Value = serde_json::from_str(&out).unwrap();
        let f = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "GM2023-4-5")
            .unwrap();
        assert_eq!(f["outcome"], "hazard");
        assert_eq!(f["citations"][0], "第四条第（五）项");
    }

    #[test]
    fn malformed_text_is_a_fact_error() {
        let l = lib();
        for text in ["", "{", "[1,", "{\"sectors\": [\"metallurgy\"],}", "nul"] {
            let e = evaluate(l, text, &opts()).unwrap_err();
            assert_eq!(e.code(), "E0300", "{text:?}: {e:?}");
            assert!(!e.type_error);
            assert!(e.message.contains("not valid JSON"), "{}", e.message);
        }
    }

    #[test]
    fn deep_nesting_is_rejected_not_overflowed() {
        let l = lib();
        let deep = format!(
            "{{\"sectors\": {}{}}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let e = evaluate(l, &deep, &opts()).unwrap_err();
        assert_eq!(e.code(), "E0300", "{e:?}");
        let deep_objects = format!(
            "{}{}",
            "{\"blast_furnaces\": [".repeat(50_000),
            "]}".repeat(50_000)
        );
        let e = evaluate(l, &deep_objects, &opts()).unwrap_err();
        assert!(e.code() == "E0300" || e.code() == "E0306", "{e:?}");
    }

    #[test]
    fn huge_and_odd_numbers_are_errors_with_paths() {
        let l = lib();
        for n in [
            "1e308",
            "-1e308",
            "1e400",
            "123456789012345678901234567890",
            "\"NaN\"",
            "\"Infinity\"",
        ] {
            let text = format!(
                "{{\"sectors\": [\"metallurgy\"], \"blast_furnaces\": [{{\"top_pressure_setpoint\": {n}}}]}}"
            );
            let e = evaluate(l, &text, &opts()).unwrap_err();
            assert!(
                ["E0300", "E0301", "E0304", "E0306"].contains(&e.code()),
                "{n}: {e:?}"
            );
            if e.code() != "E0300" {
                assert_eq!(
                    e.props["path"], "/blast_furnaces/0/top_pressure_setpoint",
                    "{n}"
                );
            }
        }
    }

    #[test]
    fn wrong_types_carry_path_expected_received() {
        let text = r#"{"sectors": ["metallurgy"], "blast_furnaces": [{"in_production": "yes"}]}"#;
        let e = evaluate(lib(), text, &opts()).unwrap_err();
        assert_eq!(e.code(), "E0301");
        assert_eq!(e.props["path"], "/blast_furnaces/0/in_production");
        assert_eq!(e.props["kind"], "wrong_type");
        assert_eq!(e.props["received"], "`\"yes\"`");
        assert!(e.props["expected"]
            .as_str()
            .unwrap()
            .contains("true or false"));
    }

    #[test]
    fn root_of_wrong_type() {
        for text in ["null", "[]", "42", "\"x\"", "true"] {
            let e = evaluate(lib(), text, &opts()).unwrap_err();
            assert_eq!(e.code(), "E0301", "{text}");
            assert_eq!(e.props["path"], "", "{text}");
        }
    }

    #[test]
    fn compile_errors_list_diagnostics() {
        let e = compile(&[Source {
            name: "bad.yh".into(),
            text: "standard x {\n  title 1\n}\n".into(),
        }])
        .unwrap_err();
        assert!(e.code().starts_with("E0"), "{e:?}");
        let d = e.props["diagnostics"].as_array().unwrap();
        assert!(!d.is_empty());
        assert_eq!(d[0]["file"], "bad.yh");
        assert!(d[0]["line"].as_u64().unwrap() >= 1);
        assert!(d[0]["column"].as_u64().unwrap() >= 1);
    }

    #[test]
    fn request_errors() {
        let l = lib();
        assert_eq!(parse_date("2024-02-30").unwrap_err().code(), "E0503");
        assert_eq!(parse_date("2024-2-3").unwrap_err().code(), "E0503");
        assert_eq!(rules(l, "nope").unwrap_err().code(), "E0501");
        assert_eq!(explain_rule(l, "nope").unwrap_err().code(), "E0502");
        assert_eq!(schema(l, Some("nope")).unwrap_err().props["value"], "nope");
        let mut o = opts();
        o.standards = vec!["nope".into()];
        assert_eq!(evaluate(l, "{}", &o).unwrap_err().code(), "E0501");
    }

    #[test]
    fn sources_in_both_shapes() {
        let a = sources_from_json(r#"[{"name": "a.yh", "text": "x"}]"#).unwrap();
        let b = sources_from_json(r#"{"a.yh": "x"}"#).unwrap();
        let pairs = |v: &[Source]| -> Vec<(String, String)> {
            v.iter().map(|s| (s.name.clone(), s.text.clone())).collect()
        };
        assert_eq!(pairs(&a), pairs(&b));
        assert!(sources_from_json("[1]").unwrap_err().type_error);
        assert!(sources_from_json("\"a\"").unwrap_err().type_error);
    }

    #[test]
    fn listings() {
        let l = lib();
        let s: Value =
            serde_json::from_str(&standards(l, Date::parse("2024-06-01").unwrap()).unwrap())
                .unwrap();
        assert!(s
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == "gongmao-2023"));
        let r: Value = serde_json::from_str(&rules(l, "gongmao-2023").unwrap()).unwrap();
        assert!(r
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == "GM2023-4-5"));
        let q = question(l, "/blast_furnaces/0/top_pressure_setpoint")
            .unwrap()
            .unwrap();
        assert!(q.contains("\"unit\":\"kPa\""), "{q}");
        assert!(question(l, "/nope").unwrap().is_none());
        // The tests themselves are run by the core's suite; here only their shape.
        let demo = compile(&[Source {
            name: "demo.yh".into(),
            text: DEMO.into(),
        }])
        .unwrap();
        let t: Value = serde_json::from_str(&run_tests(&demo).unwrap()).unwrap();
        assert_eq!(t[0]["passed"], true, "{t}");
        assert_eq!(t[0]["name"], "more than ten");
    }
}
