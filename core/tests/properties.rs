//! Properties of the engine over the embedded standards, checked on the example facts
//! (`examples/*.json`) and the shared vectors' facts (`tests/vectors/*.json`):
//!
//! 1. monotonicity of three-valued logic: a rule decided with some facts missing keeps its outcome
//!    when they are filled back, with the original values or with other valid values;
//! 2. `undetermined` is honest: filling every fact a rule lists as missing decides it;
//! 3. formatting the standards is idempotent and preserves meaning (same results on the vectors);
//! 4. results do not depend on the order of JSON keys, nor on the order of list elements.
//!
//! Case counts are kept small so that `cargo test` stays fast; raise them for a longer run with
//! `PROPTEST_CASES=500 cargo test -p yinhuan --test properties --release`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::{Map, Value as Json};
use yinhuan::schema::{Schema, Type, ENTERPRISE};
use yinhuan::{Date, EvaluateOptions, Library, Outcome, Report, Source};

fn library() -> &'static Library {
    static LIB: OnceLock<Library> = OnceLock::new();
    LIB.get_or_init(|| Library::embedded().unwrap())
}

/// (name, as_of, facts) for every example and every vector whose facts are accepted.
fn documents() -> &'static [(String, String, Json)] {
    static DOCS: OnceLock<Vec<(String, String, Json)>> = OnceLock::new();
    DOCS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut out = Vec::new();
        let mut read = |dir: &Path, vector: bool| {
            let mut paths: Vec<_> = std::fs::read_dir(dir)
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect();
            paths.sort();
            for p in paths {
                let v: Json = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
                let (as_of, facts) = if vector {
                    (v["as_of"].as_str().unwrap().to_string(), v["facts"].clone())
                } else {
                    ("2024-06-01".to_string(), v)
                };
                if library().facts(&facts).is_ok() {
                    out.push((p.display().to_string(), as_of, facts));
                }
            }
        };
        read(&root.join("examples"), false);
        read(&root.join("tests/vectors"), true);
        assert!(
            out.len() >= 10,
            "expected examples and vectors, found {}",
            out.len()
        );
        out
    })
}

const DATES: [&str; 3] = ["2023-06-01", "2024-06-01", "2026-12-31"];

fn evaluate(facts: &Json, as_of: &str) -> Report {
    let mut o = EvaluateOptions::new(Date::parse(as_of).unwrap());
    o.explain = false;
    library()
        .evaluate_json(facts, &o)
        .unwrap_or_else(|e| panic!("{e}\n{facts}"))
}

fn outcomes(r: &Report) -> BTreeMap<String, Outcome> {
    r.findings
        .iter()
        .map(|f| (f.rule.clone(), f.outcome))
        .collect()
}

// ------------------------------------------------------------------ JSON and the schema

/// A small deterministic generator (xorshift), seeded by proptest.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0 | 1;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// JSON pointers of every object member in the document, parents before children.
fn members(v: &Json, at: &str, out: &mut Vec<String>) {
    match v {
        Json::Object(m) => {
            for (k, x) in m {
                let p = format!("{at}/{k}");
                out.push(p.clone());
                members(x, &p, out);
            }
        }
        Json::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                members(x, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn split(pointer: &str) -> (&str, &str) {
    let i = pointer.rfind('/').unwrap();
    (&pointer[..i], &pointer[i + 1..])
}

fn remove(doc: &mut Json, pointer: &str) -> Option<Json> {
    let (parent, key) = split(pointer);
    doc.pointer_mut(parent)?.as_object_mut()?.remove(key)
}

fn set(doc: &mut Json, pointer: &str, value: Json) -> bool {
    let (parent, key) = split(pointer);
    match doc.pointer_mut(parent).and_then(Json::as_object_mut) {
        Some(m) => {
            m.insert(key.to_string(), value);
            true
        }
        None => false,
    }
}

/// The declared type of the fact at `pointer` (e.g. `/units/0/kind`).
fn field_type(schema: &Schema, pointer: &str) -> Option<(Type, Option<&'static str>)> {
    let mut entity = ENTERPRISE;
    let mut tokens = pointer.split('/').skip(1).peekable();
    while let Some(t) = tokens.next() {
        let def = schema.entity(entity)?;
        let f = def.field(*def.index.get(t)?)?;
        match (f.ty, tokens.peek()) {
            (Type::EntityList(e), Some(_)) => {
                tokens.next(); // the index
                entity = e;
            }
            (_, None) => return Some((f.ty, f.unit.map(|u| u.name))),
            _ => return None,
        }
    }
    None
}

/// A valid value of the given type, drawn from values near the standards' thresholds.
fn random_value(
    schema: &Schema,
    ty: Type,
    unit: Option<&str>,
    rng: &mut Rng,
    depth: usize,
) -> Json {
    const NUMBERS: [&str; 12] = [
        "0", "1", "2", "3", "5", "9", "10", "30", "50", "100", "250", "1000",
    ];
    const DATES: [&str; 6] = [
        "2000-01-01",
        "2015-06-30",
        "2020-01-01",
        "2023-05-15",
        "2024-06-01",
        "2025-12-31",
    ];
    match ty {
        Type::Bool => Json::Bool(rng.chance(50)),
        Type::Integer => Json::from(NUMBERS[rng.below(NUMBERS.len())].parse::<i64>().unwrap()),
        Type::Decimal => Json::String(format!("{}.5", NUMBERS[rng.below(NUMBERS.len())])),
        Type::Quantity(dim) => {
            let u = unit.unwrap_or(dim.display_unit().name);
            Json::String(format!("{} {u}", NUMBERS[rng.below(NUMBERS.len())]))
        }
        Type::Text => Json::String("随机".into()),
        Type::Date => Json::String(DATES[rng.below(DATES.len())].into()),
        Type::Enum(e) => {
            let def = schema.enum_def(e).unwrap();
            Json::String(def.choices[rng.below(def.choices.len())].name.clone())
        }
        Type::EnumList(e) => {
            let def = schema.enum_def(e).unwrap();
            Json::Array(
                def.choices
                    .iter()
                    .filter(|_| rng.chance(30))
                    .map(|c| Json::String(c.name.clone()))
                    .collect(),
            )
        }
        Type::EntityList(e) => {
            let n = if depth > 1 { 0 } else { rng.below(3) };
            Json::Array(
                (0..n)
                    .map(|_| random_entity(schema, e, rng, depth + 1))
                    .collect(),
            )
        }
    }
}

/// An entity with every fact known.
fn random_entity(schema: &Schema, e: u32, rng: &mut Rng, depth: usize) -> Json {
    let def = schema.entity(e).unwrap();
    let mut m = Map::new();
    for f in &def.fields {
        m.insert(
            f.name.clone(),
            random_value(schema, f.ty, f.unit.map(|u| u.name), rng, depth),
        );
    }
    Json::Object(m)
}

/// The document with a random share of its facts removed, and the removed (pointer, value) pairs.
fn thin(doc: &Json, rng: &mut Rng, percent: u64) -> (Json, Vec<(String, Json)>) {
    let mut all = Vec::new();
    members(doc, "", &mut all);
    let mut out = doc.clone();
    let mut removed = Vec::new();
    for p in all {
        if rng.chance(percent) {
            if let Some(v) = remove(&mut out, &p) {
                removed.push((p, v));
            }
        }
    }
    (out, removed)
}

fn decided(o: Outcome) -> bool {
    o != Outcome::Undetermined
}

// ------------------------------------------------------------------ 1. monotonicity

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

    /// Decided with facts missing ⇒ the same outcome once they are filled back, with the original
    /// values and with other valid values.
    #[test]
    fn decided_outcomes_survive_filling_missing_facts(
        doc in 0usize..1000, seed in any::<u64>(), percent in 5u64..70, date in 0usize..DATES.len(),
    ) {
        let docs = documents();
        let (name, _, facts) = &docs[doc % docs.len()];
        let as_of = DATES[date];
        let mut rng = Rng(seed);
        let (thinned, removed) = thin(facts, &mut rng, percent);
        let partial = outcomes(&evaluate(&thinned, as_of));
        let full = outcomes(&evaluate(facts, as_of));
        // Other valid values for every removed fact (a removed list gets a random list).
        let schema = &library().compiled().schema;
        let mut other = thinned.clone();
        for (p, _) in &removed {
            if let Some((ty, unit)) = field_type(schema, p) {
                set(&mut other, p, random_value(schema, ty, unit, &mut rng, 1));
            }
        }
        let filled = outcomes(&evaluate(&other, as_of));
        for (rule, o) in &partial {
            if !decided(*o) {
                continue;
            }
            // Known exception: with the scope unknown and the condition false, a rule is reported
            // `clear`; facts that settle the scope may then make it `not_applicable`. Both say "no
            // hazard"; any other change of a decided outcome is a failure.
            let same = |got: Option<&Outcome>| {
                got == Some(o) || (*o == Outcome::Clear && got == Some(&Outcome::NotApplicable))
            };
            if same(full.get(rule)) && same(filled.get(rule)) {
                continue;
            }
            prop_assert_eq!(Some(o), full.get(rule), "{} on {}: {} is {:?} with {:?} missing, {:?} with them back",
                name, as_of, rule, o, removed.iter().map(|r| &r.0).collect::<Vec<_>>(), full.get(rule));
            prop_assert_eq!(Some(o), filled.get(rule), "{} on {}: {} is {:?} with facts missing, {:?} with other values:\n{}",
                name, as_of, rule, o, filled.get(rule), other);
        }
    }

    // -------------------------------------------------------------- 2. honest `undetermined`

    /// Filling every fact an undetermined rule lists as missing (with any valid values) makes
    /// progress: the rule is decided, or it now needs facts it was not given (a fact once given is
    /// never asked for again), and it is decided within a few such rounds.
    ///
    /// Known limit (reported, not yet fixed): one round is not always enough. The body of a
    /// quantifier over a list that is itself unknown (`any m in periods(month, from, as_of): …` with
    /// `from` unknown) is not evaluated, so facts read only inside it are listed in a later round.
    #[test]
    fn filling_the_missing_facts_decides_the_rule(
        doc in 0usize..1000, seed in any::<u64>(), percent in 5u64..70, date in 0usize..DATES.len(),
    ) {
        let docs = documents();
        let (name, _, facts) = &docs[doc % docs.len()];
        let as_of = DATES[date];
        let mut rng = Rng(seed);
        let (thinned, _) = thin(facts, &mut rng, percent);
        let schema = &library().compiled().schema;
        let mut filled = thinned.clone();
        let mut given: Vec<String> = Vec::new();
        let mut report = evaluate(&filled, as_of);
        let first: Vec<String> = report.undetermined().map(|f| f.rule.clone()).collect();
        for _round in 0..4 {
            let mut pointers: Vec<String> = Vec::new();
            for f in report.undetermined() {
                prop_assert!(!f.missing.is_empty(), "{}: {} is undetermined with nothing missing", name, f.rule);
                for m in &f.missing {
                    prop_assert!(!given.contains(m), "{} on {}: {} lists {} as missing after it was given:\n{}",
                        name, as_of, f.rule, m, filled);
                    if !pointers.contains(m) {
                        pointers.push(m.clone());
                    }
                }
            }
            if pointers.is_empty() {
                break;
            }
            pointers.sort();
            for p in &pointers {
                let (ty, unit) = field_type(schema, p)
                    .unwrap_or_else(|| panic!("{name}: `{p}` is listed as missing but is not a fact"));
                prop_assert!(set(&mut filled, p, random_value(schema, ty, unit, &mut rng, 1)), "{}: cannot set {}", name, p);
            }
            given.extend(pointers);
            report = evaluate(&filled, as_of);
        }
        let after = outcomes(&report);
        for rule in &first {
            let o = after.get(rule).copied();
            prop_assert!(o.is_some_and(decided), "{} on {}: {} is still {:?} after four rounds of filling its missing facts:\n{}",
                name, as_of, rule, o, filled);
        }
    }

    // -------------------------------------------------------------- 4. order independence

    /// The same outcomes whatever the order of object keys in the text and of list elements.
    #[test]
    fn outcomes_do_not_depend_on_order(
        doc in 0usize..1000, seed in any::<u64>(), date in 0usize..DATES.len(), thin_first in any::<bool>(),
    ) {
        let docs = documents();
        let (name, _, facts) = &docs[doc % docs.len()];
        let as_of = DATES[date];
        let mut rng = Rng(seed);
        // Orders matter most where some facts are unknown; sometimes thin the document first.
        let base = if thin_first { thin(facts, &mut rng, 20).0 } else { facts.clone() };
        let text = shuffled_text(&base, &mut rng);
        let shuffled: Json = serde_json::from_str(&text).unwrap();
        let a = evaluate(&base, as_of);
        let b = evaluate(&shuffled, as_of);
        prop_assert_eq!(outcomes(&a), outcomes(&b), "{} on {}:\n{}", name, as_of, text);
        prop_assert_eq!(a.summary.hazard, b.summary.hazard);
        // Missing facts are pointers, which name list positions: compare how many each rule lists.
        let counts = |r: &Report| r.findings.iter().map(|f| (f.rule.clone(), f.missing.len())).collect::<BTreeMap<_, _>>();
        prop_assert_eq!(counts(&a), counts(&b), "{}", name);
    }
}

/// JSON text with every object's keys and every array's elements in a random order.
fn shuffled_text(v: &Json, rng: &mut Rng) -> String {
    match v {
        Json::Object(m) => {
            let mut items: Vec<String> = m
                .iter()
                .map(|(k, x)| format!("{}:{}", Json::String(k.clone()), shuffled_text(x, rng)))
                .collect();
            shuffle(&mut items, rng);
            format!("{{{}}}", items.join(","))
        }
        Json::Array(a) => {
            let mut items: Vec<String> = a.iter().map(|x| shuffled_text(x, rng)).collect();
            shuffle(&mut items, rng);
            format!("[{}]", items.join(","))
        }
        other => other.to_string(),
    }
}

fn shuffle<T>(items: &mut [T], rng: &mut Rng) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i + 1));
    }
}

// ------------------------------------------------------------------ 3. formatting

/// Formatting every standard file is idempotent, and the formatted library gives the same results
/// on every document (outcomes, missing facts, reasons, citations, outputs).
#[test]
fn formatting_the_standards_is_idempotent_and_keeps_their_meaning() {
    let original = Library::embedded_sources();
    let mut formatted = Vec::new();
    for s in &original {
        let once = yinhuan_grammar::format::format_source(&s.text)
            .unwrap_or_else(|e| panic!("{}: {e}", s.name));
        let twice = yinhuan_grammar::format::format_source(&once).unwrap();
        assert_eq!(once, twice, "{}: formatting is not idempotent", s.name);
        let before = yinhuan_grammar::parse(&s.text).unwrap();
        let after = yinhuan_grammar::parse(&once).unwrap();
        assert_eq!(
            tree_shape(&before),
            tree_shape(&after),
            "{}: formatting changed the tree",
            s.name
        );
        formatted.push(Source {
            name: s.name.clone(),
            text: once,
        });
    }
    let lib = Library::from_sources(&formatted).unwrap_or_else(|e| panic!("{e}"));
    let shape = |r: &Report| {
        r.findings
            .iter()
            .map(|f| {
                (
                    f.rule.clone(),
                    f.outcome,
                    f.missing.clone(),
                    f.reasons.clone(),
                    f.citations.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    for (name, as_of, facts) in documents() {
        let mut o = EvaluateOptions::new(Date::parse(as_of).unwrap());
        o.explain = false;
        let a = library().evaluate_json(facts, &o).unwrap();
        let b = lib.evaluate_json(facts, &o).unwrap();
        assert_eq!(
            shape(&a),
            shape(&b),
            "{name}: formatting changed the results"
        );
        assert_eq!(
            serde_json::to_value(&a.outputs).unwrap(),
            serde_json::to_value(&b.outputs).unwrap(),
            "{name}: formatting changed the outputs"
        );
    }
}

/// The fixed points of the helpers above, so that a property failure is never the helpers' fault.
#[test]
fn helpers_agree_with_the_schema() {
    let schema = &library().compiled().schema;
    assert!(field_type(schema, "/sectors").is_some());
    assert!(field_type(schema, "/no_such_fact").is_none());
    let mut rng = Rng(7);
    for (name, _, facts) in documents() {
        let mut ps = Vec::new();
        members(facts, "", &mut ps);
        for p in ps {
            assert!(field_type(schema, &p).is_some(), "{name}: {p}");
        }
        // A document made entirely of random values is accepted.
        let random = random_entity(schema, ENTERPRISE, &mut rng, 0);
        library()
            .facts(&random)
            .unwrap_or_else(|e| panic!("{e}\n{random}"));
    }
}

/// The debug form of a syntax tree with every span removed.
fn tree_shape(file: &yinhuan_grammar::ast::File) -> String {
    let text = format!("{file:?}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find("Span { start: ") {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let end = after.find('}').map_or(after.len(), |j| j + 1);
        out.push_str("Span");
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}
