//! The library: compiled standards and the entry points every front end calls — evaluate, list,
//! explain, schema, questions, test. Owns the choice of edition by date.

use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde_json::{json, Value as Json};
use yinhuan_grammar::Date;

use crate::compile::{compile, Compiled, Provenance, RuleDef, Source, StandardDef};
use crate::diagnostics::Diagnostic;
use crate::error::{CompileError, Error, FactError, RequestError};
use crate::eval::{Env, Evaluator, Tri, Val};
use crate::facts::{Fact, Facts};
use crate::ir::SELF;
use crate::report::*;
use crate::schema::{Type, ENTERPRISE};

/// Editions to evaluate (index, applied outside its dates) and the notices about the choice.
type Plan = (Vec<(usize, bool)>, Vec<Notice>);

/// How to evaluate.
#[derive(Debug, Clone)]
pub struct EvaluateOptions {
    /// The date the facts describe; editions in force on it are used.
    pub as_of: Date,
    /// Standard ids to evaluate; empty means every standard in force on `as_of`.
    pub standards: Vec<String>,
    /// Include the full explanation tree of every finding.
    pub explain: bool,
    /// Where the edition in force is not encoded, evaluate the editions it superseded, labelled so.
    pub allow_superseded: bool,
}

impl EvaluateOptions {
    pub fn new(as_of: Date) -> Self {
        EvaluateOptions {
            as_of,
            standards: Vec::new(),
            explain: true,
            allow_superseded: false,
        }
    }
}

/// A rule (or a declared gap) as `yinhuan list` and `explain` show it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RuleInfo {
    pub id: String,
    pub standard: String,
    pub title: String,
    pub citations: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// `None` for gaps.
    pub provenance: Option<Provenance>,
    /// True for an item declared as not encoded.
    pub gap: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// The facts the rule reads.
    pub facts: Vec<FactInfo>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FactInfo {
    pub field: String,
    pub label: String,
    #[serde(rename = "type")]
    pub ty: String,
}

/// One test case's result.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TestResult {
    pub name: String,
    pub file: String,
    pub line: usize,
    pub failures: Vec<String>,
}

impl TestResult {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

#[derive(Debug, Clone)]
pub struct Library {
    c: Compiled,
}

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

impl Library {
    /// The standards compiled into this crate (the repository's `standards/` folder), without
    /// their test cases.
    pub fn embedded() -> Result<Library, CompileError> {
        Library::from_sources(&Library::embedded_sources())
    }

    /// The embedded standards with their test cases, for `run_tests`.
    pub fn embedded_with_tests() -> Result<Library, CompileError> {
        let mut sources = Library::embedded_sources();
        sources.extend(Library::embedded_test_sources());
        Library::from_sources(&sources)
    }

    /// The embedded rule files (no test files).
    pub fn embedded_sources() -> Vec<Source> {
        to_sources(embedded::SOURCES)
    }

    /// The embedded test files (`*.test.yh`); empty without the `embed-tests` feature.
    pub fn embedded_test_sources() -> Vec<Source> {
        to_sources(embedded::TEST_SOURCES)
    }

    pub fn from_sources(sources: &[Source]) -> Result<Library, CompileError> {
        Ok(Library {
            c: compile(sources)?,
        })
    }

    /// Reads `.yh` files (directories are searched recursively, in name order).
    pub fn from_paths(paths: &[PathBuf]) -> Result<Library, CompileError> {
        let mut files = Vec::new();
        for p in paths {
            collect_files(p, &mut files);
        }
        files.sort();
        files.dedup();
        let mut sources = Vec::new();
        let mut diags = Vec::new();
        for f in files {
            let name = f.to_string_lossy().into_owned();
            match std::fs::read_to_string(&f) {
                Ok(text) => sources.push(Source { name, text }),
                Err(e) => diags.push(Diagnostic::new(
                    "E0106",
                    format!("cannot read the file: {e}"),
                    &name,
                    "",
                    Default::default(),
                )),
            }
        }
        if !diags.is_empty() {
            return Err(CompileError { diagnostics: diags });
        }
        Library::from_sources(&sources)
    }

    pub fn compiled(&self) -> &Compiled {
        &self.c
    }

    pub fn facts(&self, json: &Json) -> Result<Facts, FactError> {
        Facts::from_json(&self.c.schema, json)
    }

    pub fn evaluate_json(&self, json: &Json, opts: &EvaluateOptions) -> Result<Report, Error> {
        let facts = self.facts(json)?;
        self.evaluate(&facts, opts)
    }

    fn standard_index(&self, id: &str) -> Result<usize, RequestError> {
        self.c
            .standards
            .iter()
            .position(|s| s.id == id)
            .ok_or_else(|| RequestError::UnknownStandard(id.to_string()))
    }

    /// An edition's status on a date, and the edition that superseded it, if any.
    pub fn status(&self, s: &StandardDef, as_of: Date) -> (EditionStatus, Option<String>) {
        // A supplement applies together with its base: when no base it supplements is in force, it
        // is not in force either.
        let bases: Vec<&StandardDef> = self
            .c
            .standards
            .iter()
            .filter(|b| s.supplements.contains(&b.id))
            .collect();
        if !bases.is_empty() && as_of >= s.valid_from {
            let statuses: Vec<_> = bases.iter().map(|b| self.own_status(b, as_of)).collect();
            if !statuses.iter().any(|(st, _)| *st == EditionStatus::InForce) {
                return statuses
                    .into_iter()
                    .next()
                    .unwrap_or((EditionStatus::Expired, None));
            }
        }
        self.own_status(s, as_of)
    }

    fn own_status(&self, s: &StandardDef, as_of: Date) -> (EditionStatus, Option<String>) {
        if as_of < s.valid_from {
            return (EditionStatus::NotYetInForce, None);
        }
        if let Some(by) = self
            .c
            .standards
            .iter()
            .find(|o| o.supersedes.contains(&s.id) && o.valid_from <= as_of)
        {
            return (EditionStatus::Superseded, Some(by.id.clone()));
        }
        if s.valid_to.is_some_and(|to| as_of > to) {
            return (EditionStatus::Expired, None);
        }
        (EditionStatus::InForce, None)
    }

    fn info(&self, s: &StandardDef, as_of: Date) -> StandardInfo {
        let (status, superseded_by) = self.status(s, as_of);
        StandardInfo {
            id: s.id.clone(),
            title: s.title.clone(),
            issuer: s.issuer.clone(),
            document: s.document.clone(),
            valid_from: s.valid_from.to_string(),
            valid_to: s.valid_to.map(|d| d.to_string()),
            outcome_label: s.outcome_label.clone(),
            status,
            superseded_by,
            supersedes: s.supersedes.clone(),
            supplements: s.supplements.clone(),
            defers: s.defers.clone(),
            rules: s.rules.len(),
            gaps: s.gaps.len(),
        }
    }

    /// Every standard in the library with its status on `as_of`.
    pub fn standards(&self, as_of: Date) -> Vec<StandardInfo> {
        self.c
            .standards
            .iter()
            .map(|s| self.info(s, as_of))
            .collect()
    }

    /// Which editions to evaluate, whether each is applied outside its dates, and the notices.
    pub(crate) fn plan(&self, opts: &EvaluateOptions) -> Result<Plan, RequestError> {
        let mut chosen: Vec<(usize, bool)> = Vec::new();
        let mut notices = Vec::new();
        let push = |chosen: &mut Vec<(usize, bool)>, i: usize, off: bool| {
            if !chosen.iter().any(|(j, _)| *j == i) {
                chosen.push((i, off));
            }
        };
        let requested: Vec<usize> = if opts.standards.is_empty() {
            (0..self.c.standards.len())
                .filter(|&i| {
                    self.c
                        .standards
                        .get(i)
                        .is_some_and(|s| self.status(s, opts.as_of).0 == EditionStatus::InForce)
                })
                .collect()
        } else {
            let mut v = Vec::new();
            for id in &opts.standards {
                let i = self.standard_index(id)?;
                v.push(i);
                // A supplement in force applies together with its base.
                for (j, s) in self.c.standards.iter().enumerate() {
                    if s.supplements.contains(id)
                        && self.status(s, opts.as_of).0 == EditionStatus::InForce
                    {
                        v.push(j);
                    }
                }
            }
            v
        };
        // An edition in force on `as_of` that no encoded standard covers: a later edition is encoded,
        // but the one it replaced (in force then) is not. Say so rather than report nothing.
        if opts.standards.is_empty() {
            for s in &self.c.standards {
                if opts.as_of >= s.valid_from {
                    continue;
                }
                for old in s
                    .supersedes
                    .iter()
                    .filter(|o| self.standard_index(o).is_err())
                {
                    notices.push(Notice {
                        code: "N005",
                        standard: old.clone(),
                        message: format!(
                            "on {} the edition in force was `{old}`, which is not encoded; `{}` replaces it from {}",
                            opts.as_of, s.id, s.valid_from
                        ),
                    });
                }
            }
        }
        for i in requested {
            let Some(s) = self.c.standards.get(i) else {
                continue;
            };
            let (status, _) = self.status(s, opts.as_of);
            if status != EditionStatus::InForce {
                notices.push(Notice {
                    code: "N004",
                    standard: s.id.clone(),
                    message: format!("`{}` is not in force on {} ({}); it was applied on request and its findings are marked superseded", s.id, opts.as_of, status_words(&status)),
                });
                push(&mut chosen, i, true);
                continue;
            }
            if s.rules.is_empty() {
                notices.push(Notice {
                    code: "N001",
                    standard: s.id.clone(),
                    message: format!("the edition in force on {}, `{}` ({}), is not encoded: no rules of it were evaluated", opts.as_of, s.id, s.document),
                });
                for old in &s.supersedes {
                    let Ok(j) = self.standard_index(old) else {
                        continue;
                    };
                    if opts.allow_superseded {
                        notices.push(Notice {
                            code: "N003",
                            standard: old.clone(),
                            message: format!("superseded edition `{old}` was applied on request in place of `{}`; its findings may not reflect the edition in force", s.id),
                        });
                        push(&mut chosen, j, true);
                    }
                }
                continue;
            }
            if !s.gaps.is_empty() {
                let ids: Vec<&str> = s
                    .gaps
                    .iter()
                    .filter_map(|g| self.c.gaps.get(*g as usize))
                    .map(|g| g.id.as_str())
                    .collect();
                notices.push(Notice {
                    code: "N002",
                    standard: s.id.clone(),
                    message: format!("{} item(s) of `{}` are not encoded because their text could not be recovered: {}", ids.len(), s.id, ids.join(", ")),
                });
            }
            push(&mut chosen, i, false);
        }
        Ok((chosen, notices))
    }

    /// Evaluates one enterprise's facts.
    pub fn evaluate(&self, facts: &Facts, opts: &EvaluateOptions) -> Result<Report, Error> {
        let (plan, mut notices) = self.plan(opts)?;
        let mut findings = Vec::new();
        let mut outputs = Vec::new();
        let mut summary = Summary::default();
        for (si, off) in &plan {
            let Some(s) = self.c.standards.get(*si) else {
                continue;
            };
            for ri in &s.rules {
                let Some(rule) = self.c.rules.get(*ri as usize) else {
                    continue;
                };
                let f = self.evaluate_rule(s, rule, facts, opts, *off)?;
                match f.outcome {
                    Outcome::Hazard => summary.hazard += 1,
                    Outcome::Clear => summary.clear += 1,
                    Outcome::Undetermined => summary.undetermined += 1,
                    Outcome::NotApplicable => summary.not_applicable += 1,
                }
                findings.push(f);
            }
            for vi in &s.values {
                let Some(v) = self.c.values.get(*vi as usize) else {
                    continue;
                };
                let ev = Evaluator {
                    c: &self.c,
                    root: &facts.root,
                    as_of: opts.as_of,
                    rule: &v.name,
                };
                let envs = match v.entity {
                    None => vec![(Env::default(), None, None)],
                    Some(e) => ev
                        .instances(e)
                        .into_iter()
                        .map(|env| {
                            let pointer = ev.pointer(&env, SELF);
                            let name = ev.instance_name(&env, SELF, e);
                            (env, Some(pointer), name)
                        })
                        .collect(),
                };
                for (mut env, instance, instance_name) in envs {
                    let (value, at_least) = shown_value(ev.value(&v.expr, &mut env, None)?, v.unit);
                    outputs.push(Output {
                        name: v.name.clone(),
                        label: v.label.clone(),
                        standard: Some(s.id.clone()),
                        instance,
                        instance_name,
                        value,
                        at_least,
                        unit: v.unit.map(|u| u.name.to_string()),
                    });
                }
            }
        }
        // "Partly encoded" matters only where the standard applies to this enterprise at all.
        notices.retain(|n| {
            n.code != "N002"
                || findings
                    .iter()
                    .any(|f| f.standard == n.standard && f.outcome != Outcome::NotApplicable)
        });
        let questions = self.questions_for(&findings);
        let text = |name: &str| match self
            .c
            .schema
            .entity(ENTERPRISE)
            .and_then(|d| d.index.get(name))
            .map(|slot| facts.root.get(*slot))
        {
            Some(Fact::Text(t)) => Some(t.to_string()),
            _ => None,
        };
        Ok(Report {
            schema_version: SCHEMA_VERSION,
            as_of: opts.as_of.to_string(),
            enterprise: EnterpriseRef {
                id: text("id"),
                name: text("name"),
                region_code: text("region_code"),
            },
            summary,
            standards: plan
                .iter()
                .filter_map(|(i, _)| self.c.standards.get(*i))
                .map(|s| self.info(s, opts.as_of))
                .collect(),
            notices,
            findings,
            outputs,
            questions,
        })
    }

    /// Only the outcome of each rule, with no explanation: the batch path.
    pub fn outcome(
        &self,
        s: &StandardDef,
        rule: &RuleDef,
        facts: &Facts,
        as_of: Date,
    ) -> Result<Outcome, Error> {
        let ev = Evaluator {
            c: &self.c,
            root: &facts.root,
            as_of,
            rule: &rule.id,
        };
        let mut env = Env::default();
        let mut scope = Tri::True;
        if let Some(a) = &s.applies {
            scope = scope.and(ev.truth(a, &mut env, None)?);
        }
        if let Some(a) = &rule.applies {
            scope = scope.and(ev.truth(a, &mut env, None)?);
        }
        if scope == Tri::False {
            return Ok(Outcome::NotApplicable);
        }
        let hazard = ev.truth(&rule.hazard, &mut env, None)?;
        let exception = match &rule.unless {
            Some(u) if hazard != Tri::False => ev.truth(u, &mut env, None)?,
            _ => Tri::False,
        };
        Ok(match scope.and(hazard.and(exception.negate())) {
            Tri::True => Outcome::Hazard,
            Tri::False => Outcome::Clear,
            Tri::Unknown => Outcome::Undetermined,
        })
    }

    pub(crate) fn evaluate_rule(
        &self,
        s: &StandardDef,
        rule: &RuleDef,
        facts: &Facts,
        opts: &EvaluateOptions,
        off: bool,
    ) -> Result<Finding, Error> {
        let outcome = self.outcome(s, rule, facts, opts.as_of)?;
        let mut finding = Finding {
            standard: s.id.clone(),
            edition: s.document.clone(),
            rule: rule.id.clone(),
            title: rule.title.clone(),
            citations: rule.citations.clone(),
            category: rule.category.clone(),
            provenance: rule.provenance,
            outcome,
            outcome_label: (outcome == Outcome::Hazard).then(|| s.outcome_label.clone()),
            superseded: off,
            instances: Vec::new(),
            reasons: Vec::new(),
            missing: Vec::new(),
            explanation: None,
        };
        // Hazards need their reasons and undetermined rules their missing facts, so those are traced
        // even without `explain`; clear and not-applicable rules are traced only on request.
        if !(opts.explain || matches!(outcome, Outcome::Hazard | Outcome::Undetermined)) {
            return Ok(finding);
        }
        let tree = self.trace(s, rule, facts, opts.as_of)?;
        if outcome == Outcome::Undetermined {
            tree.deciding_missing(&mut finding.missing);
        }
        let mut case_labels: Vec<String> = Vec::new();
        if let Some(cond) = tree.children.iter().find(|c| c.kind == "condition") {
            if outcome == Outcome::Hazard {
                cond.walk_true(&mut |n| {
                    match n.kind {
                        // A labelled situation is the reason; the conditions inside it are its detail.
                        "case" => {
                            case_labels.push(n.text.clone());
                            if !finding.reasons.contains(&n.text) {
                                finding.reasons.push(n.text.clone());
                            }
                            return false;
                        }
                        // A comparison of counted situations is explained by the situations.
                        "compare" if !n.children.is_empty() => {}
                        "compare" | "in" | "empty" | "fact" | "not"
                            if !finding.reasons.contains(&n.text) =>
                        {
                            finding.reasons.push(n.text.clone());
                        }
                        "instance" => {
                            if let Some(path) = &n.instance {
                                finding.instances.push(Instance {
                                    path: path.clone(),
                                    period: None,
                                    name: n.name.clone(),
                                });
                            } else if let Some(period) = &n.period {
                                finding.instances.push(Instance {
                                    path: String::new(),
                                    period: Some(period.clone()),
                                    name: None,
                                });
                            }
                        }
                        _ => {}
                    }
                    true
                });
                for (citation, en, ch) in &s.cites_when {
                    let mut hit = false;
                    cond.walk_true(&mut |n| {
                        hit |= n.choice == Some((*en, *ch));
                        true
                    });
                    if hit && !finding.citations.contains(citation) {
                        finding.citations.push(citation.clone());
                    }
                }
                // The innermost entities name what made the rule fire; their names carry their
                // ancestors' (e.g. "LNG应急气源站 › BOG压缩机房").
                finding.instances.dedup();
                let all = finding.instances.clone();
                let inside = |outer: &Instance, inner: &Instance| {
                    !outer.path.is_empty()
                        && outer.path != inner.path
                        && inner.path.starts_with(&format!("{}/", outer.path))
                };
                finding
                    .instances
                    .retain(|i| i.path.is_empty() || !all.iter().any(|o| inside(i, o)));
                for i in &mut finding.instances {
                    let mut names: Vec<&str> = all
                        .iter()
                        .filter(|o| inside(o, i))
                        .filter_map(|o| o.name.as_deref())
                        .collect();
                    if names.is_empty() {
                        continue;
                    }
                    names.extend(i.name.as_deref());
                    i.name = Some(names.join(" › "));
                }
            }
        }
        // When the rule names its situations, those labels are the reasons; the filters around
        // them (which furnace, which vessel) are in the explanation.
        if finding.reasons.iter().any(|r| case_labels.contains(r)) {
            finding.reasons.retain(|r| case_labels.contains(r));
        }
        if opts.explain {
            finding.explanation = Some(tree);
        }
        Ok(finding)
    }

    fn trace(
        &self,
        s: &StandardDef,
        rule: &RuleDef,
        facts: &Facts,
        as_of: Date,
    ) -> Result<Explanation, Error> {
        let ev = Evaluator {
            c: &self.c,
            root: &facts.root,
            as_of,
            rule: &rule.id,
        };
        let mut env = Env::default();
        let mut children = Vec::new();
        let mut scope_nodes = Vec::new();
        let mut scope = Tri::True;
        for a in [s.applies.as_ref(), rule.applies.as_ref()]
            .into_iter()
            .flatten()
        {
            scope = scope.and(ev.truth(a, &mut env, Some(&mut scope_nodes))?);
        }
        if !scope_nodes.is_empty() {
            children.push(Explanation::new(
                "scope",
                "applies when".into(),
                scope.truth(),
                scope_nodes,
            ));
        }
        let mut cond = Vec::new();
        let hazard = ev.truth(&rule.hazard, &mut env, Some(&mut cond))?;
        children.push(Explanation::new(
            "condition",
            "hazard when".into(),
            hazard.truth(),
            cond,
        ));
        let mut exception = Tri::False;
        if let Some(u) = &rule.unless {
            let mut nodes = Vec::new();
            exception = ev.truth(u, &mut env, Some(&mut nodes))?;
            children.push(Explanation::new(
                "exception",
                "unless".into(),
                exception.truth(),
                nodes,
            ));
        }
        let overall = scope.and(hazard.and(exception.negate()));
        // When the scope is unknown but the condition is false, the rule is clear whatever the scope:
        // the scope's missing facts do not matter, so mark it decided.
        if overall == Tri::False {
            for c in &mut children {
                if c.kind == "scope" && c.value == Truth::Unknown {
                    c.missing.clear();
                }
            }
        }
        Ok(Explanation::new(
            "rule",
            rule.title.clone(),
            overall.truth(),
            children,
        ))
    }

    fn questions_for(&self, findings: &[Finding]) -> Vec<Question> {
        let mut out: Vec<Question> = Vec::new();
        for f in findings {
            for path in &f.missing {
                if let Some(q) = out.iter_mut().find(|q| &q.path == path) {
                    if !q.rules.contains(&f.rule) {
                        q.rules.push(f.rule.clone());
                    }
                    continue;
                }
                if let Some(mut q) = self.question(path) {
                    q.rules.push(f.rule.clone());
                    out.push(q);
                }
            }
        }
        out
    }

    /// Describes the fact at a JSON pointer as a question.
    pub fn question(&self, pointer: &str) -> Option<Question> {
        let mut entity = ENTERPRISE;
        let mut field = None;
        for seg in pointer.split('/').skip(1) {
            if seg.parse::<usize>().is_ok() {
                continue;
            }
            let def = self.c.schema.entity(entity)?;
            let slot = *def.index.get(seg)?;
            let fd = def.field(slot)?;
            if let Type::EntityList(e) = fd.ty {
                entity = e;
            }
            field = Some((def.name.clone(), fd.clone()));
        }
        let (owner, fd) = field?;
        let (ty, choices) = match fd.ty {
            Type::Bool => ("bool", Vec::new()),
            Type::Integer => ("integer", Vec::new()),
            Type::Decimal => ("decimal", Vec::new()),
            Type::Quantity(_) => ("quantity", Vec::new()),
            Type::Text => ("text", Vec::new()),
            Type::Date => ("date", Vec::new()),
            Type::Enum(e) | Type::EnumList(e) => {
                let cs = self
                    .c
                    .schema
                    .enum_def(e)
                    .map(|d| {
                        d.choices
                            .iter()
                            .map(|c| ChoiceInfo {
                                id: c.name.clone(),
                                label: c.label.clone(),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                (
                    if matches!(fd.ty, Type::Enum(_)) {
                        "enum"
                    } else {
                        "enum_list"
                    },
                    cs,
                )
            }
            Type::EntityList(_) => ("entity_list", Vec::new()),
        };
        Some(Question {
            path: pointer.to_string(),
            field: format!("{owner}.{}", fd.name),
            label: fd.label.clone(),
            help: fd.help.clone(),
            ty,
            unit: fd.unit.map(|u| u.name.to_string()),
            choices,
            rules: Vec::new(),
        })
    }

    /// The facts still needed to decide every rule of the standards evaluated, in rule order.
    pub fn questions(&self, facts: &Facts, opts: &EvaluateOptions) -> Result<Vec<Question>, Error> {
        let mut o = opts.clone();
        o.explain = false;
        Ok(self.evaluate(facts, &o)?.questions)
    }

    fn rule_info(&self, rule: &RuleDef) -> RuleInfo {
        let facts = rule
            .reads
            .iter()
            .filter_map(|(e, slot)| {
                let def = self.c.schema.entity(*e)?;
                let f = def.field(*slot)?;
                Some(FactInfo {
                    field: format!("{}.{}", def.name, f.name),
                    label: f.label.clone(),
                    ty: self.c.schema.type_name(f.ty, f.unit),
                })
            })
            .collect();
        RuleInfo {
            id: rule.id.clone(),
            standard: self
                .c
                .standards
                .get(rule.standard as usize)
                .map_or(String::new(), |s| s.id.clone()),
            title: rule.title.clone(),
            citations: rule.citations.clone(),
            category: rule.category.clone(),
            provenance: Some(rule.provenance),
            gap: false,
            notes: rule.notes.clone(),
            file: rule.file.clone(),
            line: Some(rule.line),
            source: rule.source.clone(),
            facts,
        }
    }

    /// The rules and gaps of a standard, in document order of their files.
    pub fn rules(&self, standard: &str) -> Result<Vec<RuleInfo>, RequestError> {
        let s = self
            .c
            .standards
            .get(self.standard_index(standard)?)
            .ok_or_else(|| RequestError::UnknownStandard(standard.to_string()))?;
        let mut out: Vec<RuleInfo> = s
            .rules
            .iter()
            .filter_map(|r| self.c.rules.get(*r as usize))
            .map(|r| self.rule_info(r))
            .collect();
        for g in s.gaps.iter().filter_map(|g| self.c.gaps.get(*g as usize)) {
            out.push(RuleInfo {
                id: g.id.clone(),
                standard: s.id.clone(),
                title: g.title.clone(),
                citations: g.citations.clone(),
                category: None,
                provenance: None,
                gap: true,
                notes: g.notes.clone(),
                file: s.file.clone(),
                line: None,
                source: String::new(),
                facts: Vec::new(),
            });
        }
        Ok(out)
    }

    /// One rule: its citation, provenance, source and the facts it needs.
    pub fn explain_rule(&self, id: &str) -> Result<RuleInfo, RequestError> {
        if let Some(r) = self.c.rules.iter().find(|r| r.id == id) {
            return Ok(self.rule_info(r));
        }
        let s = self.c.gaps.iter().find(|g| g.id == id).map(|g| g.standard);
        match s.and_then(|s| self.c.standards.get(s as usize)) {
            Some(st) => self
                .rules(&st.id)?
                .into_iter()
                .find(|r| r.id == id)
                .ok_or_else(|| RequestError::UnknownRule(id.to_string())),
            None => Err(RequestError::UnknownRule(id.to_string())),
        }
    }

    /// A JSON Schema of the facts a standard's rules read (all facts when `standard` is `None`),
    /// with the Chinese labels as titles: what a form needs to render its questions.
    pub fn schema(&self, standard: Option<&str>) -> Result<Json, RequestError> {
        let reads: Option<Vec<(u32, u32)>> = match standard {
            None => None,
            Some(id) => {
                let s = self
                    .c
                    .standards
                    .get(self.standard_index(id)?)
                    .ok_or_else(|| RequestError::UnknownStandard(id.to_string()))?;
                let mut r = Vec::new();
                if let Some(a) = &s.applies {
                    crate::compile::collect_reads(a, &self.c.values, &mut r);
                }
                for rule in s.rules.iter().filter_map(|i| self.c.rules.get(*i as usize)) {
                    for x in &rule.reads {
                        if !r.contains(x) {
                            r.push(*x);
                        }
                    }
                }
                for v in s
                    .values
                    .iter()
                    .filter_map(|i| self.c.values.get(*i as usize))
                {
                    crate::compile::collect_reads(&v.expr, &self.c.values, &mut r);
                }
                // Identity facts are part of every form.
                if let Some(def) = self.c.schema.entity(ENTERPRISE) {
                    for n in ["id", "name", "region_code"] {
                        if let Some(slot) = def.index.get(n) {
                            if !r.contains(&(ENTERPRISE, *slot)) {
                                r.insert(0, (ENTERPRISE, *slot));
                            }
                        }
                    }
                }
                Some(r)
            }
        };
        let mut root = self.entity_schema(ENTERPRISE, reads.as_deref(), 0);
        if let Some(obj) = root.as_object_mut() {
            obj.insert(
                "$schema".into(),
                json!("https://json-schema.org/draft/2020-12/schema"),
            );
            if let Some(id) = standard {
                obj.insert("$id".into(), json!(format!("yinhuan:{id}")));
            }
        }
        Ok(root)
    }

    /// An enum's choice ids, and its choices with their labels, for a JSON Schema.
    fn choice_lists(&self, e: u32) -> (Vec<Json>, Vec<Json>) {
        let choices = self
            .c
            .schema
            .enum_def(e)
            .map(|d| d.choices.as_slice())
            .unwrap_or_default();
        let ids = choices
            .iter()
            .map(|c| Json::from(c.name.as_str()))
            .collect();
        let labels = choices
            .iter()
            .map(|c| json!({"id": c.name, "label": c.label}))
            .collect();
        (ids, labels)
    }

    fn entity_schema(&self, entity: u32, reads: Option<&[(u32, u32)]>, depth: usize) -> Json {
        let Some(def) = self.c.schema.entity(entity) else {
            return json!({});
        };
        let mut props = serde_json::Map::new();
        for (slot, f) in def.fields.iter().enumerate() {
            if reads.is_some_and(|r| !r.contains(&(entity, slot as u32))) {
                continue;
            }
            let mut p = match f.ty {
                Type::Bool => json!({"type": ["boolean", "null"]}),
                Type::Integer => json!({"type": ["integer", "null"]}),
                Type::Decimal => json!({"type": ["number", "string", "null"]}),
                Type::Quantity(_) => {
                    json!({"type": ["number", "string", "null"], "x-unit": f.unit.map(|u| u.name)})
                }
                Type::Text => json!({"type": ["string", "null"]}),
                Type::Date => json!({"type": ["string", "null"], "format": "date"}),
                Type::Enum(e) => {
                    let (mut ids, labels) = self.choice_lists(e);
                    ids.push(Json::Null);
                    json!({"enum": ids, "x-choices": labels})
                }
                Type::EnumList(e) => {
                    let (ids, labels) = self.choice_lists(e);
                    json!({"type": ["array", "null"], "items": {"enum": ids}, "x-choices": labels})
                }
                Type::EntityList(e) if depth < 16 => {
                    json!({"type": ["array", "null"], "items": self.entity_schema(e, reads, depth + 1)})
                }
                Type::EntityList(_) => json!({"type": ["array", "null"]}),
            };
            if let Some(obj) = p.as_object_mut() {
                obj.insert("title".into(), json!(f.label));
                if let Some(h) = &f.help {
                    obj.insert("description".into(), json!(h));
                }
            }
            props.insert(f.name.clone(), p);
        }
        json!({"title": def.label, "type": "object", "additionalProperties": false, "properties": props})
    }

    /// Runs the tests declared in the rule files; `filter` picks which (by file name).
    pub fn run_tests(&self, filter: &dyn Fn(&str) -> bool) -> Vec<TestResult> {
        let mut results = Vec::new();
        for t in self.c.tests.iter().filter(|t| filter(&t.file)) {
            let standard = t.standard.and_then(|s| self.c.standards.get(s as usize));
            let as_of = t
                .as_of
                .or(standard.map(|s| s.valid_from))
                .unwrap_or_else(|| Date::from_days(19_723));
            let mut failures = Vec::new();
            let mut opts = EvaluateOptions::new(as_of);
            opts.standards = standard.map(|s| vec![s.id.clone()]).unwrap_or_default();
            let expects_error = t.expects.iter().find_map(|e| match e {
                crate::compile::Expectation::Error { code, .. } => Some(code.clone()),
                _ => None,
            });
            let report = match self.evaluate_json(&t.facts, &opts) {
                Ok(r) => {
                    if let Some(code) = &expects_error {
                        failures.push(format!(
                            "expected error {code}, but the facts were accepted"
                        ));
                    }
                    Some(r)
                }
                Err(e) => {
                    if expects_error.as_deref() != Some(e.code()) {
                        failures.push(format!("unexpected error {}: {e}", e.code()));
                    }
                    None
                }
            };
            if let Some(report) = report {
                check_expectations(t, &report, &mut failures);
            }
            results.push(TestResult {
                name: t.name.clone(),
                file: t.file.clone(),
                line: t.line,
                failures,
            });
        }
        results
    }
}

fn check_expectations(t: &crate::compile::TestDef, report: &Report, failures: &mut Vec<String>) {
    use crate::compile::Expectation;
    for e in &t.expects {
        match e {
            Expectation::Rule {
                rule,
                outcome,
                because,
                missing,
                cites,
                line,
            } => {
                if outcome == "not_in_force" {
                    if report.finding(rule).is_some_and(|f| !f.superseded) {
                        failures.push(format!(
                            "line {line}: {rule} is in force on {}, expected not",
                            report.as_of
                        ));
                    }
                    continue;
                }
                if report.finding(rule).is_some_and(|f| f.superseded) {
                    failures.push(format!("line {line}: {rule}'s standard is not in force on {}; expect `not_in_force` or change `as_of`", report.as_of));
                    continue;
                }
                let Some(f) = report.finding(rule) else {
                    failures.push(format!("line {line}: rule {rule} was not evaluated (its standard is not in force on {})", report.as_of));
                    continue;
                };
                if f.outcome.as_str() != outcome {
                    let mut msg = format!(
                        "line {line}: {rule} expected {outcome}, got {}",
                        f.outcome.as_str()
                    );
                    if !f.missing.is_empty() {
                        msg.push_str(&format!(" (missing: {})", f.missing.join(", ")));
                    }
                    if !f.reasons.is_empty() {
                        msg.push_str(&format!(" (reasons: {})", f.reasons.join(" | ")));
                    }
                    failures.push(msg);
                    continue;
                }
                for b in because {
                    if !f.reasons.contains(b) {
                        failures.push(format!(
                            "line {line}: {rule} fired, but not because \"{b}\" (reasons: {})",
                            f.reasons.join(" | ")
                        ));
                    }
                }
                if !missing.is_empty() || f.outcome == Outcome::Undetermined {
                    let mut want = missing.clone();
                    let mut got = f.missing.clone();
                    want.sort();
                    got.sort();
                    if want != got && !missing.is_empty() {
                        failures.push(format!(
                            "line {line}: {rule} missing facts expected [{}], got [{}]",
                            want.join(", "),
                            got.join(", ")
                        ));
                    }
                }
                for c in cites {
                    if !f.citations.contains(c) {
                        failures.push(format!(
                            "line {line}: {rule} does not cite \"{c}\" (cites: {})",
                            f.citations.join(", ")
                        ));
                    }
                }
            }
            Expectation::Output {
                name,
                at,
                value,
                line,
            } => {
                let Some(o) = report
                    .outputs
                    .iter()
                    .find(|o| &o.name == name && (at.is_none() || o.instance == *at))
                else {
                    let at = at.as_ref().map(|a| format!(" at {a}")).unwrap_or_default();
                    failures.push(format!("line {line}: no output named `{name}`{at}"));
                    continue;
                };
                let expected = match value {
                    yinhuan_grammar::ast::Literal::Number(n) => n.parse::<Decimal>().ok(),
                    yinhuan_grammar::ast::Literal::Quantity(n, u) => {
                        let from = crate::units::lookup(u);
                        let to = o.unit.as_deref().and_then(crate::units::lookup);
                        match (n.parse::<Decimal>().ok(), from, to) {
                            (Some(d), Some(f), Some(t)) => {
                                f.to_base(d).and_then(|b| t.from_base(b))
                            }
                            _ => None,
                        }
                    }
                    _ => None,
                };
                use yinhuan_grammar::ast::Literal as L;
                let matches = match value {
                    L::Number(_) | L::Quantity(..) => {
                        let got = o.value.as_deref().and_then(|v| v.parse::<Decimal>().ok());
                        expected.is_some()
                            && expected.map(|d| d.normalize()) == got.map(|d| d.normalize())
                    }
                    L::Text(t) => o.value.as_deref() == Some(t.as_str()),
                    L::Bool(b) => o.value.as_deref() == Some(if *b { "true" } else { "false" }),
                    L::Date(d) => o.value.as_deref() == Some(d.to_string().as_str()),
                };
                if !matches {
                    failures.push(format!(
                        "line {line}: output `{name}` expected {}, got {}",
                        yinhuan_grammar::format::literal_text(value),
                        o.value.as_deref().unwrap_or("unknown")
                    ));
                }
            }
            Expectation::Error { .. } => {}
        }
    }
}

fn status_words(s: &EditionStatus) -> &'static str {
    match s {
        EditionStatus::InForce => "in force",
        EditionStatus::NotYetInForce => "not yet in force",
        EditionStatus::Expired => "expired",
        EditionStatus::Superseded => "superseded",
    }
}

fn collect_files(p: &Path, out: &mut Vec<PathBuf>) {
    if p.is_dir() {
        if let Ok(rd) = std::fs::read_dir(p) {
            for e in rd.flatten() {
                collect_files(&e.path(), out);
            }
        }
    } else if p.extension().is_some_and(|e| e == "yh") {
        out.push(p.to_path_buf());
    }
}

/// A value as exact decimal text in its unit, or the lower bound that missing facts leave.
fn shown_value(
    v: Val<'_>,
    unit: Option<&'static crate::units::Unit>,
) -> (Option<String>, Option<String>) {
    let num = |n: Decimal| match unit {
        Some(u) => u.from_base(n).unwrap_or(n).normalize().to_string(),
        None => n.normalize().to_string(),
    };
    match v {
        Val::Num(n) => (Some(num(n)), None),
        Val::AtLeast(n) => (None, Some(num(n))),
        Val::Range(lo, hi) if lo == hi => (Some(lo.to_string()), None),
        Val::Bool(b) => (Some(b.to_string()), None),
        Val::Text(t) => (Some(t.to_string()), None),
        Val::Date(d) => (Some(d.to_string()), None),
        _ => (None, None),
    }
}

fn to_sources(files: &[(&str, &str)]) -> Vec<Source> {
    files
        .iter()
        .map(|(n, t)| Source {
            name: (*n).to_string(),
            text: (*t).to_string(),
        })
        .collect()
}
