#!/usr/bin/env bash
# The whole test suite: install, build warning-free, run the unit and integration tests (each
# binary starts its own embedded PostgreSQL), then the unit and fault tests built with
# AddressSanitizer + UndefinedBehaviorSanitizer (ci/sanitize.sh asan). ThreadSanitizer has its
# own job: ci/sanitize.sh tsan. Each phase prints its elapsed time; about 25 minutes on 2 cores
# from a clean clone, two thirds of it compiling.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Line tables only: CI needs backtraces, not a debugger's full view, and compiles a third faster.
export DEBUG_INFO="${DEBUG_INFO:--g1}"
start=$SECONDS
phase() { echo "== ci: $1 done after $((SECONDS - start)) s"; }
LOADGATE_WERROR=ON bash "$root/ci/build.sh"
phase build
# The fault tests run once, under the sanitizers below (they are the ones that exercise the
# error paths); everything else runs here, uninstrumented, where the timing bounds mean
# something.
ctest --test-dir "${BUILD_DIR:-$root/build}" --output-on-failure -E '^faults$'
phase "unit and integration tests"
BUILD_DIR="$root/build-asan" bash "$root/ci/sanitize.sh" asan
phase "sanitizer build and tests"
