//! The span-carrying abstract syntax tree of a `.yh` file. Nothing here evaluates or resolves names:
//! the core crate's checker gives the tree its meaning.

use crate::date::Date;

/// A byte range in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// A syntax node with the place it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Node<T> {
    pub node: T,
    pub span: Span,
}

impl<T> Node<T> {
    pub fn new(node: T, span: Span) -> Self {
        Node { node, span }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct File {
    pub items: Vec<Node<Item>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Standard(StandardDecl),
    PartOf(Node<String>),
    Enum(EnumDecl),
    Entity(EntityDecl),
    Rule(RuleDecl),
    Gap(GapDecl),
    Value(ValueDecl),
    Table(TableDecl),
    Test(TestDecl),
}

#[derive(Debug, Clone, PartialEq)]
pub struct StandardDecl {
    pub id: Node<String>,
    pub fields: Vec<Node<StandardField>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StandardField {
    Title(String),
    Issuer(String),
    Document(String),
    Published(Date),
    ValidFrom(Date),
    ValidTo(Date),
    Supersedes(Vec<Node<String>>),
    Supplements(Vec<Node<String>>),
    Outcome(String),
    Defers(String),
    CitesWhen {
        citation: String,
        enum_name: Node<String>,
        choice: Node<String>,
    },
    AppliesWhen(Node<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumDecl {
    /// `extend enum x { … }` adds choices to an enum declared elsewhere.
    pub extend: bool,
    pub name: Node<String>,
    pub label: Option<Node<String>>,
    pub choices: Vec<Node<Choice>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub name: Node<String>,
    pub label: Node<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EntityDecl {
    /// `extend x { … }` adds fields to an entity declared elsewhere.
    pub extend: bool,
    pub name: Node<String>,
    pub label: Option<Node<String>>,
    pub fields: Vec<Node<Field>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: Node<String>,
    pub ty: Node<TypeExpr>,
    pub label: Node<String>,
    pub help: Option<Node<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeExpr {
    /// `bool`, `integer`, `decimal`, `text`, `date`, or an enum name.
    Named(String),
    /// `list of X` — X an enum or an entity.
    List(String),
    /// `quantity kPa`.
    Quantity(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct RuleDecl {
    pub id: Node<String>,
    pub title: Node<String>,
    pub clauses: Vec<Node<RuleClause>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RuleClause {
    Cites(String),
    /// The category or part of the standard the item belongs to (e.g. 煤矿 "瓦斯超限作业").
    Category(String),
    Provenance(Node<String>),
    Note(String),
    AppliesWhen(Node<Expr>),
    HazardWhen(Node<Expr>),
    Unless(Node<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct GapDecl {
    pub id: Node<String>,
    pub title: Node<String>,
    pub clauses: Vec<Node<RuleClause>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValueDecl {
    /// `value storage_unit.s …`: a value computed for each instance of an entity.
    pub entity: Option<Node<String>>,
    pub name: Node<String>,
    pub label: Node<String>,
    pub expr: Node<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableDecl {
    pub name: Node<String>,
    pub label: Node<String>,
    pub key_ty: Node<TypeExpr>,
    pub value_ty: Node<TypeExpr>,
    pub rows: Vec<Node<TableRow>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    pub key: Node<TableKey>,
    pub value: Node<Literal>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TableKey {
    Else,
    Choice(String),
    Exact(Literal),
    Compare(CmpOp, Literal),
}

#[derive(Debug, Clone, PartialEq)]
pub struct TestDecl {
    pub name: Node<String>,
    pub stmts: Vec<Node<TestStmt>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TestStmt {
    AsOf(Date),
    Facts(Json),
    ExpectRule {
        rule: Node<String>,
        outcome: Node<String>,
        because: Vec<Node<String>>,
        missing: Vec<Node<String>>,
        cites: Vec<Node<String>>,
    },
    /// `expect output NAME [at "/pointer"] = VALUE`; `at` picks the instance of an entity-level value.
    ExpectOutput {
        name: Node<String>,
        at: Option<Node<String>>,
        value: Node<Literal>,
    },
    ExpectError(Node<String>),
}

/// A JSON value written inside a test. Numbers keep their source text so that no precision is lost.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
}

impl ArithOp {
    pub fn symbol(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    Any,
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CasesKind {
    /// 或者: at least one situation holds.
    AnyOf,
    /// 并且: every situation holds.
    AllOf,
    /// How many situations hold.
    CountOf,
}

impl CasesKind {
    pub fn keyword(self) -> &'static str {
        match self {
            CasesKind::AnyOf => "any_of",
            CasesKind::AllOf => "all_of",
            CasesKind::CountOf => "count_of",
        }
    }
}

/// A calendar period length, for `periods(…)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeriodKind {
    Month,
    Quarter,
    HalfYear,
    Year,
}

impl PeriodKind {
    pub fn keyword(self) -> &'static str {
        match self {
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::HalfYear => "half_year",
            PeriodKind::Year => "year",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub label: Node<String>,
    pub expr: Node<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Or(Vec<Node<Expr>>),
    And(Vec<Node<Expr>>),
    Not(Box<Node<Expr>>),
    Compare {
        op: CmpOp,
        lhs: Box<Node<Expr>>,
        rhs: Box<Node<Expr>>,
    },
    /// `x in {a, b}` (`negated`: `not in`).
    InSet {
        negated: bool,
        lhs: Box<Node<Expr>>,
        choices: Vec<Node<String>>,
    },
    /// `c in xs` where `xs` is a list of choices.
    InList {
        negated: bool,
        lhs: Box<Node<Expr>>,
        list: Box<Node<Expr>>,
    },
    IsEmpty {
        negated: bool,
        list: Box<Node<Expr>>,
    },
    Arith {
        op: ArithOp,
        lhs: Box<Node<Expr>>,
        rhs: Box<Node<Expr>>,
    },
    Neg(Box<Node<Expr>>),
    Quant {
        kind: Quantifier,
        var: Node<String>,
        list: Box<Node<Expr>>,
        body: Box<Node<Expr>>,
    },
    Count {
        var: Node<String>,
        list: Box<Node<Expr>>,
        filter: Option<Box<Node<Expr>>>,
    },
    Sum {
        var: Node<String>,
        list: Box<Node<Expr>>,
        body: Box<Node<Expr>>,
    },
    Cases {
        kind: CasesKind,
        cases: Vec<Node<Case>>,
    },
    /// `if cond then a else b`.
    If {
        cond: Box<Node<Expr>>,
        then: Box<Node<Expr>>,
        otherwise: Box<Node<Expr>>,
    },
    /// `periods(quarter, from, to)`: only as the domain of `any`/`all`.
    Periods {
        kind: PeriodKind,
        from: Box<Node<Expr>>,
        to: Box<Node<Expr>>,
    },
    Lookup {
        table: Node<String>,
        key: Box<Node<Expr>>,
    },
    Path(Vec<Node<String>>),
    AsOf,
    Literal(Literal),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Bool(bool),
    /// Source text of a plain number, e.g. `4.6`.
    Number(String),
    /// Source text of the number and the unit, e.g. `30`, `kPa`.
    Quantity(String, String),
    Text(String),
    Date(Date),
}
