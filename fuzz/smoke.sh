#!/usr/bin/env bash
# Smoke fuzzing: every target for SECONDS (default 30) each, one after another, niced, seeded from
# the repository (standards, examples, shared vectors). Needs the nightly toolchain and cargo-fuzz:
#   rustup toolchain install nightly && cargo install cargo-fuzz --locked
#   fuzz/smoke.sh            # 4 × 30 s
#   fuzz/smoke.sh 600        # 4 × 10 min
# A crash stops the script with libFuzzer's exit code; the input is in fuzz/artifacts/<target>/.
# Minimise it (`cargo +nightly fuzz tmin TARGET ARTIFACT`), fix the bug, and copy the input to
# fuzz/regressions/<target>/ — core/tests/limits.rs replays every file there.
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-30}
./seed.sh
for t in parse check evaluate format_roundtrip; do
  echo "== $t ($secs s)"
  nice -n 10 cargo +nightly fuzz run "$t" "corpus/$t" -- \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
done
