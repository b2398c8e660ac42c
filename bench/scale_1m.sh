#!/usr/bin/env bash
# Option C's bet at 1M, per refresh strategy: runs the scale scenario once per strategy on its
# own embedded cluster — interval: scenarios/scale-1m.toml (A beside C); trigger:
# scenarios/scale-1m-trigger.toml; continuous or debounced: scale-1m.toml on C with that
# strategy — records loadgate's peak RSS, and prints per run: build times, steady-stage read
# latency, reads during vs outside a refresh, each refresh's duration and cost, staleness and
# view age, writes, and the SLO verdicts. 10-15 minutes per strategy on 2 cores.
# Usage: bench/scale_1m.sh [interval|trigger|continuous|debounced ...]   (default: interval
# trigger; env: BUILD_DIR, OUT=results dir)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lg="${BUILD_DIR:-$root/build}/loadgate"
out="${OUT:-$root/results/scale-1m}"
mkdir -p "$out"
strategies=("$@")
[ ${#strategies[@]} -eq 0 ] && strategies=(interval trigger)

scenario_for() {
  case "$1" in
    interval) echo "$root/scenarios/scale-1m.toml" ;;
    trigger) echo "$root/scenarios/scale-1m-trigger.toml" ;;
    continuous | debounced)
      sed -e "s/^name = \"scale-1m\"/name = \"scale-1m-$1\"/" -e 's/^options = \["A", "C"\]/options = ["C"]/' \
        -e "s/^strategy = \"interval\"/strategy = \"$1\"/" -e '/option:A/d' "$root/scenarios/scale-1m.toml" >"$out/scale-1m-$1.toml"
      echo "$out/scale-1m-$1.toml" ;;
    *) echo "unknown strategy $1" >&2; exit 2 ;;
  esac
}

ms() { jq -r "$1 // empty | if type == \"number\" then (. * 10 | round / 10 | tostring) else . end" "$2"; }

for strategy in "${strategies[@]}"; do
  scenario="$(scenario_for "$strategy")"
  name="$(basename "$scenario" .toml)"
  /usr/bin/time -v "$lg" run "$scenario" --results-dir "$out/$name" >"$out/$name.log" 2>&1
  code=$?
  run="$(ls -d "$out/$name"/*/ | tail -1)"
  s="$run/summary.json"
  rss_kb="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$out/$name.log")"
  echo "== $name: exit $code, loadgate peak RSS $((rss_kb / 1024)) MiB, $run"
  strategy="$(jq -r '.scenario.refresher.strategy // "none"' "$s")"
  for opt in $(jq -r '.options | keys[]' "$s"); do
    o=".options.$opt"
    echo "-- option $opt (strategy: $([ "$opt" = C ] && echo "$strategy" || echo "n/a"))"
    echo "   build s: total $(ms "$o.build.total_s" "$s"), copy $(ms "$o.build.copy_s" "$s"), indexes $(ms "$o.build.indexes_s" "$s"), view $(ms "$o.build.view_s" "$s"), live table $(ms "$o.build.live_s" "$s")"
    echo "   reads steady ms: p50 $(ms "$o.reads.stages.steady.p50_ms" "$s"), p95 $(ms "$o.reads.stages.steady.p95_ms" "$s"), p99 $(ms "$o.reads.stages.steady.p99_ms" "$s"), count $(ms "$o.reads.stages.steady.count" "$s"), dropped $(ms "$o.dropped_iterations" "$s")"
    echo "   reads during refresh ms: p50 $(ms "$o.reads.during_refresh_true.p50_ms" "$s"), p95 $(ms "$o.reads.during_refresh_true.p95_ms" "$s"), p99 $(ms "$o.reads.during_refresh_true.p99_ms" "$s") (n $(ms "$o.reads.during_refresh_true.count" "$s")); outside: p50 $(ms "$o.reads.during_refresh_false.p50_ms" "$s"), p95 $(ms "$o.reads.during_refresh_false.p95_ms" "$s"), p99 $(ms "$o.reads.during_refresh_false.p99_ms" "$s") (n $(ms "$o.reads.during_refresh_false.count" "$s"))"
    echo "   writes: $(ms "$o.writes.count" "$s") (failed $(ms "$o.writes.failures" "$s")), p50 $(ms "$o.writes.latency.p50_ms" "$s") ms, p99 $(ms "$o.writes.latency.p99_ms" "$s") ms"
    if [ "$opt" = C ]; then
      jq -r "$o.refreshes[] | \"   refresh at \(.start_s | round) s: \(.duration_ms / 1000 | . * 10 | round / 10) s, ok \(.ok), cpu \(.cpu_s // 0 | . * 10 | round / 10) s, view \((.view_bytes_before // 0) / 1048576 | round) -> \((.view_bytes_after // 0) / 1048576 | round) MiB\"" "$s"
      echo "   staleness s: markers $(ms "$o.staleness.markers" "$s"), unseen $(ms "$o.staleness.unseen" "$s"), p50 $(jq -r "$o.staleness.lag.p50_ms // 0 | . / 1000 | . * 100 | round / 100" "$s"), p99 $(jq -r "$o.staleness.lag.p99_ms // 0 | . / 1000 | . * 100 | round / 100" "$s"), max $(jq -r "$o.staleness.lag.max_ms // 0 | . / 1000 | . * 100 | round / 100" "$s")"
      echo "   view age at reads s: p50 $(jq -r "$o.view_age.p50_ms // 0 | . / 1000 | . * 10 | round / 10" "$s"), p99 $(jq -r "$o.view_age.p99_ms // 0 | . / 1000 | . * 10 | round / 10" "$s"), max $(jq -r "$o.view_age.max_ms // 0 | . / 1000 | . * 10 | round / 10" "$s")"
    fi
  done
  echo "-- SLO table"
  jq -r '.thresholds[] | "   \(if .passed then "✓" else "✗" end) \(.metric) \(.expression)  (observed \(.observed // "none"))"' "$s"
done
