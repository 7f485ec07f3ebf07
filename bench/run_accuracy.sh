#!/usr/bin/env bash
# Reproduces every number in docs/accuracy.md with the real engine (release build).
# Usage: bench/run_accuracy.sh [BUILD_DIR] [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
out="${2:-/tmp/safelane-accuracy}"
py=/usr/bin/python3
mkdir -p "$out"
sets="br-test br-test-photos br-test-rendered br-test-noisy us-test eu-check openimages-test openimages-valid"
for set in $sets; do
  $py bench/make_labels.py "$set" --out "$out/$set.jsonl" >/dev/null
done
[ -f "$out/uz-scenes/labels.jsonl" ] ||
  $py -m training.eval.make_uz_scenes --out "$out/uz-scenes" --count 200 --seed 12345 >/dev/null
for set in $sets; do
  "$build/bench/safelane-accuracy" --errors 10 "$out/$set.jsonl" | tee "$out/$set.txt"
done
"$build/bench/safelane-accuracy" --errors 10 "$out/uz-scenes/labels.jsonl" | tee "$out/uz-scenes.txt"
"$build/bench/safelane-accuracy" --country uz --errors 10 "$out/uz-scenes/labels.jsonl" | tee "$out/uz-scenes-uz.txt"
