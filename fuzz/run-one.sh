#!/usr/bin/env bash
# Usage: fuzz/run-one.sh TARGET SECONDS — one target, niced, with the repository seeds.
set -euo pipefail
cd "$(dirname "$0")"
t=$1; secs=$2
mkdir -p "corpus/$t" "artifacts/$t"
exec nice -n 10 cargo +nightly fuzz run "$t" "corpus/$t" -- \
  -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
