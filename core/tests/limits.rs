//! probe
use yinhuan::{Library, Source};

fn lib(extra: &str) -> Result<Library, yinhuan::CompileError> {
    let mut s = vec![Source {
        name: "common.yh".into(),
        text: include_str!("../../standards/common.yh").into(),
    }];
    s.push(Source {
        name: "case.yh".into(),
        text: extra.into(),
    });
    Library::from_sources(&s)
}

#[test]
fn probe_not() {
    let src = format!("value v \"x\" = {}true", "not ".repeat(200_000));
    println!(
        "{:?}",
        lib(&src)
            .err()
            .map(|e| e.to_string().chars().take(200).collect::<String>())
    );
}
#[test]
fn probe_neg() {
    let src = format!("value v \"x\" = {}1", "-".repeat(200_000));
    println!(
        "{:?}",
        lib(&src)
            .err()
            .map(|e| e.to_string().chars().take(200).collect::<String>())
    );
}
#[test]
fn probe_add() {
    let src = format!("value v \"x\" = 1{}", "+1".repeat(200_000));
    println!(
        "{:?}",
        lib(&src)
            .err()
            .map(|e| e.to_string().chars().take(200).collect::<String>())
    );
}
#[test]
fn probe_any() {
    let src = format!(
        "value v \"x\" = {}true",
        "any a in sectors: ".repeat(100_000)
    );
    println!(
        "{:?}",
        lib(&src)
            .err()
            .map(|e| e.to_string().chars().take(200).collect::<String>())
    );
}
