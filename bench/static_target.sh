#!/usr/bin/env bash
# A plain fast HTTP target on loopback: Debian's nginx serving a static product page (/product)
# and a feed page (/feed), tuned for load tests (keep-alive without limit, no access log, 20K
# connections), for scenarios that measure the client side at thousands of users
# (scenarios/k6-feed-5000.toml) and for bench/engine.sh's comparison with wrk.
#   bench/static_target.sh start [PORT]   starts it (default port 8089), prints its URL
#   bench/static_target.sh stop [PORT]    stops it and removes its folder
# Its files live in /tmp/loadgate-static-PORT (nginx.conf, error.log, the pages).
set -euo pipefail
cmd="${1:-}"
port="${2:-8089}"
dir="/tmp/loadgate-static-$port"
nginx="${NGINX:-/usr/sbin/nginx}"

stop() {
  if [ -f "$dir/nginx.pid" ]; then
    kill "$(cat "$dir/nginx.pid")" 2>/dev/null || true
    for _ in $(seq 50); do [ -f "$dir/nginx.pid" ] || break; sleep 0.1; done
  fi
  rm -rf "$dir"
}

start() {
  [ -x "$nginx" ] || { echo "nginx is not installed (apt-get install nginx)" >&2; exit 1; }
  stop
  mkdir -p "$dir/html"
  chmod 755 "$dir" "$dir/html"
  # A product page and a feed of 20 of them: the sizes a product API answers with.
  product='{"success": true, "data": {"id": 4217, "sku": "SKU-0004217", "slug": "trail-runner-gtx-4217", "name": "Trail Runner GTX", "category_id": 12, "brand": "Northwind", "price": 129.90, "stock": 42, "status": "publish"}}'
  printf '%s\n' "$product" >"$dir/html/product.json"
  {
    printf '{"success": true, "data": ['
    for i in $(seq 20); do
      [ "$i" -gt 1 ] && printf ', '
      printf '{"id": %d, "slug": "trail-runner-gtx-%d", "name": "Trail Runner GTX", "price": 129.90, "stock": 42}' "$i" "$i"
    done
    printf '], "meta": {"total": 100000, "page": 1, "limit": 20}}\n'
  } >"$dir/html/feed.json"
  user=""
  [ "$(id -u)" -eq 0 ] && user="user nobody nogroup;"
  cat >"$dir/nginx.conf" <<CONF
$user
worker_processes 1;
worker_rlimit_nofile 20000;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 16384; multi_accept on; }
http {
  access_log off;
  sendfile on;
  tcp_nodelay on;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  client_body_temp_path $dir/client_body_temp;
  proxy_temp_path $dir/proxy_temp;
  fastcgi_temp_path $dir/fastcgi_temp;
  uwsgi_temp_path $dir/uwsgi_temp;
  scgi_temp_path $dir/scgi_temp;
  server {
    listen 127.0.0.1:$port backlog=4096;
    root $dir/html;
    location = /product { default_type application/json; alias $dir/html/product.json; }
    location = /feed { default_type application/json; alias $dir/html/feed.json; }
    location = /nginx_status { stub_status; }
  }
}
CONF
  "$nginx" -p "$dir/" -c "$dir/nginx.conf" -e "$dir/error.log"
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "http://127.0.0.1:$port"
      return 0
    fi
    sleep 0.1
  done
  echo "nginx did not come up on port $port: $(tail -5 "$dir/error.log" 2>/dev/null)" >&2
  exit 1
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop [PORT]" >&2; exit 2 ;;
esac
