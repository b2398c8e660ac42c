#!/usr/bin/env bash
# Makes a run the new nightly baseline: copies the files `loadgate compare` reads (summary.json,
# timeseries.csv, series.json, scenario.toml) into results/baselines/nightly. Review the run
# (its report.html and its compare.md against the old baseline) first, then commit the folder.
# The commit the run was built from (environment.loadgate.git_commit) becomes the baseline
# revision ci/nightly.sh builds for its same-job comparison (<baseline-folder>.ref).
# Usage: ci/refresh-baseline.sh <run-folder> [baseline-folder]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
run="${1:?usage: ci/refresh-baseline.sh <run-folder> [baseline-folder]}"
dest="${2:-$root/results/baselines/nightly}"
for f in summary.json timeseries.csv series.json scenario.toml; do
  [ -f "$run/$f" ] || { echo "refresh-baseline: $run/$f is missing" >&2; exit 2; }
done
if ! python3 -c "import json,sys; sys.exit(0 if json.load(open('$run/summary.json'))['run']['complete'] else 1)"; then
  echo "refresh-baseline: $run is an incomplete run; refusing" >&2
  exit 2
fi
mkdir -p "$dest"
cp "$run/summary.json" "$run/timeseries.csv" "$run/series.json" "$run/scenario.toml" "$dest/"
commit="$(python3 -c "import json; print(json.load(open('$run/summary.json'))['environment']['loadgate']['git_commit'])" 2>/dev/null || true)"
if full="$(git -C "$root" rev-parse --verify -q "${commit:-none}^{commit}")"; then
  echo "$full" >"$dest.ref"
  echo "baseline revision now $full ($dest.ref)"
else
  echo "refresh-baseline: the run's commit (${commit:-none}) is not in this checkout;" \
    "$dest.ref left as it was" >&2
fi
echo "baseline now $(basename "$run") in $dest; commit it: git add $dest $dest.ref"
