#!/usr/bin/env bash
# The commit floor of docs/benchmarks.md: how long COMMITS durable one-row commits in series take
# on this machine's PostgreSQL (the server's embedded one: same settings, same disk), RATE series a
# second for DURATION seconds from one connection, idle or beside a load (run lifecycle-driver.mjs
# meanwhile). A request reaches its expert's offer through two durable commits in series (the
# request's insert, then the shard's make_offers), so COMMITS=2 is the floor of request to offer
# before any of Tandem's work. Runs in a scratch database `commit_floor` that it creates and drops;
# prints the series' count, p50, p90, p99 and max in ms.
#
#   load-tests/scripts/commit-floor.sh                          # COMMITS=2 RATE=20 DURATION=25
#   COMMITS=1 PGPORT=54329 load-tests/scripts/commit-floor.sh
#
# Needs psql and pgbench (Debian: apt-get install postgresql-client).
set -euo pipefail
COMMITS=${COMMITS:-2}
RATE=${RATE:-20}
DURATION=${DURATION:-25}
export PGOPTIONS="-c client_min_messages=warning" PGHOST=${PGHOST:-localhost} PGPORT=${PGPORT:-54329} PGUSER=${PGUSER:-postgres}
work=$(mktemp -d)
trap 'rm -rf "$work"; psql -q -d postgres -c "DROP DATABASE IF EXISTS commit_floor" >/dev/null 2>&1 || true' EXIT

psql -q -d postgres -c "DROP DATABASE IF EXISTS commit_floor" -c "CREATE DATABASE commit_floor" >/dev/null
psql -q -d commit_floor -c "CREATE TABLE floor_rows (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())" >/dev/null
for _ in $(seq 1 "$COMMITS"); do echo "INSERT INTO floor_rows DEFAULT VALUES;"; done > "$work/series.sql"
# Each statement outside a transaction block is its own durable commit; -l logs each series' latency (µs, third field).
(cd "$work" && pgbench -n -M prepared -c 1 -R "$RATE" -T "$DURATION" -l -f series.sql commit_floor > /dev/null 2>&1)
cat "$work"/pgbench_log.* | awk '{print $3 / 1000}' | sort -n | awk -v commits="$COMMITS" '{v[NR] = $1}
  END { printf "{\"commitsInSeries\":%d,\"series\":%d,\"p50\":%.2f,\"p90\":%.2f,\"p99\":%.2f,\"max\":%.2f}\n",
        commits, NR, v[int(NR * 0.5) + 1], v[int(NR * 0.9) + 1], v[int(NR * 0.99) + 1], v[NR] }'
