#!/usr/bin/env bash
# Builds the Python binding and runs its tests, from any directory, on a fresh machine that has
# Python 3 (>= 3.9; 3.11 in CI), pip and Rust:
#   1. a virtualenv at <repo>/target/py-venv (reused when present) with the pinned tools of
#      requirements-dev.txt;
#   2. `maturin develop --release`: the extension built and installed into the venv;
#   3. `maturin build --release`: the abi3 wheel, to prove it builds (target/wheels/);
#   4. pytest (exit code 5, "no tests collected", counts as a failure);
#   5. the example notebook examples/notebooks/register.ipynb executed with nbclient.
# Environment: PYTHON (default python3) picks the interpreter that creates the venv.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
VENV="${YINHUAN_PY_VENV:-$REPO/target/py-venv}"
PY="${PYTHON:-python3}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"

step() { printf '\n==> %s\n' "$*"; }

step "virtualenv at $VENV"
if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
fi
"$VENV/bin/python" --version

step "pip install -r bindings-python/requirements-dev.txt (pinned)"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$HERE/requirements-dev.txt"

# maturin and the kernel the notebook runs in must come from the venv.
export VIRTUAL_ENV="$VENV"
export PATH="$VENV/bin:$PATH"

step "maturin develop --release (build the extension and install it into the venv)"
(cd "$HERE" && maturin develop --release)

step "maturin build --release (the abi3 wheel)"
(cd "$HERE" && maturin build --release --out "$CARGO_TARGET_DIR/wheels")
ls -l "$CARGO_TARGET_DIR"/wheels/yinhuan-*-abi3-*.whl

step "pytest bindings-python/tests"
set +e
(cd "$HERE" && python -m pytest -ra tests)
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: failing" >&2
    exit 1
elif [ "$status" -ne 0 ]; then
    exit "$status"
fi

step "execute examples/notebooks/register.ipynb (nbclient)"
python "$HERE/tests/run_notebook.py"

step "python binding: all checks passed"
