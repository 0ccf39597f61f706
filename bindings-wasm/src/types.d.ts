// ---- yinhuan: hand-written types of the values the Library methods take and return ----
// They mirror the `serde::Serialize` shapes of the Rust core (core/src/report.rs, error.rs,
// library.rs); additive changes only within a report `schema_version`.

/** Facts about one enterprise: the JSON root object is the `enterprise` entity. `null` or an absent key means unknown. */
export type Facts = { [field: string]: FactValue };
export type FactValue = null | boolean | number | string | string[] | Facts[];

export interface EvaluateOptions {
  /** `YYYY-MM-DD` (or a `Date`, read in local time); default: today's local date. */
  asOf?: string | Date;
  /** Standard ids to evaluate (one id or several); default: every standard in force on `asOf`. */
  standards?: string | string[];
  /** Where the edition in force is not encoded, evaluate the editions it superseded, labelled so. */
  allowSuperseded?: boolean;
  /** Include the explanation tree of every finding (default `true`, as the CLI's JSON report). */
  explain?: boolean;
}

export interface QuestionOptions {
  asOf?: string | Date;
  standards?: string | string[];
  allowSuperseded?: boolean;
}

export interface SourceFile {
  name: string;
  text: string;
}

export type Outcome = "hazard" | "clear" | "undetermined" | "not_applicable";
export type Truth = "true" | "false" | "unknown";
export type Provenance = "confirmed" | "single_source" | "unconfirmed";
export type EditionStatus = "in_force" | "not_yet_in_force" | "expired" | "superseded";

export interface Report {
  schema_version: string;
  /** `YYYY-MM-DD`. */
  as_of: string;
  enterprise: { id?: string; name?: string; region_code?: string };
  summary: { hazard: number; clear: number; undetermined: number; not_applicable: number };
  standards: StandardInfo[];
  notices: Notice[];
  findings: Finding[];
  outputs: Output[];
  /** Every missing fact that would decide an undetermined rule, in rule order. */
  questions: Question[];
}

export interface Finding {
  standard: string;
  /** The edition's document number, e.g. `应急管理部令第10号`. */
  edition: string;
  /** Rule id, e.g. `GM2023-4-5`. */
  rule: string;
  title: string;
  /** Article and item, e.g. `第四条第（五）项`. */
  citations: string[];
  provenance: Provenance;
  outcome: Outcome;
  /** The sector's name for a hazard (重大事故隐患 …), on hazard findings. */
  outcome_label?: string;
  /** True when the finding comes from an edition not in force on `as_of`. */
  superseded: boolean;
  /** Entities that made the rule fire. */
  instances?: Instance[];
  /** Labels of the situations (and conditions) that held. */
  reasons?: string[];
  /** For `undetermined`: JSON pointers of the facts that would decide the rule. */
  missing?: string[];
  /** With `explain`: why the rule has its outcome. */
  explanation?: Explanation;
}

export interface Instance {
  /** JSON pointer of the entity, e.g. `/blast_furnaces/1`. */
  path: string;
  name?: string;
}

export interface Explanation {
  kind:
    | "rule" | "scope" | "condition" | "exception" | "and" | "or" | "not" | "any" | "all"
    | "instance" | "any_of" | "all_of" | "count_of" | "case" | "compare" | "in" | "empty" | "fact"
    | string;
  /** The condition as written in the rule file, or a case's label. */
  text: string;
  value: Truth;
  /** The values compared, e.g. `top_pressure_setpoint = 260 kPa > design_max_top_working_pressure = 250 kPa`. */
  detail?: string;
  /** For `instance`: the JSON pointer of the entity. */
  instance?: string;
  /** For `instance`: the entity's `name` (or `id`) fact. */
  name?: string;
  /** Facts this condition read that are missing. */
  missing?: string[];
  children?: Explanation[];
}

export interface StandardInfo {
  id: string;
  title: string;
  issuer: string;
  document: string;
  valid_from: string;
  valid_to?: string;
  outcome_label: string;
  status: EditionStatus;
  superseded_by?: string;
  supersedes?: string[];
  supplements?: string[];
  defers?: string;
  rules: number;
  gaps: number;
}

export interface Notice {
  /** `N001` edition in force not encoded; `N002` partly encoded; `N003` superseded edition applied on request; `N004` edition applied outside its dates. */
  code: string;
  standard: string;
  message: string;
}

export interface Output {
  name: string;
  label: string;
  standard: string | null;
  /** Exact decimal text, or `null` when it depends on missing facts. */
  value: string | null;
  unit?: string;
}

/** A missing fact that would decide at least one rule. */
export interface Question {
  /** JSON pointer where the answer goes, e.g. `/blast_furnaces/0/top_pressure_setpoint`. */
  path: string;
  /** `entity.field`, e.g. `blast_furnace.top_pressure_setpoint`. */
  field: string;
  /** The question in Chinese. */
  label: string;
  help?: string;
  type: "bool" | "integer" | "decimal" | "quantity" | "text" | "date" | "enum" | "enum_list" | "entity_list";
  /** For quantities: the unit a bare number is read in (a string such as `"0.24 MPa"` may use any compatible unit). */
  unit?: string;
  choices?: Choice[];
  /** Rules the answer would help decide. */
  rules: string[];
}

export interface Choice {
  id: string;
  label: string;
}

export interface RuleInfo {
  id: string;
  standard: string;
  title: string;
  citations: string[];
  /** `null` for gaps. */
  provenance: Provenance | null;
  /** True for an item declared as not encoded. */
  gap: boolean;
  notes?: string[];
  file: string;
  line?: number;
  source?: string;
  /** The facts the rule reads. */
  facts: { field: string; label: string; type: string }[];
}

export interface TestResult {
  name: string;
  file: string;
  line: number;
  failures: string[];
  passed: boolean;
}

/** A JSON Schema (draft 2020-12) of the facts, with Chinese `title`s and the extensions `x-unit` and `x-choices`. */
export interface FactSchema {
  $schema?: string;
  $id?: string;
  title?: string;
  description?: string;
  type?: string | string[];
  format?: string;
  enum?: (string | null)[];
  items?: FactSchema;
  properties?: { [field: string]: FactSchema };
  additionalProperties?: boolean;
  "x-unit"?: string | null;
  "x-choices"?: Choice[];
}

/** One problem in a rule source. */
export interface Diagnostic {
  /** Stable code, e.g. `E0201`. */
  code: string;
  message: string;
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, in characters. */
  column: number;
  /** Byte offsets into the file. */
  start: number;
  end: number;
}

/**
 * Every error the library throws is an `Error` (a `TypeError` for `ERR_INVALID_ARG`) with a
 * stable `code`: `E01xx`/`E02xx` compile errors, `E03xx` bad facts, `E04xx` evaluation errors,
 * `E05xx` bad requests, `ERR_INVALID_ARG`, `ERR_INTERNAL`.
 */
export interface YinhuanError extends Error {
  code: string;
}

/** Rule sources that do not compile (`fromSource`, `fromSources`): every diagnostic found. */
export interface CompileError extends YinhuanError {
  diagnostics: Diagnostic[];
}

/** Facts that do not match the schema (`E0300`–`E0306`). */
export interface FactError extends YinhuanError {
  kind:
    | "invalid_json" | "wrong_type" | "unknown_field" | "unknown_choice" | "invalid_quantity"
    | "invalid_date" | "limit_exceeded";
  /** JSON pointer of the offending value (`""` for the whole document). */
  path: string;
  expected: string;
  received: string;
}

/** Arithmetic overflow (`E0401`) or division by zero (`E0402`) while evaluating a rule. */
export interface EvalError extends YinhuanError {
  rule: string;
  expr?: string;
}

/** An unknown standard (`E0501`) or rule (`E0502`), or a malformed date (`E0503`). */
export interface RequestError extends YinhuanError {
  value: string;
}
// ---- end of the hand-written types ----
