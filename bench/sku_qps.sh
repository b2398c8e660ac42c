#!/usr/bin/env bash
# Queries per second of sku_lookup on option A at 16 VUs: loadgate (bench/sku_lookup_16vu.toml)
# beside `pgbench -M prepared -c 16` running the same statement on the same cluster.
#
# pgbench cannot draw text parameters, so it gets 128 script files (its limit), each the exact
# text of sql/queries/A/sku_lookup.sql with one SKU drawn from loadgate's own parameter stream
# (`loadgate datagen --emit-params`); loadgate draws SKUs from all products. At 100K products the
# table and index fit in shared_buffers, so both sides read from memory.
# Usage: bench/sku_qps.sh   (env: BUILD_DIR, DURATION=30, PGBENCH_JOBS=2)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
duration="${DURATION:-30}"
start_cluster --products 100000 --seed 42 --options A
echo "cluster: $dsn"

"$lg" run "$root/bench/sku_lookup_16vu.toml" --dsn "$dsn" --results-dir "$work/results" >"$work/run.out"
summary="$(ls -d "$work"/results/*/summary.json)"
lg_qps="$(python3 -c "import json,sys; d=json.load(open('$summary')); s=d['options']['A']['queries']['sku_lookup']['stages']['steady']; print(f\"{s['throughput_per_s']:.0f} qps  p50 {s['p50_ms']} ms  p99 {s['p99_ms']} ms\")")"

mkdir -p "$work/pgbench"
"$lg" datagen --products 100000 --seed 42 --emit-params sku_lookup --count 128 >"$work/skus.txt"
sql="$(grep -v '^--' "$root/sql/queries/A/sku_lookup.sql" | tr '\n' ' ')"
args=()
i=0
while IFS= read -r sku; do
  printf '%s\n' "${sql//\$1/\'$sku\'}" >"$work/pgbench/q$i.sql"
  args+=(-f "$work/pgbench/q$i.sql")
  i=$((i + 1))
done <"$work/skus.txt"
# pgbench takes the DSN as its last argument (a conninfo string is accepted as dbname).
pg_out="$(pgbench -n -M prepared -c 16 -j "${PGBENCH_JOBS:-2}" -T "$duration" "${args[@]}" "$dsn" 2>&1)"
pg_qps="$(echo "$pg_out" | sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p')"
pg_lat="$(echo "$pg_out" | sed -n 's/^latency average = //p')"

echo "sku_lookup, option A, 100K products, 16 VUs/clients, ${duration}s, $(nproc) cores"
echo "  loadgate:                 $lg_qps"
echo "  pgbench -M prepared -c 16: ${pg_qps%.*} qps  latency avg $pg_lat"
