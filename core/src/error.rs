//! The typed errors callers branch on. Every variant has a stable code; docs/errors.md lists them all.

use crate::diagnostics::{render_all, Diagnostic};

/// Rule sources that do not compile. Carries every diagnostic found, not just the first.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", render_all(.diagnostics))]
pub struct CompileError {
    pub diagnostics: Vec<Diagnostic>,
}

/// Facts that do not match the schema: the JSON pointer, what was expected and what was received.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[error("{message}")]
pub struct FactError {
    pub code: &'static str,
    pub kind: FactErrorKind,
    /// JSON pointer of the offending value, e.g. `/blast_furnaces/0/top_pressure_setpoint`.
    pub path: String,
    pub expected: String,
    pub received: String,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FactErrorKind {
    InvalidJson,
    WrongType,
    UnknownField,
    UnknownChoice,
    InvalidQuantity,
    InvalidDate,
    LimitExceeded,
}

impl FactErrorKind {
    pub fn code(self) -> &'static str {
        match self {
            FactErrorKind::InvalidJson => "E0300",
            FactErrorKind::WrongType => "E0301",
            FactErrorKind::UnknownField => "E0302",
            FactErrorKind::UnknownChoice => "E0303",
            FactErrorKind::InvalidQuantity => "E0304",
            FactErrorKind::InvalidDate => "E0305",
            FactErrorKind::LimitExceeded => "E0306",
        }
    }
}

impl FactError {
    pub fn new(
        kind: FactErrorKind,
        path: &str,
        expected: impl Into<String>,
        received: impl Into<String>,
    ) -> Self {
        let expected = expected.into();
        let received = received.into();
        let at = if path.is_empty() {
            "the facts".to_string()
        } else {
            format!("`{path}`")
        };
        let message = match kind {
            FactErrorKind::UnknownField => format!("{at} is not {expected}"),
            FactErrorKind::InvalidJson => format!("the facts are not valid JSON: {received}"),
            FactErrorKind::LimitExceeded => {
                format!("{at} exceeds a limit: {expected}, received {received}")
            }
            _ => format!("{at} should be {expected}, received {received}"),
        };
        FactError {
            code: kind.code(),
            kind,
            path: path.to_string(),
            expected,
            received,
            message,
        }
    }
}

/// A problem met while evaluating facts that were valid for the schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
pub enum EvalError {
    #[error("arithmetic overflow in rule `{rule}`")]
    Overflow { rule: String },
    #[error("division by zero in rule `{rule}` at `{expr}`")]
    DivisionByZero { rule: String, expr: String },
}

impl EvalError {
    pub fn code(&self) -> &'static str {
        match self {
            EvalError::Overflow { .. } => "E0401",
            EvalError::DivisionByZero { .. } => "E0402",
        }
    }
}

/// A request the library cannot serve (an unknown standard or rule id, a malformed date).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
pub enum RequestError {
    #[error("`{0}` is not a standard in this library")]
    UnknownStandard(String),
    #[error("`{0}` is not a rule in this library")]
    UnknownRule(String),
    #[error("`{0}` is not a date of the form YYYY-MM-DD")]
    InvalidDate(String),
}

impl RequestError {
    pub fn code(&self) -> &'static str {
        match self {
            RequestError::UnknownStandard(_) => "E0501",
            RequestError::UnknownRule(_) => "E0502",
            RequestError::InvalidDate(_) => "E0503",
        }
    }
}

/// Every error the library's entry points return.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Compile(#[from] CompileError),
    #[error(transparent)]
    Fact(#[from] FactError),
    #[error(transparent)]
    Eval(#[from] EvalError),
    #[error(transparent)]
    Request(#[from] RequestError),
}

impl Error {
    /// The stable code of the error (of the first diagnostic, for compile errors).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Compile(c) => c.diagnostics.first().map_or("E0100", |d| d.code),
            Error::Fact(f) => f.code,
            Error::Eval(e) => e.code(),
            Error::Request(r) => r.code(),
        }
    }
}
