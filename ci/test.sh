#!/usr/bin/env bash
# The whole test suite: install, build warning-free, run every unit, integration and fault test
# (each binary starts its own embedded PostgreSQL), then the unit and fault tests again built
# with AddressSanitizer + UndefinedBehaviorSanitizer (ci/sanitize.sh asan). ThreadSanitizer has
# its own job: ci/sanitize.sh tsan.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOADGATE_WERROR=ON bash "$root/ci/build.sh"
ctest --test-dir "${BUILD_DIR:-$root/build}" --output-on-failure
BUILD_DIR="$root/build-asan" bash "$root/ci/sanitize.sh" asan
