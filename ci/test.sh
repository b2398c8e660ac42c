#!/usr/bin/env bash
# The whole test suite: install, build warning-free, run every unit and integration test
# (the integration tests start their own embedded PostgreSQL).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOADGATE_WERROR=ON bash "$root/ci/build.sh"
ctest --test-dir "${BUILD_DIR:-$root/build}" --output-on-failure
