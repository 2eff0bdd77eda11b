#!/usr/bin/env bash
# Newsletter sending rate: N confirmed subscribers (default 10,000), one
# digest issue, `dateline serve` sending it over SMTP on loopback. Measured
# twice, each on a fresh copy of the data: against Postfix's smtp-sink (a C
# sink that stores nothing: the sender's own limit) and against the
# test tools' aiosmtpd writing every message to a Maildir (a sink that keeps
# what it gets, as the tests use). Prints messages/s from the first
# delivery recorded to the last, and the sender's peak RSS.
#
#   bench/newsletter.sh [N]
#   BENCH_CONNECTIONS=4 (newsletters.connections)
# Needs: sqlite3, postfix's smtp-sink (Debian packages; installed if
# missing), the test tools (tests/tools/install.sh) for the second sink.
set -euo pipefail
cd "$(dirname "$0")/.."
# Where cargo puts release builds (CARGO_TARGET_DIR, as CI sets, or ./target).
release=$(realpath -m "${CARGO_TARGET_DIR:-target}")/release
n=${1:-10000}
connections=${BENCH_CONNECTIONS:-4}
for tool in sqlite3 smtp-sink; do
  command -v "$tool" >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3 postfix >/dev/null; break; }
done
cargo build --release --quiet --bin dateline
bin=$release/dateline
work=$(mktemp -d /tmp/dateline-newsletter.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $n subscribers; $connections SMTP connections"
"$bin" demo --data "$work/base" >/dev/null
{ echo email; for i in $(seq 1 "$n"); do echo "reader$i@example.org"; done; } > "$work/list.csv"
DATELINE_LOG=warn "$bin" newsletter import "$work/list.csv" --newsletter morning-briefing --data "$work/base" >/dev/null
DATELINE_LOG=warn "$bin" newsletter send morning-briefing --data "$work/base"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# run NAME PORT: sends the issue from a fresh copy of the data to the sink on PORT.
run() {
  local name=$1 port=$2 data=$work/$1
  cp -r "$work/base" "$data"
  DATELINE_LOG=warn DATELINE_MAIL__SMTP_URL="smtp://127.0.0.1:$port" DATELINE_NEWSLETTERS__CONNECTIONS=$connections \
    "$bin" serve --data "$data" --listen 127.0.0.1:0 >/dev/null 2>&1 &
  local pid=$! peak=0
  pids+=("$pid")
  while :; do
    left=$(sqlite3 "$data/dateline.db" "select count(*) from newsletter_deliveries where outcome is null" 2>/dev/null || echo "$n")
    rss=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ "$rss" -gt "$peak" ] && peak=$rss
    [ "$left" = 0 ] && break
    sleep 0.2
  done
  kill "$pid"
  sqlite3 -separator ' ' "$data/dateline.db" \
    "select count(*), sum(outcome = 'sent'), sum(outcome = 'failed'), (max(finished_at) - min(finished_at)) / 1e6 from newsletter_deliveries" |
  while read -r total sent failed seconds; do
    awk -v name="$name" -v t="$total" -v s="$sent" -v f="$failed" -v secs="$seconds" -v rss="$peak" \
      'BEGIN { printf "%-22s %6d messages  %6d sent  %3d failed  %7.2f s  %8.0f messages/s  peak RSS %.1f MiB\n", name, t, s, f, secs, s / secs, rss / 1024 }'
  done
}

port=$(free_port)
smtp-sink -u nobody "127.0.0.1:$port" 1000 & pids+=($!)
for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
run postfix-smtp-sink "$port"

python=${DATELINE_TOOLS:-/opt/dateline-tools}/venv/bin/python
if [ -x "$python" ]; then
  port=$(free_port)
  "$python" -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox "$work/maildir" & pids+=($!)
  for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  run aiosmtpd-maildir "$port"
  echo "maildir holds $(ls "$work/maildir/new" | wc -l) messages"
fi
