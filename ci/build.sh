#!/usr/bin/env bash
# Installs what is missing (Debian packages) and builds loadgate, its tests and benchmarks
# into build/ (override with BUILD_DIR; LOADGATE_TESTS=OFF builds loadgate and catalog-api
# only). Idempotent: re-running only rebuilds what changed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
# LOADGATE_TESTS=OFF (the main job): no tests or benchmarks, nor the packages only they need.
tests="${LOADGATE_TESTS:-ON}"
if [ "$tests" = "ON" ]; then
  bash "$root/ci/install-deps.sh" --tests
else
  bash "$root/ci/install-deps.sh"
fi
# DEBUG_INFO=-g1 (ci/test.sh): line tables only, enough for backtraces and a third faster to
# compile than full debug information.
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 ${DEBUG_INFO:--g} -DNDEBUG" \
  -DLOADGATE_WERROR="${LOADGATE_WERROR:-OFF}" -DLOADGATE_TESTS="$tests" \
  -DLOADGATE_BENCH="$tests" >/dev/null
# TARGETS (space-separated) builds only those; default everything configured.
targets=()
[ -n "${TARGETS:-}" ] && read -r -a targets <<<"--target $TARGETS"
cmake --build "$build" -j "$(nproc)" "${targets[@]}"
