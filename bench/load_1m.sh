#!/usr/bin/env bash
# Dataset load at scale: for each option, loadgate's streaming COPY (generation included) beside
# `psql \copy` of the very same bytes from a file, both into a table created in the same
# transaction (COPY FREEZE), on one embedded cluster. Also loadgate's peak RSS for the whole
# build (generation streams: it must stay flat whatever N).
# Usage: bench/load_1m.sh   (env: PRODUCTS=1000000, OPTIONS="A B C", BUILD_DIR)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
n="${PRODUCTS:-1000000}"
start_cluster --products 1000 --options A
echo "products: $n   machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
printf '%-7s %12s %12s %12s %12s %8s %12s\n' option "lg copy s" "lg rows/s" "psql copy s" "psql rows/s" ratio "lg peak RSS"
for opt in ${OPTIONS:-A B C}; do
  lower="$(echo "$opt" | tr 'A-Z' 'a-z')"
  /usr/bin/time -v "$lg" datagen --dsn "$dsn" --products "$n" --options "$opt" \
    >"$work/lg.out" 2>"$work/lg.err"
  lg_copy="$(sed -n 's/.*copy \([0-9.]*\) s.*/\1/p' "$work/lg.out")"
  rss_kb="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/lg.err")"

  "$lg" datagen --products "$n" --emit-copy "$opt" --out "$work/rows.copy" 2>"$work/target.txt"
  target="$(sed -n 's/^COPY target: //p' "$work/target.txt")"
  schema="loadgate_$lower"
  # The option's [ddl] tables files, as the loader runs them (sql/options/<opt>/option.toml).
  tables="$(python3 -c "import tomllib; print(' '.join(tomllib.load(open('$root/sql/options/$opt/option.toml', 'rb'))['ddl']['tables']))")"
  : >"$work/ddl.sql"
  for f in $tables; do cat "$root/sql/options/$opt/$f" >>"$work/ddl.sql"; done
  cat >"$work/load.psql" <<PSQL
\set ON_ERROR_STOP on
DROP SCHEMA IF EXISTS $schema CASCADE;
\timing on
BEGIN;
\i $work/ddl.sql
\copy $target FROM '$work/rows.copy' WITH (FREEZE)
COMMIT;
PSQL
  # Same span as loadgate's copy phase: BEGIN, the DDL, COPY and COMMIT.
  psql_ms="$(psql -X -q "$dsn" -f "$work/load.psql" 2>&1 |
    sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | awk '{ t += $1 } END { print t }')"
  psql_s="$(awk -v ms="$psql_ms" 'BEGIN { printf "%.2f", ms / 1000 }')"
  awk -v o="$opt" -v n="$n" -v a="$lg_copy" -v b="$psql_s" -v r="$rss_kb" 'BEGIN {
    printf "%-7s %12.2f %12.0f %12.2f %12.0f %8.3f %9.1f MB\n", o, a, n / a, b, n / b, a / b, r / 1024 }'
  rm -f "$work/rows.copy"
done
