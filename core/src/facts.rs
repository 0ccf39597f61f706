//! Facts about one enterprise, checked against the schema and stored slot by slot, so that the
//! evaluator reads a field by index and never looks a name up. Any fact may be missing.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value as Json;

use crate::error::{FactError, FactErrorKind};
use crate::schema::{EntityId, Schema, Type, ENTERPRISE};
use crate::units;
use yinhuan_grammar::Date;

/// Longest accepted list of entities or choices.
pub const MAX_LIST_LEN: usize = 1_000_000;
/// Deepest accepted nesting of entity lists in a fact document.
pub const MAX_ENTITY_DEPTH: usize = 16;
/// Longest accepted text fact, in characters.
pub const MAX_TEXT_CHARS: usize = 100_000;
/// Largest accepted magnitude of a number (keeps exact arithmetic far from overflow).
pub const MAX_MAGNITUDE: i64 = 1_000_000_000_000_000;

#[derive(Debug, Clone, PartialEq)]
pub enum Fact {
    Missing,
    Bool(bool),
    /// Integers, decimals and quantities (in their dimension's base unit).
    Num(Decimal),
    Text(Box<str>),
    Date(Date),
    Choice(u32),
    Choices(Box<[u32]>),
    Entities(Box<[Record]>),
}

/// One entity instance: a value per field slot of its entity type.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub fields: Box<[Fact]>,
}

impl Record {
    pub fn get(&self, slot: u32) -> &Fact {
        self.fields.get(slot as usize).unwrap_or(&Fact::Missing)
    }
}

/// Facts for one enterprise, validated against a schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    pub root: Record,
}

impl Facts {
    /// Facts with nothing known: every rule in scope is undetermined or not applicable.
    pub fn empty() -> Facts {
        Facts {
            root: Record {
                fields: Box::new([]),
            },
        }
    }

    /// Checks a JSON document against the schema. Unknown fields are errors: a misspelt fact would
    /// otherwise silently count as unknown.
    pub fn from_json(schema: &Schema, json: &Json) -> Result<Facts, FactError> {
        let root = record(schema, ENTERPRISE, json, &mut String::new(), 0)?;
        Ok(Facts { root })
    }

    pub fn from_str(schema: &Schema, text: &str) -> Result<Facts, FactError> {
        let json: Json = serde_json::from_str(text)
            .map_err(|e| FactError::new(FactErrorKind::InvalidJson, "", "JSON", e.to_string()))?;
        Facts::from_json(schema, &json)
    }
}

fn describe_json(v: &Json) -> String {
    let s = match v {
        Json::Null => "null".to_string(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.to_string(),
        Json::String(s) => format!("\"{s}\""),
        Json::Array(a) if a.len() == 1 => "an array of 1 element".to_string(),
        Json::Array(a) => format!("an array of {} elements", a.len()),
        Json::Object(_) => "an object".to_string(),
    };
    if s.chars().count() > 60 {
        let cut: String = s.chars().take(57).collect();
        format!("`{cut}...`")
    } else {
        format!("`{s}`")
    }
}

fn record(
    schema: &Schema,
    entity: EntityId,
    json: &Json,
    path: &mut String,
    depth: usize,
) -> Result<Record, FactError> {
    let Some(def) = schema.entity(entity) else {
        return Err(FactError::new(
            FactErrorKind::WrongType,
            path,
            "a known entity",
            "an unknown one",
        ));
    };
    if depth > MAX_ENTITY_DEPTH {
        return Err(FactError::new(
            FactErrorKind::LimitExceeded,
            path,
            format!("at most {MAX_ENTITY_DEPTH} levels of nested lists"),
            "deeper nesting",
        ));
    }
    let Json::Object(map) = json else {
        return Err(FactError::new(
            FactErrorKind::WrongType,
            path,
            format!("an object describing `{}`", def.name),
            describe_json(json),
        ));
    };
    let mut fields = vec![Fact::Missing; def.fields.len()];
    for (key, value) in map {
        let len = path.len();
        path.push('/');
        push_pointer_token(path, key);
        let Some(&slot) = def.index.get(key.as_str()) else {
            let mut e = FactError::new(
                FactErrorKind::UnknownField,
                path,
                format!("a fact of `{}`", def.name),
                describe_json(value),
            );
            e.message = match suggest(key, def.index.keys().map(String::as_str)) {
                Some(s) => format!(
                    "`{path}` is not a known fact of `{}`; did you mean `{s}`?",
                    def.name
                ),
                None => format!("`{path}` is not a known fact of `{}`", def.name),
            };
            return Err(e);
        };
        let fdef = def.field(slot);
        let (ty, unit) = fdef.map_or((Type::Bool, None), |f| (f.ty, f.unit));
        let fact = value_of(schema, ty, unit, value, path, depth)?;
        if let Some(f) = fields.get_mut(slot as usize) {
            *f = fact;
        }
        path.truncate(len);
    }
    Ok(Record {
        fields: fields.into_boxed_slice(),
    })
}

fn push_pointer_token(path: &mut String, key: &str) {
    for c in key.chars() {
        match c {
            '~' => path.push_str("~0"),
            '/' => path.push_str("~1"),
            c => path.push(c),
        }
    }
}

/// The closest known name, if it is close enough to be a likely misspelling.
fn suggest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = Vec::with_capacity(b.len() + 1);
        cur.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            cur.push(sub.min(del).min(ins));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

pub(crate) fn parse_number(text: &str) -> Option<Decimal> {
    let d = Decimal::from_str(text)
        .or_else(|_| Decimal::from_scientific(text))
        .ok()?;
    (d.abs() <= Decimal::from(MAX_MAGNITUDE)).then_some(d)
}

fn value_of(
    schema: &Schema,
    ty: Type,
    unit: Option<&'static units::Unit>,
    json: &Json,
    path: &mut String,
    depth: usize,
) -> Result<Fact, FactError> {
    if json.is_null() {
        return Ok(Fact::Missing);
    }
    if ty.is_numeric() {
        if let Some(e) = too_large(json, path) {
            return Err(e);
        }
    }
    let wrong = |expected: String| {
        FactError::new(
            FactErrorKind::WrongType,
            path,
            expected,
            describe_json(json),
        )
    };
    Ok(match ty {
        Type::Bool => match json {
            Json::Bool(b) => Fact::Bool(*b),
            _ => return Err(wrong("true or false".into())),
        },
        Type::Integer | Type::Decimal => {
            let d = match json {
                // Numbers keep their shortest exact decimal form: `4.6` stays 4.6, never 4.5999….
                Json::Number(n) => parse_number(&n.to_string()),
                Json::String(s) => parse_number(s.trim()),
                _ => None,
            };
            let expected = if ty == Type::Integer {
                "a whole number"
            } else {
                "a number"
            };
            match d {
                Some(d) if ty == Type::Decimal || d.fract().is_zero() => Fact::Num(d.normalize()),
                _ => {
                    return Err(wrong(format!(
                        "{expected} of magnitude at most {MAX_MAGNITUDE}"
                    )))
                }
            }
        }
        Type::Quantity(dim) => {
            let declared = unit.unwrap_or(dim.display_unit());
            if !matches!(json, Json::Number(_) | Json::String(_)) {
                return Err(wrong(format!(
                    "a quantity of {dim} such as `12.5 {}` or a number in {}",
                    declared.name, declared.name
                )));
            }
            let (number, unit_used) = match json {
                Json::Number(n) => (parse_number(&n.to_string()), Some(declared)),
                Json::String(s) => {
                    let s = s.trim();
                    let split = s.find(|c: char| {
                        !(c.is_ascii_digit()
                            || c == '.'
                            || c == '-'
                            || c == '+'
                            || c == 'e'
                            || c == 'E')
                    });
                    match split {
                        None => (parse_number(s), Some(declared)),
                        Some(i) => {
                            let (num, u) = s.split_at(i);
                            (parse_number(num.trim()), units::lookup(u.trim()))
                        }
                    }
                }
                _ => (None, None),
            };
            let expected = format!(
                "a quantity of {dim} such as `12.5 {}` or a number in {}",
                declared.name, declared.name
            );
            match (number, unit_used) {
                (Some(n), Some(_))
                    if n.is_sign_negative() && !n.is_zero() && dim.never_negative() =>
                {
                    return Err(FactError::new(
                        FactErrorKind::WrongType,
                        path,
                        format!("a quantity of {dim} that is not negative"),
                        describe_json(json),
                    ))
                }
                (Some(n), Some(u)) if u.dimension == dim => match u.to_base(n) {
                    Some(v) => Fact::Num(v),
                    None => {
                        return Err(FactError::new(
                            FactErrorKind::InvalidQuantity,
                            path,
                            expected,
                            describe_json(json),
                        ))
                    }
                },
                _ => {
                    return Err(FactError::new(
                        FactErrorKind::InvalidQuantity,
                        path,
                        expected,
                        describe_json(json),
                    ))
                }
            }
        }
        Type::Text => match json {
            Json::String(s) if s.chars().count() <= MAX_TEXT_CHARS => Fact::Text(s.as_str().into()),
            Json::String(_) => {
                return Err(FactError::new(
                    FactErrorKind::LimitExceeded,
                    path,
                    format!("at most {MAX_TEXT_CHARS} characters"),
                    "a longer text",
                ))
            }
            Json::Number(n) => Fact::Text(n.to_string().into()),
            _ => return Err(wrong("text".into())),
        },
        Type::Date => match json {
            Json::String(s) => match Date::parse(s.trim()) {
                Some(d) => Fact::Date(d),
                None => {
                    return Err(FactError::new(
                        FactErrorKind::InvalidDate,
                        path,
                        "a calendar date such as `2024-03-31`",
                        describe_json(json),
                    ))
                }
            },
            _ => return Err(wrong("a calendar date such as `2024-03-31`".into())),
        },
        Type::Enum(e) => Fact::Choice(choice(schema, e, json, path)?),
        Type::EnumList(e) => {
            let Json::Array(items) = json else {
                return Err(wrong(format!(
                    "an array of choices of `{}`",
                    enum_name(schema, e)
                )));
            };
            check_len(items.len(), path)?;
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("/{i}"));
                out.push(choice(schema, e, item, path)?);
                path.truncate(len);
            }
            Fact::Choices(out.into_boxed_slice())
        }
        Type::EntityList(ent) => {
            let Json::Array(items) = json else {
                let name = schema.entity(ent).map_or("?", |d| d.name.as_str());
                return Err(wrong(format!("an array of `{name}` objects")));
            };
            check_len(items.len(), path)?;
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("/{i}"));
                out.push(record(schema, ent, item, path, depth + 1)?);
                path.truncate(len);
            }
            Fact::Entities(out.into_boxed_slice())
        }
    })
}

fn check_len(len: usize, path: &str) -> Result<(), FactError> {
    if len > MAX_LIST_LEN {
        return Err(FactError::new(
            FactErrorKind::LimitExceeded,
            path,
            format!("at most {MAX_LIST_LEN} elements"),
            format!("{len} elements"),
        ));
    }
    Ok(())
}

fn enum_name(schema: &Schema, e: u32) -> &str {
    schema.enum_def(e).map_or("?", |d| d.name.as_str())
}

fn choice(schema: &Schema, e: u32, json: &Json, path: &str) -> Result<u32, FactError> {
    let Some(def) = schema.enum_def(e) else {
        return Err(FactError::new(
            FactErrorKind::UnknownChoice,
            path,
            "a known choice",
            describe_json(json),
        ));
    };
    let listed = || {
        let names: Vec<String> = def
            .choices
            .iter()
            .map(|c| format!("`{}`", c.name))
            .collect();
        format!("one of {}", names.join(", "))
    };
    match json {
        Json::String(s) => def.find(s.trim()).ok_or_else(|| {
            FactError::new(
                FactErrorKind::UnknownChoice,
                path,
                listed(),
                describe_json(json),
            )
        }),
        _ => Err(FactError::new(
            FactErrorKind::WrongType,
            path,
            listed(),
            describe_json(json),
        )),
    }
}

/// A number that is well formed but larger than the engine accepts.
fn too_large(json: &Json, path: &str) -> Option<FactError> {
    let text = match json {
        Json::Number(n) => n.to_string(),
        Json::String(s) => s.split_whitespace().next().unwrap_or("").to_string(),
        _ => return None,
    };
    let big = text
        .parse::<f64>()
        .is_ok_and(|f| f.abs() > MAX_MAGNITUDE as f64);
    big.then(|| {
        FactError::new(
            FactErrorKind::LimitExceeded,
            path,
            format!("a magnitude of at most {MAX_MAGNITUDE}"),
            describe_json(json),
        )
    })
}
