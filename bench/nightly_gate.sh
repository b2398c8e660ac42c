#!/usr/bin/env bash
# How often the nightly gate cries wolf, and whether it catches a real slowdown (issue 14):
# ci/nightly.sh's same-job comparison (baseline and candidate interleaved, one trial each,
# on one embedded cluster), repeated.
#
#   bench/nightly_gate.sh aa [N]     N A/A comparisons: the candidate against itself
#                                    (BASELINE_REF=HEAD). Every regression is a false alarm.
#   bench/nightly_gate.sh power [N]  N comparisons whose candidate runs option A's $QUERY
#                                    slower by $SLOWDOWN of its median (a CPU burn added to the
#                                    statement, sized on this machine first; ROWS=n skips the
#                                    sizing): how many catch it, naming that query. Each line
#                                    shows the p50 change compare measured, since the burn's
#                                    effect varies between runs.
#
# Env: SCENARIO (default bench/gate.toml: 10K products, 6 s per option), TRIALS (default 8, as
# ci/nightly.sh), QUERY (default category_page), SLOWDOWN (default 0.2). Prints one line per
# comparison and a total; the job folders stay in results/bench-gate/. Load goes to an embedded
# cluster only.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="${1:?usage: bench/nightly_gate.sh aa|power [N]}"
n="${2:-10}"
export SCENARIO="${SCENARIO:-$root/bench/gate.toml}"
export TRIALS="${TRIALS:-8}"
export BASELINE_REF=HEAD
query="${QUERY:-category_page}"
slowdown="${SLOWDOWN:-0.2}"
out="$root/results/bench-gate"
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
LOADGATE_TESTS=OFF bash "$root/ci/build.sh" >/dev/null || exit 3
lg="${BUILD_DIR:-$root/build}/loadgate"

if [ "$mode" = power ]; then
  # The burn: a materialized CTE counting generate_series(1, rows), run once per statement,
  # before the scan. slow_sql DIR ROWS writes a copy of sql/ whose $QUERY of option A burns.
  slow_sql() {
    rm -rf "$1"
    cp -r "$root/sql" "$1"
    python3 - "$1/options/A/queries/$query.sql" "$2" <<'EOF'
import re, sys
path, rows = sys.argv[1], sys.argv[2]
text = open(path).read()
header, body = text.split("\n", 1)
body = re.sub(r"\bFROM (\S+)", r"FROM \1, burn", body, count=1)
body = re.sub(r"\bWHERE ", "WHERE burn.n > 0 AND ", body, count=1)
open(path, "w").write(header + "\nWITH burn AS MATERIALIZED (SELECT count(*) AS n FROM "
                      "generate_series(1, " + rows + "))\n" + body)
EOF
  }
  # Size it as the gate sees it: option A's p50 of $QUERY with no burn and with a probe burn of
  # $probe rows, three runs of each alternated on one kept cluster (medians), give what a row
  # costs in loadgate's latency. (A server-side EXPLAIN ANALYZE of generate_series put a row at
  # 4.5 times that on this machine: a "20%" burn sized by it added 4%, and no comparison saw it.)
  probe=2000
  if [ -n "${ROWS:-}" ]; then
    echo "power: burning $ROWS rows (ROWS: no sizing)"
    slow_sql "$work/sql-slow" "$ROWS"
  else
    slow_sql "$work/sql-probe" "$probe"
    p50_of() {
      python3 -c "import json, glob, statistics as s; print(s.median(json.load(open(f))['options']['A']['queries']['$query']['all']['p50_ms'] for f in glob.glob('$1/*/summary.json')))"
    }
    "$lg" run "$SCENARIO" --keep-db --results-dir "$work/size/plain" 2>"$work/size.log" >/dev/null
    dsn="$(sed -n 's/^kept embedded cluster: //p' "$work/size.log")"
    data="$(sed -n 's/^  stop it with: pg_ctl -D \(.*\) stop  .*/\1/p' "$work/size.log")"
    base="$(sed -n 's/.*(then remove \(.*\))$/\1/p' "$work/size.log")"
    for side in probe plain probe plain probe; do
      extra=()
      [ "$side" = probe ] && extra=(--sql-dir "$work/sql-probe")
      "$lg" run "$SCENARIO" "${extra[@]}" --dsn "$dsn" --results-dir "$work/size/$side" >/dev/null 2>&1
    done
    # As root the server runs as another user and pg_ctl refuses: a fast shutdown by signal.
    pid="$(head -1 "$data/postmaster.pid")"
    kill -INT "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    rm -rf "$base"
    p50="$(p50_of "$work/size/plain")"
    p50_probe="$(p50_of "$work/size/probe")"
    rows="$(python3 -c "d = $p50_probe - $p50; print(round($slowdown * $p50 * $probe / d) if d > 0 else 0)")"
    if [ "$rows" -le 0 ]; then
      echo "power: a burn of $probe rows did not move option A's $query p50 ($p50 -> $p50_probe ms)" >&2
      exit 3
    fi
    echo "power: option A $query p50 ${p50} ms, ${p50_probe} ms with $probe rows burned;" \
      "burning $rows rows (+$(python3 -c "print(round($slowdown * 100))")% of p50)"
    slow_sql "$work/sql-slow" "$rows"
  fi
  export CANDIDATE_SQL_DIR="$work/sql-slow"
fi

caught=0 alarms=0
for i in $(seq 1 "$n"); do
  start=$(date +%s)
  RESULTS_DIR="$out/$mode" bash "$root/ci/nightly.sh" >"$work/job.log" 2>&1
  rc=$?
  job="$(sed -n 's/^nightly job: //p' "$work/job.log" | head -1)"
  regressions="$(grep -c '^regression:' "$job/compare.md" 2>/dev/null)"
  named="$(grep '^regression:' "$job/compare.md" 2>/dev/null | grep -c "option A, query $query,")"
  # The slowed query's p50 change as compare estimated it: what was injected, as measured.
  change="$(grep "| A | $query | p50 ms |" "$job/compare.md" 2>/dev/null | grep trials |
    awk -F'|' '{gsub(/^ +| +$/, "", $7); print $7}')"
  echo "comparison $i: exit $rc, ${regressions:-0} regression(s), $named naming A $query" \
    "(p50 change ${change:-?}), $(($(date +%s) - start)) s  ($job)"
  alarms=$((alarms + ${regressions:-0}))
  [ "$rc" -eq 4 ] && [ "$named" -gt 0 ] && caught=$((caught + 1))
done
if [ "$mode" = aa ]; then
  echo "A/A: $alarms false alarm(s) over $n same-job comparisons of $TRIALS trials a side"
else
  echo "power: the slowed query caught in $caught of $n comparisons ($alarms regression line(s) in all)"
fi
