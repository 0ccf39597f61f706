//! Arbitrary rule source, loaded after the embedded `standards/common.yh`, through the whole
//! checker and compiler: a library or a `CompileError`, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use yinhuan::{Library, Source};

const COMMON: &str = include_str!("../../standards/common.yh");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let sources = [
        Source {
            name: "standards/common.yh".into(),
            text: COMMON.into(),
        },
        Source {
            name: "case.yh".into(),
            text: text.into(),
        },
    ];
    if let Ok(lib) = Library::from_sources(&sources) {
        // A library that compiles must also evaluate: nothing known, then its own tests.
        let opts = yinhuan::EvaluateOptions::new(yinhuan::Date::parse("2024-06-01").unwrap());
        let _ = lib.evaluate(&yinhuan::Facts::empty(), &opts);
        let _ = lib.run_tests(&|_| true);
    }
});
