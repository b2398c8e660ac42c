#!/usr/bin/env bash
# Installs what is missing (Debian packages) and builds loadgate, its tests and benchmarks
# into build/ (override with BUILD_DIR). Idempotent: re-running only rebuilds what changed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
bash "$root/ci/install-deps.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
  -DLOADGATE_WERROR="${LOADGATE_WERROR:-OFF}" >/dev/null
cmake --build "$build" -j "$(nproc)"
