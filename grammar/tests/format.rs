//! The formatter on every rule file in the repository: idempotent, keeps every comment, and the
//! formatted text parses to the same tree.

use std::path::{Path, PathBuf};

use yinhuan_grammar::format::format_source;
use yinhuan_grammar::parse;

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "yh") {
            out.push(p);
        }
    }
}

/// The tree's debug text with every span blanked, so trees compare by meaning, not position.
fn shape(source: &str) -> String {
    let dbg = format!("{:?}", parse(source).unwrap());
    let mut out = String::new();
    let mut rest = dbg.as_str();
    while let Some(i) = rest.find("Span { start: ") {
        out.push_str(&rest[..i]);
        let j = rest[i..].find('}').unwrap();
        rest = &rest[i + j + 1..];
    }
    out.push_str(rest);
    out
}

fn comments(source: &str) -> Vec<String> {
    source
        .lines()
        .filter_map(|l| {
            l.find(" #")
                .map(|i| l[i + 1..].trim().to_string())
                .or_else(|| {
                    l.trim_start()
                        .starts_with('#')
                        .then(|| l.trim().to_string())
                })
        })
        .collect()
}

#[test]
fn formatting_every_standard_file_is_idempotent_and_keeps_meaning_and_comments() {
    let mut all = Vec::new();
    files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../standards"),
        &mut all,
    );
    assert!(!all.is_empty());
    for f in all {
        let src = std::fs::read_to_string(&f).unwrap();
        let once = format_source(&src).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let twice = format_source(&once).unwrap();
        assert_eq!(once, twice, "{}: formatting is not idempotent", f.display());
        assert_eq!(
            shape(&src),
            shape(&once),
            "{}: formatting changed the meaning",
            f.display()
        );
        let (mut a, mut b) = (comments(&src), comments(&once));
        a.sort();
        b.sort();
        assert_eq!(a, b, "{}: formatting lost or changed comments", f.display());
    }
}

#[test]
fn formats_a_messy_rule_canonically() {
    let src = "part of s\n# why\nrule R-1 \"t\" { cites \"第一条\"  provenance confirmed\n applies when metallurgy in sectors # scope\n hazard when any x in xs: x.a > 3 kPa or not x.b }\n";
    let out = format_source(src).unwrap();
    assert_eq!(
        out,
        "part of s\n\n# why\nrule R-1 \"t\" {\n  cites      \"第一条\"\n  provenance confirmed\n  applies when metallurgy in sectors  # scope\n  hazard when any x in xs: x.a > 3 kPa or not x.b\n}\n"
    );
}

#[test]
fn keeps_parentheses_that_stop_a_quantifier_body() {
    let src = "part of s\nrule R-1 \"t\" { cites \"c\" provenance confirmed hazard when (any x in xs: x.a) and b }\n";
    let out = format_source(src).unwrap();
    assert!(
        out.contains("hazard when (any x in xs: x.a) and b"),
        "{out}"
    );
    assert_eq!(shape(src), shape(&out));
}
