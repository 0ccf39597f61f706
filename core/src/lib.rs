//! yinhuan: China's major-accident-hazard determination standards as executable, cited, tested
//! rules. `Library` is the entry point; `report` is the JSON shape every front end shares.
#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod batch;
pub mod check;
pub mod compile;
pub mod diagnostics;
pub mod error;
pub mod eval;
pub mod facts;
pub mod ir;
pub mod ledger;
pub mod library;
pub mod period;
pub mod report;
pub mod schema;
pub mod units;

pub use batch::{BatchCell, BatchOutput, BatchRule};
pub use compile::{Provenance, Source};
pub use diagnostics::Diagnostic;
pub use error::{CompileError, Error, EvalError, FactError, FactErrorKind, RequestError};
pub use facts::Facts;
pub use library::{EvaluateOptions, FactInfo, Library, RuleInfo, TestResult};
pub use report::{Explanation, Finding, Outcome, Question, Report};
pub use yinhuan_grammar::Date;

/// Today's date (UTC) from the system clock. Not available in WebAssembly, whose callers pass a date.
#[cfg(not(target_arch = "wasm32"))]
pub fn today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Date::from_days((secs / 86_400) as i32)
}
