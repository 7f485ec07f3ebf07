#!/usr/bin/env bash
# Accuracy regression on small real sets (not a timing test): fails when the engine
# reads worse than the floors below. The floors sit a few points under the numbers in
# docs/accuracy.md, so noise does not fail CI but a real regression does.
# Usage: accuracy_regression_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build="$1"; src="$2"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
py=/usr/bin/python3

check() {  # check NAME JSON FIELD MINIMUM
  local value
  value=$($py -c "import json,sys; print(json.load(open('$2'))['$3']['rate'])")
  $py -c "import sys; sys.exit(0 if $value >= $4 else 1)" || {
    echo "FAIL $1: $3 = $value < $4"; return 1; }
  echo "ok   $1: $3 = $value (floor $4)"
}

$py "$src/bench/make_labels.py" br-test --out "$tmp/br.jsonl" >/dev/null
$py "$src/bench/make_labels.py" openimages-test --out "$tmp/oi.jsonl" >/dev/null
"$build/bench/safelane-accuracy" --json "$tmp/br.jsonl" > "$tmp/br.json"
"$build/bench/safelane-accuracy" --json "$tmp/oi.jsonl" > "$tmp/oi.json"

status=0
check "held-out real BR crops" "$tmp/br.json" exact_text "${FLOOR_BR_EXACT:-0.89}" || status=1
check "real test scenes" "$tmp/oi.json" recall "${FLOOR_SCENE_RECALL:-0.57}" || status=1
check "real test scenes" "$tmp/oi.json" precision "${FLOOR_SCENE_PRECISION:-0.62}" || status=1
exit $status
