#!/usr/bin/env bash
# The HTTP side, in one go:
#  1. loadgate beside wrk on catalog-api's static GET /ping (no database work), same connection
#     count and duration, one after the other against one catalog-api: both throughputs, both
#     p99s and the ratio. wrk is the reference for a C event-loop client; loadgate runs one
#     blocking cpp-httplib client per VU and records every request in a histogram.
#  2. catalog-api's own throughput on GET /api/products?categoryId=..&page=.. for options A, B
#     and C at 100K products: one loadgate run that starts catalog-api per option (closed
#     model, CONNECTIONS VUs).
# Usage: bench/http_vs_wrk.sh   (env: CONNECTIONS=16, DURATION=15, WRK_THREADS=2, BUILD_DIR)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
conns="${CONNECTIONS:-16}"
duration="${DURATION:-15}"
api="$(dirname "$lg")/catalog-api"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

api_pid=""
cleanup() {
  [ -n "$api_pid" ] && kill "$api_pid" 2>/dev/null && wait "$api_pid" 2>/dev/null
  stop_cluster
}
trap cleanup EXIT

start_cluster --products 1000 --seed 42 --options A
"$api" --dsn "$dsn" --option A --port 0 --pool 4 --threads $((conns + 8)) \
  >"$work/api.out" 2>"$work/api.err" &
api_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/api.out" && break; sleep 0.1; done
url="$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$work/api.out")"
[ -n "$url" ] || { echo "catalog-api did not start: $(cat "$work/api.err")" >&2; exit 1; }

echo "== GET /ping on catalog-api, $conns connections, ${duration}s each, $(nproc) cores =="
wrk_out="$(wrk -t "${WRK_THREADS:-2}" -c "$conns" -d "${duration}s" --latency "$url/ping")"
wrk_rps="$(echo "$wrk_out" | awk '/^Requests\/sec:/ { print $2 }')"
wrk_p99="$(echo "$wrk_out" | awk '$1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
  print (u == "us" ? v / 1000 : (u == "s" ? v * 1000 : v)) }')"

cat >"$work/ping.toml" <<TOML
name = "ping"
[dataset]
products = 1000
seed = 42
[database]
options = ["A"]
[workload.requests.ping]
path = "/ping"
[http]
base_url = "$url"
[executor]
type = "ramping-vus"
warmup = "2s"
start_vus = $conns
stages = [{ duration = "${duration}s", target = $conns, name = "steady" }]
TOML
"$lg" run "$work/ping.toml" --dsn "$dsn" --results-dir "$work/ping" >/dev/null 2>&1
read -r lg_rps lg_p99 < <(python3 -c "import json,glob; d=json.load(open(glob.glob('$work/ping/*/summary.json')[0])); s=d['options']['A']['requests']['ping']['stages']['steady']; print(s['throughput_per_s'], s['p99_ms'])")
printf '%-10s %12s %10s\n' client "req/s" "p99 ms"
printf '%-10s %12.0f %10.3f\n' wrk "$wrk_rps" "$wrk_p99" loadgate "$lg_rps" "$lg_p99"
awk -v a="$lg_rps" -v b="$wrk_rps" 'BEGIN { printf "ratio loadgate/wrk: %.3f\n", a / b }'
kill "$api_pid" && wait "$api_pid" 2>/dev/null || true
api_pid=""

echo
echo "== catalog-api GET /api/products (category page), 100K products, $conns VUs, ${duration}s per option =="
cat >"$work/products.toml" <<TOML
name = "api-products"
[dataset]
products = 100_000
seed = 42
[database]
options = ["A", "B", "C"]
[workload.requests.list_products]
path = "/api/products?categoryId={category}&page={page}"
[http]
catalog_api = true
mv_rollout_percent = 100
api_pool = $conns
[executor]
type = "ramping-vus"
warmup = "3s"
start_vus = $conns
stages = [{ duration = "${duration}s", target = $conns, name = "steady" }]
TOML
"$lg" run "$work/products.toml" --dsn "$dsn" --results-dir "$work/products" >/dev/null 2>&1
python3 - "$work" <<'PY'
import glob, json, sys
d = json.load(open(glob.glob(sys.argv[1] + "/products/*/summary.json")[0]))
print("%-7s %10s %9s %9s %9s %7s" % ("option", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"))
for opt in ("A", "B", "C"):
    s = d["options"][opt]["requests"]["list_products"]["stages"]["steady"]
    print("%-7s %10.0f %9.3f %9.3f %9.3f %7d" % (opt, s["throughput_per_s"], s["p50_ms"],
          s["p95_ms"], s["p99_ms"], s["errors"]))
PY
