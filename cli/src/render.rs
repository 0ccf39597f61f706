//! Human-readable text for the terminal. Colours only when writing to a terminal.

use std::fmt::Write;

use yinhuan::report::{EditionStatus, Explanation, Outcome, Report, StandardInfo, Truth};
use yinhuan::{Date, Library, RuleInfo, TestResult};

struct Paint(bool);

impl Paint {
    fn c(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn red(&self, s: &str) -> String {
        self.c("1;31", s)
    }
    fn yellow(&self, s: &str) -> String {
        self.c("33", s)
    }
    fn green(&self, s: &str) -> String {
        self.c("32", s)
    }
    fn dim(&self, s: &str) -> String {
        self.c("2", s)
    }
    fn bold(&self, s: &str) -> String {
        self.c("1", s)
    }
}

fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::Hazard => "HAZARD",
        Outcome::Clear => "clear",
        Outcome::Undetermined => "UNDETERMINED",
        Outcome::NotApplicable => "not applicable",
    }
}

pub fn report(r: &Report, all: bool, color: bool) -> String {
    let p = Paint(color);
    let mut out = String::new();
    let name = r
        .enterprise
        .name
        .clone()
        .or(r.enterprise.id.clone())
        .unwrap_or_else(|| "(unnamed enterprise)".into());
    let _ = writeln!(out, "{} — as of {}", p.bold(&name), r.as_of);
    for s in &r.standards {
        let _ = writeln!(
            out,
            "  {} 《{}》 {} ({} rules)",
            s.id, s.title, s.document, s.rules
        );
    }
    for n in &r.notices {
        let _ = writeln!(
            out,
            "{} {}",
            p.yellow(&format!("notice[{}]:", n.code)),
            n.message
        );
    }
    let _ = writeln!(out);
    for f in &r.findings {
        let show = match f.outcome {
            Outcome::Hazard | Outcome::Undetermined => true,
            _ => all,
        };
        if !show {
            continue;
        }
        let head = format!("{} {}", outcome_word(f.outcome), f.rule);
        let head = match f.outcome {
            Outcome::Hazard => p.red(&head),
            Outcome::Undetermined => p.yellow(&head),
            Outcome::Clear => p.green(&head),
            Outcome::NotApplicable => p.dim(&head),
        };
        let label = f
            .outcome_label
            .as_ref()
            .map(|l| format!(" [{l}]"))
            .unwrap_or_default();
        let sup = if f.superseded {
            " (superseded edition)"
        } else {
            ""
        };
        let _ = writeln!(out, "{head}{label}{sup} {}", f.title);
        let category = f
            .category
            .as_ref()
            .map(|c| format!("{c} · "))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {} {} · {category}{} · provenance: {}",
            f.standard,
            f.edition,
            f.citations.join(" + "),
            f.provenance.as_str()
        );
        for i in &f.instances {
            let _ = writeln!(
                out,
                "  at {}{}",
                i.path,
                i.name
                    .as_ref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default()
            );
        }
        for reason in &f.reasons {
            let _ = writeln!(out, "  because: {reason}");
        }
        if !f.missing.is_empty() {
            let _ = writeln!(out, "  would be decided by: {}", f.missing.join(", "));
        }
        if let Some(e) = &f.explanation {
            explanation(&mut out, e, 2, &p);
        }
        let _ = writeln!(out);
    }
    let s = &r.summary;
    let _ = writeln!(
        out,
        "{} hazard, {} undetermined, {} clear, {} not applicable",
        if s.hazard > 0 {
            p.red(&s.hazard.to_string())
        } else {
            p.green("0")
        },
        s.undetermined,
        s.clear,
        s.not_applicable
    );
    if !r.questions.is_empty() {
        let _ = writeln!(out, "\nQuestions that would decide the undetermined rules:");
        for q in &r.questions {
            let unit = q
                .unit
                .as_ref()
                .map(|u| format!(" ({u})"))
                .unwrap_or_default();
            let _ = writeln!(out, "  {} — {}{unit}", q.path, q.label);
        }
    }
    out
}

fn explanation(out: &mut String, e: &Explanation, depth: usize, p: &Paint) {
    if matches!(e.kind, "rule") {
        for c in &e.children {
            explanation(out, c, depth, p);
        }
        return;
    }
    let mark = match e.value {
        Truth::True => p.red("✔"),
        Truth::False => p.green("✘"),
        Truth::Unknown => p.yellow("?"),
    };
    let pad = "  ".repeat(depth);
    let text = match e.kind {
        "instance" => format!(
            "{} {}{}",
            e.text,
            e.instance.clone().unwrap_or_default(),
            e.name
                .as_ref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default()
        ),
        "case" => format!("情形: {}", e.text),
        _ => e.text.clone(),
    };
    let detail = e
        .detail
        .as_ref()
        .map(|d| p.dim(&format!("  [{d}]")))
        .unwrap_or_default();
    let _ = writeln!(out, "{pad}{mark} {text}{detail}");
    // Leaves restate their condition; composite nodes show their parts.
    for c in &e.children {
        explanation(out, c, depth + 1, p);
    }
}

pub fn tests(results: &[TestResult], color: bool) -> String {
    let p = Paint(color);
    let mut out = String::new();
    let mut failed = 0;
    for r in results {
        if r.passed() {
            continue;
        }
        failed += 1;
        let _ = writeln!(out, "{} {} ({}:{})", p.red("FAIL"), r.name, r.file, r.line);
        for f in &r.failures {
            let _ = writeln!(out, "    {f}");
        }
    }
    let passed = results.len() - failed;
    let _ = writeln!(out, "{passed} passed, {failed} failed");
    out
}

fn status(s: &StandardInfo) -> String {
    match s.status {
        EditionStatus::InForce if s.rules == 0 => "in force — NOT ENCODED".into(),
        EditionStatus::InForce => "in force".into(),
        EditionStatus::NotYetInForce => "not yet in force".into(),
        EditionStatus::Expired => "expired".into(),
        EditionStatus::Superseded => format!(
            "superseded by {}",
            s.superseded_by.clone().unwrap_or_default()
        ),
    }
}

pub fn list(
    lib: &Library,
    standards: &[StandardInfo],
    as_of: Date,
    rules: bool,
    color: bool,
) -> String {
    let p = Paint(color);
    let mut out = String::new();
    let _ = writeln!(out, "Standards as of {as_of}:");
    for s in standards {
        let to = s
            .valid_to
            .as_ref()
            .map(|t| format!(" to {t}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{} 《{}》 {} — {}",
            p.bold(&s.id),
            s.title,
            s.document,
            status(s)
        );
        let _ = writeln!(
            out,
            "    valid from {}{to}; {} rules, {} gaps; outcome: {}",
            s.valid_from, s.rules, s.gaps, s.outcome_label
        );
        if rules {
            for r in lib.rules(&s.id).unwrap_or_default() {
                let prov = r
                    .provenance
                    .map_or("GAP — text not available", |p| p.as_str());
                let _ = writeln!(
                    out,
                    "    {:<14} {:<22} {:<14} {}",
                    r.id,
                    r.citations.join("+"),
                    prov,
                    r.title
                );
            }
        }
    }
    out
}

pub fn list_markdown(lib: &Library, standards: &[StandardInfo], as_of: Date) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "| standard | title | document | in force | status on {as_of} | rules | gaps | confirmed / single source / unconfirmed |");
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
    for s in standards {
        let rules = lib.rules(&s.id).unwrap_or_default();
        let count = |p: &str| {
            rules
                .iter()
                .filter(|r| r.provenance.is_some_and(|x| x.as_str() == p))
                .count()
        };
        let to = s
            .valid_to
            .as_ref()
            .map(|t| format!(" – {t}"))
            .unwrap_or_else(|| " –".into());
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {}{to} | {} | {} | {} | {} / {} / {} |",
            s.id,
            s.title,
            s.document,
            s.valid_from,
            status(s),
            s.rules,
            s.gaps,
            count("confirmed"),
            count("single_source"),
            count("unconfirmed")
        );
    }
    out
}

pub fn explain(r: &RuleInfo, color: bool) -> String {
    let p = Paint(color);
    let mut out = String::new();
    let _ = writeln!(out, "{} {}", p.bold(&r.id), r.title);
    let _ = writeln!(out, "  standard:   {}", r.standard);
    let _ = writeln!(out, "  cites:      {}", r.citations.join(", "));
    let _ = writeln!(
        out,
        "  provenance: {}",
        r.provenance
            .map_or("gap — text not available", |p| p.as_str())
    );
    let _ = writeln!(
        out,
        "  file:       {}{}",
        r.file,
        r.line.map(|l| format!(":{l}")).unwrap_or_default()
    );
    for n in &r.notes {
        let _ = writeln!(out, "  note:       {n}");
    }
    if !r.facts.is_empty() {
        let _ = writeln!(out, "\nFacts it needs:");
        for f in &r.facts {
            let _ = writeln!(out, "  {:<55} {:<24} {}", f.field, f.ty, f.label);
        }
    }
    if !r.source.is_empty() {
        let _ = writeln!(out, "\n{}", r.source);
    }
    out
}

pub fn ledger(r: &yinhuan::ledger::LedgerReport, all: bool) -> String {
    use yinhuan::ledger::Level;
    let mut out = String::new();
    let _ = writeln!(out, "Hazard ledger as of {}", r.as_of);
    let _ = writeln!(
        out,
        "{:<9} {:<7} {:<12} {:>6} {:>6} {:>8} {:>9} {:>8} {:>10} {:>9} {:>11}",
        "level",
        "region",
        "sector",
        "total",
        "open",
        "overdue",
        "pre-2024",
        "in year",
        "rectified",
        "signed %",
        "median days"
    );
    for row in &r.rows {
        if !all && (row.sector != "*" || matches!(row.level, Level::City | Level::County)) {
            continue;
        }
        let level = match row.level {
            Level::National => "national",
            Level::Province => "province",
            Level::City => "city",
            Level::County => "county",
        };
        let share = row
            .signed_off_share
            .as_deref()
            .and_then(|s| s.parse::<f64>().ok())
            .map_or("-".to_string(), |v| format!("{:.1}", v * 100.0));
        let _ = writeln!(
            out,
            "{:<9} {:<7} {:<12} {:>6} {:>6} {:>8} {:>9} {:>8} {:>10} {:>9} {:>11}",
            level,
            row.region_code,
            row.sector,
            row.total,
            row.open,
            row.overdue,
            row.pre_2024_open,
            row.found_in_year,
            row.rectified,
            share,
            row.median_days_to_rectify.as_deref().unwrap_or("-")
        );
    }
    if !r.problems.is_empty() {
        let _ = writeln!(out, "\n{} record problem(s):", r.problems.len());
        for p in &r.problems {
            let _ = writeln!(out, "  row {} ({}): {}", p.row + 2, p.id, p.message);
        }
    }
    out
}
