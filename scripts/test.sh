#!/usr/bin/env bash
# Installs, builds and runs every test: style and static checks, the training code's
# unit tests, the C++ tests under AddressSanitizer + UBSan, then the C++ tests
# (unit, integration and the accuracy regression on real data) in the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

step() { printf '\n==> %s (%s UTC)\n' "$*" "$(date -u +%H:%M:%S)"; }

step "clang-format"
mapfile -t cxx < <(git ls-files '*.cpp' '*.h')
clang-format --dry-run --Werror "${cxx[@]}"

step "python unit tests (renderer, splits, seeds, reader data)"
/usr/bin/python3 -m unittest discover -t . -s training/synth -p 'test_*.py'
/usr/bin/python3 -m unittest discover -t . -s training/common -p 'test_*.py'
/usr/bin/python3 -m unittest discover -t . -s training/reader -p 'test_*.py'

step "sanitizer build (ASan + UBSan) and tests"
BUILD_TYPE=Debug bash scripts/build.sh build-asan -DSAFELANE_SANITIZE=ON -DSAFELANE_BUILD_BENCH=OFF
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -LE slow -j "$(nproc)"

step "release build"
bash scripts/build.sh build

step "clang-tidy"
mapfile -t sources < <(git ls-files 'src/*.cpp' | grep -v '_test.cpp$')
# One clang-tidy per core, a few files each; any finding fails the step (xargs exits 123).
printf '%s\0' "${sources[@]}" | xargs -0 -P "$(nproc)" -n 6 clang-tidy -p build --quiet 2>/dev/null

step "tests (release)"
ctest --test-dir build --output-on-failure -j "$(nproc)"
step "done"
