#!/usr/bin/env bash
# check.sh - make check FIRMWARE=1: fw_smoke over every WBXML body of
# test/vectors (doc_* and mac_* vectors, as .ci/run's valgrind step takes
# them) and examples/data/*.wbxml; the examples' documents must decode.
# bash, not sh: the bodies are written with printf '\xHH'.
#   check.sh SMOKE_BINARY VECTOR_DIR WORK_DIR   (EMULATOR from the environment)
set -eu
smoke=$1 vectors=$2 work=$3
mkdir -p "$work"
files=""
n=0
for f in "$vectors"/doc_*.json "$vectors"/mac_*.json; do
  hex=$(grep -o '"wbxml_hex": *"[0-9A-Fa-f]*"' "$f" | head -1 | sed 's/.*: *"\(.*\)"/\1/' || true)
  [ -n "$hex" ] || hex=$(grep -o '"body_hex": *"[0-9A-Fa-f]*"' "$f" | head -1 | sed 's/.*: *"\(.*\)"/\1/' || true)
  [ -n "$hex" ] || continue
  n=$((n + 1))
  out="$work/$(basename "$f" .json).wbxml"
  # shellcheck disable=SC2059 # the format is the body's \xHH escapes
  printf "$(printf '%s' "$hex" | sed 's/../\\x&/g')" > "$out"
  files="$files $out"
done
# shellcheck disable=SC2086 # one argument per file
${EMULATOR:-} "$smoke" $files > "$work/vectors.txt"
${EMULATOR:-} "$smoke" examples/data/*.wbxml > "$work/examples.txt"
if grep -v ': decode success$' "$work/examples.txt"; then
  echo "firmware-check: an example document did not decode (above)"; exit 1
fi
echo "firmware-check: $n vectors and $(wc -l < "$work/examples.txt") example documents decoded" \
  "($(grep -c ': decode success$' "$work/vectors.txt") of the vectors successfully);" \
  "writer, encoder and processing output say unsupported"
