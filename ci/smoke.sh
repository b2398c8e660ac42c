#!/usr/bin/env bash
# The main job on the embedded default: install, build, start an embedded PostgreSQL, build
# options A/B/C from 10,000 products and replay scenarios/smoke.toml. Exit code is loadgate's
# (0 all thresholds held, 99 a threshold crossed). Extra arguments go to `loadgate run`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The main job needs neither the tests nor what only they install (a browser, a Java runtime).
LOADGATE_TESTS=OFF bash "$root/ci/build.sh"
cd "$root"
exec "${BUILD_DIR:-$root/build}/loadgate" run scenarios/smoke.toml "$@"
