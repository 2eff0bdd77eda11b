#!/usr/bin/env bash
# Reader-page throughput against the physical limit: nginx serving the same bytes.
#
#   bench/pages.sh [N]        N synthetic articles besides the demo (default 2000)
#
# Prepares a data directory with the demo site and N synthetic articles,
# starts Dateline twice on it (page cache on, and off), saves Dateline's own
# rendered bytes of the measured pages (identity and gzip) into a folder that
# nginx serves with gzip_static, then runs wrk against all three for the
# article, home and section pages, identity and gzip, in one run. Prints
# req/s, p50, p99, the ratio to nginx, and each Dateline's peak RSS.
#
#   BENCH_DURATION=20s  BENCH_CONNECTIONS=64  BENCH_THREADS=2  BENCH_DATA=DIR (reuse a prepared directory)
#   BENCH_BIN=PATH (measure this dateline binary instead of building one)
#   BENCH_BEACONS=1000 (page-view beacons per second sent beside a second
#   run of the cached pages, each from another address; 0: no such run)
# Needs: nginx and wrk (Debian packages nginx-light, wrk; installed if missing), sqlite3.
set -euo pipefail
cd "$(dirname "$0")/.."
# Where cargo puts release builds (CARGO_TARGET_DIR, as CI sets, or ./target).
release=$(realpath -m "${CARGO_TARGET_DIR:-target}")/release
n=${1:-2000}
duration=${BENCH_DURATION:-20s}
connections=${BENCH_CONNECTIONS:-64}
threads=${BENCH_THREADS:-2}
work=$(mktemp -d /tmp/dateline-bench.XXXXXX)
chmod 755 "$work"   # nginx's workers run as nobody and must read the pages
data=${BENCH_DATA:-$work/data}
port_cached=18101 port_uncached=18102 port_nginx=18103

for tool in nginx wrk sqlite3; do
  command -v "$tool" >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light wrk sqlite3 >/dev/null; break; }
done
if [ -n "${BENCH_BIN:-}" ]; then
  bin=$BENCH_BIN
else
  cargo build --release --quiet
  bin=$release/dateline
fi

if [ ! -f "$data/dateline.db" ]; then
  echo "preparing $data with the demo site and $n synthetic articles"
  "$bin" demo --data "$data" --articles "$n" --seed 1 >/dev/null
fi
# Built now, not by the first server in the background while it is measured.
[ -f "$data/search/meta.json" ] || "$bin" reindex --data "$data" >/dev/null

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
# Beacons name their reader's address in X-Forwarded-For, as behind a CDN.
DATELINE_LOG=warn DATELINE_SERVER__CLIENT_IP_HEADER=x-forwarded-for "$bin" serve --data "$data" --listen "127.0.0.1:$port_cached" >/dev/null & pids+=($!); pid_cached=$!
DATELINE_LOG=warn DATELINE_CACHE__MAX_BYTES=0 "$bin" serve --data "$data" --listen "127.0.0.1:$port_uncached" >/dev/null & pids+=($!); pid_uncached=$!
for port in $port_cached $port_uncached; do
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
done

# The measured pages: the newest synthetic article, the home page, a section front.
db=$data/dateline.db
article=$(sqlite3 "$db" "select '/' || s.slug || '/' || a.slug || '-' || a.id from articles a join sections s on s.id = a.section_id where a.status = 'published' order by a.id desc limit 1")
declare -A pages=([article]="$article" [home]="/" [section]="/news")

# nginx serves Dateline's own bytes: name.html and name.html.gz (gzip_static).
root=$work/www
mkdir -p "$root"
for name in "${!pages[@]}"; do
  curl -fs "http://127.0.0.1:$port_cached${pages[$name]}" -o "$root/$name.html"
  curl -fs -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port_cached${pages[$name]}" -o "$root/$name.html.gz"
done
cat > "$work/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  # Without it nginx opens and stats the file on every request.
  open_file_cache max=64 inactive=600s;
  open_file_cache_valid 600s;
  keepalive_requests 1000000;
  types { text/html html; }
  gzip_static on;
  server {
    listen 127.0.0.1:$port_nginx;
    root $root;
    etag on;
  }
}
CONF
nginx -c "$work/nginx.conf" -p "$work" -g 'daemon off;' & pids+=($!)
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port_nginx/home.html" >/dev/null && break; sleep 0.1; done
# The reference must serve exactly Dateline's bytes, or the comparison means nothing.
for name in "${!pages[@]}"; do
  curl -fs "http://127.0.0.1:$port_nginx/$name.html" | cmp -s - "$root/$name.html" || { echo "nginx does not serve $name.html" >&2; exit 1; }
  curl -fs -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port_nginx/$name.html" | cmp -s - "$root/$name.html.gz" || { echo "nginx does not serve $name.html.gz" >&2; exit 1; }
done

# wrk prints "Requests/sec:" and, with --latency, the 50% and 99% lines.
run() {
  local url=$1 encoding=$2 header=()
  [ "$encoding" = gzip ] && header=(-H 'Accept-Encoding: gzip')
  # A run with error responses measures nothing: refuse it.
  wrk -t"$threads" -c"$connections" -d"$duration" --latency "${header[@]}" "$url" |
    awk '/Non-2xx/ {bad=1} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Requests\/sec/ {rps=$2}
         END {if (bad || rps == "") {print "error: non-2xx responses or no result for '"$url"'" > "/dev/stderr"; exit 1}
              printf "%s %s %s\n", rps, p50, p99}'
}

echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); corpus: $(sqlite3 "$db" 'select count(*) from articles') articles; wrk -t$threads -c$connections -d$duration"
printf '%-8s %-8s %-16s %10s %9s %9s %8s\n' page encoding server req/s p50 p99 ×nginx
for name in article home section; do
  for encoding in identity gzip; do
    read -r nginx_rps nginx_p50 nginx_p99 <<<"$(run "http://127.0.0.1:$port_nginx/$name.html" "$encoding")"
    printf '%-8s %-8s %-16s %10s %9s %9s %8s\n' "$name" "$encoding" nginx "$nginx_rps" "$nginx_p50" "$nginx_p99" 1.00
    for server in cached uncached; do
      port=$port_cached; [ "$server" = uncached ] && port=$port_uncached
      read -r rps p50 p99 <<<"$(run "http://127.0.0.1:$port${pages[$name]}" "$encoding")"
      printf '%-8s %-8s %-16s %10s %9s %9s %8.2f\n' "$name" "$encoding" "dateline-$server" "$rps" "$p50" "$p99" "$(echo "$rps / $nginx_rps" | bc -l)"
    done
  done
done
echo
echo "peak RSS: dateline-cached $(awk '/VmHWM/ {printf "%.1f MiB", $2/1024}' /proc/$pid_cached/status), dateline-uncached $(awk '/VmHWM/ {printf "%.1f MiB", $2/1024}' /proc/$pid_uncached/status)"

# Page views beside the reading: wrk sends beacons at a set rate (each of
# eleven connections waits 1000/rate × 10 ms between requests; ten fell
# short of the rate by the requests' own time) from addresses that change
# with every request, while the cached pages are measured again.
beacons=${BENCH_BEACONS:-1000}
[ "$beacons" -gt 0 ] || exit 0
article_id=${article##*-}
cat > "$work/beacon.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"article": $article_id}'
wrk.headers["Content-Type"] = "text/plain;charset=UTF-8"
wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"
request = function()
  wrk.headers["X-Forwarded-For"] = "10." .. math.random(0, 255) .. "." .. math.random(0, 255) .. "." .. math.random(1, 254)
  return wrk.format()
end
delay = function() return math.floor(10000 / $beacons) end
LUA
echo
echo "cached pages with $beacons beacons/s beside them (identity); the generator runs on the same"
echo "cores, so it is also pointed at nginx (which refuses the POST at once) to show its own cost:"
printf '%-8s %12s %14s %10s %12s %8s %16s\n' page "req/s alone" "req/s beside" "p99" "beacons/s" ratio "ratio (nginx)"
beside() { # page target-port -> "req/s p99 beacons/s"
  wrk -t1 -c11 -d"$(( ${duration%s} + 2 ))s" -s "$work/beacon.lua" "http://127.0.0.1:$2/views" >"$work/beacons.out" & local beacon_pid=$!
  sleep 1
  local rps p99
  read -r rps _ p99 <<<"$(run "http://127.0.0.1:$port_cached${pages[$1]}" identity)"
  wait "$beacon_pid" || true
  echo "$rps $p99 $(awk '/Requests\/sec/ {print $2}' "$work/beacons.out")"
}
for name in article home section; do
  read -r alone _ _ <<<"$(run "http://127.0.0.1:$port_cached${pages[$name]}" identity)"
  read -r with_beacons p99 sent <<<"$(beside "$name" "$port_cached")"
  read -r with_generator _ _ <<<"$(beside "$name" "$port_nginx")"
  printf '%-8s %12s %14s %10s %12s %8.2f %16.2f\n' "$name" "$alone" "$with_beacons" "$p99" "$sent" \
    "$(echo "$with_beacons / $alone" | bc -l)" "$(echo "$with_generator / $alone" | bc -l)"
done
