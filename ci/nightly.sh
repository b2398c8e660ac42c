#!/usr/bin/env bash
# The nightly regression gate, for any CI (ci/github/nightly.yml, ci/gitlab/nightly.yml):
# install and build, run scenarios/nightly.toml on an embedded PostgreSQL, render report.html,
# and compare the run against the committed baseline (results/baselines/nightly).
# Exit: 0 all good; 99 a threshold was crossed; 4 a significant regression against the
# baseline; 2/3 bad input / infrastructure (loadgate's codes). The run folder is printed as
# "nightly run: <dir>" and written to $GITHUB_OUTPUT (run_dir) when set.
# Env: RESULTS_DIR (default results/nightly), BASELINE (default results/baselines/nightly).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOADGATE_TESTS=OFF bash "$root/ci/build.sh" || exit 3
lg="${BUILD_DIR:-$root/build}/loadgate"
results="${RESULTS_DIR:-$root/results/nightly}"
baseline="${BASELINE:-$root/results/baselines/nightly}"

"$lg" run "$root/scenarios/nightly.toml" --results-dir "$results"
run_rc=$?
run="$(ls -td "$results"/*/ 2>/dev/null | head -1)"
run="${run%/}"
[ -n "$run" ] || exit "$run_rc"
echo "nightly run: $run"
[ -n "${GITHUB_OUTPUT:-}" ] && echo "run_dir=$run" >>"$GITHUB_OUTPUT"

"$lg" report "$run" || echo "nightly: report failed (the gate does not depend on it)" >&2

compare_rc=0
if [ -d "$baseline" ]; then
  "$lg" compare "$run" --baseline "$baseline" --format md | tee "$run/compare.md"
  compare_rc=${PIPESTATUS[0]}
  [ -n "${GITHUB_STEP_SUMMARY:-}" ] && cat "$run/compare.md" >>"$GITHUB_STEP_SUMMARY"
else
  echo "nightly: no baseline at $baseline; not gating on regressions" >&2
fi
# A crossed threshold (99) or a broken run outranks a regression verdict.
[ "$run_rc" -ne 0 ] && exit "$run_rc"
exit "$compare_rc"
