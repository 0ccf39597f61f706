//! The yinhuan rule language: grammar, span-carrying AST, and formatter. Nothing here evaluates.
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

pub mod ast;
pub mod date;
pub mod format;
pub mod parser;

pub use date::Date;
pub use parser::{
    parse, ParseError, ParseErrorKind, MAX_EXPR_DEPTH, MAX_IDENT_LEN, MAX_NESTING, MAX_SOURCE_BYTES,
};
