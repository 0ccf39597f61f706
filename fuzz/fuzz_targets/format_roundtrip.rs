//! Text that parses → format → parses again to the same tree (spans aside), and formatting the
//! result again changes nothing.
#![no_main]
use libfuzzer_sys::fuzz_target;
use yinhuan_grammar::format::format_source;

/// The tree's debug form with every `Span { start: …, end: … }` removed.
fn shape(file: &yinhuan_grammar::ast::File) -> String {
    let text = format!("{file:?}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find("Span { start: ") {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let end = after.find('}').map_or(after.len(), |j| j + 1);
        out.push_str("Span");
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(tree) = yinhuan_grammar::parse(text) else {
        return;
    };
    let once = format_source(text).expect("a file that parses formats");
    let again = yinhuan_grammar::parse(&once)
        .unwrap_or_else(|e| panic!("formatted output does not parse: {e}\n---\n{once}"));
    assert_eq!(
        shape(&tree),
        shape(&again),
        "formatting changed the tree:\n---\n{once}"
    );
    let twice = format_source(&once).expect("formatted output formats");
    assert_eq!(once, twice, "formatting is not idempotent");
});
