#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seeds from the repository: the standards' rule files, the
# example facts and the shared test vectors' facts. Safe to run again (files are named by content).
set -euo pipefail
cd "$(dirname "$0")"
root=..
put() { # target file
  local sum
  sum=$(sha1sum "$2" | cut -c1-16)
  cp "$2" "corpus/$1/seed-$sum"
}
mkdir -p corpus/parse corpus/check corpus/evaluate corpus/format_roundtrip
while IFS= read -r -d '' f; do
  put parse "$f"
  put format_roundtrip "$f"
  # The check target loads its input after common.yh; whole standard folders would need their
  # header, so seed it with the header files and the common schema's own declarations.
  put check "$f"
done < <(find "$root/standards" -name '*.yh' -print0)
tmp=$(mktemp)
for f in "$root"/examples/*.json; do
  for d in 0 1 2 3; do
    { printf "\\x$(printf %02x $((d | 0x80)))"; cat "$f"; } > "$tmp"
    put evaluate "$tmp"
  done
done
for f in "$root"/tests/vectors/*.json "$root"/tests/vectors/errors/*.json; do
  [ -f "$f" ] || continue
  jq -e '.facts // empty' "$f" > /dev/null 2>&1 || continue
  { printf '\x82'; jq -c '.facts' "$f"; } > "$tmp"
  put evaluate "$tmp"
done
for f in "$root"/tests/vectors/errors/*.json; do
  [ -f "$f" ] || continue
  jq -e '.source // empty' "$f" > /dev/null 2>&1 || continue
  jq -r '.source' "$f" > "$tmp"
  put check "$tmp"
  put parse "$tmp"
done
rm -f "$tmp"
echo "seeded: $(ls corpus/parse | wc -l) parse, $(ls corpus/check | wc -l) check, $(ls corpus/evaluate | wc -l) evaluate, $(ls corpus/format_roundtrip | wc -l) format_roundtrip"
