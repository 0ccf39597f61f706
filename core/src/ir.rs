//! The compiled, slot-indexed form of rules and derived values that the evaluator runs. Every name
//! has been resolved to a slot, choice or table index; source text survives only in `ExprInfo`,
//! which explanations read and the fast path never touches.

use rust_decimal::Decimal;
use yinhuan_grammar::ast::{ArithOp, CasesKind, CmpOp};
use yinhuan_grammar::Date;

use crate::schema::{EntityId, Type};
use crate::units::Unit;

/// Where a field is read from: the enterprise (scope 0) or the bound variable `scope - 1`.
pub type Scope = u8;

/// Variable slots per evaluation: one expression may nest up to `MAX_VARS - 1` variables
/// (`any a in …: any b in a.…`); the last slot is `SELF`.
pub const MAX_VARS: usize = 8;

/// The scope of the instance an entity-level derived value is computed for.
pub const SELF: Scope = MAX_VARS as Scope;

#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    /// Index into `Compiled::infos`.
    pub info: u32,
}

/// A list-of-entities field that a quantifier ranges over.
#[derive(Debug, Clone, Copy)]
pub struct ListField {
    pub scope: Scope,
    pub owner: EntityId,
    pub slot: u32,
    /// The entity type of the elements.
    pub element: EntityId,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    Bool(bool),
    Num(Decimal),
    Date(Date),
    Text(Box<str>),
    Choice(u32),
    Field {
        scope: Scope,
        owner: EntityId,
        slot: u32,
    },
    AsOf,
    Value(u32),
    /// An entity-level derived value of the record bound at `scope`.
    EntityValue {
        scope: Scope,
        value: u32,
    },
    Not(Box<Expr>),
    And(Box<[Expr]>),
    Or(Box<[Expr]>),
    Cmp {
        op: CmpOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    InSet {
        lhs: Box<Expr>,
        set: Box<[u32]>,
        negated: bool,
    },
    InList {
        item: Box<Expr>,
        list: Box<Expr>,
        negated: bool,
    },
    IsEmpty {
        list: Box<Expr>,
        negated: bool,
    },
    Arith {
        op: ArithOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    Neg(Box<Expr>),
    Quant {
        any: bool,
        list: ListField,
        var: Scope,
        body: Box<Expr>,
    },
    Count {
        list: ListField,
        var: Scope,
        filter: Option<Box<Expr>>,
    },
    /// `nonneg`: every term is known at compile time to be non-negative, so a sum with unknown
    /// terms is still at least the sum of the known ones.
    Sum {
        list: ListField,
        var: Scope,
        body: Box<Expr>,
        nonneg: bool,
    },
    /// `any q in periods(kind, from, to): body` — the variable is a calendar period.
    PeriodQuant {
        any: bool,
        kind: yinhuan_grammar::ast::PeriodKind,
        from: Box<Expr>,
        to: Box<Expr>,
        var: Scope,
        body: Box<Expr>,
    },
    /// `if cond then a else b`.
    If {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    /// `date in q` for a period variable `q`.
    InPeriod {
        date: Box<Expr>,
        scope: Scope,
        negated: bool,
    },
    /// `q.start` / `q.end` of a period variable.
    PeriodBound {
        scope: Scope,
        end: bool,
    },
    Cases {
        kind: CasesKind,
        cases: Box<[(Box<str>, Expr)]>,
    },
    Lookup {
        table: u32,
        key: Box<Expr>,
    },
}

/// What explanations need to know about an expression.
#[derive(Debug, Clone)]
pub struct ExprInfo {
    /// The source text, whitespace collapsed.
    pub text: Box<str>,
    pub ty: Type,
    /// The unit to show a numeric value in.
    pub unit: Option<&'static Unit>,
    /// For a field read: its name, used as the short name in comparisons.
    pub field_name: Option<Box<str>>,
}

#[derive(Debug, Clone)]
pub enum TableKey {
    Choice(u32),
    Exact(Decimal),
    Text(Box<str>),
    Compare(CmpOp, Decimal),
}

#[derive(Debug, Clone)]
pub enum TableValue {
    Num(Decimal),
    Text(Box<str>),
}

#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    pub label: String,
    pub rows: Vec<(TableKey, TableValue)>,
    pub otherwise: Option<TableValue>,
}
