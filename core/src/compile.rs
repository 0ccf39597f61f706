//! Builds a library from rule sources: collects declarations from every file (so files may come in
//! any order), resolves the schema, then checks rules, derived values, tables and tests. Every
//! problem in every file is reported together.

use indexmap::IndexMap;
use rust_decimal::Decimal;
use yinhuan_grammar::ast::{
    self, Item, Node, RuleClause, StandardField, TableKey as AstKey, TestStmt,
};
use yinhuan_grammar::Date;

use crate::check::{codes, parse_decimal, Checker, EntityValues, Named};
use crate::diagnostics::Diagnostic;
use crate::error::CompileError;
use crate::ir::{Expr, ExprInfo, Table, TableKey, TableValue};
use crate::schema::{ChoiceDef, EntityDef, EnumDef, FieldDef, Schema, Type, ENTERPRISE};
use crate::units::{self, Unit};

/// A rule source: a file name (as shown in diagnostics) and its text.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provenance {
    /// The reference notes found the text in two or more independent sources.
    Confirmed,
    /// One source only.
    SingleSource,
    /// Recalled, not found in a source.
    Unconfirmed,
}

impl Provenance {
    pub fn as_str(self) -> &'static str {
        match self {
            Provenance::Confirmed => "confirmed",
            Provenance::SingleSource => "single_source",
            Provenance::Unconfirmed => "unconfirmed",
        }
    }
}

#[derive(Debug, Clone)]
pub struct StandardDef {
    pub id: String,
    pub title: String,
    pub issuer: String,
    pub document: String,
    pub published: Option<Date>,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub supersedes: Vec<String>,
    pub supplements: Vec<String>,
    pub outcome_label: String,
    pub defers: Option<String>,
    /// `cites "…" when reason is ENUM.CHOICE`.
    pub cites_when: Vec<(String, u32, u32)>,
    pub applies: Option<Expr>,
    pub rules: Vec<u32>,
    pub gaps: Vec<u32>,
    pub values: Vec<u32>,
    pub file: String,
}

#[derive(Debug, Clone)]
pub struct RuleDef {
    pub id: String,
    pub title: String,
    pub standard: u32,
    pub citations: Vec<String>,
    pub category: Option<String>,
    pub provenance: Provenance,
    pub notes: Vec<String>,
    pub applies: Option<Expr>,
    pub hazard: Expr,
    pub unless: Option<Expr>,
    /// Fields the rule reads, as (entity, slot), in order of first use.
    pub reads: Vec<(u32, u32)>,
    pub file: String,
    pub line: usize,
    /// The rule as written, for `yinhuan explain`.
    pub source: String,
}

#[derive(Debug, Clone)]
pub struct GapDef {
    pub id: String,
    pub title: String,
    pub standard: u32,
    pub citations: Vec<String>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct ValueDef {
    pub name: String,
    pub label: String,
    pub standard: Option<u32>,
    /// For an entity-level value, the entity it is computed for.
    pub entity: Option<u32>,
    pub expr: Expr,
    pub ty: Type,
    pub unit: Option<&'static Unit>,
}

#[derive(Debug, Clone)]
pub enum Expectation {
    Rule {
        rule: String,
        outcome: String,
        because: Vec<String>,
        missing: Vec<String>,
        cites: Vec<String>,
        line: usize,
    },
    Output {
        name: String,
        at: Option<String>,
        value: ast::Literal,
        line: usize,
    },
    Error {
        code: String,
        line: usize,
    },
}

#[derive(Debug, Clone)]
pub struct TestDef {
    pub name: String,
    pub standard: Option<u32>,
    pub file: String,
    pub line: usize,
    pub as_of: Option<Date>,
    pub facts: serde_json::Value,
    pub expects: Vec<Expectation>,
}

/// Everything compiled from a set of sources.
#[derive(Debug, Clone, Default)]
pub struct Compiled {
    pub schema: Schema,
    pub standards: Vec<StandardDef>,
    pub rules: Vec<RuleDef>,
    pub gaps: Vec<GapDef>,
    pub values: Vec<ValueDef>,
    pub tables: Vec<Table>,
    pub infos: Vec<ExprInfo>,
    pub tests: Vec<TestDef>,
}

struct Parsed<'s> {
    source: &'s Source,
    file: ast::File,
    /// The standard this file declares or continues.
    standard: Option<String>,
}

pub fn compile(sources: &[Source]) -> Result<Compiled, CompileError> {
    let mut diags = Vec::new();
    let mut parsed = Vec::new();
    for s in sources {
        match yinhuan_grammar::parse(&s.text) {
            Ok(file) => parsed.push(Parsed {
                source: s,
                file,
                standard: None,
            }),
            Err(e) => diags.push(Diagnostic::new(
                e.kind.code(),
                e.message,
                &s.name,
                &s.text,
                e.span,
            )),
        }
    }
    let mut c = Compiled::default();
    let mut std_index: IndexMap<String, u32> = IndexMap::new();

    // Pass 1: standards and which standard each file belongs to.
    for p in &mut parsed {
        let (name, text) = (&p.source.name, &p.source.text);
        for (i, item) in p.file.items.iter().enumerate() {
            match &item.node {
                Item::Standard(decl) => {
                    if std_index.contains_key(&decl.id.node) {
                        diags.push(Diagnostic::new(
                            codes::DUPLICATE,
                            format!("standard `{}` is declared twice", decl.id.node),
                            name,
                            text,
                            decl.id.span,
                        ));
                        continue;
                    }
                    if p.standard.is_some() {
                        diags.push(Diagnostic::new(
                            codes::MISPLACED,
                            "a file may declare or continue only one standard",
                            name,
                            text,
                            decl.id.span,
                        ));
                        continue;
                    }
                    if let Some(def) = standard_header(decl, name, text, &mut diags) {
                        std_index.insert(decl.id.node.clone(), c.standards.len() as u32);
                        c.standards.push(def);
                    }
                    p.standard = Some(decl.id.node.clone());
                }
                Item::PartOf(id) => {
                    if i != 0 || p.standard.is_some() {
                        diags.push(Diagnostic::new(
                            codes::MISPLACED,
                            "`part of` must be the first line of a file",
                            name,
                            text,
                            id.span,
                        ));
                    }
                    p.standard = Some(id.node.clone());
                }
                _ => {}
            }
        }
    }
    for p in &parsed {
        if let Some(id) = &p.standard {
            if !std_index.contains_key(id) {
                let span = p.file.items.first().map_or(Default::default(), |i| i.span);
                diags.push(Diagnostic::new(
                    codes::UNKNOWN_NAME,
                    format!("standard `{id}` is not declared in any file"),
                    &p.source.name,
                    &p.source.text,
                    span,
                ));
            }
        }
    }

    // Pass 2: enums (declarations before extensions, whatever the file order), then entity names,
    // then fields (which may name any enum or entity).
    for extensions in [false, true] {
        for p in &parsed {
            for item in &p.file.items {
                if let Item::Enum(e) = &item.node {
                    if e.extend == extensions {
                        declare_enum(&mut c.schema, e, p.source, &mut diags);
                    }
                }
            }
        }
    }
    for p in &parsed {
        for item in &p.file.items {
            if let Item::Entity(e) = &item.node {
                if !e.extend {
                    if c.schema.entity_index.contains_key(&e.name.node)
                        || c.schema.enum_index.contains_key(&e.name.node)
                    {
                        diags.push(Diagnostic::new(
                            codes::DUPLICATE,
                            format!("`{}` is declared twice", e.name.node),
                            &p.source.name,
                            &p.source.text,
                            e.name.span,
                        ));
                        continue;
                    }
                    let label = e.label.as_ref().map_or(String::new(), |l| l.node.clone());
                    // The enterprise is always entity 0, the JSON root.
                    if e.name.node == "enterprise" {
                        c.schema.entities.insert(
                            0,
                            EntityDef {
                                name: e.name.node.clone(),
                                label,
                                fields: Vec::new(),
                                index: IndexMap::new(),
                            },
                        );
                        for v in c.schema.entity_index.values_mut() {
                            *v += 1;
                        }
                        c.schema
                            .entity_index
                            .insert(e.name.node.clone(), ENTERPRISE);
                    } else {
                        c.schema
                            .entity_index
                            .insert(e.name.node.clone(), c.schema.entities.len() as u32);
                        c.schema.entities.push(EntityDef {
                            name: e.name.node.clone(),
                            label,
                            fields: Vec::new(),
                            index: IndexMap::new(),
                        });
                    }
                }
            }
        }
    }
    if c.schema.entity_index.get("enterprise") != Some(&ENTERPRISE) {
        if let Some(s) = sources.first() {
            diags.push(Diagnostic::new(
                codes::UNKNOWN_NAME,
                "no file declares `entity enterprise`, the root of every fact document",
                &s.name,
                &s.text,
                Default::default(),
            ));
        }
        return Err(CompileError { diagnostics: diags });
    }
    for p in &parsed {
        for item in &p.file.items {
            if let Item::Entity(e) = &item.node {
                declare_fields(&mut c.schema, e, p, &mut diags);
            }
        }
    }

    // Pass 3: tables and derived values, in file order.
    let mut tables: IndexMap<String, Named> = IndexMap::new();
    let mut values: IndexMap<String, Named> = IndexMap::new();
    for p in &parsed {
        for item in &p.file.items {
            if let Item::Table(t) = &item.node {
                if let Some((table, named)) =
                    table(&c.schema, t, p.source, &mut diags, c.tables.len() as u32)
                {
                    if tables.contains_key(&t.name.node) {
                        diags.push(Diagnostic::new(
                            codes::DUPLICATE,
                            format!("table `{}` is declared twice", t.name.node),
                            &p.source.name,
                            &p.source.text,
                            t.name.span,
                        ));
                        continue;
                    }
                    tables.insert(t.name.node.clone(), named);
                    c.tables.push(table);
                }
            }
        }
    }
    // Derived values may use each other in any file order: check those whose names all resolve,
    // then retry the rest, until a round makes no progress (what remains is reported: an unknown
    // name or a cycle).
    let mut entity_values: EntityValues = IndexMap::new();
    let mut pending: Vec<(&Parsed<'_>, &ast::ValueDecl)> = Vec::new();
    for p in &parsed {
        for item in &p.file.items {
            if let Item::Value(v) = &item.node {
                pending.push((p, v));
            }
        }
    }
    loop {
        let mut progress = false;
        let mut failed: Vec<(&Parsed<'_>, &ast::ValueDecl, Vec<Diagnostic>)> = Vec::new();
        for (p, v) in std::mem::take(&mut pending) {
            let (name, text) = (&p.source.name, &p.source.text);
            let standard = p.standard.as_ref().and_then(|s| std_index.get(s).copied());
            let entity = match &v.entity {
                None => None,
                Some(e) => match c.schema.entity_index.get(&e.node) {
                    Some(id) => Some(*id),
                    None => {
                        diags.push(Diagnostic::new(
                            codes::UNKNOWN_NAME,
                            format!("`{}` is not an entity", e.node),
                            name,
                            text,
                            e.span,
                        ));
                        continue;
                    }
                },
            };
            let mut scratch = Vec::new();
            let mut ck = Checker::new(
                &c.schema,
                &values,
                &tables,
                &entity_values,
                name,
                text,
                &mut scratch,
                &mut c.infos,
            );
            ck.self_entity = entity;
            let checked = ck.expr(&v.expr);
            let nonneg = checked.as_ref().is_some_and(|(e, _)| ck.nonneg(e));
            let Some((expr, ty)) = checked else {
                failed.push((p, v, scratch));
                continue;
            };
            progress = true;
            let unit = c
                .infos
                .get(expr.info as usize)
                .and_then(|i| i.unit)
                .or(match ty {
                    Type::Quantity(d) => Some(d.display_unit()),
                    _ => None,
                });
            let clash = match entity {
                None => {
                    values.contains_key(&v.name.node)
                        || c.schema
                            .entity(ENTERPRISE)
                            .is_some_and(|d| d.index.contains_key(&v.name.node))
                }
                Some(e) => {
                    entity_values.contains_key(&(e, v.name.node.clone()))
                        || c.schema
                            .entity(e)
                            .is_some_and(|d| d.index.contains_key(&v.name.node))
                }
            };
            if clash {
                diags.push(Diagnostic::new(
                    codes::DUPLICATE,
                    format!("`{}` is already a fact or derived value", v.name.node),
                    name,
                    text,
                    v.name.span,
                ));
                continue;
            }
            let index = c.values.len() as u32;
            let named = Named {
                index,
                ty,
                unit,
                key_ty: None,
                nonneg,
            };
            match entity {
                None => {
                    values.insert(v.name.node.clone(), named);
                }
                Some(e) => {
                    entity_values.insert((e, v.name.node.clone()), named);
                }
            }
            if let Some(s) = standard.and_then(|s| c.standards.get_mut(s as usize)) {
                s.values.push(index);
            }
            c.values.push(ValueDef {
                name: v.name.node.clone(),
                label: v.label.node.clone(),
                standard,
                entity,
                expr,
                ty,
                unit,
            });
        }
        if failed.is_empty() {
            break;
        }
        if !progress {
            for (_, _, d) in failed {
                diags.extend(d);
            }
            break;
        }
        pending = failed.into_iter().map(|(p, v, _)| (p, v)).collect();
    }

    // Pass 4: standard scopes and citations, rules, gaps and tests.
    let mut rule_ids: IndexMap<String, ()> = IndexMap::new();
    for p in &parsed {
        let (name, text) = (&p.source.name, &p.source.text);
        let standard = p.standard.as_ref().and_then(|s| std_index.get(s).copied());
        for item in &p.file.items {
            match &item.node {
                Item::Standard(decl) => {
                    let Some(si) = std_index.get(&decl.id.node).copied() else {
                        continue;
                    };
                    for f in &decl.fields {
                        match &f.node {
                            StandardField::AppliesWhen(e) => {
                                let mut ck = Checker::new(
                                    &c.schema,
                                    &values,
                                    &tables,
                                    &entity_values,
                                    name,
                                    text,
                                    &mut diags,
                                    &mut c.infos,
                                );
                                let applies = ck.condition(e);
                                if let Some(s) = c.standards.get_mut(si as usize) {
                                    s.applies = applies;
                                }
                            }
                            StandardField::CitesWhen {
                                citation,
                                enum_name,
                                choice,
                            } => {
                                let found =
                                    c.schema.enum_index.get(&enum_name.node).copied().and_then(
                                        |en| {
                                            c.schema.enum_def(en).and_then(|d| {
                                                d.index.get(&choice.node).map(|ch| (en, *ch))
                                            })
                                        },
                                    );
                                match found {
                                    Some((en, ch)) => {
                                        if let Some(s) = c.standards.get_mut(si as usize) {
                                            s.cites_when.push((citation.clone(), en, ch));
                                        }
                                    }
                                    None => diags.push(Diagnostic::new(
                                        codes::UNKNOWN_CHOICE,
                                        format!(
                                            "`{}.{}` is not a declared enum choice",
                                            enum_name.node, choice.node
                                        ),
                                        name,
                                        text,
                                        f.span,
                                    )),
                                }
                            }
                            _ => {}
                        }
                    }
                }
                Item::Rule(r) => {
                    if standard.is_none() && p.standard.is_some() {
                        continue; // `part of` an undeclared standard is reported once, above
                    }
                    let Some(si) = standard else {
                        diags.push(Diagnostic::new(codes::MISPLACED, format!("rule `{}` is not in a standard; start the file with `part of STANDARD-ID`", r.id.node), name, text, r.id.span));
                        continue;
                    };
                    if !claim_id(&mut rule_ids, &r.id, name, text, &mut diags) {
                        continue;
                    }
                    if let Some(rule) = rule_def(
                        &c.schema,
                        &values,
                        &tables,
                        &entity_values,
                        r,
                        item.span,
                        si,
                        p.source,
                        &mut diags,
                        &mut c.infos,
                    ) {
                        let mut rule = rule;
                        rule.reads = reads_of(&rule, &c.values);
                        if let Some(s) = c.standards.get_mut(si as usize) {
                            s.rules.push(c.rules.len() as u32);
                        }
                        c.rules.push(rule);
                    }
                }
                Item::Gap(g) => {
                    let Some(si) = standard else {
                        diags.push(Diagnostic::new(
                            codes::MISPLACED,
                            format!("gap `{}` is not in a standard", g.id.node),
                            name,
                            text,
                            g.id.span,
                        ));
                        continue;
                    };
                    if !claim_id(&mut rule_ids, &g.id, name, text, &mut diags) {
                        continue;
                    }
                    let mut gap = GapDef {
                        id: g.id.node.clone(),
                        title: g.title.node.clone(),
                        standard: si,
                        citations: Vec::new(),
                        notes: Vec::new(),
                    };
                    for cl in &g.clauses {
                        match &cl.node {
                            RuleClause::Cites(s) => gap.citations.push(s.clone()),
                            RuleClause::Note(s) => gap.notes.push(s.clone()),
                            _ => {}
                        }
                    }
                    if let Some(s) = c.standards.get_mut(si as usize) {
                        s.gaps.push(c.gaps.len() as u32);
                    }
                    c.gaps.push(gap);
                }
                Item::Test(t) => c.tests.push(test_def(t, standard, p.source)),
                _ => {}
            }
        }
    }
    // Tests may name rules anywhere in the library; check them once all rules are known.
    for t in &c.tests {
        for e in &t.expects {
            if let Expectation::Rule { rule, line, .. } = e {
                if !rule_ids.contains_key(rule) {
                    if let Some(s) = sources.iter().find(|s| s.name == t.file) {
                        let offset = line_offset(&s.text, *line);
                        let span = ast::Span {
                            start: offset,
                            end: offset,
                        };
                        diags.push(Diagnostic::new(
                            codes::UNKNOWN_NAME,
                            format!(
                                "test `{}` expects rule `{rule}`, which is not declared",
                                t.name
                            ),
                            &s.name,
                            &s.text,
                            span,
                        ));
                    }
                }
            }
        }
    }
    if diags.is_empty() {
        Ok(c)
    } else {
        Err(CompileError { diagnostics: diags })
    }
}

fn line_offset(text: &str, line: usize) -> usize {
    text.split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum()
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).map_or(0, |s| s.matches('\n').count()) + 1
}

fn standard_header(
    decl: &ast::StandardDecl,
    file: &str,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<StandardDef> {
    let mut def = StandardDef {
        id: decl.id.node.clone(),
        title: String::new(),
        issuer: String::new(),
        document: String::new(),
        published: None,
        valid_from: Date::from_days(0),
        valid_to: None,
        supersedes: Vec::new(),
        supplements: Vec::new(),
        outcome_label: String::new(),
        defers: None,
        cites_when: Vec::new(),
        applies: None,
        rules: Vec::new(),
        gaps: Vec::new(),
        values: Vec::new(),
        file: file.to_string(),
    };
    let mut has_from = false;
    for f in &decl.fields {
        match &f.node {
            StandardField::Title(s) => def.title = s.clone(),
            StandardField::Issuer(s) => def.issuer = s.clone(),
            StandardField::Document(s) => def.document = s.clone(),
            StandardField::Published(d) => def.published = Some(*d),
            StandardField::ValidFrom(d) => {
                def.valid_from = *d;
                has_from = true;
            }
            StandardField::ValidTo(d) => def.valid_to = Some(*d),
            StandardField::Supersedes(ids) => {
                def.supersedes.extend(ids.iter().map(|i| i.node.clone()))
            }
            StandardField::Supplements(ids) => {
                def.supplements.extend(ids.iter().map(|i| i.node.clone()))
            }
            StandardField::Outcome(s) => def.outcome_label = s.clone(),
            StandardField::Defers(s) => def.defers = Some(s.clone()),
            StandardField::CitesWhen { .. } | StandardField::AppliesWhen(_) => {}
        }
    }
    let mut missing = Vec::new();
    if def.title.is_empty() {
        missing.push("title");
    }
    if !has_from {
        missing.push("valid_from");
    }
    if def.outcome_label.is_empty() {
        missing.push("outcome");
    }
    if !missing.is_empty() {
        diags.push(Diagnostic::new(
            codes::MISSING_CLAUSE,
            format!("standard `{}` needs `{}`", def.id, missing.join("`, `")),
            file,
            text,
            decl.id.span,
        ));
        return None;
    }
    if let Some(to) = def.valid_to {
        if to < def.valid_from {
            diags.push(Diagnostic::new(
                codes::MISSING_CLAUSE,
                format!(
                    "standard `{}` ends on {to}, before it starts on {}",
                    def.id, def.valid_from
                ),
                file,
                text,
                decl.id.span,
            ));
        }
    }
    Some(def)
}

fn declare_enum(schema: &mut Schema, e: &ast::EnumDecl, src: &Source, diags: &mut Vec<Diagnostic>) {
    let id = if e.extend {
        match schema.enum_index.get(&e.name.node) {
            Some(id) => *id,
            None => {
                diags.push(Diagnostic::new(
                    codes::UNKNOWN_NAME,
                    format!("cannot extend `{}`: no such enum", e.name.node),
                    &src.name,
                    &src.text,
                    e.name.span,
                ));
                return;
            }
        }
    } else {
        if schema.enum_index.contains_key(&e.name.node) {
            diags.push(Diagnostic::new(
                codes::DUPLICATE,
                format!("enum `{}` is declared twice", e.name.node),
                &src.name,
                &src.text,
                e.name.span,
            ));
            return;
        }
        let id = schema.enums.len() as u32;
        schema.enum_index.insert(e.name.node.clone(), id);
        let label = e.label.as_ref().map_or(String::new(), |l| l.node.clone());
        schema.enums.push(EnumDef {
            name: e.name.node.clone(),
            label,
            choices: Vec::new(),
            index: IndexMap::new(),
        });
        id
    };
    let Some(def) = schema.enums.get_mut(id as usize) else {
        return;
    };
    for ch in &e.choices {
        if def.index.contains_key(&ch.node.name.node) {
            diags.push(Diagnostic::new(
                codes::DUPLICATE,
                format!(
                    "`{}` is already a choice of `{}`",
                    ch.node.name.node, def.name
                ),
                &src.name,
                &src.text,
                ch.node.name.span,
            ));
            continue;
        }
        if def.choices.iter().any(|c| c.label == ch.node.label.node) {
            diags.push(Diagnostic::new(
                codes::DUPLICATE,
                format!(
                    "label \"{}\" is already used by another choice of `{}`",
                    ch.node.label.node, def.name
                ),
                &src.name,
                &src.text,
                ch.node.label.span,
            ));
            continue;
        }
        def.index
            .insert(ch.node.name.node.clone(), def.choices.len() as u32);
        def.choices.push(ChoiceDef {
            name: ch.node.name.node.clone(),
            label: ch.node.label.node.clone(),
        });
    }
}

fn declare_fields(
    schema: &mut Schema,
    e: &ast::EntityDecl,
    p: &Parsed<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    let src = p.source;
    let Some(&eid) = schema.entity_index.get(&e.name.node) else {
        diags.push(Diagnostic::new(
            codes::UNKNOWN_NAME,
            format!("cannot extend `{}`: no such entity", e.name.node),
            &src.name,
            &src.text,
            e.name.span,
        ));
        return;
    };
    for f in &e.fields {
        let Some((ty, unit)) = resolve_type(schema, &f.node.ty, src, diags) else {
            continue;
        };
        let Some(def) = schema.entities.get_mut(eid as usize) else {
            return;
        };
        if def.index.contains_key(&f.node.name.node) {
            diags.push(Diagnostic::new(
                codes::DUPLICATE,
                format!("`{}` already has a field `{}`", def.name, f.node.name.node),
                &src.name,
                &src.text,
                f.node.name.span,
            ));
            continue;
        }
        def.index
            .insert(f.node.name.node.clone(), def.fields.len() as u32);
        def.fields.push(FieldDef {
            name: f.node.name.node.clone(),
            label: f.node.label.node.clone(),
            help: f.node.help.as_ref().map(|h| h.node.clone()),
            ty,
            unit,
            declared_in: p.standard.clone(),
        });
    }
}

fn resolve_type(
    schema: &Schema,
    ty: &Node<ast::TypeExpr>,
    src: &Source,
    diags: &mut Vec<Diagnostic>,
) -> Option<(Type, Option<&'static Unit>)> {
    let err = |diags: &mut Vec<Diagnostic>, code, msg: String| {
        diags.push(Diagnostic::new(code, msg, &src.name, &src.text, ty.span));
        None
    };
    match &ty.node {
        ast::TypeExpr::Named(n) => match n.as_str() {
            "bool" => Some((Type::Bool, None)),
            "integer" => Some((Type::Integer, None)),
            "decimal" => Some((Type::Decimal, None)),
            "text" => Some((Type::Text, None)),
            "date" => Some((Type::Date, None)),
            other => match schema.enum_index.get(other) {
                Some(e) => Some((Type::Enum(*e), None)),
                None if schema.entity_index.contains_key(other) => err(
                    diags,
                    codes::TYPE_MISMATCH,
                    format!("a field cannot hold a single `{other}`; use `list of {other}`"),
                ),
                None => err(
                    diags,
                    codes::UNKNOWN_NAME,
                    format!("`{other}` is not a type, enum or entity"),
                ),
            },
        },
        ast::TypeExpr::List(n) => {
            if let Some(e) = schema.enum_index.get(n) {
                Some((Type::EnumList(*e), None))
            } else if let Some(e) = schema.entity_index.get(n) {
                if *e == ENTERPRISE {
                    return err(
                        diags,
                        codes::TYPE_MISMATCH,
                        "an enterprise cannot contain a list of enterprises".into(),
                    );
                }
                Some((Type::EntityList(*e), None))
            } else {
                err(
                    diags,
                    codes::UNKNOWN_NAME,
                    format!("`{n}` is not an enum or entity"),
                )
            }
        }
        ast::TypeExpr::Quantity(u) => match units::lookup(u) {
            Some(unit) => Some((Type::Quantity(unit.dimension), Some(unit))),
            None => err(
                diags,
                codes::UNKNOWN_UNIT,
                format!("`{u}` is not a known unit"),
            ),
        },
    }
}

fn table(
    schema: &Schema,
    t: &ast::TableDecl,
    src: &Source,
    diags: &mut Vec<Diagnostic>,
    index: u32,
) -> Option<(Table, Named)> {
    let (key_ty, _) = resolve_type(schema, &t.key_ty, src, diags)?;
    let (value_ty, value_unit) = resolve_type(schema, &t.value_ty, src, diags)?;
    let err = |diags: &mut Vec<Diagnostic>, span, msg: String| {
        diags.push(Diagnostic::new(
            codes::TABLE_KEY,
            msg,
            &src.name,
            &src.text,
            span,
        ))
    };
    let mut rows = Vec::new();
    let mut otherwise = None;
    let number = |lit: &ast::Literal| -> Option<Decimal> {
        match lit {
            ast::Literal::Number(n) => parse_decimal(n),
            ast::Literal::Quantity(n, u) => {
                units::lookup(u).and_then(|u| parse_decimal(n).and_then(|d| u.to_base(d)))
            }
            _ => None,
        }
    };
    let value_of = |lit: &ast::Literal| -> Option<TableValue> {
        match (lit, value_ty) {
            (ast::Literal::Text(s), Type::Text) => Some(TableValue::Text(s.as_str().into())),
            (ast::Literal::Number(n), Type::Integer | Type::Decimal) => {
                parse_decimal(n).map(TableValue::Num)
            }
            (ast::Literal::Number(n), Type::Quantity(_)) => value_unit
                .and_then(|u| parse_decimal(n).and_then(|d| u.to_base(d)))
                .map(TableValue::Num),
            (ast::Literal::Quantity(..), Type::Quantity(_)) => number(lit).map(TableValue::Num),
            _ => None,
        }
    };
    for row in &t.rows {
        let Some(v) = value_of(&row.node.value.node) else {
            err(
                diags,
                row.node.value.span,
                format!(
                    "table `{}` holds {}, and this value is not one",
                    t.name.node,
                    schema.describe(value_ty)
                ),
            );
            continue;
        };
        let key = match (&row.node.key.node, key_ty) {
            (AstKey::Else, _) => {
                otherwise = Some(v);
                continue;
            }
            (AstKey::Choice(c), Type::Enum(e)) => {
                match schema.enum_def(e).and_then(|d| d.index.get(c)) {
                    Some(id) => TableKey::Choice(*id),
                    None => {
                        err(
                            diags,
                            row.node.key.span,
                            format!(
                                "`{c}` is not a choice of `{}`",
                                schema.enum_def(e).map_or("", |d| &d.name)
                            ),
                        );
                        continue;
                    }
                }
            }
            (AstKey::Exact(ast::Literal::Text(s)), Type::Text) => TableKey::Text(s.as_str().into()),
            (AstKey::Exact(lit), k) if k.is_numeric() => match number(lit) {
                Some(d) => TableKey::Exact(d),
                None => {
                    err(diags, row.node.key.span, "this key is not a number".into());
                    continue;
                }
            },
            (AstKey::Compare(op, lit), k) if k.is_numeric() => match number(lit) {
                Some(d) => TableKey::Compare(*op, d),
                None => {
                    err(diags, row.node.key.span, "this key is not a number".into());
                    continue;
                }
            },
            _ => {
                err(
                    diags,
                    row.node.key.span,
                    format!(
                        "table `{}` is looked up by {}, and this key is not one",
                        t.name.node,
                        schema.describe(key_ty)
                    ),
                );
                continue;
            }
        };
        rows.push((key, v));
    }
    if otherwise.is_none() {
        if let Type::Enum(e) = key_ty {
            let def = schema.enum_def(e)?;
            let uncovered: Vec<&str> = def
                .choices
                .iter()
                .enumerate()
                .filter(|(i, _)| {
                    !rows
                        .iter()
                        .any(|(k, _)| matches!(k, TableKey::Choice(c) if *c as usize == *i))
                })
                .map(|(_, c)| c.name.as_str())
                .collect();
            if !uncovered.is_empty() {
                err(
                    diags,
                    t.name.span,
                    format!(
                        "table `{}` has no row for `{}`; add them or an `else` row",
                        t.name.node,
                        uncovered.join("`, `")
                    ),
                );
                return None;
            }
        } else {
            err(
                diags,
                t.name.span,
                format!(
                    "table `{}` needs an `else` row: a number or text key may match no row",
                    t.name.node
                ),
            );
            return None;
        }
    }
    let nonneg = rows
        .iter()
        .map(|(_, v)| v)
        .chain(otherwise.as_ref())
        .all(|v| matches!(v, TableValue::Num(n) if !n.is_sign_negative()));
    let named = Named {
        index,
        ty: value_ty,
        unit: value_unit,
        key_ty: Some(key_ty),
        nonneg,
    };
    Some((
        Table {
            name: t.name.node.clone(),
            label: t.label.node.clone(),
            rows,
            otherwise,
        },
        named,
    ))
}

#[allow(clippy::too_many_arguments)]
fn rule_def(
    schema: &Schema,
    values: &IndexMap<String, Named>,
    tables: &IndexMap<String, Named>,
    entity_values: &EntityValues,
    r: &ast::RuleDecl,
    span: ast::Span,
    standard: u32,
    src: &Source,
    diags: &mut Vec<Diagnostic>,
    infos: &mut Vec<ExprInfo>,
) -> Option<RuleDef> {
    let mut citations = Vec::new();
    let mut category = None;
    let mut notes = Vec::new();
    let mut provenance = None;
    let mut applies = None;
    let mut hazard = None;
    let mut unless = None;
    let mut ok = true;
    for cl in &r.clauses {
        let mut ck = Checker::new(
            schema,
            values,
            tables,
            entity_values,
            &src.name,
            &src.text,
            diags,
            infos,
        );
        match &cl.node {
            RuleClause::Cites(s) => citations.push(s.clone()),
            RuleClause::Category(s) => category = Some(s.clone()),
            RuleClause::Note(s) => notes.push(s.clone()),
            RuleClause::Provenance(p) => {
                provenance = match p.node.as_str() {
                    "confirmed" => Some(Provenance::Confirmed),
                    "single_source" => Some(Provenance::SingleSource),
                    "unconfirmed" => Some(Provenance::Unconfirmed),
                    other => {
                        diags.push(Diagnostic::new(codes::BAD_PROVENANCE, format!("`{other}` is not a provenance; use `confirmed`, `single_source` or `unconfirmed`"), &src.name, &src.text, p.span));
                        ok = false;
                        None
                    }
                }
            }
            RuleClause::AppliesWhen(e) => {
                applies = ck.condition(e);
                ok &= applies.is_some();
            }
            RuleClause::HazardWhen(e) => {
                hazard = ck.condition(e);
                ok &= hazard.is_some();
            }
            RuleClause::Unless(e) => {
                unless = ck.condition(e);
                ok &= unless.is_some();
            }
        }
    }
    let mut missing = Vec::new();
    if citations.is_empty() {
        missing.push("cites");
    }
    if provenance.is_none() && ok {
        missing.push("provenance");
    }
    if !r
        .clauses
        .iter()
        .any(|c| matches!(c.node, RuleClause::HazardWhen(_)))
    {
        missing.push("hazard when");
    }
    if !missing.is_empty() {
        diags.push(Diagnostic::new(
            codes::MISSING_CLAUSE,
            format!("rule `{}` needs `{}`", r.id.node, missing.join("`, `")),
            &src.name,
            &src.text,
            r.id.span,
        ));
        return None;
    }
    if !ok {
        return None;
    }
    Some(RuleDef {
        id: r.id.node.clone(),
        title: r.title.node.clone(),
        standard,
        citations,
        category,
        provenance: provenance?,
        notes,
        applies,
        hazard: hazard?,
        unless,
        reads: Vec::new(),
        file: src.name.clone(),
        line: line_of(&src.text, r.id.span.start),
        source: src.text.get(span.start..span.end).unwrap_or("").to_string(),
    })
}

/// The fields a rule reads, found through the infos created while checking it.
fn reads_of(rule: &RuleDef, values: &[ValueDef]) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    for e in [
        rule.applies.as_ref(),
        Some(&rule.hazard),
        rule.unless.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        collect_reads(e, values, &mut out);
    }
    out
}

/// The fields an expression reads, including through the derived values it uses.
pub(crate) fn collect_reads(e: &Expr, values: &[ValueDef], out: &mut Vec<(u32, u32)>) {
    use crate::ir::ExprKind as K;
    let mut push = |pair: (u32, u32)| {
        if !out.contains(&pair) {
            out.push(pair);
        }
    };
    match &e.kind {
        K::Field { owner, slot, .. } => push((*owner, *slot)),
        K::Quant { list, body, .. } | K::Sum { list, body, .. } => {
            push((list.owner, list.slot));
            collect_reads(body, values, out);
        }
        K::Count { list, filter, .. } => {
            push((list.owner, list.slot));
            if let Some(f) = filter {
                collect_reads(f, values, out);
            }
        }
        K::Not(x) | K::Neg(x) => collect_reads(x, values, out),
        K::And(xs) | K::Or(xs) => xs.iter().for_each(|x| collect_reads(x, values, out)),
        K::Cmp { lhs, rhs, .. } | K::Arith { lhs, rhs, .. } => {
            collect_reads(lhs, values, out);
            collect_reads(rhs, values, out);
        }
        K::InSet { lhs, .. } => collect_reads(lhs, values, out),
        K::InList { item, list, .. } => {
            collect_reads(item, values, out);
            collect_reads(list, values, out);
        }
        K::IsEmpty { list, .. } => collect_reads(list, values, out),
        K::Cases { cases, .. } => cases
            .iter()
            .for_each(|(_, x)| collect_reads(x, values, out)),
        K::Lookup { key, .. } => collect_reads(key, values, out),
        K::PeriodQuant { from, to, body, .. } => {
            collect_reads(from, values, out);
            collect_reads(to, values, out);
            collect_reads(body, values, out);
        }
        K::InPeriod { date, .. } => collect_reads(date, values, out),
        K::If {
            cond,
            then,
            otherwise,
        } => {
            collect_reads(cond, values, out);
            collect_reads(then, values, out);
            collect_reads(otherwise, values, out);
        }
        K::PeriodBound { .. } => {}
        // Values only use values checked before them, so this recursion ends.
        K::Value(index) | K::EntityValue { value: index, .. } => {
            if let Some(v) = values.get(*index as usize) {
                collect_reads(&v.expr, values, out);
            }
        }
        K::Bool(_) | K::Num(_) | K::Date(_) | K::Text(_) | K::Choice(_) | K::AsOf => {}
    }
}

fn json_of(j: &ast::Json) -> serde_json::Value {
    match j {
        ast::Json::Null => serde_json::Value::Null,
        ast::Json::Bool(b) => serde_json::Value::Bool(*b),
        // Keep the number's text: a string goes through the same exact decimal parsing as a number.
        ast::Json::Number(n) => serde_json::from_str::<serde_json::Number>(n).map_or(
            serde_json::Value::String(n.clone()),
            serde_json::Value::Number,
        ),
        ast::Json::String(s) => serde_json::Value::String(s.clone()),
        ast::Json::Array(a) => serde_json::Value::Array(a.iter().map(json_of).collect()),
        ast::Json::Object(m) => {
            serde_json::Value::Object(m.iter().map(|(k, v)| (k.clone(), json_of(v))).collect())
        }
    }
}

fn test_def(t: &ast::TestDecl, standard: Option<u32>, src: &Source) -> TestDef {
    let mut def = TestDef {
        name: t.name.node.clone(),
        standard,
        file: src.name.clone(),
        line: line_of(&src.text, t.name.span.start),
        as_of: None,
        facts: serde_json::Value::Object(Default::default()),
        expects: Vec::new(),
    };
    for s in &t.stmts {
        let line = line_of(&src.text, s.span.start);
        match &s.node {
            TestStmt::AsOf(d) => def.as_of = Some(*d),
            TestStmt::Facts(j) => def.facts = json_of(j),
            TestStmt::ExpectRule {
                rule,
                outcome,
                because,
                missing,
                cites,
            } => def.expects.push(Expectation::Rule {
                rule: rule.node.clone(),
                outcome: outcome.node.clone(),
                because: because.iter().map(|b| b.node.clone()).collect(),
                missing: missing.iter().map(|b| b.node.clone()).collect(),
                cites: cites.iter().map(|b| b.node.clone()).collect(),
                line,
            }),
            TestStmt::ExpectOutput { name, at, value } => def.expects.push(Expectation::Output {
                name: name.node.clone(),
                at: at.as_ref().map(|a| a.node.clone()),
                value: value.node.clone(),
                line,
            }),
            TestStmt::ExpectError(code) => def.expects.push(Expectation::Error {
                code: code.node.clone(),
                line,
            }),
        }
    }
    def
}

/// Records a rule or gap id; a second use of one id is reported where it appears.
fn claim_id(
    ids: &mut IndexMap<String, ()>,
    id: &Node<String>,
    file: &str,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    if ids.insert(id.node.clone(), ()).is_some() {
        diags.push(Diagnostic::new(
            codes::DUPLICATE,
            format!("rule id `{}` is used twice", id.node),
            file,
            text,
            id.span,
        ));
        return false;
    }
    true
}
