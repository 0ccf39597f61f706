//! The `yinhuan` command-line tool: check an enterprise's facts, run the standards' tests, list the
//! standards in force, explain a rule. Everything it computes comes from the `yinhuan` crate.
//!
//! Exit codes: 0 no hazard and nothing undetermined (or all tests passed); 1 hazards found (or a
//! test failed); 2 no hazard found but some rules undetermined; 3 invalid input (facts, rule
//! sources, arguments).

/// Writes to standard output; a closed pipe (`yinhuan … | head`) ends the program quietly
/// instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = std::io::stdout().lock().write_fmt(format_args!($($arg)*)) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
        }
    }};
}

macro_rules! outln {
    ($($arg:tt)*) => {{
        out!($($arg)*);
        out!("\n");
    }};
}

mod batch;
mod render;

use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use yinhuan::{Date, Error, EvaluateOptions, Library};

#[derive(Parser)]
#[command(
    name = "yinhuan",
    version,
    about = "Determine major accident hazards (重大事故隐患) against China's sector standards"
)]
struct Cli {
    /// Read rule files from these folders or files (repeatable) instead of the standards embedded in the binary.
    #[arg(long, global = true, value_name = "DIR")]
    standards_dir: Vec<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
    Markdown,
}

#[derive(Subcommand)]
enum Command {
    /// Check an enterprise's facts (a JSON file, or - for standard input) against the standards in force.
    Check {
        facts: PathBuf,
        /// Evaluation date (YYYY-MM-DD); default today.
        #[arg(long)]
        as_of: Option<String>,
        /// Only this standard (repeatable); default every standard in force.
        #[arg(long = "standard", value_name = "ID")]
        standards: Vec<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Where the edition in force is not encoded, apply the edition it superseded (findings are labelled).
        #[arg(long)]
        allow_superseded: bool,
        /// Show the explanation of every rule, not only of hazards and undetermined rules.
        #[arg(long)]
        all: bool,
    },
    /// Evaluate many enterprises: NDJSON (one facts object per line) or CSV (one fact per column) in,
    /// NDJSON out (one line per record: hazards, undetermined rules, or the error), on every core.
    Batch {
        /// Input file (`.ndjson`/`.jsonl` or `.csv`), or - for NDJSON on standard input.
        input: PathBuf,
        #[arg(long)]
        as_of: Option<String>,
        #[arg(long = "standard", value_name = "ID")]
        standards: Vec<String>,
        /// Worker threads (default: one per core).
        #[arg(long, default_value_t = 0)]
        threads: usize,
    },
    /// Run the tests written beside the rule files (all, or those under PATHS).
    Test {
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// List the standards and their status on a date; with --rules, every rule and gap.
    List {
        #[arg(long)]
        as_of: Option<String>,
        #[arg(long)]
        rules: bool,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Show a rule: citation, provenance, source text and the facts it needs.
    Explain {
        rule: String,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Format rule files in place (directories are searched for `.yh` files); --check only reports.
    Fmt {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long)]
        check: bool,
    },
    /// Compute the 动态清零 measures of a hazard ledger (CSV with a header row: id, enterprise,
    /// region_code, sector, standard, rule, channel, found, deadline, rectified, signed_off).
    Ledger {
        csv: PathBuf,
        #[arg(long)]
        as_of: Option<String>,
        /// Show every region level and sector (default: national and provinces, all sectors).
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Print the JSON Schema of the facts (of one standard, or of all).
    Schema {
        #[arg(long)]
        standard: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 3 } else { 0 });
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(3)
        }
    }
}

fn color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn load(dirs: &[PathBuf]) -> Result<Library, String> {
    load_with(dirs, false)
}

/// Loads the rule files from `dirs`, or the embedded ones (with their test cases when `tests`).
fn load_with(dirs: &[PathBuf], tests: bool) -> Result<Library, String> {
    let lib = if !dirs.is_empty() {
        Library::from_paths(dirs)
    } else if tests {
        Library::embedded_with_tests()
    } else {
        Library::embedded()
    };
    lib.map_err(|e| e.to_string())
}

fn date(s: &Option<String>) -> Result<Date, String> {
    match s {
        None => Ok(yinhuan::today()),
        Some(s) => Date::parse(s)
            .ok_or_else(|| format!("error[E0503]: `{s}` is not a date of the form YYYY-MM-DD")),
    }
}

fn run(cli: Cli) -> Result<u8, String> {
    match cli.command {
        Command::Check {
            facts,
            as_of,
            standards,
            format,
            allow_superseded,
            all,
        } => {
            let lib = load(&cli.standards_dir)?;
            let text = if facts.as_os_str() == "-" {
                let mut s = String::new();
                std::io::stdin()
                    .read_to_string(&mut s)
                    .map_err(|e| format!("cannot read standard input: {e}"))?;
                s
            } else {
                std::fs::read_to_string(&facts)
                    .map_err(|e| format!("cannot read `{}`: {e}", facts.display()))?
            };
            let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
                format!("error[E0300]: `{}` is not valid JSON: {e}", facts.display())
            })?;
            let mut opts = EvaluateOptions::new(date(&as_of)?);
            opts.standards = standards;
            opts.allow_superseded = allow_superseded;
            opts.explain = format == Format::Json || all;
            let report = lib.evaluate_json(&json, &opts).map_err(|e| match &e {
                Error::Fact(f) => format!(
                    "error[{}]: {}\n  path: {}\n  expected: {}\n  received: {}",
                    f.code, f.message, f.path, f.expected, f.received
                ),
                other => format!("error[{}]: {other}", other.code()),
            })?;
            match format {
                Format::Json => outln!(
                    "{}",
                    serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?
                ),
                _ => out!("{}", render::report(&report, all, color())),
            }
            Ok(if report.summary.hazard > 0 {
                1
            } else if report.summary.undetermined > 0 {
                2
            } else {
                0
            })
        }
        Command::Batch {
            input,
            as_of,
            standards,
            threads,
        } => {
            let lib = load(&cli.standards_dir)?;
            let mut opts = EvaluateOptions::new(date(&as_of)?);
            opts.standards = standards;
            batch::run(&lib, &input, &opts, threads)
        }
        Command::Test { paths, format } => {
            // Tests run against the rule files on disk when there is a standards folder here.
            let mut dir = cli.standards_dir.clone();
            if dir.is_empty() && std::path::Path::new("standards").is_dir() {
                dir.push(PathBuf::from("standards"));
            }
            let lib = load_with(&dir, true)?;
            let prefixes: Vec<String> = paths
                .iter()
                .map(|p| p.to_string_lossy().trim_end_matches('/').to_string())
                .collect();
            let results = lib.run_tests(&|file: &str| {
                prefixes.is_empty()
                    || prefixes
                        .iter()
                        .any(|p| file.starts_with(p.as_str()) || file.ends_with(p.as_str()))
            });
            let failed = results.iter().filter(|r| !r.passed()).count();
            if format == Format::Json {
                outln!(
                    "{}",
                    serde_json::to_string_pretty(&results).map_err(|e| e.to_string())?
                );
            } else {
                out!("{}", render::tests(&results, color()));
            }
            if results.is_empty() {
                eprintln!("no tests found");
                return Ok(1);
            }
            Ok(u8::from(failed > 0))
        }
        Command::List {
            as_of,
            rules,
            format,
        } => {
            let lib = load(&cli.standards_dir)?;
            let as_of = date(&as_of)?;
            let standards = lib.standards(as_of);
            match format {
                Format::Json => {
                    let mut v = serde_json::to_value(&standards).map_err(|e| e.to_string())?;
                    if rules {
                        if let Some(arr) = v.as_array_mut() {
                            for s in arr.iter_mut() {
                                let id = s["id"].as_str().unwrap_or_default().to_string();
                                let r = lib.rules(&id).map_err(|e| e.to_string())?;
                                s["items"] = serde_json::to_value(r).map_err(|e| e.to_string())?;
                            }
                        }
                    }
                    outln!(
                        "{}",
                        serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
                    );
                }
                Format::Markdown => out!("{}", render::list_markdown(&lib, &standards, as_of)),
                Format::Text => out!("{}", render::list(&lib, &standards, as_of, rules, color())),
            }
            Ok(0)
        }
        Command::Explain { rule, format } => {
            let lib = load(&cli.standards_dir)?;
            let info = lib
                .explain_rule(&rule)
                .map_err(|e| format!("error[{}]: {e}", e.code()))?;
            match format {
                Format::Json => outln!(
                    "{}",
                    serde_json::to_string_pretty(&info).map_err(|e| e.to_string())?
                ),
                _ => out!("{}", render::explain(&info, color())),
            }
            Ok(0)
        }
        Command::Fmt { paths, check } => {
            let mut files = Vec::new();
            for p in &paths {
                yh_files(p, &mut files);
            }
            files.sort();
            let mut changed = 0;
            for f in &files {
                let src = std::fs::read_to_string(f)
                    .map_err(|e| format!("cannot read `{}`: {e}", f.display()))?;
                let formatted = yinhuan_grammar::format::format_source(&src).map_err(|e| {
                    let d = yinhuan::Diagnostic::new(
                        e.kind.code(),
                        e.message.clone(),
                        &f.display().to_string(),
                        &src,
                        e.span,
                    );
                    d.to_string()
                })?;
                if formatted != src {
                    changed += 1;
                    if check {
                        outln!("would reformat {}", f.display());
                    } else {
                        std::fs::write(f, formatted)
                            .map_err(|e| format!("cannot write `{}`: {e}", f.display()))?;
                        outln!("formatted {}", f.display());
                    }
                }
            }
            Ok(u8::from(check && changed > 0))
        }
        Command::Ledger {
            csv,
            as_of,
            all,
            format,
        } => {
            let mut reader = ::csv::Reader::from_path(&csv)
                .map_err(|e| format!("cannot read `{}`: {e}", csv.display()))?;
            let headers = reader
                .headers()
                .map_err(|e| format!("`{}`: {e}", csv.display()))?
                .clone();
            let mut rows = Vec::new();
            for (i, rec) in reader.records().enumerate() {
                let rec = rec.map_err(|e| format!("`{}` row {}: {e}", csv.display(), i + 2))?;
                let obj: serde_json::Map<String, serde_json::Value> = headers
                    .iter()
                    .zip(rec.iter())
                    .map(|(h, v)| {
                        (
                            h.trim().to_string(),
                            serde_json::Value::String(v.to_string()),
                        )
                    })
                    .collect();
                rows.push(serde_json::Value::Object(obj));
            }
            let report = yinhuan::ledger::ledger(&rows, date(&as_of)?);
            match format {
                Format::Json => outln!(
                    "{}",
                    serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?
                ),
                _ => out!("{}", render::ledger(&report, all)),
            }
            Ok(u8::from(!report.problems.is_empty()) * 2)
        }
        Command::Schema { standard } => {
            let lib = load(&cli.standards_dir)?;
            let schema = lib
                .schema(standard.as_deref())
                .map_err(|e| format!("error[{}]: {e}", e.code()))?;
            outln!(
                "{}",
                serde_json::to_string_pretty(&schema).map_err(|e| e.to_string())?
            );
            Ok(0)
        }
    }
}

fn yh_files(p: &std::path::Path, out: &mut Vec<PathBuf>) {
    if p.is_dir() {
        for e in std::fs::read_dir(p).into_iter().flatten().flatten() {
            yh_files(&e.path(), out);
        }
    } else if p.extension().is_some_and(|e| e == "yh") {
        out.push(p.to_path_buf());
    }
}
