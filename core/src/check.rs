//! Name, type and unit checking of expressions. Turns an AST expression into the slot-indexed IR,
//! or reports each problem with its place. Nothing that passes here can meet a type error later.

use std::str::FromStr;

use indexmap::IndexMap;
use rust_decimal::Decimal;
use yinhuan_grammar::ast::{self, ArithOp, CasesKind, CmpOp, Node, Span};

use crate::diagnostics::Diagnostic;
use crate::facts::MAX_MAGNITUDE;
use crate::ir::{Expr, ExprInfo, ExprKind, ListField, Scope, MAX_VARS, SELF};
use crate::schema::{EntityId, Schema, Type, ENTERPRISE};
use crate::units::{self, Dimension, Unit};

pub mod codes {
    pub const UNKNOWN_NAME: &str = "E0201";
    pub const TYPE_MISMATCH: &str = "E0202";
    pub const UNIT_MISMATCH: &str = "E0203";
    pub const DUPLICATE: &str = "E0204";
    pub const UNKNOWN_UNIT: &str = "E0205";
    pub const UNKNOWN_CHOICE: &str = "E0206";
    pub const MISPLACED: &str = "E0207";
    pub const MISSING_CLAUSE: &str = "E0208";
    pub const BAD_PROVENANCE: &str = "E0209";
    pub const TABLE_KEY: &str = "E0210";
    pub const SCOPE_LIMIT: &str = "E0211";
    pub const BAD_NUMBER: &str = "E0212";
}

/// A derived value or table as seen by the checker.
#[derive(Debug, Clone, Copy)]
pub struct Named {
    pub index: u32,
    pub ty: Type,
    pub unit: Option<&'static Unit>,
    pub key_ty: Option<Type>,
    /// Known never to be negative (for the lower bounds of sums).
    pub nonneg: bool,
}

/// The "entity" a period variable is bound to: it has no fields, only `start`, `end` and `in`.
pub const PERIOD: EntityId = u32::MAX;

/// Entity-level derived values, by (entity, name).
pub type EntityValues = IndexMap<(EntityId, String), Named>;

pub struct Checker<'a> {
    pub schema: &'a Schema,
    pub values: &'a IndexMap<String, Named>,
    pub tables: &'a IndexMap<String, Named>,
    pub entity_values: &'a EntityValues,
    /// Set while checking an entity-level value: bare names are that entity's fields first.
    pub self_entity: Option<EntityId>,
    pub file: &'a str,
    pub source: &'a str,
    pub diags: &'a mut Vec<Diagnostic>,
    pub infos: &'a mut Vec<ExprInfo>,
    vars: Vec<(String, EntityId)>,
}

type Checked = Option<(Expr, Type)>;

pub fn parse_decimal(text: &str) -> Option<Decimal> {
    let d = Decimal::from_str(text).ok()?;
    (d.abs() <= Decimal::from(MAX_MAGNITUDE)).then_some(d)
}

impl<'a> Checker<'a> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        schema: &'a Schema,
        values: &'a IndexMap<String, Named>,
        tables: &'a IndexMap<String, Named>,
        entity_values: &'a EntityValues,
        file: &'a str,
        source: &'a str,
        diags: &'a mut Vec<Diagnostic>,
        infos: &'a mut Vec<ExprInfo>,
    ) -> Self {
        Checker {
            schema,
            values,
            tables,
            entity_values,
            self_entity: None,
            file,
            source,
            diags,
            infos,
            vars: Vec::new(),
        }
    }

    fn error(&mut self, code: &'static str, span: Span, message: impl Into<String>) {
        self.diags
            .push(Diagnostic::new(code, message, self.file, self.source, span));
    }

    fn text(&self, span: Span) -> Box<str> {
        let raw = self.source.get(span.start..span.end).unwrap_or("");
        raw.split_whitespace().collect::<Vec<_>>().join(" ").into()
    }

    fn mk(
        &mut self,
        kind: ExprKind,
        span: Span,
        ty: Type,
        unit: Option<&'static Unit>,
        field: Option<&str>,
    ) -> Expr {
        let info = self.infos.len() as u32;
        self.infos.push(ExprInfo {
            text: self.text(span),
            ty,
            unit,
            field_name: field.map(Into::into),
        });
        Expr { kind, info }
    }

    fn unit_of(&self, e: &Expr) -> Option<&'static Unit> {
        self.infos.get(e.info as usize).and_then(|i| i.unit)
    }

    fn describe(&self, ty: Type) -> String {
        self.schema.describe(ty)
    }

    /// Checks a condition: an expression that must be yes/no.
    pub fn condition(&mut self, e: &Node<ast::Expr>) -> Option<Expr> {
        let (expr, ty) = self.expr(e)?;
        if ty != Type::Bool {
            let d = self.describe(ty);
            self.error(
                codes::TYPE_MISMATCH,
                e.span,
                format!("a condition must be yes/no, but this is {d}"),
            );
            return None;
        }
        Some(expr)
    }

    /// Checks any expression and returns it with its type.
    pub fn expr(&mut self, e: &Node<ast::Expr>) -> Checked {
        let span = e.span;
        match &e.node {
            ast::Expr::Or(parts) | ast::Expr::And(parts) => {
                let is_or = matches!(e.node, ast::Expr::Or(_));
                let mut out = Vec::with_capacity(parts.len());
                let mut ok = true;
                for p in parts {
                    match self.condition(p) {
                        Some(x) => out.push(x),
                        None => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
                let kind = if is_or {
                    ExprKind::Or(out.into())
                } else {
                    ExprKind::And(out.into())
                };
                Some((self.mk(kind, span, Type::Bool, None, None), Type::Bool))
            }
            ast::Expr::Not(inner) => {
                let x = self.condition(inner)?;
                Some((
                    self.mk(ExprKind::Not(Box::new(x)), span, Type::Bool, None, None),
                    Type::Bool,
                ))
            }
            ast::Expr::Compare { op, lhs, rhs } => self.compare(*op, lhs, rhs, span),
            ast::Expr::InSet {
                negated,
                lhs,
                choices,
            } => {
                let (l, lt) = self.expr(lhs)?;
                let Type::Enum(en) = lt else {
                    let d = self.describe(lt);
                    self.error(
                        codes::TYPE_MISMATCH,
                        lhs.span,
                        format!("`in {{…}}` needs a choice on its left, but this is {d}"),
                    );
                    return None;
                };
                let mut set = Vec::new();
                for c in choices {
                    match self
                        .schema
                        .enum_def(en)
                        .and_then(|d| d.index.get(&c.node).copied())
                    {
                        Some(id) => set.push(id),
                        None => {
                            self.unknown_choice(en, c);
                            return None;
                        }
                    }
                }
                let kind = ExprKind::InSet {
                    lhs: Box::new(l),
                    set: set.into(),
                    negated: *negated,
                };
                Some((self.mk(kind, span, Type::Bool, None, None), Type::Bool))
            }
            ast::Expr::InList { negated, lhs, list } if self.period_var(list).is_some() => {
                let scope = self.period_var(list)?;
                let date = self.date(lhs)?;
                let k = ExprKind::InPeriod {
                    date: Box::new(date),
                    scope,
                    negated: *negated,
                };
                Some((self.mk(k, span, Type::Bool, None, None), Type::Bool))
            }
            ast::Expr::InList { negated, lhs, list } => {
                let (l, lt) = self.expr(list)?;
                let Type::EnumList(en) = lt else {
                    let d = self.describe(lt);
                    self.error(
                        codes::TYPE_MISMATCH,
                        list.span,
                        format!("`in` needs a list of choices on its right, but this is {d}"),
                    );
                    return None;
                };
                let (item, it) = self.with_enum_hint(lhs, en)?;
                if it != Type::Enum(en) {
                    let (a, b) = (self.describe(it), self.describe(Type::Enum(en)));
                    self.error(
                        codes::TYPE_MISMATCH,
                        lhs.span,
                        format!("this is {a}, but the list holds {b}"),
                    );
                    return None;
                }
                let kind = ExprKind::InList {
                    item: Box::new(item),
                    list: Box::new(l),
                    negated: *negated,
                };
                Some((self.mk(kind, span, Type::Bool, None, None), Type::Bool))
            }
            ast::Expr::IsEmpty { negated, list } => {
                let (l, lt) = self.expr(list)?;
                if !matches!(lt, Type::EnumList(_) | Type::EntityList(_)) {
                    let d = self.describe(lt);
                    self.error(
                        codes::TYPE_MISMATCH,
                        list.span,
                        format!("`is empty` needs a list, but this is {d}"),
                    );
                    return None;
                }
                let kind = ExprKind::IsEmpty {
                    list: Box::new(l),
                    negated: *negated,
                };
                Some((self.mk(kind, span, Type::Bool, None, None), Type::Bool))
            }
            ast::Expr::Arith { op, lhs, rhs } => self.arith(*op, lhs, rhs, span),
            ast::Expr::Neg(inner) => {
                let (x, ty) = self.expr(inner)?;
                if !ty.is_numeric() {
                    let d = self.describe(ty);
                    self.error(
                        codes::TYPE_MISMATCH,
                        inner.span,
                        format!("only numbers can be negated, but this is {d}"),
                    );
                    return None;
                }
                let unit = self.unit_of(&x);
                Some((
                    self.mk(ExprKind::Neg(Box::new(x)), span, ty, unit, None),
                    ty,
                ))
            }
            ast::Expr::Quant {
                kind,
                var,
                list,
                body,
            } if matches!(list.node, ast::Expr::Periods { .. }) => {
                let ast::Expr::Periods { kind: pk, from, to } = &list.node else {
                    return None;
                };
                let from = self.date(from)?;
                let to = self.date(to)?;
                let v = self.next_scope();
                let body = self.bind(var, PERIOD, |c| c.condition(body))?;
                let k = ExprKind::PeriodQuant {
                    any: *kind == ast::Quantifier::Any,
                    kind: *pk,
                    from: Box::new(from),
                    to: Box::new(to),
                    var: v,
                    body: Box::new(body),
                };
                Some((self.mk(k, span, Type::Bool, None, None), Type::Bool))
            }
            ast::Expr::If {
                cond,
                then,
                otherwise,
            } => {
                let c = self.condition(cond)?;
                let (a, at) = self.expr(then)?;
                let (b, bt) = self.expr(otherwise)?;
                let ty = match (at, bt) {
                    (x, y) if x == y => x,
                    (Type::Integer | Type::Decimal, Type::Integer | Type::Decimal) => Type::Decimal,
                    _ => {
                        let (x, y) = (self.describe(at), self.describe(bt));
                        self.error(codes::TYPE_MISMATCH, span, format!("both branches of `if` must have one type, but one is {x} and the other {y}"));
                        return None;
                    }
                };
                let unit = self.unit_of(&a).or_else(|| self.unit_of(&b));
                let kind = ExprKind::If {
                    cond: Box::new(c),
                    then: Box::new(a),
                    otherwise: Box::new(b),
                };
                Some((self.mk(kind, span, ty, unit, None), ty))
            }
            ast::Expr::Periods { .. } => {
                self.error(
                    codes::TYPE_MISMATCH,
                    span,
                    "`periods(…)` can only be ranged over with `any` or `all`",
                );
                None
            }
            ast::Expr::Quant {
                kind,
                var,
                list,
                body,
            } => {
                let lf = self.list_field(list)?;
                let v = self.next_scope();
                let body = self.bind(var, lf.element, |c| c.condition(body))?;
                let k = ExprKind::Quant {
                    any: *kind == ast::Quantifier::Any,
                    list: lf,
                    var: v,
                    body: Box::new(body),
                };
                Some((self.mk(k, span, Type::Bool, None, None), Type::Bool))
            }
            ast::Expr::Count { var, list, filter } => {
                let lf = self.list_field(list)?;
                let v = self.next_scope();
                let filter = match filter {
                    Some(f) => Some(Box::new(self.bind(var, lf.element, |c| c.condition(f))?)),
                    None => None,
                };
                let k = ExprKind::Count {
                    list: lf,
                    var: v,
                    filter,
                };
                Some((self.mk(k, span, Type::Integer, None, None), Type::Integer))
            }
            ast::Expr::Sum { var, list, body } => {
                let lf = self.list_field(list)?;
                let v = self.next_scope();
                let (body, ty) = self.bind(var, lf.element, |c| c.expr(body))?;
                if !ty.is_numeric() {
                    let d = self.describe(ty);
                    self.error(
                        codes::TYPE_MISMATCH,
                        span,
                        format!("`sum` adds numbers, but its body is {d}"),
                    );
                    return None;
                }
                let unit = self.unit_of(&body);
                let nonneg = self.nonneg(&body);
                let k = ExprKind::Sum {
                    list: lf,
                    var: v,
                    body: Box::new(body),
                    nonneg,
                };
                Some((self.mk(k, span, ty, unit, None), ty))
            }
            ast::Expr::Cases { kind, cases } => {
                let mut out = Vec::with_capacity(cases.len());
                let mut ok = true;
                for c in cases {
                    match self.condition(&c.node.expr) {
                        Some(x) => out.push((c.node.label.node.clone().into_boxed_str(), x)),
                        None => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
                let ty = if *kind == CasesKind::CountOf {
                    Type::Integer
                } else {
                    Type::Bool
                };
                let k = ExprKind::Cases {
                    kind: *kind,
                    cases: out.into(),
                };
                Some((self.mk(k, span, ty, None, None), ty))
            }
            ast::Expr::Lookup { table, key } => {
                let Some(t) = self.tables.get(&table.node).copied() else {
                    self.error(
                        codes::UNKNOWN_NAME,
                        table.span,
                        format!("`{}` is not a declared table", table.node),
                    );
                    return None;
                };
                let key_ty = t.key_ty.unwrap_or(Type::Text);
                let (k, kt) = match key_ty {
                    Type::Enum(en) => self.with_enum_hint(key, en)?,
                    _ => self.expr(key)?,
                };
                let compatible = kt == key_ty
                    || (kt.is_numeric()
                        && key_ty.is_numeric()
                        && !matches!(kt, Type::Quantity(_))
                        && !matches!(key_ty, Type::Quantity(_)))
                    || (matches!((kt, key_ty), (Type::Quantity(a), Type::Quantity(b)) if a == b));
                if !compatible {
                    let (a, b) = (self.describe(kt), self.describe(key_ty));
                    self.error(
                        codes::TABLE_KEY,
                        key.span,
                        format!(
                            "table `{}` is looked up by {b}, but this key is {a}",
                            table.node
                        ),
                    );
                    return None;
                }
                let kind = ExprKind::Lookup {
                    table: t.index,
                    key: Box::new(k),
                };
                Some((self.mk(kind, span, t.ty, t.unit, None), t.ty))
            }
            ast::Expr::Path(segments) => self.path(segments, span),
            ast::Expr::AsOf => Some((
                self.mk(ExprKind::AsOf, span, Type::Date, None, None),
                Type::Date,
            )),
            ast::Expr::Literal(lit) => self.literal(lit, span),
        }
    }

    /// Checks `e`, reading a bare name as a choice of enum `en` when it is one.
    fn with_enum_hint(&mut self, e: &Node<ast::Expr>, en: u32) -> Checked {
        if let ast::Expr::Path(segs) = &e.node {
            if let [only] = segs.as_slice() {
                if let Some(id) = self
                    .schema
                    .enum_def(en)
                    .and_then(|d| d.index.get(&only.node).copied())
                {
                    let ty = Type::Enum(en);
                    return Some((self.mk(ExprKind::Choice(id), e.span, ty, None, None), ty));
                }
                let is_var = self.vars.iter().any(|(v, _)| v == &only.node);
                let is_field = self
                    .schema
                    .entity(ENTERPRISE)
                    .is_some_and(|d| d.index.contains_key(&only.node));
                if !is_var && !is_field && !self.values.contains_key(&only.node) {
                    self.unknown_choice(en, only);
                    return None;
                }
            }
        }
        self.expr(e)
    }

    fn unknown_choice(&mut self, en: u32, name: &Node<String>) {
        let enum_name = self
            .schema
            .enum_def(en)
            .map_or(String::new(), |d| d.name.clone());
        self.error(
            codes::UNKNOWN_CHOICE,
            name.span,
            format!("`{}` is not a choice of `{enum_name}`", name.node),
        );
    }

    /// The scope of a bare name that is a period variable.
    fn period_var(&self, e: &Node<ast::Expr>) -> Option<Scope> {
        match &e.node {
            ast::Expr::Path(segs) if segs.len() == 1 => {
                let name = &segs.first()?.node;
                let pos = self.vars.iter().rposition(|(v, _)| v == name)?;
                (self.vars.get(pos)?.1 == PERIOD).then_some((pos + 1) as Scope)
            }
            _ => None,
        }
    }

    /// Checks an expression that must be a date.
    fn date(&mut self, e: &Node<ast::Expr>) -> Option<Expr> {
        let (x, ty) = self.expr(e)?;
        if ty != Type::Date {
            let d = self.describe(ty);
            self.error(
                codes::TYPE_MISMATCH,
                e.span,
                format!("this must be a date, but it is {d}"),
            );
            return None;
        }
        Some(x)
    }

    /// The scope the next bound variable will get.
    fn next_scope(&self) -> Scope {
        (self.vars.len() + 1) as Scope
    }

    fn bind<T>(
        &mut self,
        var: &Node<String>,
        entity: EntityId,
        f: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<T> {
        if self.vars.len() + 1 >= MAX_VARS {
            self.error(
                codes::SCOPE_LIMIT,
                var.span,
                format!("at most {} variables may be nested", MAX_VARS - 1),
            );
            return None;
        }
        if self.vars.iter().any(|(v, _)| v == &var.node) {
            self.error(
                codes::SCOPE_LIMIT,
                var.span,
                format!(
                    "`{}` is already bound by an enclosing `any`, `all`, `count` or `sum`",
                    var.node
                ),
            );
            return None;
        }
        if self
            .schema
            .entity(ENTERPRISE)
            .is_some_and(|d| d.index.contains_key(&var.node))
        {
            self.error(
                codes::SCOPE_LIMIT,
                var.span,
                format!(
                    "`{}` is an enterprise fact; choose another variable name",
                    var.node
                ),
            );
            return None;
        }
        self.vars.push((var.node.clone(), entity));
        let r = f(self);
        self.vars.pop();
        r
    }

    fn list_field(&mut self, list: &Node<ast::Expr>) -> Option<ListField> {
        let (e, ty) = self.expr(list)?;
        match (e.kind, ty) {
            (ExprKind::Field { scope, owner, slot }, Type::EntityList(element)) => {
                Some(ListField {
                    scope,
                    owner,
                    slot,
                    element,
                })
            }
            _ => {
                let d = self.describe(ty);
                self.error(
                    codes::TYPE_MISMATCH,
                    list.span,
                    format!("this must be a list of entities to range over, but it is {d}"),
                );
                None
            }
        }
    }

    fn path(&mut self, segs: &[Node<String>], span: Span) -> Checked {
        let (first, rest) = segs.split_first()?;
        let is_enterprise_field = |c: &Self| {
            c.schema
                .entity(ENTERPRISE)
                .is_some_and(|d| d.index.contains_key(&first.node))
        };
        // A bound variable; then, inside an entity-level value, that entity's own fields and values;
        // then an enterprise fact; then an enterprise-level derived value.
        let (scope, owner, field_seg) = if let Some(pos) =
            self.vars.iter().rposition(|(v, _)| v == &first.node)
        {
            let entity = self.vars.get(pos).map_or(ENTERPRISE, |(_, e)| *e);
            let Some(next) = rest.first() else {
                self.error(
                    codes::TYPE_MISMATCH,
                    first.span,
                    format!(
                        "`{}` is a whole entity; name one of its fields, e.g. `{}.name`",
                        first.node, first.node
                    ),
                );
                return None;
            };
            if rest.len() > 1 {
                self.error(codes::TYPE_MISMATCH, span, "only one field can follow a variable: lists are reached with `any`, `all`, `count` or `sum`");
                return None;
            }
            if entity == PERIOD {
                let end = match next.node.as_str() {
                    "start" => false,
                    "end" => true,
                    other => {
                        self.error(
                            codes::UNKNOWN_NAME,
                            next.span,
                            format!("a period has `start` and `end`, not `{other}`"),
                        );
                        return None;
                    }
                };
                let kind = ExprKind::PeriodBound {
                    scope: (pos + 1) as Scope,
                    end,
                };
                return Some((
                    self.mk(kind, span, Type::Date, None, Some(&next.node)),
                    Type::Date,
                ));
            }
            ((pos + 1) as Scope, entity, next)
        } else if let Some(own) = self.self_entity.filter(|e| {
            self.schema
                .entity(*e)
                .is_some_and(|d| d.index.contains_key(&first.node))
                || self.entity_values.contains_key(&(*e, first.node.clone()))
        }) {
            if !rest.is_empty() {
                self.error(
                    codes::TYPE_MISMATCH,
                    span,
                    format!("`{}` has no fields of its own to name with `.`", first.node),
                );
                return None;
            }
            (SELF, own, first)
        } else if is_enterprise_field(self) {
            if !rest.is_empty() {
                self.error(codes::TYPE_MISMATCH, span, format!("`{}` has no fields of its own to name with `.`; reach list elements with `any`, `all`, `count` or `sum`", first.node));
                return None;
            }
            (0, ENTERPRISE, first)
        } else if let Some(v) = self.values.get(&first.node).copied() {
            if !rest.is_empty() {
                self.error(
                    codes::TYPE_MISMATCH,
                    span,
                    format!("derived value `{}` has no fields", first.node),
                );
                return None;
            }
            return Some((
                self.mk(
                    ExprKind::Value(v.index),
                    span,
                    v.ty,
                    v.unit,
                    Some(&first.node),
                ),
                v.ty,
            ));
        } else {
            let mut msg = format!(
                "`{}` is not a variable, an enterprise fact or a derived value",
                first.node
            );
            if let Some(s) = self
                .schema
                .entity(ENTERPRISE)
                .and_then(|d| closest(&first.node, d.index.keys()))
            {
                msg.push_str(&format!("; did you mean `{s}`?"));
            }
            self.error(codes::UNKNOWN_NAME, first.span, msg);
            return None;
        };
        let def = self.schema.entity(owner)?;
        let Some(&slot) = def.index.get(&field_seg.node) else {
            if let Some(v) = self
                .entity_values
                .get(&(owner, field_seg.node.clone()))
                .copied()
            {
                let kind = ExprKind::EntityValue {
                    scope,
                    value: v.index,
                };
                return Some((
                    self.mk(kind, span, v.ty, v.unit, Some(&field_seg.node)),
                    v.ty,
                ));
            }
            let mut msg = format!("`{}` has no field `{}`", def.name, field_seg.node);
            if let Some(s) = closest(&field_seg.node, def.index.keys()) {
                msg.push_str(&format!("; did you mean `{s}`?"));
            }
            self.error(codes::UNKNOWN_NAME, field_seg.span, msg);
            return None;
        };
        let f = def.field(slot)?;
        let (ty, unit, name) = (f.ty, f.unit, f.name.clone());
        Some((
            self.mk(
                ExprKind::Field { scope, owner, slot },
                span,
                ty,
                unit,
                Some(&name),
            ),
            ty,
        ))
    }

    /// Whether an expression can never be negative: quantities that facts may not make negative
    /// (mass, volume, area, people), non-negative constants and tables, counts, and sums, products
    /// and quotients of those.
    pub fn nonneg(&self, e: &Expr) -> bool {
        use crate::units::Dimension as D;
        match &e.kind {
            ExprKind::Num(n) => !n.is_sign_negative(),
            ExprKind::Field { .. } => matches!(
                self.infos.get(e.info as usize).map(|i| i.ty),
                Some(Type::Quantity(D::Mass | D::Volume | D::Area | D::People))
            ),
            ExprKind::Count { .. }
            | ExprKind::Cases {
                kind: CasesKind::CountOf,
                ..
            } => true,
            ExprKind::Arith {
                op: ArithOp::Add | ArithOp::Mul | ArithOp::Div,
                lhs,
                rhs,
            } => self.nonneg(lhs) && self.nonneg(rhs),
            ExprKind::Sum { nonneg, .. } => *nonneg,
            ExprKind::If {
                then, otherwise, ..
            } => self.nonneg(then) && self.nonneg(otherwise),
            ExprKind::Lookup { table, .. } => {
                self.tables.values().any(|t| t.index == *table && t.nonneg)
            }
            ExprKind::Value(i) => self.values.values().any(|v| v.index == *i && v.nonneg),
            ExprKind::EntityValue { value, .. } => self
                .entity_values
                .values()
                .any(|v| v.index == *value && v.nonneg),
            _ => false,
        }
    }

    fn literal(&mut self, lit: &ast::Literal, span: Span) -> Checked {
        match lit {
            ast::Literal::Bool(b) => Some((
                self.mk(ExprKind::Bool(*b), span, Type::Bool, None, None),
                Type::Bool,
            )),
            ast::Literal::Text(s) => Some((
                self.mk(
                    ExprKind::Text(s.as_str().into()),
                    span,
                    Type::Text,
                    None,
                    None,
                ),
                Type::Text,
            )),
            ast::Literal::Date(d) => Some((
                self.mk(ExprKind::Date(*d), span, Type::Date, None, None),
                Type::Date,
            )),
            ast::Literal::Number(n) => {
                let Some(d) = parse_decimal(n) else {
                    self.error(
                        codes::BAD_NUMBER,
                        span,
                        format!("`{n}` is larger than {MAX_MAGNITUDE}"),
                    );
                    return None;
                };
                let ty = if n.contains('.') {
                    Type::Decimal
                } else {
                    Type::Integer
                };
                Some((self.mk(ExprKind::Num(d), span, ty, None, None), ty))
            }
            ast::Literal::Quantity(n, u) => {
                let Some(unit) = units::lookup(u) else {
                    self.error(
                        codes::UNKNOWN_UNIT,
                        span,
                        format!("`{u}` is not a known unit"),
                    );
                    return None;
                };
                let Some(v) = parse_decimal(n).and_then(|d| unit.to_base(d)) else {
                    self.error(
                        codes::BAD_NUMBER,
                        span,
                        format!("`{n}` is larger than {MAX_MAGNITUDE}"),
                    );
                    return None;
                };
                let ty = Type::Quantity(unit.dimension);
                Some((self.mk(ExprKind::Num(v), span, ty, Some(unit), None), ty))
            }
        }
    }

    fn compare(
        &mut self,
        op: CmpOp,
        lhs: &Node<ast::Expr>,
        rhs: &Node<ast::Expr>,
        span: Span,
    ) -> Checked {
        // Check the side that is not a bare name first, so that the other side can be read as a choice.
        let bare = |e: &Node<ast::Expr>| matches!(&e.node, ast::Expr::Path(s) if s.len() == 1);
        let ((l, lt), (r, rt)) = if bare(lhs) && !bare(rhs) {
            let r = self.expr(rhs)?;
            let l = match r.1 {
                Type::Enum(en) => self.with_enum_hint(lhs, en)?,
                _ => self.expr(lhs)?,
            };
            (l, r)
        } else {
            let l = self.expr(lhs)?;
            let r = match l.1 {
                Type::Enum(en) => self.with_enum_hint(rhs, en)?,
                _ => self.expr(rhs)?,
            };
            (l, r)
        };
        let ordered = matches!(op, CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge);
        let ok = match (lt, rt) {
            (Type::Quantity(a), Type::Quantity(b)) if a != b => {
                self.error(
                    codes::UNIT_MISMATCH,
                    span,
                    format!("cannot compare {a} with {b}"),
                );
                return None;
            }
            (Type::Quantity(d), t) | (t, Type::Quantity(d))
                if matches!(t, Type::Integer | Type::Decimal) =>
            {
                let unit = d.display_unit().name;
                self.error(codes::UNIT_MISMATCH, span, format!("cannot compare a quantity of {d} with a plain number; write the unit, e.g. `30 {unit}`"));
                return None;
            }
            (a, b) if a.is_numeric() && b.is_numeric() => true,
            (Type::Date, Type::Date) => true,
            (Type::Enum(a), Type::Enum(b)) => a == b && !ordered,
            (Type::Text, Type::Text) | (Type::Bool, Type::Bool) => !ordered,
            _ => false,
        };
        if !ok {
            let (a, b) = (self.describe(lt), self.describe(rt));
            let msg = if lt == rt && ordered {
                format!("`{}` cannot order {a}; use `==` or `!=`", op.symbol())
            } else {
                format!("cannot compare {a} with {b}")
            };
            self.error(codes::TYPE_MISMATCH, span, msg);
            return None;
        }
        let kind = ExprKind::Cmp {
            op,
            lhs: Box::new(l),
            rhs: Box::new(r),
        };
        Some((self.mk(kind, span, Type::Bool, None, None), Type::Bool))
    }

    fn arith(
        &mut self,
        op: ArithOp,
        lhs: &Node<ast::Expr>,
        rhs: &Node<ast::Expr>,
        span: Span,
    ) -> Checked {
        let (l, lt) = self.expr(lhs)?;
        let (r, rt) = self.expr(rhs)?;
        let time = Type::Quantity(Dimension::Time);
        let plain = |t: Type| matches!(t, Type::Integer | Type::Decimal);
        let result = match (op, lt, rt) {
            (ArithOp::Sub, Type::Date, Type::Date) => Some(time),
            (ArithOp::Add | ArithOp::Sub, Type::Date, t) if t == time => Some(Type::Date),
            (ArithOp::Add | ArithOp::Sub, Type::Date, Type::Quantity(Dimension::Calendar)) => {
                Some(Type::Date)
            }
            (ArithOp::Add | ArithOp::Sub, Type::Quantity(a), Type::Quantity(b)) if a == b => {
                Some(lt)
            }
            (ArithOp::Add | ArithOp::Sub | ArithOp::Mul, Type::Integer, Type::Integer) => {
                Some(Type::Integer)
            }
            (_, a, b) if plain(a) && plain(b) => Some(Type::Decimal),
            (ArithOp::Mul, Type::Quantity(_), b) if plain(b) => Some(lt),
            (ArithOp::Mul, a, Type::Quantity(_)) if plain(a) => Some(rt),
            (ArithOp::Div, Type::Quantity(_), b) if plain(b) => Some(lt),
            (ArithOp::Div, Type::Quantity(a), Type::Quantity(b)) if a == b => Some(Type::Decimal),
            (_, Type::Quantity(a), Type::Quantity(b)) if a != b => {
                self.error(
                    codes::UNIT_MISMATCH,
                    span,
                    format!("cannot combine {a} with {b} using `{}`", op.symbol()),
                );
                return None;
            }
            _ => None,
        };
        let Some(ty) = result else {
            let (a, b) = (self.describe(lt), self.describe(rt));
            self.error(
                codes::TYPE_MISMATCH,
                span,
                format!("cannot apply `{}` to {a} and {b}", op.symbol()),
            );
            return None;
        };
        let unit = match ty {
            Type::Quantity(_) => self.unit_of(&l).or_else(|| self.unit_of(&r)),
            _ => None,
        };
        let kind = ExprKind::Arith {
            op,
            lhs: Box::new(l),
            rhs: Box::new(r),
        };
        Some((self.mk(kind, span, ty, unit, None), ty))
    }
}

fn closest<'k>(name: &str, keys: impl Iterator<Item = &'k String>) -> Option<&'k str> {
    let mut best: Option<(usize, &str)> = None;
    for k in keys {
        let d = strsim(name, k);
        if d <= 2.max(k.len() / 4) && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, k));
        }
    }
    best.map(|(_, k)| k)
}

fn strsim(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let v = (prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb))
                .min(prev.get(j + 1).copied().unwrap_or(0) + 1)
                .min(cur.get(j).copied().unwrap_or(0) + 1);
            cur.push(v);
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}
