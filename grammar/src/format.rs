//! The canonical layout of `.yh` files. Formatting is idempotent and keeps every comment: comments
//! are re-attached by position — a comment line goes before the next declaration, field, clause or
//! case; a comment at the end of a line stays at the end of that line.

use crate::ast::*;

/// Lines longer than this are broken at `and`/`or`.
const WIDTH: usize = 100;

/// Formats a source file. Returns the parse error if it does not parse.
pub fn format_source(source: &str) -> Result<String, crate::ParseError> {
    let file = crate::parse(source)?;
    Ok(format_file(&file, source))
}

/// Formats a parsed file; `source` supplies the comments.
pub fn format_file(file: &File, source: &str) -> String {
    let mut f = Formatter {
        out: String::new(),
        comments: scan_comments(source),
        next: 0,
        source,
    };
    for (i, item) in file.items.iter().enumerate() {
        if i > 0 && !f.out.ends_with("\n\n") {
            f.out.push('\n');
        }
        f.leading(item.span.start, 0, i == 0);
        f.item(item);
    }
    f.leading(usize::MAX, 0, false);
    let mut out = f.out.trim_end().to_string();
    out.push('\n');
    out
}

struct Comment {
    start: usize,
    text: String,
    /// The comment follows code on its line.
    trailing: bool,
    /// A blank line separates it from what comes after.
    blank_after: bool,
}

fn scan_comments(source: &str) -> Vec<Comment> {
    let mut out: Vec<Comment> = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut line_has_code = false;
    let mut chars = source.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' || c == '\n' {
                in_string = false;
            }
            continue;
        }
        match c {
            '\n' => line_has_code = false,
            '"' => {
                in_string = true;
                line_has_code = true;
            }
            '#' => {
                let end = source
                    .get(i..)
                    .and_then(|s| s.find('\n'))
                    .map_or(source.len(), |e| i + e);
                let text = source.get(i..end).unwrap_or("").trim_end().to_string();
                let rest = source.get(end..).unwrap_or("");
                let blank_after = rest.starts_with("\n\n")
                    || rest.starts_with("\n\r\n")
                    || rest
                        .trim_start_matches([' ', '\t', '\r'])
                        .starts_with("\n\n");
                out.push(Comment {
                    start: i,
                    text,
                    trailing: line_has_code,
                    blank_after,
                });
                while chars.peek().is_some_and(|(j, _)| *j < end) {
                    chars.next();
                }
            }
            c if !c.is_whitespace() => line_has_code = true,
            _ => {}
        }
    }
    out
}

struct Formatter<'s> {
    out: String,
    comments: Vec<Comment>,
    next: usize,
    source: &'s str,
}

fn quote(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\t' => q.push_str("\\t"),
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    format!("{s}{}", " ".repeat(width.saturating_sub(n)))
}

impl Formatter<'_> {
    /// Emits the comments that come before `pos`, one per line, at `indent`.
    fn leading(&mut self, pos: usize, indent: usize, first: bool) {
        let _ = first;
        while let Some(c) = self.comments.get(self.next) {
            if c.start >= pos {
                break;
            }
            let text = c.text.clone();
            let blank_after = c.blank_after;
            if c.trailing && !self.out.is_empty() && !self.out.ends_with('\n') {
                self.out.push_str("  ");
                self.out.push_str(&text);
            } else {
                if !self.out.is_empty() && !self.out.ends_with('\n') {
                    self.out.push('\n');
                }
                if c.trailing {
                    // A trailing comment whose line was reformatted away: keep it on a line of its own.
                }
                self.out.push_str(&" ".repeat(indent));
                self.out.push_str(&text);
            }
            self.out.push('\n');
            if blank_after && pos != usize::MAX {
                self.out.push('\n');
            }
            self.next += 1;
        }
    }

    /// Emits comments on the same source line as `end` (after it) at the end of the current line.
    fn trailing(&mut self, end: usize) {
        let line_end = self
            .source
            .get(end..)
            .and_then(|s| s.find('\n'))
            .map_or(self.source.len(), |e| end + e);
        while let Some(c) = self.comments.get(self.next) {
            if c.start < end || c.start >= line_end || !c.trailing {
                break;
            }
            if self.out.ends_with('\n') {
                self.out.pop();
            }
            self.out.push_str("  ");
            self.out.push_str(&c.text);
            self.out.push('\n');
            self.next += 1;
        }
    }

    fn line(&mut self, indent: usize, text: &str, end: usize) {
        self.out.push_str(&" ".repeat(indent));
        self.out.push_str(text);
        self.out.push('\n');
        self.trailing(end);
    }

    fn item(&mut self, item: &Node<Item>) {
        let end = item.span.end;
        match &item.node {
            Item::PartOf(id) => self.line(0, &format!("part of {}", id.node), end),
            Item::Standard(s) => {
                self.line(0, &format!("standard {} {{", s.id.node), s.id.span.end);
                let width = s
                    .fields
                    .iter()
                    .map(|f| std_key(&f.node).len())
                    .max()
                    .unwrap_or(0);
                for f in &s.fields {
                    self.leading(f.span.start, 2, false);
                    let key = std_key(&f.node);
                    let value = match &f.node {
                        StandardField::Title(t)
                        | StandardField::Issuer(t)
                        | StandardField::Document(t)
                        | StandardField::Outcome(t)
                        | StandardField::Defers(t) => quote(t),
                        StandardField::Published(d)
                        | StandardField::ValidFrom(d)
                        | StandardField::ValidTo(d) => d.to_string(),
                        StandardField::Supersedes(ids) | StandardField::Supplements(ids) => ids
                            .iter()
                            .map(|i| i.node.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                        StandardField::CitesWhen {
                            citation,
                            enum_name,
                            choice,
                        } => {
                            format!(
                                "{} when reason is {}.{}",
                                quote(citation),
                                enum_name.node,
                                choice.node
                            )
                        }
                        StandardField::AppliesWhen(e) => format!("when {}", self.expr_inline(e, 0)),
                    };
                    let key = if matches!(
                        f.node,
                        StandardField::CitesWhen { .. } | StandardField::AppliesWhen(_)
                    ) {
                        key.to_string()
                    } else {
                        pad(key, width)
                    };
                    self.line(2, &format!("{key} {value}"), f.span.end);
                }
                self.leading(end.saturating_sub(1), 2, false);
                self.line(0, "}", end);
            }
            Item::Enum(e) => {
                let head = if e.extend {
                    format!("extend enum {}", e.name.node)
                } else {
                    format!("enum {}", e.name.node)
                };
                let label = e
                    .label
                    .as_ref()
                    .map(|l| format!(" {}", quote(&l.node)))
                    .unwrap_or_default();
                self.line(0, &format!("{head}{label} {{"), e.name.span.end);
                let width = e
                    .choices
                    .iter()
                    .map(|c| c.node.name.node.len())
                    .max()
                    .unwrap_or(0);
                for c in &e.choices {
                    self.leading(c.span.start, 2, false);
                    self.line(
                        2,
                        &format!(
                            "{} {}",
                            pad(&c.node.name.node, width),
                            quote(&c.node.label.node)
                        ),
                        c.span.end,
                    );
                }
                self.leading(end.saturating_sub(1), 2, false);
                self.line(0, "}", end);
            }
            Item::Entity(e) => {
                let head = if e.extend {
                    format!("extend {}", e.name.node)
                } else {
                    format!("entity {}", e.name.node)
                };
                let label = e
                    .label
                    .as_ref()
                    .map(|l| format!(" {}", quote(&l.node)))
                    .unwrap_or_default();
                self.line(0, &format!("{head}{label} {{"), e.name.span.end);
                let nw = e
                    .fields
                    .iter()
                    .map(|f| f.node.name.node.len())
                    .max()
                    .unwrap_or(0);
                let tw = e
                    .fields
                    .iter()
                    .map(|f| type_text(&f.node.ty.node).len())
                    .max()
                    .unwrap_or(0);
                for f in &e.fields {
                    self.leading(f.span.start, 2, false);
                    let text = format!(
                        "{} : {} {}",
                        pad(&f.node.name.node, nw),
                        pad(&type_text(&f.node.ty.node), tw),
                        quote(&f.node.label.node)
                    );
                    match &f.node.help {
                        Some(h) => {
                            self.line(2, &text, f.node.label.span.end);
                            self.leading(h.span.start, 4, false);
                            self.line(4, &format!("help {}", quote(&h.node)), f.span.end);
                        }
                        None => self.line(2, &text, f.span.end),
                    }
                }
                self.leading(end.saturating_sub(1), 2, false);
                self.line(0, "}", end);
            }
            Item::Rule(r) => {
                self.line(
                    0,
                    &format!("rule {} {} {{", r.id.node, quote(&r.title.node)),
                    r.title.span.end,
                );
                self.clauses(&r.clauses);
                self.leading(end.saturating_sub(1), 2, false);
                self.line(0, "}", end);
            }
            Item::Gap(g) => {
                self.line(
                    0,
                    &format!("gap {} {} {{", g.id.node, quote(&g.title.node)),
                    g.title.span.end,
                );
                self.clauses(&g.clauses);
                self.leading(end.saturating_sub(1), 2, false);
                self.line(0, "}", end);
            }
            Item::Value(v) => {
                let name = match &v.entity {
                    Some(e) => format!("{}.{}", e.node, v.name.node),
                    None => v.name.node.clone(),
                };
                let head = format!("value {name} {} =", quote(&v.label.node));
                let body = self.expr_block(&v.expr, 2);
                if body.contains('\n') || head.len() + body.trim().len() > WIDTH {
                    self.out.push_str(&head);
                    self.out.push('\n');
                    self.out.push_str("  ");
                    self.out.push_str(body.trim_start());
                    self.out.push('\n');
                    self.trailing(end);
                } else {
                    self.line(0, &format!("{head} {}", body.trim()), end);
                }
            }
            Item::Table(t) => {
                self.line(
                    0,
                    &format!(
                        "table {} {} : {} -> {} {{",
                        t.name.node,
                        quote(&t.label.node),
                        type_text(&t.key_ty.node),
                        type_text(&t.value_ty.node)
                    ),
                    t.value_ty.span.end,
                );
                let keys: Vec<String> =
                    t.rows.iter().map(|r| table_key(&r.node.key.node)).collect();
                let kw = keys.iter().map(|k| k.chars().count()).max().unwrap_or(0);
                for (row, key) in t.rows.iter().zip(keys) {
                    self.leading(row.span.start, 2, false);
                    self.line(
                        2,
                        &format!("{} => {}", pad(&key, kw), literal(&row.node.value.node)),
                        row.span.end,
                    );
                }
                self.leading(end.saturating_sub(1), 2, false);
                self.line(0, "}", end);
            }
            Item::Test(t) => {
                self.line(
                    0,
                    &format!("test {} {{", quote(&t.name.node)),
                    t.name.span.end,
                );
                for s in &t.stmts {
                    self.leading(s.span.start, 2, false);
                    match &s.node {
                        TestStmt::AsOf(d) => self.line(2, &format!("as_of {d}"), s.span.end),
                        TestStmt::Facts(j) => {
                            let inline = json_inline(j);
                            if inline.len() + 8 <= WIDTH {
                                self.line(2, &format!("facts {inline}"), s.span.end);
                            } else {
                                let mut text = String::from("facts ");
                                json_block(j, 2, &mut text);
                                self.line(2, &text, s.span.end);
                            }
                        }
                        TestStmt::ExpectRule {
                            rule,
                            outcome,
                            because,
                            missing,
                            cites,
                        } => {
                            let mut text = format!("expect {} {}", rule.node, outcome.node);
                            for (kw, list) in
                                [("because", because), ("missing", missing), ("cites", cites)]
                            {
                                if !list.is_empty() {
                                    let items: Vec<String> =
                                        list.iter().map(|s| quote(&s.node)).collect();
                                    text.push_str(&format!(" {kw} {}", items.join(", ")));
                                }
                            }
                            self.line(2, &text, s.span.end);
                        }
                        TestStmt::ExpectOutput { name, at, value } => {
                            let at = at
                                .as_ref()
                                .map(|a| format!(" at {}", quote(&a.node)))
                                .unwrap_or_default();
                            self.line(
                                2,
                                &format!(
                                    "expect output {}{at} = {}",
                                    name.node,
                                    literal(&value.node)
                                ),
                                s.span.end,
                            )
                        }
                        TestStmt::ExpectError(code) => self.line(
                            2,
                            &format!("expect error {}", quote(&code.node)),
                            s.span.end,
                        ),
                    }
                }
                self.leading(end.saturating_sub(1), 2, false);
                self.line(0, "}", end);
            }
        }
    }

    fn clauses(&mut self, clauses: &[Node<RuleClause>]) {
        for c in clauses {
            self.leading(c.span.start, 2, false);
            match &c.node {
                RuleClause::Category(s) => {
                    self.line(2, &format!("category   {}", quote(s)), c.span.end)
                }
                RuleClause::Cites(s) => {
                    self.line(2, &format!("cites      {}", quote(s)), c.span.end)
                }
                RuleClause::Provenance(p) => {
                    self.line(2, &format!("provenance {}", p.node), c.span.end)
                }
                RuleClause::Note(s) => {
                    self.line(2, &format!("note       {}", quote(s)), c.span.end)
                }
                RuleClause::AppliesWhen(e) => self.clause_expr("applies when", e, c.span.end),
                RuleClause::HazardWhen(e) => self.clause_expr("hazard when", e, c.span.end),
                RuleClause::Unless(e) => self.clause_expr("unless", e, c.span.end),
            }
        }
    }

    fn clause_expr(&mut self, head: &str, e: &Node<Expr>, end: usize) {
        let body = self.expr_block(e, 2);
        self.out.push_str("  ");
        self.out.push_str(head);
        self.out.push(' ');
        self.out.push_str(body.trim_start());
        self.out.push('\n');
        self.trailing(end);
    }

    /// An expression as it would stand on one line.
    fn expr_inline(&self, e: &Node<Expr>, min_prec: u8) -> String {
        let mut s = String::new();
        write_expr(&mut s, e, min_prec, true);
        s
    }

    /// An expression laid out at `indent`, breaking `any_of`/`all_of`/`count_of` blocks and long
    /// `and`/`or` chains over lines. The first line carries no indentation.
    fn expr_block(&mut self, e: &Node<Expr>, indent: usize) -> String {
        let mut out = String::new();
        self.block(&mut out, e, indent, 0, true);
        out
    }

    fn block(&mut self, out: &mut String, e: &Node<Expr>, indent: usize, min_prec: u8, last: bool) {
        let inline = {
            let mut s = String::new();
            write_expr(&mut s, e, min_prec, last);
            s
        };
        let has_cases = contains_cases(e);
        if !has_cases && indent + inline.chars().count() <= WIDTH {
            out.push_str(&inline);
            return;
        }
        match &e.node {
            Expr::Cases { kind, cases } => {
                out.push_str(kind.keyword());
                out.push_str(" {\n");
                for c in cases {
                    // Comments between cases stay with the case they precede.
                    let mut lead = String::new();
                    std::mem::swap(&mut self.out, &mut lead);
                    self.leading(c.span.start, indent + 2, false);
                    std::mem::swap(&mut self.out, &mut lead);
                    out.push_str(&lead);
                    out.push_str(&" ".repeat(indent + 2));
                    out.push_str(&format!("case {}:\n", quote(&c.node.label.node)));
                    out.push_str(&" ".repeat(indent + 4));
                    self.block(out, &c.node.expr, indent + 4, 0, true);
                    out.push('\n');
                }
                out.push_str(&" ".repeat(indent));
                out.push('}');
            }
            Expr::Or(parts) | Expr::And(parts) => {
                let (kw, prec) = if matches!(e.node, Expr::Or(_)) {
                    ("or", 1)
                } else {
                    ("and", 2)
                };
                let paren = prec < min_prec;
                if paren {
                    out.push('(');
                }
                for (i, p) in parts.iter().enumerate() {
                    if i > 0 {
                        out.push('\n');
                        out.push_str(&" ".repeat(indent + 2));
                        out.push_str(kw);
                        out.push(' ');
                    }
                    let is_last = i + 1 == parts.len() && (last || paren);
                    self.block(out, p, indent + 2, prec + 1, is_last);
                }
                if paren {
                    out.push(')');
                }
            }
            Expr::Quant {
                kind,
                var,
                list,
                body,
            } if last => {
                let kw = if *kind == Quantifier::Any {
                    "any"
                } else {
                    "all"
                };
                out.push_str(&format!(
                    "{kw} {} in {}: ",
                    var.node,
                    self.expr_inline(list, 8)
                ));
                self.block(out, body, indent, 0, true);
            }
            Expr::Not(inner) if !contains_cases(inner) || min_prec <= 3 => {
                out.push_str("not ");
                let min = if matches!(inner.node, Expr::Quant { .. }) {
                    9
                } else {
                    3
                };
                self.block(out, inner, indent, min, last);
            }
            _ => out.push_str(&inline),
        }
    }
}

fn contains_cases(e: &Node<Expr>) -> bool {
    match &e.node {
        Expr::Cases { .. } => true,
        Expr::Or(ps) | Expr::And(ps) => ps.iter().any(contains_cases),
        Expr::Not(x) => contains_cases(x),
        Expr::Quant { body, .. } => contains_cases(body),
        _ => false,
    }
}

fn std_key(f: &StandardField) -> &'static str {
    match f {
        StandardField::Title(_) => "title",
        StandardField::Issuer(_) => "issuer",
        StandardField::Document(_) => "document",
        StandardField::Published(_) => "published",
        StandardField::ValidFrom(_) => "valid_from",
        StandardField::ValidTo(_) => "valid_to",
        StandardField::Supersedes(_) => "supersedes",
        StandardField::Supplements(_) => "supplements",
        StandardField::Outcome(_) => "outcome",
        StandardField::Defers(_) => "defers",
        StandardField::CitesWhen { .. } => "cites",
        StandardField::AppliesWhen(_) => "applies",
    }
}

fn type_text(t: &TypeExpr) -> String {
    match t {
        TypeExpr::Named(n) => n.clone(),
        TypeExpr::List(n) => format!("list of {n}"),
        TypeExpr::Quantity(u) => format!("quantity {u}"),
    }
}

fn table_key(k: &TableKey) -> String {
    match k {
        TableKey::Else => "else".into(),
        TableKey::Choice(c) => c.clone(),
        TableKey::Exact(l) => literal(l),
        TableKey::Compare(op, l) => format!("{} {}", op.symbol(), literal(l)),
    }
}

/// A literal as written in a rule file.
pub fn literal_text(l: &Literal) -> String {
    literal(l)
}

fn literal(l: &Literal) -> String {
    match l {
        Literal::Bool(b) => b.to_string(),
        Literal::Number(n) => n.clone(),
        Literal::Quantity(n, u) => format!("{n} {u}"),
        Literal::Text(t) => quote(t),
        Literal::Date(d) => d.to_string(),
    }
}

fn prec(e: &Expr) -> u8 {
    match e {
        Expr::Or(_) => 1,
        Expr::And(_) => 2,
        Expr::Not(_) => 3,
        Expr::Compare { .. } | Expr::InSet { .. } | Expr::InList { .. } | Expr::IsEmpty { .. } => 4,
        Expr::Arith {
            op: ArithOp::Add | ArithOp::Sub,
            ..
        } => 5,
        Expr::Arith { .. } => 6,
        Expr::Neg(_) => 7,
        _ => 8,
    }
}

/// Whether an expression's text extends as far right as it can (its body would swallow what follows).
fn greedy(e: &Expr) -> bool {
    match e {
        Expr::If { .. } => true,
        Expr::Quant { .. } | Expr::Sum { .. } => true,
        Expr::Count { filter, .. } => filter.is_some(),
        Expr::Not(x) | Expr::Neg(x) => greedy(&x.node),
        Expr::Or(ps) | Expr::And(ps) => ps.last().is_some_and(|p| greedy(&p.node)),
        Expr::Compare { rhs, .. } | Expr::Arith { rhs, .. } => greedy(&rhs.node),
        Expr::InList { list, .. } => greedy(&list.node),
        _ => false,
    }
}

/// Writes `e` on one line. `min_prec` is the binding strength the context needs; `last` says that
/// nothing follows `e` in its context, so a greedy body needs no parentheses.
fn write_expr(out: &mut String, e: &Node<Expr>, min_prec: u8, last: bool) {
    let p = prec(&e.node);
    let paren = p < min_prec || (!last && greedy(&e.node));
    if paren {
        out.push('(');
    }
    let last = last || paren;
    match &e.node {
        Expr::Or(parts) | Expr::And(parts) => {
            let kw = if matches!(e.node, Expr::Or(_)) {
                " or "
            } else {
                " and "
            };
            for (i, x) in parts.iter().enumerate() {
                if i > 0 {
                    out.push_str(kw);
                }
                write_expr(out, x, p + 1, last && i + 1 == parts.len());
            }
        }
        Expr::Not(x) => {
            out.push_str("not ");
            // `not (any …: …)` reads better than `not any …: …`, though both parse alike.
            let min = if matches!(
                x.node,
                Expr::Quant { .. }
                    | Expr::Sum { .. }
                    | Expr::Count {
                        filter: Some(_),
                        ..
                    }
            ) {
                9
            } else {
                3
            };
            write_expr(out, x, min, last);
        }
        Expr::Compare { op, lhs, rhs } => {
            write_expr(out, lhs, 5, false);
            out.push_str(&format!(" {} ", op.symbol()));
            write_expr(out, rhs, 5, last);
        }
        Expr::InSet {
            negated,
            lhs,
            choices,
        } => {
            write_expr(out, lhs, 5, false);
            let names: Vec<&str> = choices.iter().map(|c| c.node.as_str()).collect();
            out.push_str(&format!(
                " {}in {{{}}}",
                if *negated { "not " } else { "" },
                names.join(", ")
            ));
        }
        Expr::InList { negated, lhs, list } => {
            write_expr(out, lhs, 5, false);
            out.push_str(if *negated { " not in " } else { " in " });
            write_expr(out, list, 5, last);
        }
        Expr::IsEmpty { negated, list } => {
            write_expr(out, list, 5, false);
            out.push_str(if *negated {
                " is not empty"
            } else {
                " is empty"
            });
        }
        Expr::Arith { op, lhs, rhs } => {
            write_expr(out, lhs, p, false);
            out.push_str(&format!(" {} ", op.symbol()));
            write_expr(out, rhs, p + 1, last);
        }
        Expr::Neg(x) => {
            out.push('-');
            write_expr(out, x, 7, last);
        }
        Expr::Quant {
            kind,
            var,
            list,
            body,
        } => {
            let kw = if *kind == Quantifier::Any {
                "any"
            } else {
                "all"
            };
            out.push_str(&format!("{kw} {} in ", var.node));
            write_expr(out, list, 8, false);
            out.push_str(": ");
            write_expr(out, body, 0, true);
        }
        Expr::Count { var, list, filter } => {
            out.push_str(&format!("count {} in ", var.node));
            write_expr(out, list, 8, false);
            if let Some(f) = filter {
                out.push_str(" where ");
                write_expr(out, f, 0, true);
            }
        }
        Expr::Sum { var, list, body } => {
            out.push_str(&format!("sum {} in ", var.node));
            write_expr(out, list, 8, false);
            out.push_str(": ");
            write_expr(out, body, 0, true);
        }
        Expr::Cases { kind, cases } => {
            out.push_str(kind.keyword());
            out.push_str(" {");
            for c in cases {
                out.push_str(&format!(" case {}: ", quote(&c.node.label.node)));
                write_expr(out, &c.node.expr, 0, true);
            }
            out.push_str(" }");
        }
        Expr::If {
            cond,
            then,
            otherwise,
        } => {
            out.push_str("if ");
            write_expr(out, cond, 0, false);
            out.push_str(" then ");
            write_expr(out, then, 0, false);
            out.push_str(" else ");
            write_expr(out, otherwise, 0, true);
        }
        Expr::Periods { kind, from, to } => {
            out.push_str(&format!("periods({}, ", kind.keyword()));
            write_expr(out, from, 0, true);
            out.push_str(", ");
            write_expr(out, to, 0, true);
            out.push(')');
        }
        Expr::Lookup { table, key } => {
            out.push_str(&table.node);
            out.push('[');
            write_expr(out, key, 0, true);
            out.push(']');
        }
        Expr::Path(segs) => {
            let names: Vec<&str> = segs.iter().map(|s| s.node.as_str()).collect();
            out.push_str(&names.join("."));
        }
        Expr::AsOf => out.push_str("as_of"),
        Expr::Literal(l) => out.push_str(&literal(l)),
    }
    if paren {
        out.push(')');
    }
}

fn json_inline(j: &Json) -> String {
    match j {
        Json::Null => "null".into(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.clone(),
        Json::String(s) => quote(s),
        Json::Array(a) => format!(
            "[{}]",
            a.iter().map(json_inline).collect::<Vec<_>>().join(", ")
        ),
        Json::Object(m) if m.is_empty() => "{}".into(),
        Json::Object(m) => format!(
            "{{ {} }}",
            m.iter()
                .map(|(k, v)| format!("{}: {}", quote(k), json_inline(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn json_block(j: &Json, indent: usize, out: &mut String) {
    let inline = json_inline(j);
    if indent + inline.chars().count() <= WIDTH {
        out.push_str(&inline);
        return;
    }
    match j {
        Json::Object(m) => {
            out.push_str("{\n");
            for (i, (k, v)) in m.iter().enumerate() {
                out.push_str(&" ".repeat(indent + 2));
                out.push_str(&quote(k));
                out.push_str(": ");
                json_block(v, indent + 2, out);
                if i + 1 < m.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            out.push_str(&" ".repeat(indent));
            out.push('}');
        }
        Json::Array(a) => {
            out.push_str("[\n");
            for (i, v) in a.iter().enumerate() {
                out.push_str(&" ".repeat(indent + 2));
                json_block(v, indent + 2, out);
                if i + 1 < a.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            out.push_str(&" ".repeat(indent));
            out.push(']');
        }
        _ => out.push_str(&inline),
    }
}
