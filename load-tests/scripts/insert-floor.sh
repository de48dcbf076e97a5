#!/usr/bin/env bash
# The plain-insert floor of docs/benchmarks.md: what a durable PostgreSQL spends to store a row
# shaped like a chat message (two uuids, a seq, ~40 bytes of text, a client id, a timestamp) in a
# table with nothing but its primary key, BATCH rows per commit from CLIENTS connections, for
# DURATION seconds. It runs against the server's own PostgreSQL (the embedded one: same settings, same disk)
# in a scratch database `insert_floor` that it creates and drops, and prints rows/s and PostgreSQL
# CPU per row (every `postgres` process, with the backends that ended: the postmaster's children time).
#
#   load-tests/scripts/insert-floor.sh                       # BATCH=6 CLIENTS=8 DURATION=20
#   BATCH=25 CLIENTS=1 PGPORT=54329 load-tests/scripts/insert-floor.sh
#
# Needs psql and pgbench (Debian: apt-get install postgresql-client).
set -euo pipefail
BATCH=${BATCH:-6}
CLIENTS=${CLIENTS:-8}
DURATION=${DURATION:-20}
export PGOPTIONS="-c client_min_messages=warning" PGHOST=${PGHOST:-localhost} PGPORT=${PGPORT:-54329} PGUSER=${PGUSER:-postgres}
script=$(mktemp)
trap 'rm -f "$script"; psql -q -d postgres -c "DROP DATABASE IF EXISTS insert_floor" >/dev/null 2>&1 || true' EXIT

psql -q -d postgres -c "DROP DATABASE IF EXISTS insert_floor" -c "CREATE DATABASE insert_floor" >/dev/null
psql -q -d insert_floor -c "CREATE TABLE floor_rows (session_id uuid NOT NULL, seq integer NOT NULL, sender_id uuid NOT NULL,
  text text NOT NULL, client_msg_id text NOT NULL, sent_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (session_id, seq))" >/dev/null
cat > "$script" <<SQL
INSERT INTO floor_rows (session_id, seq, sender_id, text, client_msg_id)
  SELECT gen_random_uuid(), g, gen_random_uuid(), 'load 5f0c1e2a-0000-4000-8000-000000000000/m1', 'm' || g
  FROM generate_series(1, $BATCH) g;
SQL

postgres_ticks() {
  local total=0 p
  for p in $(pgrep -x postgres); do
    total=$((total + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
before=$(postgres_ticks)
out=$(mktemp)
pgbench -n -M prepared -c "$CLIENTS" -j 1 -T "$DURATION" -f "$script" insert_floor > "$out" 2>/dev/null &
bench=$!
# pgbench's backends, so that their CPU is counted once they have ended: an ended backend's time
# moves to the postmaster's children time only when the postmaster reaps it, a moment after pgbench
# exits, and read before that the run's whole CPU would be missing.
backends=""
for _ in $(seq 1 50); do
  backends=$(psql -Atq -d postgres -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'pgbench'" 2>/dev/null || true)
  [ "$(echo "$backends" | grep -c .)" -ge "$CLIENTS" ] && break
  sleep 0.1
done
wait "$bench"
for pid in $backends; do
  for _ in $(seq 1 100); do [ -e "/proc/$pid" ] || break; sleep 0.1; done
done
tps=$(awk '/^tps/ {print $3}' "$out")
rm -f "$out"
after=$(postgres_ticks)
awk -v tps="$tps" -v batch="$BATCH" -v secs="$DURATION" -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" -v clients="$CLIENTS" 'BEGIN {
  rows = tps * batch * secs
  printf "{\"batch\":%d,\"clients\":%d,\"commitsPerSecond\":%.0f,\"rowsPerSecond\":%.0f,\"postgresCpuMsPerRow\":%.4f}\n",
    batch, clients, tps, tps * batch, 1000 * ticks / hz / rows
}'
