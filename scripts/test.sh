#!/usr/bin/env bash
# Runs every test: formatting and lints, Rust unit/integration/snapshot tests, the standards' own
# test cases, the Python package (pytest + notebook), and the WebAssembly package (Node + browser).
# Installs what it needs (wasm32 target, wasm-bindgen-cli, a Python venv, npm packages, chromium).
# SKIP_BINDINGS=1 runs the Rust part only; SKIP_FUZZ=1 skips the fuzzing smoke run.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n==> %s\n' "$*"; }

step "rustfmt"
cargo fmt --all -- --check

step "clippy (all crates, all targets, warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo test (Rust unit, integration, snapshot and shared-vector tests)"
# The Python extension module cannot link a test binary without libpython; pytest tests it below.
cargo test --workspace --exclude yinhuan-python

step "yinhuan test (the test cases beside the rule files)"
cargo run -q -p yinhuan-cli -- test

step "yinhuan fmt --check (rule files are in canonical layout)"
cargo run -q -p yinhuan-cli -- fmt --check standards

step "GB 18218 tables in the rule language match the CSVs"
python3 standards/gb18218-2018/generate_tables.py --check
# The CSVs are copies of the reference notes' tables; where the notes are present, they must agree.
for f in standards/gb18218-2018/data/*.csv; do
  ref="../shared/reference/standards/$(basename "$f")"
  if [ -f "$ref" ]; then cmp "$f" "$ref"; fi
done

step "README's generated list of standards"
scripts/readme-standards.sh --check
scripts/readme-performance.sh --check

step "README's first command (check the example steel works)"
set +e
cargo run -q -p yinhuan-cli -- check examples/steel-works.json --as-of 2024-06-01 > target/readme-check.txt
code=$?
set -e
# Exit code 1 means "hazards found", which is what this example must show.
if [ "$code" -ne 1 ] || ! grep -q "GM2023-4-5" target/readme-check.txt; then
  echo "the README's example did not report the blast-furnace hazard (exit $code)" >&2
  cat target/readme-check.txt >&2
  exit 1
fi
echo "ok: hazards reported with citations"

if [ "${SKIP_BINDINGS:-0}" = "1" ]; then
  echo "SKIP_BINDINGS=1: skipping the Python and WebAssembly packages"
  exit 0
fi

if [ -f bindings-python/test.sh ]; then
  step "Python package"
  bash bindings-python/test.sh
fi

if [ -f bindings-wasm/test.sh ]; then
  step "WebAssembly package (Node and browser)"
  bash bindings-wasm/test.sh
fi

if [ "${SKIP_FUZZ:-0}" != "1" ]; then
  step "Fuzzing smoke run (parse, check, evaluate, format round trip; 20 s each)"
  if rustup toolchain list | grep -q '^nightly'; then
    command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked || cargo install cargo-fuzz
    bash fuzz/smoke.sh "${FUZZ_SECONDS:-20}"
  else
    echo "no nightly toolchain: the fuzzing smoke run needs it (rustup toolchain install nightly)"
  fi
fi

step "all tests passed"
