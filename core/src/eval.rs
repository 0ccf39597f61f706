//! Three-valued (Kleene) evaluation of compiled expressions over one enterprise's facts.
//!
//! One evaluator serves both paths. Without a trace sink it reads facts by slot, keeps bound
//! variables in a fixed array, short-circuits, and allocates nothing. With a sink it evaluates every
//! branch and records an explanation node per condition, with the values compared and the facts
//! that were missing — that cost is paid only by callers who ask for it.

use rust_decimal::Decimal;
use yinhuan_grammar::ast::{ArithOp, CasesKind, CmpOp};
use yinhuan_grammar::Date;

use crate::compile::Compiled;
use crate::error::EvalError;
use crate::facts::{Fact, Record};
use crate::ir::{Expr, ExprKind, ListField, TableKey, TableValue, MAX_VARS, SELF};
use crate::period::{complete_periods, Period};
use crate::report::{Explanation, Truth};

/// A truth value that may be unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tri {
    False,
    Unknown,
    True,
}

impl Tri {
    pub fn and(self, o: Tri) -> Tri {
        match (self, o) {
            (Tri::False, _) | (_, Tri::False) => Tri::False,
            (Tri::True, Tri::True) => Tri::True,
            _ => Tri::Unknown,
        }
    }
    pub fn or(self, o: Tri) -> Tri {
        match (self, o) {
            (Tri::True, _) | (_, Tri::True) => Tri::True,
            (Tri::False, Tri::False) => Tri::False,
            _ => Tri::Unknown,
        }
    }
    pub fn negate(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }
    fn of(b: bool) -> Tri {
        if b {
            Tri::True
        } else {
            Tri::False
        }
    }
    pub fn truth(self) -> Truth {
        match self {
            Tri::True => Truth::True,
            Tri::False => Truth::False,
            Tri::Unknown => Truth::Unknown,
        }
    }
}

/// A runtime value, borrowed from the facts where possible.
#[derive(Debug, Clone, Copy)]
pub enum Val<'a> {
    Unknown,
    Bool(bool),
    Num(Decimal),
    Date(Date),
    Text(&'a str),
    Choice(u32),
    Choices(&'a [u32]),
    Entities(&'a [Record]),
    /// A count that unknown facts leave between `lo` and `hi` (`u64::MAX`: no upper bound).
    Range(u64, u64),
    /// A non-negative sum with unknown terms: at least the sum of the known ones.
    AtLeast(Decimal),
}

/// Where a bound record sits in the facts: (owner entity, list slot, index) from the root down.
/// Kept in the frame itself, so a record's JSON pointer never depends on other frames.
#[derive(Debug, Clone, Copy, Default)]
pub struct Path {
    steps: [(u32, u32, u32); MAX_VARS],
    len: u8,
}

impl Path {
    fn push(mut self, owner: u32, slot: u32, index: u32) -> Path {
        if let Some(s) = self.steps.get_mut(usize::from(self.len)) {
            *s = (owner, slot, index);
            self.len += 1;
        }
        self
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    rec: &'a Record,
    path: Path,
    /// Set when the variable ranges over calendar periods rather than records.
    period: Option<Period>,
}

/// Bound variables, by scope (scope `n` is `frames[n - 1]`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Env<'a> {
    frames: [Option<Frame<'a>>; MAX_VARS],
}

pub type Sink<'s> = Option<&'s mut Vec<Explanation>>;
type R<T> = Result<T, EvalError>;

pub struct Evaluator<'a> {
    pub c: &'a Compiled,
    pub root: &'a Record,
    pub as_of: Date,
    /// The rule being evaluated, for error messages.
    pub rule: &'a str,
}

impl<'a> Evaluator<'a> {
    fn record(&self, env: &Env<'a>, scope: u8) -> &'a Record {
        if scope == 0 {
            return self.root;
        }
        env.frames
            .get(usize::from(scope) - 1)
            .and_then(|f| f.as_ref())
            .map_or(self.root, |f| f.rec)
    }

    fn list(&self, env: &Env<'a>, lf: ListField) -> Option<&'a [Record]> {
        match self.record(env, lf.scope).get(lf.slot) {
            Fact::Entities(items) => Some(items),
            _ => None,
        }
    }

    fn overflow(&self) -> EvalError {
        EvalError::Overflow {
            rule: self.rule.to_string(),
        }
    }

    /// JSON pointer of the record bound at `scope`.
    pub fn pointer(&self, env: &Env<'a>, scope: u8) -> String {
        let path = self.path_of(env, scope);
        let mut out = String::new();
        for (owner, slot, index) in path.steps.iter().take(usize::from(path.len)) {
            let name = self
                .c
                .schema
                .field(*owner, *slot)
                .map_or("?", |f| f.name.as_str());
            out.push_str(&format!("/{name}/{index}"));
        }
        out
    }

    fn path_of(&self, env: &Env<'a>, scope: u8) -> Path {
        if scope == 0 {
            return Path::default();
        }
        env.frames
            .get(usize::from(scope) - 1)
            .and_then(|f| f.as_ref())
            .map_or(Path::default(), |f| f.path)
    }

    /// Binds element `i` of `list` to variable scope `var`.
    fn enter(&self, env: &mut Env<'a>, var: u8, list: ListField, i: usize, rec: &'a Record) {
        let path = self
            .path_of(env, list.scope)
            .push(list.owner, list.slot, i as u32);
        if let Some(f) = env.frames.get_mut(usize::from(var) - 1) {
            *f = Some(Frame {
                rec,
                path,
                period: None,
            });
        }
    }

    fn field_pointer(&self, env: &Env<'a>, scope: u8, owner: u32, slot: u32) -> String {
        let name = self
            .c
            .schema
            .field(owner, slot)
            .map_or("?", |f| f.name.as_str());
        format!("{}/{name}", self.pointer(env, scope))
    }

    fn info_text(&self, e: &Expr) -> String {
        self.c
            .infos
            .get(e.info as usize)
            .map_or(String::new(), |i| i.text.to_string())
    }

    /// Evaluates a condition.
    pub fn truth(&self, e: &'a Expr, env: &mut Env<'a>, mut tr: Sink<'_>) -> R<Tri> {
        let tracing = tr.is_some();
        match &e.kind {
            ExprKind::And(xs) | ExprKind::Or(xs) => {
                let is_and = matches!(e.kind, ExprKind::And(_));
                let mut kids = tracing.then(Vec::new);
                let mut acc = Tri::of(is_and);
                for x in xs.iter() {
                    let t = self.truth(x, env, kids.as_mut())?;
                    acc = if is_and { acc.and(t) } else { acc.or(t) };
                    if !tracing && acc == Tri::of(!is_and) {
                        break;
                    }
                }
                if let Some(tr) = tr.as_deref_mut() {
                    tr.push(self.node(
                        if is_and { "and" } else { "or" },
                        e,
                        acc,
                        kids.unwrap_or_default(),
                    ));
                }
                Ok(acc)
            }
            ExprKind::Not(x) => {
                let mut kids = tracing.then(Vec::new);
                let t = self.truth(x, env, kids.as_mut())?.negate();
                if let Some(tr) = tr.as_deref_mut() {
                    tr.push(self.node("not", e, t, kids.unwrap_or_default()));
                }
                Ok(t)
            }
            ExprKind::Quant {
                any,
                list,
                var,
                body,
            } => {
                let Some(items) = self.list(env, *list) else {
                    if let Some(tr) = tr.as_deref_mut() {
                        let mut n = self.node(
                            if *any { "any" } else { "all" },
                            e,
                            Tri::Unknown,
                            Vec::new(),
                        );
                        n.missing
                            .push(self.field_pointer(env, list.scope, list.owner, list.slot));
                        n.detail = Some(format!(
                            "{} is unknown",
                            self.c
                                .schema
                                .field(list.owner, list.slot)
                                .map_or("?", |f| f.name.as_str())
                        ));
                        tr.push(n);
                    }
                    return Ok(Tri::Unknown);
                };
                let mut acc = Tri::of(!*any);
                let mut kids = tracing.then(Vec::new);
                let slot = usize::from(*var) - 1;
                let saved = env.frames.get(slot).copied().flatten();
                for (i, rec) in items.iter().enumerate() {
                    self.enter(env, *var, *list, i, rec);
                    let t = self.traced_element(body, env, *var, list.element, kids.as_mut())?;
                    acc = if *any { acc.or(t) } else { acc.and(t) };
                    if !tracing && acc == Tri::of(*any) {
                        break;
                    }
                }
                if let Some(f) = env.frames.get_mut(slot) {
                    *f = saved;
                }
                if let Some(tr) = tr.as_deref_mut() {
                    let mut n = self.node(
                        if *any { "any" } else { "all" },
                        e,
                        acc,
                        kids.unwrap_or_default(),
                    );
                    if items.is_empty() {
                        n.detail = Some(format!(
                            "{} is empty",
                            self.c
                                .schema
                                .field(list.owner, list.slot)
                                .map_or("?", |f| f.name.as_str())
                        ));
                    }
                    tr.push(n);
                }
                Ok(acc)
            }
            ExprKind::Cases { kind, cases } if *kind != CasesKind::CountOf => {
                let is_and = *kind == CasesKind::AllOf;
                let mut acc = Tri::of(is_and);
                let mut kids = tracing.then(Vec::new);
                for (label, x) in cases.iter() {
                    let t = self.traced_case(label, x, env, kids.as_mut())?;
                    acc = if is_and { acc.and(t) } else { acc.or(t) };
                    if !tracing && acc == Tri::of(!is_and) {
                        break;
                    }
                }
                if let Some(tr) = tr.as_deref_mut() {
                    tr.push(self.node(kind.keyword(), e, acc, kids.unwrap_or_default()));
                }
                Ok(acc)
            }
            ExprKind::PeriodQuant {
                any,
                kind,
                from,
                to,
                var,
                body,
            } => {
                let (f, t) = (self.value(from, env, None)?, self.value(to, env, None)?);
                let (Val::Date(f), Val::Date(t)) = (f, t) else {
                    if let Some(tr) = tr.as_deref_mut() {
                        let mut n = self.node(
                            if *any { "any" } else { "all" },
                            e,
                            Tri::Unknown,
                            Vec::new(),
                        );
                        self.missing_reads(from, env, &mut n.missing);
                        self.missing_reads(to, env, &mut n.missing);
                        // The periods are unknown, but the facts the body reads will be needed
                        // whatever they are: trace the body for the period containing `as_of`,
                        // so that the missing list is enough to decide the rule.
                        let slot = usize::from(*var) - 1;
                        let saved = env.frames.get(slot).copied().flatten();
                        if let Some(fr) = env.frames.get_mut(slot) {
                            let p = Period::containing(*kind, self.as_of);
                            *fr = Some(Frame {
                                rec: self.root,
                                path: Path::default(),
                                period: Some(p),
                            });
                        }
                        let mut probe = Vec::new();
                        self.truth(body, env, Some(&mut probe))?;
                        for p in &probe {
                            p.deciding_missing(&mut n.missing);
                        }
                        if let Some(fr) = env.frames.get_mut(slot) {
                            *fr = saved;
                        }
                        tr.push(n);
                    }
                    return Ok(Tri::Unknown);
                };
                let mut acc = Tri::of(!*any);
                let mut kids = tracing.then(Vec::new);
                let slot = usize::from(*var) - 1;
                let saved = env.frames.get(slot).copied().flatten();
                for p in complete_periods(*kind, f, t) {
                    if let Some(fr) = env.frames.get_mut(slot) {
                        *fr = Some(Frame {
                            rec: self.root,
                            path: Path::default(),
                            period: Some(p),
                        });
                    }
                    let v = match kids.as_mut() {
                        Some(k) => {
                            let mut inner = Vec::with_capacity(1);
                            let v = self.truth(body, env, Some(&mut inner))?;
                            let mut n = Explanation::new("instance", p.label(), v.truth(), inner);
                            n.period = Some(p.label());
                            k.push(n);
                            v
                        }
                        None => self.truth(body, env, None)?,
                    };
                    acc = if *any { acc.or(v) } else { acc.and(v) };
                    if !tracing && acc == Tri::of(*any) {
                        break;
                    }
                }
                if let Some(fr) = env.frames.get_mut(slot) {
                    *fr = saved;
                }
                if let Some(tr) = tr.as_deref_mut() {
                    tr.push(self.node(
                        if *any { "any" } else { "all" },
                        e,
                        acc,
                        kids.unwrap_or_default(),
                    ));
                }
                Ok(acc)
            }
            ExprKind::InPeriod {
                date,
                scope,
                negated,
            } => {
                let d = self.value(date, env, None)?;
                let period = env
                    .frames
                    .get(usize::from(*scope) - 1)
                    .copied()
                    .flatten()
                    .and_then(|f| f.period);
                let t = match (d, period) {
                    (Val::Date(d), Some(p)) => Tri::of(p.contains(d) != *negated),
                    _ => Tri::Unknown,
                };
                if let Some(tr) = tr.as_deref_mut() {
                    let mut n = self.node("in", e, t, Vec::new());
                    let range = period
                        .map(|p| format!("{} ({} – {})", p.label(), p.start, p.end))
                        .unwrap_or_default();
                    n.detail = Some(format!("{} in {range}", self.side(date, d)));
                    if t == Tri::Unknown {
                        self.missing_reads(date, env, &mut n.missing);
                    }
                    tr.push(n);
                }
                Ok(t)
            }
            ExprKind::Cmp { op, lhs, rhs } => {
                let mut kids = tracing.then(Vec::new);
                let l = self.value(lhs, env, kids.as_mut())?;
                let r = self.value(rhs, env, kids.as_mut())?;
                let t = compare(*op, l, r);
                if let Some(tr) = tr.as_deref_mut() {
                    let mut n = self.node("compare", e, t, kids.unwrap_or_default());
                    n.detail = Some(format!(
                        "{} {} {}",
                        self.side(lhs, l),
                        op.symbol(),
                        self.side(rhs, r)
                    ));
                    n.choice = self
                        .choice_read(lhs, l)
                        .or_else(|| self.choice_read(rhs, r));
                    if t == Tri::Unknown {
                        self.missing_reads(lhs, env, &mut n.missing);
                        self.missing_reads(rhs, env, &mut n.missing);
                    }
                    tr.push(n);
                }
                Ok(t)
            }
            ExprKind::InSet { lhs, set, negated } => {
                let v = self.value(lhs, env, None)?;
                let t = match v {
                    Val::Choice(c) => Tri::of(set.contains(&c) != *negated),
                    _ => Tri::Unknown,
                };
                if let Some(tr) = tr.as_deref_mut() {
                    let mut n = self.node("in", e, t, Vec::new());
                    n.detail = Some(self.side(lhs, v));
                    n.choice = self.choice_read(lhs, v);
                    if t == Tri::Unknown {
                        self.missing_reads(lhs, env, &mut n.missing);
                    }
                    tr.push(n);
                }
                Ok(t)
            }
            ExprKind::InList {
                item,
                list,
                negated,
            } => {
                let i = self.value(item, env, None)?;
                let l = self.value(list, env, None)?;
                let t = match (i, l) {
                    (Val::Choice(c), Val::Choices(cs)) => Tri::of(cs.contains(&c) != *negated),
                    _ => Tri::Unknown,
                };
                if let Some(tr) = tr.as_deref_mut() {
                    let mut n = self.node("in", e, t, Vec::new());
                    n.detail = Some(format!("{} in {}", self.side(item, i), self.side(list, l)));
                    if t == Tri::Unknown {
                        self.missing_reads(item, env, &mut n.missing);
                        self.missing_reads(list, env, &mut n.missing);
                    }
                    tr.push(n);
                }
                Ok(t)
            }
            ExprKind::IsEmpty { list, negated } => {
                let v = self.value(list, env, None)?;
                let t = match v {
                    Val::Choices(cs) => Tri::of(cs.is_empty() != *negated),
                    Val::Entities(es) => Tri::of(es.is_empty() != *negated),
                    _ => Tri::Unknown,
                };
                if let Some(tr) = tr.as_deref_mut() {
                    let mut n = self.node("empty", e, t, Vec::new());
                    n.detail = Some(self.side(list, v));
                    if t == Tri::Unknown {
                        self.missing_reads(list, env, &mut n.missing);
                    }
                    tr.push(n);
                }
                Ok(t)
            }
            _ => {
                // A yes/no fact, derived value or constant used as a condition.
                let v = self.value(e, env, None)?;
                let t = match v {
                    Val::Bool(b) => Tri::of(b),
                    _ => Tri::Unknown,
                };
                if let Some(tr) = tr {
                    let mut n = self.node("fact", e, t, Vec::new());
                    n.detail = Some(self.side(e, v));
                    if t == Tri::Unknown {
                        self.missing_reads(e, env, &mut n.missing);
                    }
                    tr.push(n);
                }
                Ok(t)
            }
        }
    }

    /// Evaluates a value. Counting nodes record their elements in the sink when tracing.
    pub fn value(&self, e: &'a Expr, env: &mut Env<'a>, mut tr: Sink<'_>) -> R<Val<'a>> {
        Ok(match &e.kind {
            ExprKind::Bool(b) => Val::Bool(*b),
            ExprKind::Num(n) => Val::Num(*n),
            ExprKind::Date(d) => Val::Date(*d),
            ExprKind::Text(t) => Val::Text(t),
            ExprKind::Choice(c) => Val::Choice(*c),
            ExprKind::AsOf => Val::Date(self.as_of),
            ExprKind::PeriodBound { scope, end } => match env
                .frames
                .get(usize::from(*scope) - 1)
                .copied()
                .flatten()
                .and_then(|f| f.period)
            {
                Some(p) => Val::Date(if *end { p.end } else { p.start }),
                None => Val::Unknown,
            },
            ExprKind::Field { scope, slot, .. } => match self.record(env, *scope).get(*slot) {
                Fact::Missing => Val::Unknown,
                Fact::Bool(b) => Val::Bool(*b),
                Fact::Num(n) => Val::Num(*n),
                Fact::Text(t) => Val::Text(t),
                Fact::Date(d) => Val::Date(*d),
                Fact::Choice(c) => Val::Choice(*c),
                Fact::Choices(cs) => Val::Choices(cs),
                Fact::Entities(es) => Val::Entities(es),
            },
            ExprKind::Value(i) => match self.c.values.get(*i as usize) {
                // Derived values are computed at the enterprise level, outside any bound variable.
                Some(v) => self.value(&v.expr, &mut Env::default(), None)?,
                None => Val::Unknown,
            },
            ExprKind::Arith { op, lhs, rhs } => {
                let l = self.value(lhs, env, None)?;
                let r = self.value(rhs, env, None)?;
                self.arith(*op, l, r, e)?
            }
            ExprKind::Neg(x) => match self.value(x, env, None)? {
                Val::Num(n) => Val::Num(-n),
                _ => Val::Unknown,
            },
            ExprKind::Count { list, var, filter } => {
                let Some(items) = self.list(env, *list) else {
                    return Ok(Val::Range(0, u64::MAX));
                };
                let Some(filter) = filter else {
                    let n = items.len() as u64;
                    return Ok(Val::Range(n, n));
                };
                let slot = usize::from(*var) - 1;
                let saved = env.frames.get(slot).copied().flatten();
                let (mut yes, mut maybe) = (0u64, 0u64);
                for (i, rec) in items.iter().enumerate() {
                    self.enter(env, *var, *list, i, rec);
                    let t =
                        self.traced_element(filter, env, *var, list.element, tr.as_deref_mut())?;
                    match t {
                        Tri::True => yes += 1,
                        Tri::Unknown => maybe += 1,
                        Tri::False => {}
                    }
                }
                if let Some(f) = env.frames.get_mut(slot) {
                    *f = saved;
                }
                Val::Range(yes, yes + maybe)
            }
            ExprKind::Cases { cases, .. } => {
                let (mut yes, mut maybe) = (0u64, 0u64);
                for (label, x) in cases.iter() {
                    let t = self.traced_case(label, x, env, tr.as_deref_mut())?;
                    match t {
                        Tri::True => yes += 1,
                        Tri::Unknown => maybe += 1,
                        Tri::False => {}
                    }
                }
                Val::Range(yes, yes + maybe)
            }
            ExprKind::Sum {
                list,
                var,
                body,
                nonneg,
            } => {
                let Some(items) = self.list(env, *list) else {
                    return Ok(if *nonneg {
                        Val::AtLeast(Decimal::ZERO)
                    } else {
                        Val::Unknown
                    });
                };
                let slot = usize::from(*var) - 1;
                let saved = env.frames.get(slot).copied().flatten();
                // The sum of the known terms, and whether some term is unknown (or only bounded below).
                let mut known = Decimal::ZERO;
                let mut partial = false;
                let mut unbounded = false;
                for (i, rec) in items.iter().enumerate() {
                    self.enter(env, *var, *list, i, rec);
                    let term = match self.value(body, env, None)? {
                        Val::Num(n) => Some(n),
                        Val::Range(lo, hi) if lo == hi => Some(Decimal::from(lo)),
                        Val::AtLeast(lo) => {
                            partial = true;
                            Some(lo)
                        }
                        _ => {
                            partial = true;
                            unbounded = !*nonneg;
                            None
                        }
                    };
                    if let Some(t) = term {
                        known = known.checked_add(t).ok_or_else(|| self.overflow())?;
                    }
                }
                if let Some(f) = env.frames.get_mut(slot) {
                    *f = saved;
                }
                match (partial, unbounded) {
                    (false, _) => Val::Num(known),
                    (true, false) if *nonneg => Val::AtLeast(known),
                    _ => Val::Unknown,
                }
            }
            ExprKind::EntityValue { scope, value } => {
                let Some(v) = self.c.values.get(*value as usize) else {
                    return Ok(Val::Unknown);
                };
                let frame = env.frames.get(usize::from(*scope) - 1).copied().flatten();
                let mut inner = Env::default();
                if let Some(f) = inner.frames.get_mut(usize::from(SELF) - 1) {
                    *f = frame;
                }
                self.value(&v.expr, &mut inner, None)?
            }
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => match self.truth(cond, env, None)? {
                Tri::True => self.value(then, env, tr)?,
                Tri::False => self.value(otherwise, env, tr)?,
                // An unknown condition still decides when both branches agree.
                Tri::Unknown => match (
                    self.value(then, env, None)?,
                    self.value(otherwise, env, None)?,
                ) {
                    (Val::Num(a), Val::Num(b)) if a == b => Val::Num(a),
                    (Val::Text(a), Val::Text(b)) if a == b => Val::Text(a),
                    (Val::Bool(a), Val::Bool(b)) if a == b => Val::Bool(a),
                    (Val::Choice(a), Val::Choice(b)) if a == b => Val::Choice(a),
                    (Val::Date(a), Val::Date(b)) if a == b => Val::Date(a),
                    _ => Val::Unknown,
                },
            },
            ExprKind::Lookup { table, key } => {
                let mut k = self.value(key, env, None)?;
                let Some(t) = self.c.tables.get(*table as usize) else {
                    return Ok(Val::Unknown);
                };
                // A key known only to be at least `lo` decides the lookup only if `lo` already
                // falls in the first row and that row is `>=`/`>`: every larger value falls there
                // too. Otherwise a larger value could fall in an earlier row: unknown.
                if let Val::AtLeast(lo) = k {
                    match t.rows.first() {
                        Some((TableKey::Compare(op @ (CmpOp::Ge | CmpOp::Gt), d), _))
                            if compare(*op, Val::Num(lo), Val::Num(*d)) == Tri::True =>
                        {
                            k = Val::Num(lo);
                        }
                        _ => return Ok(Val::Unknown),
                    }
                }
                let hit = t.rows.iter().find(|(rk, _)| match (rk, k) {
                    (TableKey::Choice(c), Val::Choice(v)) => *c == v,
                    (TableKey::Exact(d), Val::Num(v)) => *d == v,
                    (TableKey::Text(s), Val::Text(v)) => &**s == v,
                    (TableKey::Compare(op, d), Val::Num(v)) => {
                        compare(*op, Val::Num(v), Val::Num(*d)) == Tri::True
                    }
                    _ => false,
                });
                if matches!(k, Val::Unknown) || matches!(k, Val::Range(lo, hi) if lo != hi) {
                    return Ok(Val::Unknown);
                }
                match hit.map(|(_, v)| v).or(t.otherwise.as_ref()) {
                    Some(TableValue::Num(n)) => Val::Num(*n),
                    Some(TableValue::Text(s)) => Val::Text(s),
                    None => Val::Unknown,
                }
            }
            _ => match self.truth(e, env, tr)? {
                Tri::True => Val::Bool(true),
                Tri::False => Val::Bool(false),
                Tri::Unknown => Val::Unknown,
            },
        })
    }

    /// Whether the right operand of an arithmetic expression is calendar time (`2 years`).
    fn calendar_rhs(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Arith { rhs, .. } => self.c.infos.get(rhs.info as usize).is_some_and(|i| {
                i.ty == crate::schema::Type::Quantity(crate::units::Dimension::Calendar)
            }),
            _ => false,
        }
    }

    fn arith(&self, op: ArithOp, l: Val<'a>, r: Val<'a>, e: &Expr) -> R<Val<'a>> {
        let num = |v: Val<'a>| match v {
            Val::Num(n) => Some(n),
            Val::Range(lo, hi) if lo == hi => Some(Decimal::from(lo)),
            _ => None,
        };
        const DAY: i64 = 86_400;
        Ok(match (l, r) {
            (Val::Date(a), Val::Date(b)) => Val::Num(
                Decimal::from(i64::from(a.days()) - i64::from(b.days())) * Decimal::from(DAY),
            ),
            (Val::Date(a), other) if self.calendar_rhs(e) => match num(other).map(|m| m.trunc()) {
                Some(months) => {
                    let months = i64::try_from(months).map_err(|_| self.overflow())?;
                    Val::Date(a.add_months(if op == ArithOp::Sub { -months } else { months }))
                }
                None => Val::Unknown,
            },
            (Val::Date(a), other) => match num(other) {
                Some(secs) => {
                    let days = (secs / Decimal::from(DAY)).floor();
                    let days = i64::try_from(days).map_err(|_| self.overflow())?;
                    Val::Date(a.add_days(if op == ArithOp::Sub { -days } else { days }))
                }
                None => Val::Unknown,
            },
            _ => match (num(l), num(r)) {
                (Some(a), Some(b)) => {
                    let v = match op {
                        ArithOp::Add => a.checked_add(b),
                        ArithOp::Sub => a.checked_sub(b),
                        ArithOp::Mul => a.checked_mul(b),
                        ArithOp::Div => {
                            if b.is_zero() {
                                return Err(EvalError::DivisionByZero {
                                    rule: self.rule.to_string(),
                                    expr: self.info_text(e),
                                });
                            }
                            a.checked_div(b)
                        }
                    };
                    Val::Num(v.ok_or_else(|| self.overflow())?)
                }
                _ => self.bound_arith(op, l, r)?,
            },
        })
    }

    /// Arithmetic on lower bounds: only the operations that keep a non-negative lower bound a
    /// lower bound (adding a non-negative amount, scaling by a non-negative factor).
    fn bound_arith(&self, op: ArithOp, l: Val<'a>, r: Val<'a>) -> R<Val<'a>> {
        let lower = |v: Val<'a>| match v {
            Val::Num(n) if !n.is_sign_negative() => Some((n, true)),
            Val::Range(lo, _) => Some((Decimal::from(lo), false)),
            Val::AtLeast(n) => Some((n, false)),
            _ => None,
        };
        let (Some((a, a_exact)), Some((b, b_exact))) = (lower(l), lower(r)) else {
            return Ok(Val::Unknown);
        };
        let v = match op {
            ArithOp::Add => a.checked_add(b),
            ArithOp::Mul => a.checked_mul(b),
            // x / k with k known and positive; a divisor that is only bounded below bounds nothing.
            ArithOp::Div if b_exact && b > Decimal::ZERO => a.checked_div(b),
            _ => return Ok(Val::Unknown),
        };
        let _ = a_exact;
        Ok(Val::AtLeast(v.ok_or_else(|| self.overflow())?))
    }

    /// Every instance of `entity` in the facts, at any depth, bound as `SELF`.
    pub fn instances(&self, entity: u32) -> Vec<Env<'a>> {
        let mut frames = Vec::new();
        self.walk(
            crate::schema::ENTERPRISE,
            self.root,
            Path::default(),
            entity,
            &mut frames,
        );
        frames
            .into_iter()
            .map(|f| {
                let mut env = Env::default();
                if let Some(slot) = env.frames.get_mut(usize::from(SELF) - 1) {
                    *slot = Some(f);
                }
                env
            })
            .collect()
    }

    fn walk(&self, owner: u32, rec: &'a Record, path: Path, target: u32, out: &mut Vec<Frame<'a>>) {
        let Some(def) = self.c.schema.entity(owner) else {
            return;
        };
        for (slot, f) in def.fields.iter().enumerate() {
            let crate::schema::Type::EntityList(element) = f.ty else {
                continue;
            };
            let Fact::Entities(items) = rec.get(slot as u32) else {
                continue;
            };
            for (i, r) in items.iter().enumerate() {
                let p = path.push(owner, slot as u32, i as u32);
                if element == target {
                    out.push(Frame {
                        rec: r,
                        path: p,
                        period: None,
                    });
                }
                if usize::from(p.len) < MAX_VARS {
                    self.walk(element, r, p, target, out);
                }
            }
        }
    }

    /// The `name` (or `id`) fact of the instance bound at `scope`.
    pub fn instance_name(&self, env: &Env<'a>, scope: u8, entity: u32) -> Option<String> {
        let slot = self.c.schema.entity(entity)?.naming_slot()?;
        match self.record(env, scope).get(slot) {
            Fact::Text(s) => Some(s.to_string()),
            _ => None,
        }
    }

    /// Evaluates a labelled situation, recording it as a `case` node when tracing.
    fn traced_case(&self, label: &str, x: &'a Expr, env: &mut Env<'a>, kids: Sink<'_>) -> R<Tri> {
        match kids {
            Some(k) => {
                let mut inner = Vec::with_capacity(1);
                let t = self.truth(x, env, Some(&mut inner))?;
                k.push(Explanation::new(
                    "case",
                    label.to_string(),
                    t.truth(),
                    inner,
                ));
                Ok(t)
            }
            None => self.truth(x, env, None),
        }
    }

    /// Evaluates a condition for the list element bound to `var`, recording it as an `instance`
    /// node when tracing.
    fn traced_element(
        &self,
        body: &'a Expr,
        env: &mut Env<'a>,
        var: u8,
        element: u32,
        kids: Sink<'_>,
    ) -> R<Tri> {
        match kids {
            Some(k) => {
                let mut inner = Vec::with_capacity(1);
                let t = self.truth(body, env, Some(&mut inner))?;
                k.push(self.instance(env, var, element, t, inner));
                Ok(t)
            }
            None => self.truth(body, env, None),
        }
    }

    fn node(
        &self,
        kind: &'static str,
        e: &Expr,
        t: Tri,
        children: Vec<Explanation>,
    ) -> Explanation {
        Explanation::new(kind, self.info_text(e), t.truth(), children)
    }

    fn instance(
        &self,
        env: &Env<'a>,
        var: u8,
        entity: u32,
        t: Tri,
        children: Vec<Explanation>,
    ) -> Explanation {
        let pointer = self.pointer(env, var);
        let def = self.c.schema.entity(entity);
        let name = def.and_then(|d| d.naming_slot()).and_then(|slot| {
            match self.record(env, var).get(slot) {
                Fact::Text(s) => Some(s.to_string()),
                _ => None,
            }
        });
        let label = def.map_or(String::new(), |d| d.label.clone());
        let mut n = Explanation::new("instance", label, t.truth(), children);
        n.instance = Some(pointer);
        n.name = name;
        n
    }

    /// `name = value` for a fact or derived value, the value alone for a constant.
    fn side(&self, e: &Expr, v: Val<'a>) -> String {
        let info = self.c.infos.get(e.info as usize);
        let shown = self.show(e, v);
        match &e.kind {
            ExprKind::Num(_)
            | ExprKind::Bool(_)
            | ExprKind::Date(_)
            | ExprKind::Text(_)
            | ExprKind::Choice(_) => shown,
            _ => {
                let name = info
                    .and_then(|i| i.field_name.as_deref())
                    .map_or_else(|| self.info_text(e), str::to_string);
                format!("{name} = {shown}")
            }
        }
    }

    fn show(&self, e: &Expr, v: Val<'a>) -> String {
        let info = self.c.infos.get(e.info as usize);
        match v {
            Val::Unknown => "unknown".into(),
            Val::Bool(b) => b.to_string(),
            Val::Num(n) => match info.and_then(|i| i.unit) {
                Some(u) => {
                    let shown = u.from_base(n).unwrap_or(n).round_dp(6).normalize();
                    format!("{shown} {}", u.name)
                }
                None => n.normalize().to_string(),
            },
            Val::Date(d) => d.to_string(),
            Val::Text(t) => format!("\"{t}\""),
            Val::Choice(c) => self.choice_name(info.map(|i| i.ty), c),
            Val::Choices(cs) => {
                let names: Vec<String> = cs
                    .iter()
                    .map(|c| self.choice_name(info.map(|i| i.ty), *c))
                    .collect();
                format!("[{}]", names.join(", "))
            }
            Val::Entities(es) => format!("{} items", es.len()),
            Val::AtLeast(n) => match info.and_then(|i| i.unit) {
                Some(u) => format!(
                    "at least {} {}",
                    u.from_base(n).unwrap_or(n).round_dp(6).normalize(),
                    u.name
                ),
                None => format!("at least {}", n.round_dp(6).normalize()),
            },
            Val::Range(lo, hi) if lo == hi => lo.to_string(),
            Val::Range(lo, u64::MAX) => format!("at least {lo}"),
            Val::Range(lo, hi) => format!("between {lo} and {hi}"),
        }
    }

    fn choice_name(&self, ty: Option<crate::schema::Type>, c: u32) -> String {
        use crate::schema::Type;
        let en = match ty {
            Some(Type::Enum(en) | Type::EnumList(en)) => Some(en),
            _ => None,
        };
        match en
            .and_then(|en| self.c.schema.enum_def(en))
            .and_then(|d| d.choice(c))
        {
            Some(ch) => format!("{}（{}）", ch.name, ch.label),
            None => c.to_string(),
        }
    }

    fn choice_read(&self, e: &Expr, v: Val<'a>) -> Option<(u32, u32)> {
        use crate::schema::Type;
        match (&e.kind, v, self.c.infos.get(e.info as usize).map(|i| i.ty)) {
            (ExprKind::Field { .. }, Val::Choice(c), Some(Type::Enum(en))) => Some((en, c)),
            _ => None,
        }
    }

    /// The missing facts of a derived value: a yes/no value is traced for the facts that would
    /// decide it; a number's missing inputs are read off its arithmetic.
    fn value_missing(&self, e: &'a Expr, env: &mut Env<'a>, out: &mut Vec<String>) {
        if self
            .c
            .infos
            .get(e.info as usize)
            .is_some_and(|i| i.ty == crate::schema::Type::Bool)
        {
            let mut nodes = Vec::new();
            if self.truth(e, env, Some(&mut nodes)).is_ok() {
                for n in &nodes {
                    n.deciding_missing(out);
                }
            }
            return;
        }
        self.missing_reads(e, env, out);
    }

    /// Pointers of the missing facts a value expression reads.
    fn missing_reads(&self, e: &'a Expr, env: &mut Env<'a>, out: &mut Vec<String>) {
        match &e.kind {
            ExprKind::Field { scope, owner, slot } => {
                if matches!(self.record(env, *scope).get(*slot), Fact::Missing) {
                    out.push(self.field_pointer(env, *scope, *owner, *slot));
                }
            }
            ExprKind::Value(i) => {
                if let Some(v) = self.c.values.get(*i as usize) {
                    self.value_missing(&v.expr, &mut Env::default(), out);
                }
            }
            ExprKind::Arith { lhs, rhs, .. } => {
                self.missing_reads(lhs, env, out);
                self.missing_reads(rhs, env, out);
            }
            ExprKind::Neg(x) | ExprKind::Lookup { key: x, .. } => self.missing_reads(x, env, out),
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => match self.truth(cond, env, None) {
                Ok(Tri::True) => self.missing_reads(then, env, out),
                Ok(Tri::False) => self.missing_reads(otherwise, env, out),
                _ => {
                    self.value_missing(cond, env, out);
                    self.missing_reads(then, env, out);
                    self.missing_reads(otherwise, env, out);
                }
            },
            ExprKind::EntityValue { scope, value } => {
                if let Some(v) = self.c.values.get(*value as usize) {
                    let frame = env.frames.get(usize::from(*scope) - 1).copied().flatten();
                    let mut inner = Env::default();
                    if let Some(f) = inner.frames.get_mut(usize::from(SELF) - 1) {
                        *f = frame;
                    }
                    self.value_missing(&v.expr, &mut inner, out);
                }
            }
            ExprKind::Sum {
                list, var, body, ..
            }
            | ExprKind::Count {
                list,
                var,
                filter: Some(body),
            } => {
                let Some(items) = self.list(env, *list) else {
                    out.push(self.field_pointer(env, list.scope, list.owner, list.slot));
                    return;
                };
                if matches!(e.kind, ExprKind::Count { .. }) {
                    return; // the counted conditions are explained, with their missing facts, as children
                }
                let slot = usize::from(*var) - 1;
                let saved = env.frames.get(slot).copied().flatten();
                for (i, rec) in items.iter().enumerate() {
                    self.enter(env, *var, *list, i, rec);
                    self.missing_reads(body, env, out);
                }
                if let Some(f) = env.frames.get_mut(slot) {
                    *f = saved;
                }
            }
            ExprKind::Count {
                list, filter: None, ..
            } if self.list(env, *list).is_none() => {
                out.push(self.field_pointer(env, list.scope, list.owner, list.slot));
            }
            _ => {}
        }
    }
}

/// Compares two values; counts that are still uncertain compare as unknown unless every possible
/// count gives the same answer.
pub fn compare(op: CmpOp, l: Val<'_>, r: Val<'_>) -> Tri {
    use std::cmp::Ordering;
    let ord = |o: Ordering| match op {
        CmpOp::Eq => o == Ordering::Equal,
        CmpOp::Ne => o != Ordering::Equal,
        CmpOp::Lt => o == Ordering::Less,
        CmpOp::Le => o != Ordering::Greater,
        CmpOp::Gt => o == Ordering::Greater,
        CmpOp::Ge => o != Ordering::Less,
    };
    match (l, r) {
        (Val::Num(a), Val::Num(b)) => Tri::of(ord(a.cmp(&b))),
        (Val::Date(a), Val::Date(b)) => Tri::of(ord(a.cmp(&b))),
        (Val::Bool(a), Val::Bool(b)) => Tri::of(ord(a.cmp(&b))),
        (Val::Choice(a), Val::Choice(b)) => Tri::of(ord(a.cmp(&b))),
        (Val::Text(a), Val::Text(b)) => Tri::of(ord(a.cmp(b))),
        (Val::Range(lo, hi), Val::Num(b)) => range_cmp(lo, hi, b, ord),
        (Val::Num(a), Val::Range(lo, hi)) => range_cmp(lo, hi, a, |o| ord(o.reverse())),
        (Val::Range(a, b), Val::Range(c, d)) if a == b && c == d => Tri::of(ord(a.cmp(&c))),
        (Val::AtLeast(lo), Val::Num(b)) => at_least_cmp(op, lo, b),
        (Val::Num(a), Val::AtLeast(lo)) => at_least_cmp(flip(op), lo, a),
        _ => Tri::Unknown,
    }
}

fn flip(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        other => other,
    }
}

/// `x op b` for a value x known only to be at least `lo`: decided only when `lo` already decides it.
fn at_least_cmp(op: CmpOp, lo: Decimal, b: Decimal) -> Tri {
    match op {
        CmpOp::Ge if lo >= b => Tri::True,
        CmpOp::Gt if lo > b => Tri::True,
        CmpOp::Lt if lo >= b => Tri::False,
        CmpOp::Le if lo > b => Tri::False,
        CmpOp::Eq if lo > b => Tri::False,
        CmpOp::Ne if lo > b => Tri::True,
        _ => Tri::Unknown,
    }
}

/// `x op b` for every whole x in [lo, hi]: all true, all false, or some of each.
fn range_cmp(lo: u64, hi: u64, b: Decimal, ord: impl Fn(std::cmp::Ordering) -> bool) -> Tri {
    let at = |x: u64| ord(Decimal::from(x).cmp(&b));
    if lo == hi {
        return Tri::of(at(lo));
    }
    // The comparison is monotone in x except for == and !=, which can only change at b itself.
    let (first, last) = (
        at(lo),
        if hi == u64::MAX {
            ord(std::cmp::Ordering::Greater)
        } else {
            at(hi)
        },
    );
    let b_inside =
        b.fract().is_zero() && b >= Decimal::from(lo) && (hi == u64::MAX || b <= Decimal::from(hi));
    let at_b = b_inside && ord(std::cmp::Ordering::Equal);
    let mid_differs = b_inside && (at_b != first || at_b != last);
    if first == last && !mid_differs {
        Tri::of(first)
    } else {
        Tri::Unknown
    }
}
