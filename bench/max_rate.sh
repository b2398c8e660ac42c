#!/usr/bin/env bash
# The largest constant arrival rate of sku_lookup (option A, 10K products) this machine
# sustains: for each rate, 10 s of constant-arrival-rate; prints throughput, dropped
# iterations, schedule lag p99 (the load generator's own lateness) and sql_duration p99.
# Usage: bench/max_rate.sh   (env: RATES="1000 2000 5000 10000 20000", DURATION=10, BUILD_DIR)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
duration="${DURATION:-10}"
start_cluster --products 10000 --seed 42 --options A
echo "sku_lookup, option A, 10K products, constant-arrival-rate, ${duration}s per rate, $(nproc) cores"
printf '%8s %12s %10s %14s %14s\n' rate "done/s" dropped "lag p99 ms" "p99 ms"
for rate in ${RATES:-1000 2000 5000 10000 20000}; do
  cat >"$work/s.toml" <<TOML
name = "rate-$rate"
[dataset]
products = 10_000
seed = 42
[database]
options = ["A"]
[workload.mix]
sku_lookup = 1
[executor]
type = "constant-arrival-rate"
warmup = "2s"
rate = $rate
duration = "${duration}s"
pre_allocated_vus = 16
max_vus = 64
TOML
  "$lg" run "$work/s.toml" --dsn "$dsn" --results-dir "$work/results-$rate" >/dev/null 2>&1
  python3 - "$work/results-$rate" "$rate" <<'PY'
import glob, json, sys
d = json.load(open(glob.glob(sys.argv[1] + "/*/summary.json")[0]))
a = d["options"]["A"]
q = a["queries"]["sku_lookup"]["all"]
print(f"{int(sys.argv[2]):8d} {q['throughput_per_s']:12.0f} {a['dropped_iterations']:10d} "
      f"{a['schedule_lag']['p99_ms']:14.3f} {q['p99_ms']:14.3f}")
PY
done
