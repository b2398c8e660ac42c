#!/usr/bin/env bash
# The nightly regression gate, for any CI (ci/github/nightly.yml, ci/gitlab/nightly.yml).
#
# Same-job A/B (the default): builds the candidate (this checkout) and the baseline revision
# (the git ref in results/baselines/nightly.ref, the last accepted main), then runs
# scenarios/nightly.toml with each, one trial at a time, interleaved (C B B C C B …: each pair
# alternates who goes first, so a drift of the machine during the job falls on both alike), on
# one embedded PostgreSQL and one dataset. The gate is `loadgate compare candidate/ --baseline
# baseline/`: every run is a trial, the change a Hodges–Lehmann shift with its interval, the
# error controlled over all metrics (Holm). Both sides ran on this machine in this hour, so the
# machine's speed cancels out.
#
# Fallback (no git history, the ref unknown, or the baseline does not build): one run of the
# candidate with --trials, compared against the committed baseline folder
# (results/baselines/nightly), which `compare` refuses when the machines' calibrations differ.
#
# Exit: 0 all good; 99 a threshold was crossed (or an invariant broken) in a candidate run;
# 4 a significant regression; 2/3 bad input / infrastructure (loadgate's codes).
# Output: results/nightly/<UTC>/ with candidate/ and baseline/ (a run folder per trial, the
# last candidate run with report.html) and compare.md; printed as "nightly job: <dir>" and
# written to $GITHUB_OUTPUT (run_dir) when set.
# Env: TRIALS (default 8: what Holm over nightly.toml's 96 gated metrics — p50, p95, p99 and
# throughput of 8 queries × 3 options — needs to reach 0.05 when one alone moves; compare
# warns when a family outgrows it), BASELINE_REF (default: results/baselines/nightly.ref),
# SCENARIO (default scenarios/nightly.toml), RESULTS_DIR (default results/nightly),
# BASELINE (the committed folder, default results/baselines/nightly), CANDIDATE_SQL_DIR (run
# the candidate with this sql/ folder: a changed query tried without a commit, and how
# bench/nightly_gate.sh injects a slowdown).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
trials="${TRIALS:-8}"
scenario="${SCENARIO:-$root/scenarios/nightly.toml}"
results="${RESULTS_DIR:-$root/results/nightly}"
committed="${BASELINE:-$root/results/baselines/nightly}"
ref="${BASELINE_REF:-$(cat "$root/results/baselines/nightly.ref" 2>/dev/null || true)}"

LOADGATE_TESTS=OFF bash "$root/ci/build.sh" || exit 3
cand_lg="${BUILD_DIR:-$root/build}/loadgate"
cand_sql=()
[ -n "${CANDIDATE_SQL_DIR:-}" ] && cand_sql=(--sql-dir "$CANDIDATE_SQL_DIR")
job="$results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$job"
echo "nightly job: $job"
[ -n "${GITHUB_OUTPUT:-}" ] && echo "run_dir=$job" >>"$GITHUB_OUTPUT"
work="$(mktemp -d)"
cluster_data="" cluster_base="" worktree=""
# Stops the kept cluster with a fast shutdown (SIGINT to the postmaster: pg_ctl refuses to
# run as root, and as root loadgate ran the server as another user), then removes it.
stop_cluster() {
  local pid
  pid="$(head -1 "$1/postmaster.pid" 2>/dev/null)"
  if [ -n "$pid" ] && kill -INT "$pid" 2>/dev/null; then
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$2"
}
cleanup() {
  [ -n "$cluster_data" ] && stop_cluster "$cluster_data" "$cluster_base"
  [ -n "$worktree" ] && git -C "$root" worktree remove --force "$worktree" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

# The baseline binary: built from $ref in a worktree; the candidate's own when $ref is HEAD.
base_lg=""
if [ -n "$ref" ] && commit="$(git -C "$root" rev-parse --verify -q "$ref^{commit}")"; then
  if [ "$commit" = "$(git -C "$root" rev-parse HEAD)" ]; then
    echo "nightly: the baseline $ref is this commit: an A/A comparison"
    base_lg="$cand_lg"
  else
    worktree="$work/baseline-src"
    if git -C "$root" worktree add --detach -q "$worktree" "$commit" &&
      BUILD_DIR="$work/baseline-build" LOADGATE_TESTS=OFF bash "$worktree/ci/build.sh"; then
      base_lg="$work/baseline-build/loadgate"
      echo "nightly: baseline $ref = $commit"
    else
      echo "nightly: the baseline $ref ($commit) does not build; falling back to $committed" >&2
    fi
  fi
else
  echo "nightly: no baseline revision (${ref:-none}) in this checkout; falling back to $committed" >&2
fi

worst=0  # the highest exit code of a candidate run (99 crossed thresholds, 2/3 broken)
note_rc() { [ "$1" -gt "$worst" ] && worst="$1"; }

if [ -z "$base_lg" ]; then
  "$cand_lg" run "$scenario" --trials "$trials" "${cand_sql[@]}" --results-dir "$job/candidate"
  note_rc $?
  run="$(ls -td "$job/candidate"/*/ 2>/dev/null | head -1)"
  [ -n "$run" ] || exit "$worst"
  "$cand_lg" report "$run" || echo "nightly: report failed (the gate does not depend on it)" >&2
  compare_rc=0
  if [ -d "$committed" ]; then
    "$cand_lg" compare "${run%/}" --baseline "$committed" --format md | tee "$job/compare.md"
    compare_rc=${PIPESTATUS[0]}
  else
    echo "nightly: no baseline at $committed; not gating on regressions" >&2
  fi
else
  # One trial of one side. The first run keeps its embedded cluster for all the others.
  dsn=""
  run_side() {
    local side="$1" lg="$2" log="$work/run.log" rc
    local extra=()
    [ "$side" = candidate ] && extra=("${cand_sql[@]}")
    if [ -z "$dsn" ]; then
      "$lg" run "$scenario" "${extra[@]}" --keep-db --results-dir "$job/$side" 2>"$log"
      rc=$?
      cat "$log" >&2
      dsn="$(sed -n 's/^kept embedded cluster: //p' "$log" | head -1)"
      cluster_data="$(sed -n 's/^  stop it with: pg_ctl -D \(.*\) stop  (then remove \(.*\))$/\1/p' "$log" | head -1)"
      cluster_base="$(sed -n 's/^  stop it with: pg_ctl -D \(.*\) stop  (then remove \(.*\))$/\2/p' "$log" | head -1)"
      [ -n "$dsn" ] || { echo "nightly: the first run kept no cluster" >&2; exit 3; }
    else
      "$lg" run "$scenario" "${extra[@]}" --dsn "$dsn" --results-dir "$job/$side"
      rc=$?
    fi
    return "$rc"
  }
  for i in $(seq 1 "$trials"); do
    if [ $((i % 2)) -eq 1 ]; then order="candidate baseline"; else order="baseline candidate"; fi
    for side in $order; do
      echo "nightly: trial $i/$trials, $side"
      if [ "$side" = candidate ]; then
        run_side candidate "$cand_lg"
        note_rc $?
      else
        run_side baseline "$base_lg" || echo "nightly: a baseline run failed ($?)" >&2
      fi
      # Bad input or a broken infrastructure ends the job: more trials would say the same.
      [ "$worst" -eq 2 ] || [ "$worst" -eq 3 ] && exit "$worst"
    done
  done
  run="$(ls -td "$job/candidate"/*/ 2>/dev/null | head -1)"
  [ -n "$run" ] && { "$cand_lg" report "$run" || echo "nightly: report failed" >&2; }
  "$cand_lg" compare "$job/candidate" --baseline "$job/baseline" --format md | tee "$job/compare.md"
  compare_rc=${PIPESTATUS[0]}
fi
[ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f "$job/compare.md" ] && cat "$job/compare.md" >>"$GITHUB_STEP_SUMMARY"
# A crossed threshold (99) or a broken run outranks a regression verdict.
[ "$worst" -ne 0 ] && exit "$worst"
exit "$compare_rc"
