//! Turns source text into the AST. Owns the input limits that keep hostile input from exhausting the
//! stack or memory: the recursive-descent parser recurses once per nesting level, so depth is checked
//! on the raw text before pest sees it.

use pest::iterators::{Pair, Pairs};
use pest::Parser as _;
use pest_derive::Parser;

use crate::ast::*;
use crate::date::Date;

#[derive(Parser)]
#[grammar = "yinhuan.pest"]
struct YhParser;

/// Largest accepted source file, in bytes.
pub const MAX_SOURCE_BYTES: usize = 4 * 1024 * 1024;
/// Deepest accepted nesting of brackets and braces.
pub const MAX_NESTING: usize = 64;
/// Deepest accepted expression tree (operators, quantifiers and brackets counted together).
pub const MAX_EXPR_DEPTH: usize = 128;
/// Longest accepted name (identifier or id), in characters.
pub const MAX_IDENT_LEN: usize = 128;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseErrorKind {
    Syntax,
    TooDeep,
    TooLarge,
    InvalidDate,
    InvalidEscape,
}

impl ParseErrorKind {
    /// The stable error code, documented in docs/errors.md.
    pub fn code(self) -> &'static str {
        match self {
            ParseErrorKind::Syntax => "E0101",
            ParseErrorKind::TooDeep => "E0102",
            ParseErrorKind::TooLarge => "E0103",
            ParseErrorKind::InvalidDate => "E0104",
            ParseErrorKind::InvalidEscape => "E0105",
        }
    }
}

/// A syntax error at a place in the source.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    pub kind: ParseErrorKind,
    pub span: Span,
    pub message: String,
}

impl ParseError {
    fn new(kind: ParseErrorKind, span: Span, message: impl Into<String>) -> Self {
        ParseError {
            kind,
            span,
            message: message.into(),
        }
    }
}

type PResult<T> = Result<T, ParseError>;

/// Parses a whole `.yh` file.
pub fn parse(source: &str) -> PResult<File> {
    check_limits(source)?;
    let mut pairs = YhParser::parse(Rule::file, source).map_err(|e| from_pest(source, e))?;
    check_names(&pairs)?;
    let file = expect_pair(&mut pairs, Span::default())?;
    let mut items = Vec::new();
    for pair in file.into_inner() {
        if pair.as_rule() == Rule::EOI {
            break;
        }
        items.push(item(pair)?);
    }
    Ok(File { items })
}

fn check_limits(source: &str) -> PResult<()> {
    if source.len() > MAX_SOURCE_BYTES {
        return Err(ParseError::new(
            ParseErrorKind::TooLarge,
            Span { start: 0, end: 0 },
            format!(
                "source is {} bytes, more than the limit of {} bytes",
                source.len(),
                MAX_SOURCE_BYTES
            ),
        ));
    }
    // Count nesting outside strings and comments.
    let mut depth = 0usize;
    let mut in_string = false;
    let mut in_comment = false;
    let mut escaped = false;
    for (i, c) in source.char_indices() {
        if in_comment {
            in_comment = c != '\n';
            continue;
        }
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
            '#' => in_comment = true,
            '"' => in_string = true,
            '(' | '[' | '{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(ParseError::new(
                        ParseErrorKind::TooDeep,
                        Span {
                            start: i,
                            end: i + 1,
                        },
                        format!("brackets are nested more than {MAX_NESTING} levels deep"),
                    ));
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Refuses names longer than `MAX_IDENT_LEN` (names are ASCII, so bytes are characters).
fn check_names(pairs: &Pairs<'_, Rule>) -> PResult<()> {
    for p in pairs.clone().flatten() {
        if matches!(p.as_rule(), Rule::ident | Rule::id) && p.as_str().len() > MAX_IDENT_LEN {
            let span = span_of(&p);
            let shown: String = p.as_str().chars().take(20).collect();
            return Err(ParseError::new(
                ParseErrorKind::Syntax,
                span,
                format!(
                    "the name `{shown}…` is {} characters long, more than the limit of {MAX_IDENT_LEN}",
                    p.as_str().len()
                ),
            ));
        }
    }
    Ok(())
}

fn from_pest(source: &str, err: pest::error::Error<Rule>) -> ParseError {
    let pos = match err.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let mut expected: Vec<&'static str> = match &err.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            positives.iter().map(|r| describe(*r)).collect()
        }
        pest::error::ErrorVariant::CustomError { .. } => Vec::new(),
    };
    expected.sort_unstable();
    expected.dedup();
    let found = found_at(source, pos);
    let message = match expected.len() {
        0 => format!("unexpected {found}"),
        1 => format!("expected {}, found {found}", expected.join("")),
        _ => {
            let (last, rest) = expected
                .split_last()
                .map(|(l, r)| (*l, r.join(", ")))
                .unwrap_or(("", String::new()));
            format!("expected {rest} or {last}, found {found}")
        }
    };
    let end = source
        .get(pos..)
        .and_then(|s| s.chars().next())
        .map_or(pos, |c| pos + c.len_utf8());
    ParseError::new(ParseErrorKind::Syntax, Span { start: pos, end }, message)
}

fn found_at(source: &str, pos: usize) -> String {
    let rest = source.get(pos..).unwrap_or("");
    let word: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace())
        .take(20)
        .collect();
    if word.is_empty() {
        if rest.is_empty() {
            "end of file".to_string()
        } else {
            "end of line".to_string()
        }
    } else {
        format!("`{word}`")
    }
}

/// Human names for grammar rules, used in "expected …" messages.
fn describe(rule: Rule) -> &'static str {
    use Rule::*;
    match rule {
        EOI => "end of file",
        standard_decl | part_of | enum_decl | extend_enum | entity_decl | extend_entity
        | rule_decl | gap_decl | value_decl | table_decl | test_decl => "a declaration",
        std_title => "`title`",
        std_issuer => "`issuer`",
        std_document => "`document`",
        std_published => "`published`",
        std_valid_from => "`valid_from`",
        std_valid_to => "`valid_to`",
        std_supersedes => "`supersedes`",
        std_supplements => "`supplements`",
        std_outcome => "`outcome`",
        std_defers => "`defers`",
        std_cites_when | cites_clause => "`cites`",
        category_clause => "`category`",
        provenance_clause => "`provenance`",
        note_clause => "`note`",
        applies_clause => "`applies when`",
        hazard_clause => "`hazard when`",
        unless_clause => "`unless`",
        ident | path | named_type => "a name",
        id | id_list => "an id",
        string => "a string",
        date => "a date",
        number | quantity | literal | json_number => "a value",
        unit | unit_name => "a unit",
        expr | or_expr | and_expr | not_expr | cmp_expr | add_expr | mul_expr | unary
        | quantifier | count_expr | sum_expr | cases_expr | lookup | as_of | if_expr => {
            "an expression"
        }
        cmp_op | compare_tail => "a comparison",
        in_tail => "`in`",
        empty_tail => "`is empty`",
        add_op => "`+` or `-`",
        mul_op => "`*` or `/`",
        kw_and => "`and`",
        kw_or => "`or`",
        kw_case | case_arm => "`case`",
        kw_when => "`when`",
        choice => "a choice",
        field => "a field",
        help => "`help`",
        type_expr | list_type | quantity_type => "a type",
        table_row | table_key => "a table row",
        test_as_of => "`as_of`",
        test_facts => "`facts`",
        expect_rule | expect_output | expect_error => "`expect`",
        outcome => "an outcome (hazard, clear, undetermined, not_applicable)",
        expect_detail | expect_kind => "`because`, `missing` or `cites`",
        json_value | json_object | json_array | json_member => "a JSON value",
        choice_set => "a set of choices",
        period_list => "`periods(…)`",
        period_kind => "`month`, `quarter`, `half_year` or `year`",
        cases_kind => "`any_of`, `all_of` or `count_of`",
        _ => "more input",
    }
}

/// The pair's span, without the whitespace and comments pest folds into its end.
fn span_of(pair: &Pair<'_, Rule>) -> Span {
    let s = pair.as_span();
    Span {
        start: s.start(),
        end: s.start() + code_len(pair.as_str()),
    }
}

/// Length of `text` once trailing whitespace and trailing `#` comments are removed.
fn code_len(text: &str) -> usize {
    let mut t = text;
    loop {
        let trimmed = t.trim_end();
        let line_start = trimmed.rfind('\n').map_or(0, |i| i + 1);
        let line = trimmed.get(line_start..).unwrap_or("");
        let mut in_string = false;
        let mut escaped = false;
        let mut cut = None;
        for (i, c) in line.char_indices() {
            if in_string {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    in_string = false;
                }
            } else if c == '"' {
                in_string = true;
            } else if c == '#' {
                cut = Some(line_start + i);
                break;
            }
        }
        match cut {
            Some(i) => t = trimmed.get(..i).unwrap_or(""),
            None => return trimmed.len(),
        }
    }
}

fn internal(span: Span) -> ParseError {
    ParseError::new(
        ParseErrorKind::Syntax,
        span,
        "the parser met a syntax tree it does not know",
    )
}

fn expect_pair<'a>(pairs: &mut Pairs<'a, Rule>, span: Span) -> PResult<Pair<'a, Rule>> {
    pairs.next().ok_or_else(|| internal(span))
}

fn text_node(pair: Pair<'_, Rule>) -> Node<String> {
    let span = span_of(&pair);
    Node::new(pair.as_str().to_string(), span)
}

fn string_node(pair: Pair<'_, Rule>) -> PResult<Node<String>> {
    let span = span_of(&pair);
    Ok(Node::new(unescape(pair.as_str(), span)?, span))
}

/// Removes the quotes and resolves escapes (`\"`, `\\`, `\n`, `\t`, `\/`, `\uXXXX`).
fn unescape(quoted: &str, span: Span) -> PResult<String> {
    let inner = quoted.get(1..quoted.len().saturating_sub(1)).unwrap_or("");
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some('/') => out.push('/'),
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                let ch = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                match ch {
                    Some(ch) if hex.len() == 4 => out.push(ch),
                    _ => {
                        return Err(ParseError::new(
                            ParseErrorKind::InvalidEscape,
                            span,
                            format!("`\\u{hex}` is not a valid unicode escape"),
                        ))
                    }
                }
            }
            other => {
                let shown = other.map(String::from).unwrap_or_default();
                return Err(ParseError::new(
                    ParseErrorKind::InvalidEscape,
                    span,
                    format!(
                        "`\\{shown}` is not a valid escape; use `\\\"`, `\\\\`, `\\n` or `\\t`"
                    ),
                ));
            }
        }
    }
    Ok(out)
}

fn date_of(pair: Pair<'_, Rule>) -> PResult<Date> {
    let span = span_of(&pair);
    Date::parse(pair.as_str()).ok_or_else(|| {
        ParseError::new(
            ParseErrorKind::InvalidDate,
            span,
            format!("`{}` is not a calendar date", pair.as_str()),
        )
    })
}

fn item(pair: Pair<'_, Rule>) -> PResult<Node<Item>> {
    let span = span_of(&pair);
    let rule = pair.as_rule();
    let mut inner = pair.into_inner();
    let item = match rule {
        Rule::standard_decl => {
            let id = text_node(expect_pair(&mut inner, span)?);
            let mut fields = Vec::new();
            for f in inner {
                fields.push(standard_field(f)?);
            }
            Item::Standard(StandardDecl { id, fields })
        }
        Rule::part_of => Item::PartOf(text_node(expect_pair(&mut inner, span)?)),
        Rule::enum_decl | Rule::extend_enum => {
            let extend = rule == Rule::extend_enum;
            let name = text_node(expect_pair(&mut inner, span)?);
            let mut label = None;
            let mut choices = Vec::new();
            for p in inner {
                match p.as_rule() {
                    Rule::string => label = Some(string_node(p)?),
                    _ => {
                        let cspan = span_of(&p);
                        let mut ci = p.into_inner();
                        let name = text_node(expect_pair(&mut ci, cspan)?);
                        let label = string_node(expect_pair(&mut ci, cspan)?)?;
                        choices.push(Node::new(Choice { name, label }, cspan));
                    }
                }
            }
            Item::Enum(EnumDecl {
                extend,
                name,
                label,
                choices,
            })
        }
        Rule::entity_decl | Rule::extend_entity => {
            let extend = rule == Rule::extend_entity;
            let name = text_node(expect_pair(&mut inner, span)?);
            let mut label = None;
            let mut fields = Vec::new();
            for p in inner {
                match p.as_rule() {
                    Rule::string => label = Some(string_node(p)?),
                    _ => fields.push(field(p)?),
                }
            }
            Item::Entity(EntityDecl {
                extend,
                name,
                label,
                fields,
            })
        }
        Rule::rule_decl => {
            let id = text_node(expect_pair(&mut inner, span)?);
            let title = string_node(expect_pair(&mut inner, span)?)?;
            let mut clauses = Vec::new();
            for c in inner {
                clauses.push(rule_clause(c)?);
            }
            Item::Rule(RuleDecl { id, title, clauses })
        }
        Rule::gap_decl => {
            let id = text_node(expect_pair(&mut inner, span)?);
            let title = string_node(expect_pair(&mut inner, span)?)?;
            let mut clauses = Vec::new();
            for c in inner {
                clauses.push(rule_clause(c)?);
            }
            Item::Gap(GapDecl { id, title, clauses })
        }
        Rule::value_decl => {
            let vn = expect_pair(&mut inner, span)?;
            let mut parts: Vec<Node<String>> = vn.into_inner().map(text_node).collect();
            let name = parts.pop().ok_or_else(|| internal(span))?;
            let entity = parts.pop();
            let label = string_node(expect_pair(&mut inner, span)?)?;
            let expr = expr(expect_pair(&mut inner, span)?)?;
            Item::Value(ValueDecl {
                entity,
                name,
                label,
                expr,
            })
        }
        Rule::table_decl => {
            let name = text_node(expect_pair(&mut inner, span)?);
            let label = string_node(expect_pair(&mut inner, span)?)?;
            let key_ty = type_expr(expect_pair(&mut inner, span)?)?;
            let value_ty = type_expr(expect_pair(&mut inner, span)?)?;
            let mut rows = Vec::new();
            for r in inner {
                rows.push(table_row(r)?);
            }
            Item::Table(TableDecl {
                name,
                label,
                key_ty,
                value_ty,
                rows,
            })
        }
        Rule::test_decl => {
            let name = string_node(expect_pair(&mut inner, span)?)?;
            let mut stmts = Vec::new();
            for s in inner {
                stmts.push(test_stmt(s)?);
            }
            Item::Test(TestDecl { name, stmts })
        }
        _ => return Err(internal(span)),
    };
    Ok(Node::new(item, span))
}

fn standard_field(pair: Pair<'_, Rule>) -> PResult<Node<StandardField>> {
    let span = span_of(&pair);
    let rule = pair.as_rule();
    let mut inner = pair.into_inner();
    let field = match rule {
        Rule::std_title => StandardField::Title(string_node(expect_pair(&mut inner, span)?)?.node),
        Rule::std_issuer => {
            StandardField::Issuer(string_node(expect_pair(&mut inner, span)?)?.node)
        }
        Rule::std_document => {
            StandardField::Document(string_node(expect_pair(&mut inner, span)?)?.node)
        }
        Rule::std_outcome => {
            StandardField::Outcome(string_node(expect_pair(&mut inner, span)?)?.node)
        }
        Rule::std_defers => {
            StandardField::Defers(string_node(expect_pair(&mut inner, span)?)?.node)
        }
        Rule::std_published => StandardField::Published(date_of(expect_pair(&mut inner, span)?)?),
        Rule::std_valid_from => StandardField::ValidFrom(date_of(expect_pair(&mut inner, span)?)?),
        Rule::std_valid_to => StandardField::ValidTo(date_of(expect_pair(&mut inner, span)?)?),
        Rule::std_supersedes | Rule::std_supplements => {
            let ids = expect_pair(&mut inner, span)?
                .into_inner()
                .map(text_node)
                .collect();
            if rule == Rule::std_supersedes {
                StandardField::Supersedes(ids)
            } else {
                StandardField::Supplements(ids)
            }
        }
        Rule::std_cites_when => {
            let citation = string_node(expect_pair(&mut inner, span)?)?.node;
            let _when = expect_pair(&mut inner, span)?;
            let enum_name = text_node(expect_pair(&mut inner, span)?);
            let choice = text_node(expect_pair(&mut inner, span)?);
            StandardField::CitesWhen {
                citation,
                enum_name,
                choice,
            }
        }
        Rule::applies_clause => {
            let _when = expect_pair(&mut inner, span)?;
            StandardField::AppliesWhen(expr(expect_pair(&mut inner, span)?)?)
        }
        _ => return Err(internal(span)),
    };
    Ok(Node::new(field, span))
}

fn field(pair: Pair<'_, Rule>) -> PResult<Node<Field>> {
    let span = span_of(&pair);
    let mut inner = pair.into_inner();
    let name = text_node(expect_pair(&mut inner, span)?);
    let ty = type_expr(expect_pair(&mut inner, span)?)?;
    let label = string_node(expect_pair(&mut inner, span)?)?;
    let help = match inner.next() {
        Some(h) => {
            let hspan = span_of(&h);
            Some(string_node(expect_pair(&mut h.into_inner(), hspan)?)?)
        }
        None => None,
    };
    Ok(Node::new(
        Field {
            name,
            ty,
            label,
            help,
        },
        span,
    ))
}

fn type_expr(pair: Pair<'_, Rule>) -> PResult<Node<TypeExpr>> {
    let span = span_of(&pair);
    let inner = expect_pair(&mut pair.into_inner(), span)?;
    let rule = inner.as_rule();
    let name = expect_pair(&mut inner.into_inner(), span)?
        .as_str()
        .to_string();
    let ty = match rule {
        Rule::list_type => TypeExpr::List(name),
        Rule::quantity_type => TypeExpr::Quantity(name),
        _ => TypeExpr::Named(name),
    };
    Ok(Node::new(ty, span))
}

fn rule_clause(pair: Pair<'_, Rule>) -> PResult<Node<RuleClause>> {
    let span = span_of(&pair);
    let rule = pair.as_rule();
    let mut inner = pair.into_inner();
    let clause = match rule {
        Rule::cites_clause => RuleClause::Cites(string_node(expect_pair(&mut inner, span)?)?.node),
        Rule::category_clause => {
            RuleClause::Category(string_node(expect_pair(&mut inner, span)?)?.node)
        }
        Rule::note_clause => RuleClause::Note(string_node(expect_pair(&mut inner, span)?)?.node),
        Rule::provenance_clause => {
            RuleClause::Provenance(text_node(expect_pair(&mut inner, span)?))
        }
        Rule::applies_clause | Rule::hazard_clause => {
            let _when = expect_pair(&mut inner, span)?;
            let e = expr(expect_pair(&mut inner, span)?)?;
            if rule == Rule::applies_clause {
                RuleClause::AppliesWhen(e)
            } else {
                RuleClause::HazardWhen(e)
            }
        }
        Rule::unless_clause => RuleClause::Unless(expr(expect_pair(&mut inner, span)?)?),
        _ => return Err(internal(span)),
    };
    Ok(Node::new(clause, span))
}

fn table_row(pair: Pair<'_, Rule>) -> PResult<Node<TableRow>> {
    let span = span_of(&pair);
    let mut inner = pair.into_inner();
    let key_pair = expect_pair(&mut inner, span)?;
    let kspan = span_of(&key_pair);
    let mut kinner = key_pair.into_inner();
    let first = expect_pair(&mut kinner, kspan)?;
    let key = match first.as_rule() {
        Rule::kw_else => TableKey::Else,
        Rule::ident => TableKey::Choice(first.as_str().to_string()),
        Rule::cmp_op => TableKey::Compare(
            cmp_op(first.as_str()),
            literal(expect_pair(&mut kinner, kspan)?)?.node,
        ),
        _ => TableKey::Exact(literal(first)?.node),
    };
    let value = literal(expect_pair(&mut inner, span)?)?;
    Ok(Node::new(
        TableRow {
            key: Node::new(key, kspan),
            value,
        },
        span,
    ))
}

fn test_stmt(pair: Pair<'_, Rule>) -> PResult<Node<TestStmt>> {
    let span = span_of(&pair);
    let rule = pair.as_rule();
    let mut inner = pair.into_inner();
    let stmt = match rule {
        Rule::test_as_of => {
            let _kw = expect_pair(&mut inner, span)?;
            TestStmt::AsOf(date_of(expect_pair(&mut inner, span)?)?)
        }
        Rule::test_facts => TestStmt::Facts(json(expect_pair(&mut inner, span)?)?),
        Rule::expect_error => TestStmt::ExpectError(string_node(expect_pair(&mut inner, span)?)?),
        Rule::expect_output => {
            let name = text_node(expect_pair(&mut inner, span)?);
            let mut next = expect_pair(&mut inner, span)?;
            let mut at = None;
            if next.as_rule() == Rule::string {
                at = Some(string_node(next)?);
                next = expect_pair(&mut inner, span)?;
            }
            let value = literal(next)?;
            TestStmt::ExpectOutput { name, at, value }
        }
        Rule::expect_rule => {
            let rule = text_node(expect_pair(&mut inner, span)?);
            let outcome = text_node(expect_pair(&mut inner, span)?);
            let (mut because, mut missing, mut cites) = (Vec::new(), Vec::new(), Vec::new());
            for detail in inner {
                let dspan = span_of(&detail);
                let mut di = detail.into_inner();
                let kind = expect_pair(&mut di, dspan)?.as_str().to_string();
                let list = match kind.as_str() {
                    "because" => &mut because,
                    "missing" => &mut missing,
                    _ => &mut cites,
                };
                for s in di {
                    list.push(string_node(s)?);
                }
            }
            TestStmt::ExpectRule {
                rule,
                outcome,
                because,
                missing,
                cites,
            }
        }
        _ => return Err(internal(span)),
    };
    Ok(Node::new(stmt, span))
}

fn json(pair: Pair<'_, Rule>) -> PResult<Json> {
    let span = span_of(&pair);
    Ok(match pair.as_rule() {
        Rule::json_value => return json(expect_pair(&mut pair.into_inner(), span)?),
        Rule::json_object => {
            let mut members = Vec::new();
            for m in pair.into_inner() {
                let mspan = span_of(&m);
                let mut mi = m.into_inner();
                let key = string_node(expect_pair(&mut mi, mspan)?)?.node;
                let value = json(expect_pair(&mut mi, mspan)?)?;
                members.push((key, value));
            }
            Json::Object(members)
        }
        Rule::json_array => Json::Array(pair.into_inner().map(json).collect::<PResult<_>>()?),
        Rule::string => Json::String(string_node(pair)?.node),
        Rule::json_number => Json::Number(pair.as_str().to_string()),
        Rule::kw_true => Json::Bool(true),
        Rule::kw_false => Json::Bool(false),
        Rule::kw_null => Json::Null,
        _ => return Err(internal(span)),
    })
}

fn cmp_op(text: &str) -> CmpOp {
    match text {
        "==" => CmpOp::Eq,
        "!=" => CmpOp::Ne,
        "<" => CmpOp::Lt,
        "<=" => CmpOp::Le,
        ">" => CmpOp::Gt,
        _ => CmpOp::Ge,
    }
}

fn boxed(e: Node<Expr>) -> Box<Node<Expr>> {
    Box::new(e)
}

fn expr(pair: Pair<'_, Rule>) -> PResult<Node<Expr>> {
    expr_at(pair, 0)
}

/// The depth an expression's children are built at: `by` levels below `depth`, refused past
/// `MAX_EXPR_DEPTH` so that operator chains (`not not …`, `- - …`, `1 + 1 + …`, nested `any …:`)
/// cannot build a tree deep enough to overflow the stack of whatever walks it later.
fn deeper(depth: usize, by: usize, span: Span) -> PResult<usize> {
    let d = depth.saturating_add(by);
    if d > MAX_EXPR_DEPTH {
        return Err(ParseError::new(
            ParseErrorKind::TooDeep,
            Span {
                start: span.start,
                end: span.start,
            },
            format!("the expression is nested more than {MAX_EXPR_DEPTH} levels deep"),
        ));
    }
    Ok(d)
}

/// `depth`: how many expression nodes enclose this one.
fn expr_at(mut pair: Pair<'_, Rule>, depth: usize) -> PResult<Node<Expr>> {
    // Grammar levels that build no node (a bracketed expression, an operand without an operator)
    // are walked down in a loop: a recursion per level would spend a stack frame on each of them.
    while matches!(
        pair.as_rule(),
        Rule::expr
            | Rule::or_expr
            | Rule::and_expr
            | Rule::not_expr
            | Rule::cmp_expr
            | Rule::add_expr
            | Rule::mul_expr
            | Rule::unary
    ) {
        let mut inner = pair.clone().into_inner();
        match (inner.next(), inner.next()) {
            (Some(only), None) => pair = only,
            _ => break,
        }
    }
    let span = span_of(&pair);
    match pair.as_rule() {
        Rule::expr => expr_at(expect_pair(&mut pair.into_inner(), span)?, depth),
        Rule::or_expr | Rule::and_expr => or_expr_node(pair, depth, span),
        Rule::not_expr => not_expr_node(pair, depth, span),
        Rule::cmp_expr => cmp_expr_node(pair, depth, span),
        Rule::add_expr | Rule::mul_expr => add_expr_node(pair, depth, span),
        Rule::unary => unary_node(pair, depth, span),
        Rule::quantifier => quantifier_node(pair, depth, span),
        Rule::period_list => period_list_node(pair, depth, span),
        Rule::if_expr => if_expr_node(pair, depth, span),
        Rule::count_expr => count_expr_node(pair, depth, span),
        Rule::sum_expr => sum_expr_node(pair, depth, span),
        Rule::cases_expr => cases_expr_node(pair, depth, span),
        Rule::lookup => lookup_node(pair, depth, span),
        Rule::as_of => Ok(Node::new(Expr::AsOf, span)),
        Rule::path => Ok(Node::new(
            Expr::Path(pair.into_inner().map(text_node).collect()),
            span,
        )),
        Rule::literal => {
            let lit = literal(pair)?;
            Ok(Node::new(Expr::Literal(lit.node), lit.span))
        }
        _ => Err(internal(span)),
    }
}

// Each kind of node is built by its own function, so the recursion through `expr_at` keeps
// small stack frames (one big `match` would reserve room for every arm's locals on every level).
fn or_expr_node(pair: Pair<'_, Rule>, depth: usize, span: Span) -> PResult<Node<Expr>> {
    let is_or = pair.as_rule() == Rule::or_expr;
    let n = pair
        .clone()
        .into_inner()
        .filter(|p| !matches!(p.as_rule(), Rule::kw_or | Rule::kw_and))
        .count();
    let d = if n > 1 {
        deeper(depth, 1, span)?
    } else {
        depth
    };
    let mut parts = Vec::new();
    for p in pair.into_inner() {
        if matches!(p.as_rule(), Rule::kw_or | Rule::kw_and) {
            continue;
        }
        parts.push(expr_at(p, d)?);
    }
    if parts.len() == 1 {
        return parts.pop().ok_or_else(|| internal(span));
    }
    Ok(Node::new(
        if is_or {
            Expr::Or(parts)
        } else {
            Expr::And(parts)
        },
        span,
    ))
}

fn not_expr_node(pair: Pair<'_, Rule>, depth: usize, span: Span) -> PResult<Node<Expr>> {
    let mut inner = pair.into_inner();
    let first = expect_pair(&mut inner, span)?;
    if first.as_rule() == Rule::kw_not {
        let d = deeper(depth, 1, span)?;
        let operand = expr_at(expect_pair(&mut inner, span)?, d)?;
        Ok(Node::new(Expr::Not(boxed(operand)), span))
    } else {
        expr_at(first, depth)
    }
}

fn cmp_expr_node(pair: Pair<'_, Rule>, depth: usize, span: Span) -> PResult<Node<Expr>> {
    let d = if pair.clone().into_inner().count() > 1 {
        deeper(depth, 1, span)?
    } else {
        depth
    };
    let mut inner = pair.into_inner();
    let lhs = expr_at(expect_pair(&mut inner, span)?, d)?;
    let Some(tail) = inner.next() else {
        return Ok(lhs);
    };
    let tail_rule = tail.as_rule();
    let mut ti = tail.into_inner();
    match tail_rule {
        Rule::compare_tail => {
            let op = cmp_op(expect_pair(&mut ti, span)?.as_str());
            let rhs = expr_at(expect_pair(&mut ti, span)?, d)?;
            Ok(Node::new(
                Expr::Compare {
                    op,
                    lhs: boxed(lhs),
                    rhs: boxed(rhs),
                },
                span,
            ))
        }
        Rule::in_tail => {
            let mut negated = false;
            let mut target = expect_pair(&mut ti, span)?;
            if target.as_rule() == Rule::kw_not {
                negated = true;
                target = expect_pair(&mut ti, span)?;
            }
            if target.as_rule() == Rule::kw_in {
                target = expect_pair(&mut ti, span)?;
            }
            if target.as_rule() == Rule::choice_set {
                let choices = target.into_inner().map(text_node).collect();
                Ok(Node::new(
                    Expr::InSet {
                        negated,
                        lhs: boxed(lhs),
                        choices,
                    },
                    span,
                ))
            } else {
                let list = expr_at(target, d)?;
                Ok(Node::new(
                    Expr::InList {
                        negated,
                        lhs: boxed(lhs),
                        list: boxed(list),
                    },
                    span,
                ))
            }
        }
        Rule::empty_tail => {
            let negated = ti.next().is_some();
            Ok(Node::new(
                Expr::IsEmpty {
                    negated,
                    list: boxed(lhs),
                },
                span,
            ))
        }
        _ => Err(internal(span)),
    }
}

fn add_expr_node(pair: Pair<'_, Rule>, depth: usize, span: Span) -> PResult<Node<Expr>> {
    // A chain of k operators builds a left-leaning tree k levels deep.
    let ops = pair.clone().into_inner().count().saturating_sub(1) / 2;
    let d = if ops > 0 {
        deeper(depth, ops, span)?
    } else {
        depth
    };
    let mut inner = pair.into_inner();
    let mut acc = expr_at(expect_pair(&mut inner, span)?, d)?;
    while let Some(op) = inner.next() {
        let op = match op.as_str() {
            "+" => ArithOp::Add,
            "-" => ArithOp::Sub,
            "*" => ArithOp::Mul,
            _ => ArithOp::Div,
        };
        let rhs = expr_at(expect_pair(&mut inner, span)?, d)?;
        let s = Span {
            start: acc.span.start,
            end: rhs.span.end,
        };
        acc = Node::new(
            Expr::Arith {
                op,
                lhs: boxed(acc),
                rhs: boxed(rhs),
            },
            s,
        );
    }
    Ok(acc)
}

fn unary_node(pair: Pair<'_, Rule>, depth: usize, span: Span) -> PResult<Node<Expr>> {
    let negs = pair
        .clone()
        .into_inner()
        .filter(|p| p.as_rule() == Rule::neg)
        .count();
    let d = deeper(depth, negs, span)?;
    let mut operand = None;
    for p in pair.into_inner() {
        if p.as_rule() != Rule::neg {
            operand = Some(expr_at(p, d)?);
        }
    }
    let mut e = operand.ok_or_else(|| internal(span))?;
    for _ in 0..negs {
        e = Node::new(Expr::Neg(boxed(e)), span);
    }
    Ok(e)
}

fn quantifier_node(pair: Pair<'_, Rule>, depth: usize, span: Span) -> PResult<Node<Expr>> {
    let d = deeper(depth, 1, span)?;
    let mut inner = pair.into_inner();
    let kind = if expect_pair(&mut inner, span)?.as_rule() == Rule::kw_any {
        Quantifier::Any
    } else {
        Quantifier::All
    };
    let var = text_node(expect_pair(&mut inner, span)?);
    let _in = expect_pair(&mut inner, span)?;
    let list = expr_at(expect_pair(&mut inner, span)?, d)?;
    let body = expr_at(expect_pair(&mut inner, span)?, d)?;
    Ok(Node::new(
        Expr::Quant {
            kind,
            var,
            list: boxed(list),
            body: boxed(body),
        },
        span,
    ))
}

fn if_expr_node(pair: Pair<'_, Rule>, depth: usize, span: Span) -> PResult<Node<Expr>> {
    let d = deeper(depth, 1, span)?;
    let mut inner = pair.into_inner();
    let cond = expr_at(expect_pair(&mut inner, span)?, d)?;
    let then = expr_at(expect_pair(&mut inner, span)?, d)?;
    let _else = expect_pair(&mut inner, span)?;
    let otherwise = expr_at(expect_pair(&mut inner, span)?, d)?;
    Ok(Node::new(
        Expr::If {
            cond: boxed(cond),
            then: boxed(then),
            otherwise: boxed(otherwise),
        },
        span,
    ))
}

fn period_list_node(pair: Pair<'_, Rule>, depth: usize, span: Span) -> PResult<Node<Expr>> {
    let d = deeper(depth, 1, span)?;
    let mut inner = pair.into_inner();
    let kind = match expect_pair(&mut inner, span)?.as_str() {
        "month" => PeriodKind::Month,
        "quarter" => PeriodKind::Quarter,
        "half_year" => PeriodKind::HalfYear,
        _ => PeriodKind::Year,
    };
    let from = expr_at(expect_pair(&mut inner, span)?, d)?;
    let to = expr_at(expect_pair(&mut inner, span)?, d)?;
    Ok(Node::new(
        Expr::Periods {
            kind,
            from: boxed(from),
            to: boxed(to),
        },
        span,
    ))
}

fn count_expr_node(pair: Pair<'_, Rule>, depth: usize, span: Span) -> PResult<Node<Expr>> {
    let d = deeper(depth, 1, span)?;
    let mut inner = pair.into_inner();
    let var = text_node(expect_pair(&mut inner, span)?);
    let _in = expect_pair(&mut inner, span)?;
    let list = expr_at(expect_pair(&mut inner, span)?, d)?;
    let filter = match inner.next() {
        Some(f) => Some(boxed(expr_at(f, d)?)),
        None => None,
    };
    Ok(Node::new(
        Expr::Count {
            var,
            list: boxed(list),
            filter,
        },
        span,
    ))
}

fn sum_expr_node(pair: Pair<'_, Rule>, depth: usize, span: Span) -> PResult<Node<Expr>> {
    let d = deeper(depth, 1, span)?;
    let mut inner = pair.into_inner();
    let var = text_node(expect_pair(&mut inner, span)?);
    let _in = expect_pair(&mut inner, span)?;
    let list = expr_at(expect_pair(&mut inner, span)?, d)?;
    let body = expr_at(expect_pair(&mut inner, span)?, d)?;
    Ok(Node::new(
        Expr::Sum {
            var,
            list: boxed(list),
            body: boxed(body),
        },
        span,
    ))
}

fn cases_expr_node(pair: Pair<'_, Rule>, depth: usize, span: Span) -> PResult<Node<Expr>> {
    let d = deeper(depth, 1, span)?;
    let mut inner = pair.into_inner();
    let kind = match expect_pair(&mut inner, span)?.as_str() {
        "any_of" => CasesKind::AnyOf,
        "all_of" => CasesKind::AllOf,
        _ => CasesKind::CountOf,
    };
    let mut cases = Vec::new();
    for arm in inner {
        let aspan = span_of(&arm);
        let mut ai = arm.into_inner();
        let _case = expect_pair(&mut ai, aspan)?;
        let label = string_node(expect_pair(&mut ai, aspan)?)?;
        let e = expr_at(expect_pair(&mut ai, aspan)?, d)?;
        cases.push(Node::new(Case { label, expr: e }, aspan));
    }
    Ok(Node::new(Expr::Cases { kind, cases }, span))
}

fn lookup_node(pair: Pair<'_, Rule>, depth: usize, span: Span) -> PResult<Node<Expr>> {
    let d = deeper(depth, 1, span)?;
    let mut inner = pair.into_inner();
    let table = text_node(expect_pair(&mut inner, span)?);
    let key = expr_at(expect_pair(&mut inner, span)?, d)?;
    Ok(Node::new(
        Expr::Lookup {
            table,
            key: boxed(key),
        },
        span,
    ))
}

fn literal(pair: Pair<'_, Rule>) -> PResult<Node<Literal>> {
    let span = span_of(&pair);
    let inner = if pair.as_rule() == Rule::literal {
        expect_pair(&mut pair.into_inner(), span)?
    } else {
        pair
    };
    let lit = match inner.as_rule() {
        Rule::kw_true => Literal::Bool(true),
        Rule::kw_false => Literal::Bool(false),
        Rule::date => Literal::Date(date_of(inner)?),
        Rule::number => Literal::Number(inner.as_str().to_string()),
        Rule::string => Literal::Text(string_node(inner)?.node),
        Rule::quantity => {
            let text = inner.as_str();
            let unit = expect_pair(&mut inner.into_inner(), span)?
                .as_str()
                .to_string();
            let number = text
                .get(..text.len().saturating_sub(unit.len()))
                .unwrap_or("")
                .trim()
                .to_string();
            Literal::Quantity(number, unit)
        }
        _ => return Err(internal(span)),
    };
    Ok(Node::new(lit, span))
}
