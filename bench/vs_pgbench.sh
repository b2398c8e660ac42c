#!/usr/bin/env bash
# loadgate beside `pgbench -M prepared` on the same statement (sql/queries/A/sku_lookup.sql), the
# same connection counts (1, 4, 16 by default) and duration, one after the other on one
# embedded cluster; prints both throughputs and the ratio (target: loadgate >= 0.95x pgbench
# while recording a histogram for every query).
#
# pgbench cannot draw text parameters, so it gets 128 script files (its limit), each the exact
# statement with one SKU from loadgate's own parameter stream (`loadgate datagen
# --emit-params`); loadgate draws SKUs from all products. At 100K products the table and index
# fit in shared_buffers, so both sides read from memory.
# Usage: bench/vs_pgbench.sh   (env: CLIENTS="1 4 16", DURATION=20, PGBENCH_JOBS=2, BUILD_DIR)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
duration="${DURATION:-20}"
start_cluster --products 100000 --seed 42 --options A

mkdir -p "$work/pgbench"
"$lg" datagen --products 100000 --seed 42 --emit-params sku_lookup --count 128 >"$work/skus.txt"
sql="$(grep -v '^--' "$root/sql/queries/A/sku_lookup.sql" | tr '\n' ' ')"
scripts=()
i=0
while IFS= read -r sku; do
  printf '%s\n' "${sql//\$1/\'$sku\'}" >"$work/pgbench/q$i.sql"
  scripts+=(-f "$work/pgbench/q$i.sql")
  i=$((i + 1))
done <"$work/skus.txt"

echo "sku_lookup, option A, 100K products, ${duration}s per run, $(nproc) cores"
printf '%8s %14s %14s %8s %14s\n' clients "loadgate qps" "pgbench qps" ratio "loadgate p99"
for n in ${CLIENTS:-1 4 16}; do
  cat >"$work/s.toml" <<TOML
name = "vs-pgbench-$n"
[dataset]
products = 100_000
seed = 42
[database]
options = ["A"]
[workload.mix]
sku_lookup = 1
[executor]
type = "ramping-vus"
warmup = "3s"
start_vus = $n
stages = [{ duration = "${duration}s", target = $n, name = "steady" }]
TOML
  "$lg" run "$work/s.toml" --dsn "$dsn" --results-dir "$work/results-$n" >/dev/null 2>&1
  read -r lg_qps lg_p99 < <(python3 -c "import json,glob; d=json.load(open(glob.glob('$work/results-$n/*/summary.json')[0])); s=d['options']['A']['queries']['sku_lookup']['stages']['steady']; print(s['throughput_per_s'], s['p99_ms'])")
  pg_out="$(pgbench -n -M prepared -c "$n" -j "$(( n < ${PGBENCH_JOBS:-2} ? n : ${PGBENCH_JOBS:-2} ))" -T "$duration" "${scripts[@]}" "$dsn" 2>&1)"
  pg_qps="$(echo "$pg_out" | sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p')"
  awk -v n="$n" -v a="$lg_qps" -v b="$pg_qps" -v p="$lg_p99" 'BEGIN {
    printf "%8d %14.0f %14.0f %8.3f %11.3f ms\n", n, a, b, a / b, p }'
done
