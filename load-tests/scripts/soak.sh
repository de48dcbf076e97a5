#!/usr/bin/env bash
# A long soak: the jar (durable embedded PostgreSQL) under steady, mixed load for a given time, with
# a restart of the server in the middle; every 30 s the server's RSS, heap in use, open files and
# threads, PostgreSQL's RSS, and the load's chat-ack p50/p99, errors, consultations and reconnects go
# to CSV files, drawn as one HTML page of charts at the end.
#
#   load-tests/scripts/soak.sh <minutes> [idle sockets, default 1000] [chat rooms, default 20]
#
# Needs Node 20 or later, a JDK (jcmd) and target/tandem.jar (mvn -B package). Writes to
# target/soak/: resources.csv, load.csv, soak.html, summary.txt, and the server's logs. Results of
# runs are in docs/operations.md ("Soak").
set -euo pipefail
minutes=${1:?usage: soak.sh <minutes> [sockets] [rooms]}
sockets=${2:-1000}
rooms=${3:-20}
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/target/soak"
work=${SOAK_WORK:-/tmp/tandem-soak}
port=${SOAK_PORT:-18666}
base="http://127.0.0.1:$port"
jar="$root/target/tandem.jar"
[ -f "$jar" ] || { echo "soak: no $jar: run mvn -B package -DskipTests first" >&2; exit 2; }

rm -rf "$work" "$out"
mkdir -p "$work" "$out"
export TANDEM_HTTP_PORT=$port TANDEM_DB_EMBEDDED_DATA_DIR="$work/pg" TANDEM_DB_EMBEDDED_PORT=0
export TANDEM_AUTH_JWT_SECRET_FILE="$work/jwt-secret" TANDEM_LEDGER_INITIAL_BALANCE=1000000000

start_server() {
  java -Xmx1g -jar "$jar" > "$out/server-$1.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 240); do
    curl -sf "$base/ready" >/dev/null 2>&1 && return 0
    kill -0 "$server_pid" 2>/dev/null || { echo "soak: the server exited (see $out/server-$1.log)" >&2; exit 2; }
    sleep 0.5
  done
  echo "soak: the server was not ready within 120 s" >&2; exit 2
}
stop_server() {
  kill -TERM "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
}
trap 'stop_server; kill "${driver_pid:-}" 2>/dev/null || true' EXIT

heap_used_mib() {
  jcmd "$1" GC.heap_info 2>/dev/null | awk '/garbage-first heap|total/ && /used/ {for (i = 1; i <= NF; i++) if ($i == "used") {v = $(i + 1); sub("K", "", v); print int(v / 1024); exit}}'
}
postgres_rss_mib() {
  local total=0 p
  # The postmaster (its command line names the folder) and its backends (theirs do not).
  for p in $(pgrep -f "postgres.*$work/pg" || true) $(for m in $(pgrep -f "postgres.*$work/pg" || true); do pgrep -P "$m"; done); do
    total=$((total + $(awk '/^VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)))
  done
  echo $((total / 1024))
}

start_server 1
started=$(date +%s)
echo "seconds,server_pid,rss_mib,heap_used_mib,open_files,threads,postgres_rss_mib" > "$out/resources.csv"
node --experimental-websocket --no-warnings "$root/load-tests/scripts/soak-driver.mjs" "$base" "$minutes" "$sockets" "$rooms" \
  "$out/load.csv" > "$out/driver.log" 2>&1 &
driver_pid=$!
restart_at=$((started + minutes * 30))
restarted=0
while kill -0 "$driver_pid" 2>/dev/null; do
  sleep 30
  now=$(date +%s)
  if [ "$restarted" = 0 ] && [ "$now" -ge "$restart_at" ]; then
    echo "$((now - started)),restart,,,,," >> "$out/resources.csv"
    stop_server
    start_server 2
    restarted=1
    continue
  fi
  kill -0 "$server_pid" 2>/dev/null || { echo "soak: the server died (see $out/server-$((restarted + 1)).log)" >&2; exit 1; }
  printf '%s,%s,%s,%s,%s,%s,%s\n' "$((now - started))" "$server_pid" \
    "$(($(awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status") / 1024))" "$(heap_used_mib "$server_pid")" \
    "$(ls "/proc/$server_pid/fd" | wc -l)" "$(awk '/^Threads/ {print $2}' "/proc/$server_pid/status")" "$(postgres_rss_mib)" \
    >> "$out/resources.csv"
done
wait "$driver_pid" || { echo "soak: the load failed (see $out/driver.log)" >&2; exit 1; }
stop_server
errors=$(grep -h " ERROR " "$out"/server-*.log | wc -l || true)
node "$root/load-tests/scripts/soak-chart.mjs" "$out/resources.csv" "$out/load.csv" "$errors" "$out/soak.html" | tee "$out/summary.txt"
echo "charts: $out/soak.html"
