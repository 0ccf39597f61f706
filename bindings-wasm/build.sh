#!/usr/bin/env bash
# Builds the npm-style package into bindings-wasm/pkg:
#   pkg/web/   ES module for browsers (wasm-bindgen --target web)
#   pkg/node/  CommonJS module for Node.js (wasm-bindgen --target nodejs)
#   pkg/package.json  conditional exports choosing between them
# Needs the wasm32-unknown-unknown target and a wasm-bindgen CLI of the same version as the
# wasm-bindgen crate in Cargo.lock (test.sh installs both).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
pkg="$here/pkg"
# A target folder of its own: no lock contention with (and no rebuilds of) native builds.
target="${YINHUAN_WASM_TARGET_DIR:-$root/target/wasm}"

# Size over speed, whole-program optimisation, no debug info: only for this build (the workspace's
# release profile is not changed).
export CARGO_PROFILE_RELEASE_OPT_LEVEL="${CARGO_PROFILE_RELEASE_OPT_LEVEL:-s}"
export CARGO_PROFILE_RELEASE_LTO="${CARGO_PROFILE_RELEASE_LTO:-true}"
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS="${CARGO_PROFILE_RELEASE_CODEGEN_UNITS:-1}"
export CARGO_PROFILE_RELEASE_DEBUG="${CARGO_PROFILE_RELEASE_DEBUG:-0}"
export CARGO_PROFILE_RELEASE_STRIP="${CARGO_PROFILE_RELEASE_STRIP:-debuginfo}"

cargo build --manifest-path "$root/Cargo.toml" -p yinhuan-wasm \
  --target wasm32-unknown-unknown --release --target-dir "$target"
wasm="$target/wasm32-unknown-unknown/release/yinhuan_wasm.wasm"

rm -rf "$pkg"
mkdir -p "$pkg/web" "$pkg/node"
wasm-bindgen --target web --out-dir "$pkg/web" "$wasm"
wasm-bindgen --target nodejs --out-dir "$pkg/node" "$wasm"

version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n 1)"
printf '{ "type": "module" }\n' > "$pkg/web/package.json"
printf '{ "type": "commonjs" }\n' > "$pkg/node/package.json"
cat > "$pkg/package.json" <<EOF
{
  "name": "yinhuan-wasm",
  "version": "$version",
  "description": "China's major-accident-hazard determination standards as executable, cited rules (WebAssembly)",
  "license": "Apache-2.0",
  "types": "./web/yinhuan_wasm.d.ts",
  "main": "./node/yinhuan_wasm.js",
  "module": "./web/yinhuan_wasm.js",
  "exports": {
    ".": {
      "node": {
        "types": "./node/yinhuan_wasm.d.ts",
        "default": "./node/yinhuan_wasm.js"
      },
      "default": {
        "types": "./web/yinhuan_wasm.d.ts",
        "default": "./web/yinhuan_wasm.js"
      }
    },
    "./web": {
      "types": "./web/yinhuan_wasm.d.ts",
      "default": "./web/yinhuan_wasm.js"
    },
    "./node": {
      "types": "./node/yinhuan_wasm.d.ts",
      "default": "./node/yinhuan_wasm.js"
    }
  },
  "files": ["web/", "node/", "README.md"],
  "sideEffects": false
}
EOF
cp "$here/README.md" "$pkg/README.md"
echo "built $pkg ($(wc -c < "$pkg/web/yinhuan_wasm_bg.wasm") bytes of wasm)"
