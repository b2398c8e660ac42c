#!/usr/bin/env bash
# How often the nightly gate cries wolf, and whether it catches a real slowdown (issue 14):
# ci/nightly.sh's same-job comparison (baseline and candidate interleaved, one trial each,
# on one embedded cluster), repeated.
#
#   bench/nightly_gate.sh aa [N]     N A/A comparisons: the candidate against itself
#                                    (BASELINE_REF=HEAD). Every regression is a false alarm.
#   bench/nightly_gate.sh power [N]  N comparisons whose candidate runs option A's $QUERY
#                                    slower by $SLOWDOWN of its median (a CPU burn added to the
#                                    statement, sized on this machine first: p50 rises by
#                                    $SLOWDOWN, the tail by less): how many catch it, naming
#                                    that query.
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
pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"

if [ "$mode" = power ]; then
  # Size the burn: option A's p50 of $QUERY in one run, and what a row of generate_series costs
  # on this machine's server (best of five), give the rows that add $SLOWDOWN × p50.
  "$lg" run "$SCENARIO" --keep-db --results-dir "$work/size" 2>"$work/size.log" >/dev/null
  dsn="$(sed -n 's/^kept embedded cluster: //p' "$work/size.log")"
  data="$(sed -n 's/^  stop it with: pg_ctl -D \(.*\) stop  .*/\1/p' "$work/size.log")"
  base="$(sed -n 's/.*(then remove \(.*\))$/\1/p' "$work/size.log")"
  p50="$(python3 -c "import json,glob,sys; d=json.load(open(glob.glob('$work/size/*/summary.json')[0])); print(d['options']['A']['queries']['$query']['all']['p50_ms'])")"
  per_row_ms="$(for _ in 1 2 3 4 5; do
    "$pgbin/psql" "$dsn" -Atc "EXPLAIN (ANALYZE, TIMING OFF) SELECT count(*) FROM generate_series(1, 20000)" |
      sed -n 's/^Execution Time: \(.*\) ms/\1/p'
  done | sort -g | head -1)"
  # As root the server runs as another user and pg_ctl refuses: a fast shutdown by signal.
  pid="$(head -1 "$data/postmaster.pid")"
  kill -INT "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  rm -rf "$base"
  rows="$(python3 -c "print(max(1, round($slowdown * $p50 / ($per_row_ms / 20000))))")"
  echo "power: option A $query p50 ${p50} ms; generate_series ${per_row_ms} ms per 20000 rows;" \
    "burning $rows rows (+$(python3 -c "print(round($slowdown * 100))")% of p50)"
  cp -r "$root/sql" "$work/sql-slow"
  f="$work/sql-slow/options/A/queries/$query.sql"
  python3 - "$f" "$rows" <<'EOF'
import re, sys
path, rows = sys.argv[1], sys.argv[2]
text = open(path).read()
header, body = text.split("\n", 1)
# The burn runs once per statement, before the scan: a materialized CTE joined to one row.
body = re.sub(r"\bFROM (\S+)", r"FROM \1, burn", body, count=1)
body = re.sub(r"\bWHERE ", "WHERE burn.n > 0 AND ", body, count=1)
open(path, "w").write(header + "\nWITH burn AS MATERIALIZED (SELECT count(*) AS n FROM "
                      "generate_series(1, " + rows + "))\n" + body)
EOF
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
  echo "comparison $i: exit $rc, ${regressions:-0} regression(s), $named naming A $query," \
    "$(($(date +%s) - start)) s  ($job)"
  alarms=$((alarms + ${regressions:-0}))
  [ "$rc" -eq 4 ] && [ "$named" -gt 0 ] && caught=$((caught + 1))
done
if [ "$mode" = aa ]; then
  echo "A/A: $alarms false alarm(s) over $n same-job comparisons of $TRIALS trials a side"
else
  echo "power: the slowed query caught in $caught of $n comparisons ($alarms regression line(s) in all)"
fi
