//! Embeds the repository's `standards/` folder so that `Library::embedded()` needs no files at run
//! time (and works in WebAssembly).
use std::fs;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            println!("cargo:rerun-if-changed={}", p.display());
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "yh") {
            out.push(p);
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let root = manifest.join("..");
    let standards = root.join("standards");
    println!("cargo:rerun-if-changed={}", standards.display());
    let mut files = Vec::new();
    collect(&standards, &mut files);
    files.sort();
    // Rule files and test files are embedded separately: compiling the test cases is most of the
    // work, and only `yinhuan test` needs them. Without the `embed-tests` feature (e.g. in
    // WebAssembly, to keep the module small) the test files are not embedded at all.
    let embed_tests = std::env::var_os("CARGO_FEATURE_EMBED_TESTS").is_some();
    let mut code = String::new();
    for (name, tests) in [("SOURCES", false), ("TEST_SOURCES", true)] {
        code.push_str(&format!("pub static {name}: &[(&str, &str)] = &[\n"));
        for f in &files {
            let is_test = f.to_string_lossy().ends_with(".test.yh");
            if is_test != tests || (tests && !embed_tests) {
                continue;
            }
            let rel = f
                .strip_prefix(&root)
                .unwrap_or(f)
                .to_string_lossy()
                .replace('\\', "/");
            let abs = fs::canonicalize(f).unwrap_or_else(|_| f.clone());
            code.push_str(&format!(
                "    ({rel:?}, include_str!({:?})),\n",
                abs.display().to_string()
            ));
        }
        code.push_str("];\n");
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("embedded.rs");
    if let Err(e) = fs::write(&out, code) {
        println!("cargo:warning=cannot write {}: {e}", out.display());
    }
}
