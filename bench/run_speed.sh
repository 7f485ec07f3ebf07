#!/usr/bin/env bash
# Reproduces the speed table in docs/performance.md (release build, one thread).
# Usage: bench/run_speed.sh [BUILD_DIR] [FRAMES_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
frames="${2:-/tmp/safelane-speed-frames}"
[ -f "$frames/labels.jsonl" ] || /usr/bin/python3 bench/make_speed_frames.py --out "$frames"
# The table ends with the peak resident memory of the whole run (getrusage).
"$build/bench/safelane-bench-read" --repeat "${REPEAT:-10}" --threads 1 "$frames/labels.jsonl"
