#!/usr/bin/env bash
# What ending a thousand sessions at once does to matching. ChatThroughputSimulation opens PAIRS
# chat rooms (both sides joined); once they all are, the load generator is killed with -9, so every
# participant vanishes without ending anything. MatchingRateSimulation starts at once and runs
# across the moment, session.reconnectGraceSeconds (GRACE) later, when the sweeper abandons them
# all and settles their money. It prints the matching table, when the abandonments were committed,
# and the longest time with no offer made while the matching run was on: the stall, if any.
#
#   load-tests/scripts/abandon-storm.sh
#   SERVER_DIR=/path/to/another/checkout load-tests/scripts/abandon-storm.sh    # the same run against other code
#
# Needs JDK 17, Maven, python3 and psql. The server is started from SERVER_DIR (default: this
# checkout) on a fresh embedded database with durable commits, alone on the machine but for the
# load generator. Log: load-tests/target/abandon-storm.log.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
SERVER_DIR=${SERVER_DIR:-$root}
PAIRS=${PAIRS:-1000}
GRACE=${GRACE:-30}
MATCHING_RATE=${MATCHING_RATE:-75}
MATCHING_EXPERTS=${MATCHING_EXPERTS:-300}
DURATION=${DURATION:-60}
PORT=${PORT:-54329}
out=$root/load-tests/target
log=$out/abandon-storm.log
mkdir -p "$out"
: > "$log"
say() { echo "== $*" | tee -a "$log" >&2; }
sql() { psql -h localhost -p "$PORT" -U postgres -d postgres -tA -c "$1"; }
bounded() { # seconds what command...: polls the command until it succeeds, at most that long
  local limit=$1 what=$2; shift 2
  for _ in $(seq 1 "$limit"); do
    if "$@" > /dev/null 2>&1; then return 0; fi
    sleep 1
  done
  say "gave up waiting for $what after ${limit} s"; return 1
}

if (echo > /dev/tcp/127.0.0.1/8080) 2> /dev/null || (echo > "/dev/tcp/127.0.0.1/$PORT") 2> /dev/null; then
  say "port 8080 or $PORT is already in use: stop the server using it first"; exit 1
fi

say "starting Tandem from $SERVER_DIR (fresh database under $out/abandon-data, reconnect grace $GRACE s)"
rm -rf "$out/abandon-data"
(cd "$SERVER_DIR" && TANDEM_LOAD_TEST_SEED_ENABLED=true TANDEM_DB_EMBEDDED_DATA_DIR="$out/abandon-data/postgres" \
  TANDEM_DB_EMBEDDED_PORT="$PORT" TANDEM_SESSION_RECONNECT_GRACE_SECONDS="$GRACE" mvn -q compile exec:exec >> "$log" 2>&1) &
server=$!
chat=
# Gatling runs in a JVM that Maven forks: killing Maven alone would leave the rooms open.
kill_chat() { if [ -n "$chat" ]; then pkill -9 -P "$chat" 2>/dev/null || true; kill -9 "$chat" 2>/dev/null || true; fi; }
trap 'kill_chat; pkill -f io.tandem.Main 2>/dev/null || true' EXIT
bounded 300 "the server" curl -fs -o /dev/null http://localhost:8080/ready

say "opening $PAIRS chat rooms"
mvn -f load-tests/pom.xml -B -q gatling:test -Dgatling.simulationClass=io.tandem.load.ChatThroughputSimulation \
  -DbaseUrl=http://localhost:8080 -Dserver=tandem -Dpairs="$PAIRS" -Drate=500 -Dduration=600 -Dsetup=60 \
  > "$out/abandon-storm-chat.log" 2>&1 &
chat=$!
all_joined() {
  [ "$(sql "SELECT count(*) FROM sessions WHERE status = 'active' AND client_joined_at IS NOT NULL AND expert_joined_at IS NOT NULL")" -ge "$PAIRS" ]
}
bounded 240 "$PAIRS rooms with both sides joined" all_joined
killed_at=$(date -u +%FT%T.%3NZ)
kill_chat
bounded 10 "the load generator's end" sh -c "! pgrep -f 'io[.]gatling[.]app[.]Gatling'"
say "load generator killed at $killed_at with $PAIRS rooms open; the sweeper abandons them about $GRACE s later"

say "matching: $MATCHING_RATE requests/s for $DURATION s (after a 10 s warm-up)"
mvn -f load-tests/pom.xml -B -q gatling:test -Dgatling.simulationClass=io.tandem.load.MatchingRateSimulation \
  -DbaseUrl=http://localhost:8080 -Dclients.perSecond="$MATCHING_RATE" -Dexperts="$MATCHING_EXPERTS" -Dduration="$DURATION" \
  >> "$log" 2>&1 || true
python3 load-tests/scripts/report.py

echo
echo "Abandoned sessions (committed; a transaction's sessions share its ended_at):"
sql "SELECT count(*) || ' sessions, from ' || to_char(min(ended_at), 'HH24:MI:SS.MS') || ' to ' || to_char(max(ended_at), 'HH24:MI:SS.MS')
       || '; the largest transaction ended ' || (SELECT max(n) FROM (SELECT count(*) AS n FROM sessions WHERE status = 'abandoned' GROUP BY ended_at) t)
     FROM sessions WHERE status = 'abandoned'"
echo "The longest time without an offer ending in the 10 s from the first abandonment (the gap across it included):"
sql "WITH storm AS (SELECT min(ended_at) AS at FROM sessions WHERE status = 'abandoned'),
          gaps AS (SELECT created_at, created_at - lag(created_at) OVER (ORDER BY created_at) AS gap FROM offers)
     SELECT coalesce(round(extract(epoch FROM max(gap)) * 1000)::text || ' ms', 'no offers then') FROM gaps, storm
     WHERE created_at > storm.at AND created_at <= storm.at + interval '10 seconds'"
echo "Offers made after the kill (the matching run's), and the longest time without one:"
sql "WITH gaps AS (SELECT created_at, created_at - lag(created_at) OVER (ORDER BY created_at) AS gap FROM offers
                   WHERE created_at > '$killed_at'::timestamptz) -- the matching run's offers: the gaps between them
     SELECT count(*) || ' offers; longest gap ' || coalesce(round(extract(epoch FROM max(gap)) * 1000)::text, '-') || ' ms, ending at '
       || coalesce((SELECT to_char(created_at, 'HH24:MI:SS.MS') FROM gaps ORDER BY gap DESC NULLS LAST LIMIT 1), '-') FROM gaps"
