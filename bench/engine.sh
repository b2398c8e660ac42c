#!/usr/bin/env bash
# The event-driven engine beside the reference tools, ratios side by side (issue 12):
#   pgbench  closed model on option A, 100K products, loadgate vs `pgbench -M prepared -j 2` at
#            CLIENTS connections, on two statements: sku_lookup (the issue's; pgbench cannot
#            draw text parameters, so it gets 128 script files, its limit, each with one SKU
#            from loadgate's stream, while loadgate draws from every product: pgbench reads
#            128 hot rows) and id_lookup (the same row by id, both drawing ids uniformly from
#            all 100K: the like-for-like comparison). loadgate's samples are checked against
#            the server's pg_stat_statements.calls (they must be equal).
#   wrk      GET of a small static page (nginx, bench/static_target.sh) at HTTP_CONNS
#            connections, loadgate vs `wrk -t 2`
#   users    USERS VUs, each GET /product then 1 s of think time: loadgate's peak RSS, and its
#            CPU (% of one core) while holding USERS
#   open     constant arrival rate of GET /product on nginx at each of RATES: achieved rate,
#            dropped iterations, schedule lag p99 (the generator's own lateness); the largest
#            rate with lag p99 < 1 ms is the figure (a static target, so that the generator and
#            not a database sharing its 2 cores is what is measured; one event loop by default,
#            OPEN_THREADS, leaving the other core to nginx)
# Usage: bench/engine.sh [pgbench] [wrk] [users] [open]   (default: all four)
# Env: DURATION=15, CLIENTS="1 16 256 1000", HTTP_CONNS="64 1000", USERS=5000,
#      RATES="10000 20000 30000 40000", OPEN_THREADS=1, BUILD_DIR
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
duration="${DURATION:-15}"
parts=("$@")
[ ${#parts[@]} -eq 0 ] && parts=(pgbench wrk users open)
static_port=8091
trap 'bash "$root/bench/static_target.sh" stop $static_port; stop_cluster' EXIT

# summary.json field of the only run under $1: python expression on `a` (option A).
field() {
  python3 -c "import json,glob; a=json.load(open(glob.glob('$1/*/summary.json')[0]))['options']['A']; print($2)"
}

# One closed-model scenario of one workload on option A; $1 name, $2 VUs, $3 workload TOML.
closed_scenario() {
  cat <<TOML
name = "$1"
[dataset]
products = 100_000
seed = 42
[database]
options = ["A"]
$3
[executor]
type = "ramping-vus"
start_vus = $2
graceful_stop = "60s"
stages = [{ duration = "${duration}s", target = $2, name = "steady" }]
TOML
}

# Compares one statement at every CLIENTS count; $1 query name, $2.. pgbench script arguments.
compare_pgbench() {
  local query="$1" n calls lg_qps lg_p99 lg_n pg_qps
  shift
  echo "== $query, option A, 100K products, ${duration}s per run, $(nproc) cores =="
  printf '%8s %14s %14s %8s %14s %16s\n' clients "loadgate qps" "pgbench qps" ratio \
    "loadgate p99" "samples = calls"
  for n in ${CLIENTS:-1 16 256 1000}; do
    closed_scenario "engine-pg-$n" "$n" "[workload.mix]
$query = 1" >"$work/s.toml"
    psql -qAt "$dsn" -c "SELECT pg_stat_statements_reset()" >/dev/null
    "$lg" run "$work/s.toml" --dsn "$dsn" --sql-dir "$work/sql" --results-dir "$work/pg-$query-$n" \
      >/dev/null 2>&1
    # The statement itself (its select list and its WHERE column), not the dataset check's
    # lookups of a few products by id nor the EXPLAIN of the plan capture.
    calls="$(psql -qAt "$dsn" -c "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE
      query LIKE '%SELECT id, sku, slug, name, description%WHERE ${query%_lookup} = \$1%'
      AND query NOT ILIKE '%explain%'")"
    lg_qps="$(field "$work/pg-$query-$n" "a['queries']['$query']['all']['throughput_per_s']")"
    lg_p99="$(field "$work/pg-$query-$n" "a['queries']['$query']['all']['p99_ms']")"
    lg_n="$(field "$work/pg-$query-$n" "a['queries']['$query']['all']['count']")"
    pg_qps="$(pgbench -n -M prepared -c "$n" -j "$((n < 2 ? n : 2))" -T "$duration" "$@" "$dsn" \
      2>&1 | sed -n 's/^tps = \([0-9.]*\) (without initial.*/\1/p')"
    awk -v n="$n" -v a="$lg_qps" -v b="${pg_qps:-0}" -v p="$lg_p99" -v s="$lg_n" -v c="$calls" '
      BEGIN { printf "%8d %14.0f %14.0f %8s %11.3f ms %16s\n", n, a, b,
              (b > 0 ? sprintf("%.2f", a / b) : "inf"), p, s " = " c (s == c ? "" : "  MISMATCH") }'
  done
}

bench_pgbench() {
  # 1,000 connections and pg_stat_statements need a server started for them.
  restart_cluster -c max_connections=1100 -c shared_preload_libraries=pg_stat_statements
  psql -q "$dsn" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
  # sql/ plus id_lookup: sku_lookup's row by a uniformly drawn id.
  cp -r "$root/sql" "$work/sql"
  for o in A B C; do
    printf -- '-- params: product_id\n%s\n' "$(grep -v '^--' "$root/sql/options/A/queries/sku_lookup.sql" |
      sed 's/WHERE sku = \$1/WHERE id = $1/')" >"$work/sql/options/$o/queries/id_lookup.sql"
  done
  mkdir -p "$work/pgbench"
  "$lg" datagen --products 100000 --seed 42 --emit-params sku_lookup --count 128 >"$work/skus.txt"
  local sql scripts=() i=0
  sql="$(grep -v '^--' "$root/sql/options/A/queries/sku_lookup.sql" | tr '\n' ' ')"
  while IFS= read -r sku; do
    printf '%s\n' "${sql//\$1/\'$sku\'}" >"$work/pgbench/q$i.sql"
    scripts+=(-f "$work/pgbench/q$i.sql")
    i=$((i + 1))
  done <"$work/skus.txt"
  printf '\\set id random(1, 100000)\n%s\n' "${sql//\$1/:id}" |
    sed 's/WHERE sku = :id/WHERE id = :id/' >"$work/pgbench/id.sql"
  compare_pgbench sku_lookup "${scripts[@]}"
  compare_pgbench id_lookup -f "$work/pgbench/id.sql"
}

bench_wrk() {
  command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; return 1; }
  local url
  url="$(bash "$root/bench/static_target.sh" start $static_port)"
  echo "== GET /product (nginx, 1 worker), ${duration}s per run, $(nproc) cores =="
  printf '%8s %14s %14s %8s %14s %14s\n' conns "loadgate rps" "wrk rps" ratio "loadgate p99" \
    "wrk p99"
  for n in ${HTTP_CONNS:-64 1000}; do
    closed_scenario "engine-http-$n" "$n" "[workload.requests.product]
path = \"/product\"
[http]
base_url = \"$url\"" >"$work/s.toml"
    "$lg" run "$work/s.toml" --dsn "$dsn" --results-dir "$work/http-$n" >/dev/null 2>&1
    local lg_rps lg_p99 wrk_out wrk_rps wrk_p99
    lg_rps="$(field "$work/http-$n" "a['requests']['product']['all']['throughput_per_s']")"
    lg_p99="$(field "$work/http-$n" "a['requests']['product']['all']['p99_ms']")"
    wrk_out="$(wrk -t 2 -c "$n" -d "${duration}s" --latency "$url/product")"
    wrk_rps="$(echo "$wrk_out" | awk '/^Requests\/sec:/ { print $2 }')"
    wrk_p99="$(echo "$wrk_out" | awk '$1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u);
      sub(/[a-z]+$/, "", v); print (u == "us" ? v / 1000 : (u == "s" ? v * 1000 : v)) }')"
    awk -v n="$n" -v a="$lg_rps" -v b="$wrk_rps" -v p="$lg_p99" -v q="$wrk_p99" '
      BEGIN { printf "%8d %14.0f %14.0f %8.2f %11.3f ms %11.3f ms\n", n, a, b, a / b, p, q }'
  done
}

# utime + stime of process $1, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

bench_users() {
  local url users="${USERS:-5000}" hold=30
  url="$(bash "$root/bench/static_target.sh" start $static_port)"
  cat >"$work/users.toml" <<TOML
name = "engine-users"
[dataset]
products = 1000
[database]
options = ["A"]
[workload.requests.product]
path = "/product"
[workload.journeys.user]
steps = [{ request = "product", think = "1s" }]
[http]
base_url = "$url"
[executor]
type = "ramping-vus"
start_vus = $users
stages = [{ duration = "$((hold + 10))s", target = $users, name = "hold" }]
TOML
  /usr/bin/time -v "$lg" run "$work/users.toml" --dsn "$dsn" --results-dir "$work/users" \
    >"$work/users.out" 2>"$work/users.err" &
  local timer=$! pid="" t0 t1
  for _ in $(seq 600); do
    pid="$(pgrep -P "$timer" loadgate || true)"
    [ -n "$pid" ] && grep -q "VUs connected" "$work/users.err" && break
    sleep 0.1
  done
  sleep 5  # the first think times spread the users out
  t0="$(cpu_ticks "$pid")"
  sleep "$hold"
  t1="$(cpu_ticks "$pid")"
  wait "$timer"
  local rss rps
  rss="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/users.err")"
  rps="$(field "$work/users" "a['requests']['product']['all']['throughput_per_s']")"
  echo "== $users VUs, GET /product then think 1 s, on nginx =="
  awk -v u="$users" -v r="$rss" -v c="$((t1 - t0))" -v tck="$(getconf CLK_TCK)" -v h="$hold" \
    -v rps="$rps" 'BEGIN { printf "%d VUs: %.0f req/s, peak RSS %.0f MB, CPU %.1f%% of one core\n",
      u, rps, r / 1024, 100 * c / tck / h }'
}

bench_open() {
  local url
  url="$(bash "$root/bench/static_target.sh" start $static_port)"
  echo "== GET /product (nginx), constant-arrival-rate, ${duration}s per rate, $(nproc) cores =="
  printf '%8s %12s %10s %14s %14s\n' rate "done/s" dropped "lag p99 ms" "p99 ms"
  for rate in ${RATES:-10000 20000 30000 40000}; do
    cat >"$work/s.toml" <<TOML
name = "engine-rate-$rate"
[dataset]
products = 1000
[database]
options = ["A"]
[workload.requests.product]
path = "/product"
[http]
base_url = "$url"
[engine]
threads = ${OPEN_THREADS:-1}
[executor]
type = "constant-arrival-rate"
warmup = "2s"
rate = $rate
duration = "${duration}s"
pre_allocated_vus = 64
max_vus = 256
TOML
    "$lg" run "$work/s.toml" --dsn "$dsn" --results-dir "$work/rate-$rate" >/dev/null 2>&1
    field "$work/rate-$rate" "'%8d %12.0f %10d %14.3f %14.3f' % ($rate,
      a['requests']['product']['all']['throughput_per_s'], a['dropped_iterations'],
      a['schedule_lag']['p99_ms'], a['requests']['product']['all']['p99_ms'])"
  done
}

start_cluster --products 100000 --seed 42 --options A
for part in "${parts[@]}"; do
  case "$part" in
    pgbench | wrk | users | open) "bench_$part" ;;
    *) echo "unknown part: $part (pgbench, wrk, users, open)" >&2; exit 2 ;;
  esac
done
