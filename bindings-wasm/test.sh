#!/usr/bin/env bash
# Builds the WebAssembly package and runs its tests: the Node.js tests (shared vectors, API,
# errors) and the end-to-end test of the inspection form in Chromium. Runs from any directory.
# Needs Rust (rustup), Node.js 20+ and npm; installs the rest (wasm32 target, wasm-bindgen CLI,
# npm packages, Debian's Chromium and a CJK font) when missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
step() { printf '\n== %s\n' "$*"; }

step "Rust target wasm32-unknown-unknown"
rustup target add wasm32-unknown-unknown

step "wasm-bindgen CLI"
want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' "$root/Cargo.lock")"
if [ -z "$want" ]; then
  echo "wasm-bindgen is not in Cargo.lock" >&2
  exit 1
fi
have="$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)"
if [ "$have" != "$want" ]; then
  echo "installing wasm-bindgen-cli $want (found: ${have:-none})"
  # The CLI must match the crate exactly. Its own lock file pins some crates a registry mirror may
  # lack; then fall back to resolving them afresh (same wasm-bindgen-cli version either way).
  if ! cargo install wasm-bindgen-cli --version "$want" --locked --no-default-features --bin wasm-bindgen; then
    echo "cargo install --locked failed; retrying without --locked"
    cargo install wasm-bindgen-cli --version "$want" --no-default-features --bin wasm-bindgen
  fi
else
  echo "wasm-bindgen $have"
fi

step "build (cargo + wasm-bindgen → bindings-wasm/pkg)"
bash "$here/build.sh"

step "npm ci"
cd "$here"
npm ci --no-audit --no-fund

step "Chromium"
apt_packages=()
[ -x /usr/bin/chromium ] || apt_packages+=(chromium)
# Chinese text in the screenshot needs a CJK font.
fc-list :lang=zh 2>/dev/null | grep -q . || apt_packages+=(fonts-wqy-microhei)
if [ "${#apt_packages[@]}" -gt 0 ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${apt_packages[@]}"
fi
/usr/bin/chromium --version 2>/dev/null || true

step "Node.js tests"
node --test tests/*.test.mjs

step "browser test"
node --test e2e/*.test.mjs
echo "screenshot: $root/target/e2e/form.png"
