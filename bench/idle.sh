#!/usr/bin/env bash
# Queries an idle node makes to its database: no requests, no feeds, the
# demo site, over BENCH_SECONDS (default 60) after its start-up work is done.
#
#   bench/idle.sh            SQLite (the default store) and, if reachable, PostgreSQL
#
# Counts the statements sqlx logs (target sqlx::query, every statement on
# either backend) and, on PostgreSQL, the database's committed transactions
# (pg_stat_database). Prints queries per second for each.
#
#   BENCH_SECONDS=60  BENCH_BIN=PATH (this dateline binary instead of building one)
#   BENCH_POSTGRES=postgres://root@127.0.0.1:5432/postgres (an admin URL; the
#   benchmark makes and drops its own database)
set -euo pipefail
cd "$(dirname "$0")/.."
release=$(realpath -m "${CARGO_TARGET_DIR:-target}")/release
seconds=${BENCH_SECONDS:-60}
admin=${BENCH_POSTGRES:-postgres://root@127.0.0.1:5432/postgres}
if [ -n "${BENCH_BIN:-}" ]; then
  bin=$BENCH_BIN
else
  cargo build --release --quiet
  bin=$release/dateline
fi
work=$(mktemp -d /tmp/dateline-idle.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT

# measure NAME PORT [DATABASE_URL]
measure() {
  local name=$1 port=$2 url=${3:-} log=$work/$1.log data=$work/$1
  mkdir -p "$data"
  env ${url:+DATELINE_DATABASE__URL=$url} DATELINE_LOG=info,sqlx::query=debug DATELINE_LOG__FORMAT=json \
    "$bin" serve --demo --data "$data" --listen "127.0.0.1:$port" >"$log" 2>&1 & pid=$!
  for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
  # Start-up work (the search index, the demo pictures' renditions) settles.
  sleep 10
  local before xacts_before=0
  before=$(grep -c '"target":"sqlx::query"' "$log" || true)
  [ -n "$url" ] && xacts_before=$(psql -Atq "$admin" -c "select xact_commit + xact_rollback from pg_stat_database where datname = 'dateline_idle'")
  sleep "$seconds"
  local after xacts_after=0
  after=$(grep -c '"target":"sqlx::query"' "$log" || true)
  [ -n "$url" ] && xacts_after=$(psql -Atq "$admin" -c "select xact_commit + xact_rollback from pg_stat_database where datname = 'dateline_idle'")
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  local statements=$((after - before))
  printf '%-10s %5d statements in %ss: %.2f per second' "$name" "$statements" "$seconds" "$(echo "$statements / $seconds" | bc -l)"
  # The psql asking counts one transaction of its own.
  [ -n "$url" ] && printf '; %d transactions: %.2f per second' "$((xacts_after - xacts_before - 1))" "$(echo "($xacts_after - $xacts_before - 1) / $seconds" | bc -l)"
  echo
  # Which statements, most frequent first.
  grep '"target":"sqlx::query"' "$log" | tail -n +"$((before + 1))" | head -n "$statements" \
    | grep -o '"summary":"[^"]*"' | sort | uniq -c | sort -rn | head -8 | sed 's/^/    /' || true
}

measure sqlite 18201
if psql -Atq "$admin" -c 'select 1' >/dev/null 2>&1; then
  psql -q "$admin" -c 'drop database if exists dateline_idle with (force)' -c 'create database dateline_idle'
  measure postgres 18202 "${admin%/*}/dateline_idle"
  psql -q "$admin" -c 'drop database dateline_idle with (force)'
else
  echo "postgres   not reachable at $admin: skipped"
fi
