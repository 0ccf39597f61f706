//! Arbitrary text → the parser: never panics, never overflows the stack; errors are values.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = yinhuan_grammar::parse(text);
    }
});
