# Shared by the bench scripts: an embedded cluster kept for the duration of the script.
# Sets: root, lg, work, dsn, data. Source it; it installs an EXIT trap that stops the cluster.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lg="${BUILD_DIR:-$root/build}/loadgate"
work="$(mktemp -d /tmp/lgbench.XXXXXX)"
export PATH="/usr/lib/postgresql/15/bin:$PATH"

stop_cluster() {
  if [ -n "${data:-}" ]; then
    # The server runs as postgres when loadgate started it as root.
    runuser -u postgres -- pg_ctl -D "$data" stop -m fast >/dev/null 2>&1 ||
      pg_ctl -D "$data" stop -m fast >/dev/null 2>&1 || true
    rm -rf "$(dirname "$data")"
  fi
  rm -rf "$work"
}
trap stop_cluster EXIT

# start_cluster ARGS...: `loadgate datagen ARGS --keep-db`, then read the kept cluster's DSN.
start_cluster() {
  "$lg" datagen "$@" --keep-db >"$work/datagen.out" 2>"$work/keep.log"
  dsn="$(sed -n 's/^kept embedded cluster: //p' "$work/keep.log")"
  data="$(sed -n 's/^  stop it with: pg_ctl -D \([^ ]*\) stop.*/\1/p' "$work/keep.log")"
}

# restart_cluster -c key=value...: restarts the kept cluster with extra server settings on top of
# the ones loadgate started it with (a later -c wins), e.g. more connections or a preloaded
# library. It runs as postgres when loadgate started it as root.
restart_cluster() {
  local base opts
  base="$(dirname "$data")"
  opts="-c listen_addresses= -c unix_socket_directories=$base -c port=5432 $*"
  runuser -u postgres -- pg_ctl -D "$data" restart -m fast -w -o "$opts" >/dev/null 2>&1 ||
    pg_ctl -D "$data" restart -m fast -w -o "$opts" >/dev/null
}
