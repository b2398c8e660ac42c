#!/usr/bin/env bash
# The whole test suite: install, build warning-free, run the integration tests (their own
# embedded PostgreSQL) uninstrumented, where the timing bounds mean something; then the unit and
# fault tests built with AddressSanitizer + UndefinedBehaviorSanitizer (ci/sanitize.sh asan).
# The unit tests are built once, in the sanitizer build: they hold no timing bound, and a second
# build of them would cost minutes. ThreadSanitizer has its own job: ci/sanitize.sh tsan. Each
# phase prints its elapsed time; 1376 s (23 min) measured on 2 cores from a clean clone (build
# 420 s, integration tests 431 s, sanitizer build and tests 525 s).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
# Line tables only: CI needs backtraces, not a debugger's full view, and compiles a third faster.
export DEBUG_INFO="${DEBUG_INFO:--g1}"
start=$SECONDS
phase() { echo "== ci: $1 done after $((SECONDS - start)) s"; }
# loadgate, catalog-api, the integration tests and the benchmarks (built so they stay
# warning-free).
benches="$(cd "$root/bench" && ls -- *.cpp | sed 's/\.cpp$//' | tr '\n' ' ')"
LOADGATE_WERROR=ON TARGETS="loadgate catalog-api loadgate_integration_tests $benches" \
  bash "$root/ci/build.sh"
phase build
ctest --test-dir "$build" --output-on-failure -R '^integration$'
phase "integration tests"
BUILD_DIR="$root/build-asan" bash "$root/ci/sanitize.sh" asan
phase "sanitizer build, unit and fault tests"
