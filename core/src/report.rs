//! The report: the one JSON shape every front end shares (CLI `--format json`, Python, WebAssembly).
//! Additive changes only within a major `schema_version`; docs/report.md documents every field.

use serde::{Deserialize, Serialize};

use crate::compile::Provenance;

pub const SCHEMA_VERSION: &str = "1.0";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Hazard,
    Clear,
    Undetermined,
    NotApplicable,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Hazard => "hazard",
            Outcome::Clear => "clear",
            Outcome::Undetermined => "undetermined",
            Outcome::NotApplicable => "not_applicable",
        }
    }
    pub fn parse(s: &str) -> Option<Outcome> {
        Some(match s {
            "hazard" => Outcome::Hazard,
            "clear" => Outcome::Clear,
            "undetermined" => Outcome::Undetermined,
            "not_applicable" => Outcome::NotApplicable,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Truth {
    True,
    False,
    Unknown,
}

/// Why a condition has the value it has, down to the facts compared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// `rule`, `scope`, `condition`, `exception`, `and`, `or`, `not`, `any`, `all`, `instance`,
    /// `any_of`, `all_of`, `count_of`, `case`, `compare`, `in`, `empty`, `fact`.
    pub kind: &'static str,
    /// The condition as written in the rule file, or a case's label.
    pub text: String,
    pub value: Truth,
    /// The values compared, e.g. `top_pressure_setpoint = 260 kPa > design_max_top_working_pressure = 250 kPa`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// For `instance`: the JSON pointer of the entity, e.g. `/blast_furnaces/1`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// For `instance`: the entity's `name` (or `id`) fact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// For `instance` of `periods(…)`: the calendar period, e.g. `2025-Q3`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// Facts this condition read that are missing.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Explanation>,
    /// The enum choice read by a comparison, for `cites … when reason is …`.
    #[serde(skip)]
    pub choice: Option<(u32, u32)>,
}

impl Explanation {
    pub fn new(kind: &'static str, text: String, value: Truth, children: Vec<Explanation>) -> Self {
        Explanation {
            kind,
            text,
            value,
            detail: None,
            instance: None,
            name: None,
            period: None,
            missing: Vec::new(),
            children,
            choice: None,
        }
    }

    /// Visits the nodes that hold (value true), from the root down, never entering one that does not.
    pub fn walk_true<'s>(&'s self, f: &mut impl FnMut(&'s Explanation) -> bool) {
        if self.value != Truth::True {
            return;
        }
        if f(self) {
            for c in &self.children {
                c.walk_true(f);
            }
        }
    }

    /// The missing facts that could still decide this node, in order, without duplicates.
    pub fn deciding_missing(&self, out: &mut Vec<String>) {
        if self.value != Truth::Unknown {
            return;
        }
        for m in &self.missing {
            if !out.contains(m) {
                out.push(m.clone());
            }
        }
        for c in &self.children {
            c.deciding_missing(out);
        }
    }
}

/// An entity instance that made a rule fire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    /// JSON pointer of the entity (empty for a period).
    pub path: String,
    /// The calendar period, for duties checked period by period (e.g. `2025-Q3`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub standard: String,
    /// The edition's document number, e.g. `应急管理部令第10号`.
    pub edition: String,
    pub rule: String,
    pub title: String,
    pub citations: Vec<String>,
    /// The category (part, aspect) of the standard the item belongs to, where it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    pub provenance: Provenance,
    pub outcome: Outcome,
    /// The sector's name for a hazard (重大事故隐患, 重大隐患, 重大火灾隐患 …), on hazard findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome_label: Option<String>,
    /// True when the finding comes from an edition not in force on `as_of` (applied on request).
    pub superseded: bool,
    /// Entities that made the rule fire.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub instances: Vec<Instance>,
    /// Labels of the situations (and the conditions) that held.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    /// For `undetermined`: JSON pointers of the facts that would decide the rule.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Explanation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EditionStatus {
    InForce,
    NotYetInForce,
    Expired,
    Superseded,
}

/// A standard edition as the report saw it on `as_of`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StandardInfo {
    pub id: String,
    pub title: String,
    pub issuer: String,
    pub document: String,
    pub valid_from: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<String>,
    pub outcome_label: String,
    pub status: EditionStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub supersedes: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub supplements: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub defers: Option<String>,
    /// Rules encoded.
    pub rules: usize,
    /// Items declared but not encoded because their text could not be recovered.
    pub gaps: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    /// `N001` edition in force not encoded; `N002` edition in force partly encoded;
    /// `N003` superseded edition applied on request; `N004` edition applied outside its dates;
    /// `N005` the edition in force on `as_of` predates every encoded edition and is not encoded.
    pub code: &'static str,
    pub standard: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Output {
    pub name: String,
    pub label: String,
    pub standard: Option<String>,
    /// For an entity-level value: the JSON pointer of the instance it was computed for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// For an entity-level value: the instance's `name` (or `id`) fact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_name: Option<String>,
    /// The value as exact decimal text (or `null` when it depends on missing facts).
    pub value: Option<String>,
    /// When missing facts leave the value open but it cannot be less than this (a sum of
    /// non-negative terms, some unknown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_least: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub hazard: usize,
    pub clear: usize,
    pub undetermined: usize,
    pub not_applicable: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnterpriseRef {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region_code: Option<String>,
}

/// A question a form should ask next: a missing fact that would decide at least one rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Question {
    /// JSON pointer where the answer goes.
    pub path: String,
    /// `entity.field`, e.g. `blast_furnace.top_pressure_setpoint`.
    pub field: String,
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// `bool`, `integer`, `decimal`, `quantity`, `text`, `date`, `enum`, `enum_list`, `entity_list`.
    #[serde(rename = "type")]
    pub ty: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<ChoiceInfo>,
    /// Rules the answer would help decide.
    pub rules: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChoiceInfo {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub schema_version: &'static str,
    pub as_of: String,
    pub enterprise: EnterpriseRef,
    pub summary: Summary,
    pub standards: Vec<StandardInfo>,
    pub notices: Vec<Notice>,
    pub findings: Vec<Finding>,
    pub outputs: Vec<Output>,
    /// Every missing fact that would decide an undetermined rule, in rule order.
    pub questions: Vec<Question>,
}

impl Report {
    pub fn hazards(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.outcome == Outcome::Hazard)
    }
    pub fn undetermined(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.outcome == Outcome::Undetermined)
    }
    pub fn finding(&self, rule: &str) -> Option<&Finding> {
        self.findings.iter().find(|f| f.rule == rule)
    }
}
