#!/usr/bin/env bash
# The whole comparison of docs/benchmarks.md in one command: the bare Vert.x echo, the Node.js relay
# and Tandem (embedded PostgreSQL, durable commits) are each started on this machine, one at a time,
# driven by ChatThroughputSimulation at the same rates, and stopped; then Tandem's matching rate
# (MatchingRateSimulation), and with TWO_NODES=1 two clustered Tandem nodes. It prints one table:
# achieved rate, p50/p99 of the stored ack and of delivery, failures, the server's CPU (and
# PostgreSQL's) per thousand messages, and each server's rate as a ratio of the relay's.
#
#   load-tests/scripts/compare.sh                 # rates 3000 and 8000 messages/s, 1,000 rooms, 30 s each
#   RATES="3000 8000 12000" DURATION=30 PAIRS=1000 MATCHING_RATE=75 TWO_NODES=1 load-tests/scripts/compare.sh
#   SERVERS="relay tandem" load-tests/scripts/compare.sh          # some of the servers only
#   DRIVER=node RATES="3000 9000" PAIRS=1000 LIFECYCLE_RATES="25 50" load-tests/scripts/compare.sh
#
# DRIVER=node drives the chat with load-tests/scripts/chat-driver.mjs instead of Gatling: one light
# Node.js process, so that on a 2-core machine the load generator takes less from the server (it
# speaks the room frames only: the echo server is left out). LIFECYCLE_RATES (default "25 50") runs
# load-tests/scripts/lifecycle-driver.mjs against Tandem at each rate: whole consultations, both
# roles, with server and PostgreSQL CPU, WAL and transactions per consultation, printed after the
# chat table. LIFECYCLE_RATES="" skips them. FLOOR_BATCHES (default "1 8 25") measures, on Tandem's
# own PostgreSQL after its chat runs, the plain-insert floor (load-tests/scripts/insert-floor.sh,
# needs pgbench) that the chat's PostgreSQL CPU per message is compared with. With TWO_NODES=1 it also
# times BURST_EXPERTS (1,000) experts going online at once on the second node (burst-driver.mjs), twice,
# and drives the two-node chat with chat-driver.mjs --peer (clients on one node, experts on the other).
#
# Needs JDK 17, Maven, Node.js and npm (for the relay), python3 (for the report) and, for TWO_NODES,
# psql (to count lease changes). Each server
# gets the machine to itself, with the load generator (Gatling, one JVM) beside it, as in the runs
# of docs/benchmarks.md. Raw Gatling reports stay under load-tests/target/gatling; this script's
# log is load-tests/target/compare.log.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
RATES=${RATES:-"3000 8000"}
DURATION=${DURATION:-30}
PAIRS=${PAIRS:-1000}
SETUP=${SETUP:-40}
MATCHING_RATE=${MATCHING_RATE-75}  # MATCHING_RATE="" skips the matching run
MATCHING_EXPERTS=${MATCHING_EXPERTS:-300}
DRIVER=${DRIVER:-gatling}
if [ "$DRIVER" = node ]; then SERVERS=${SERVERS:-"relay tandem"}; else SERVERS=${SERVERS:-"echo relay tandem"}; fi
LIFECYCLE_RATES=${LIFECYCLE_RATES-"25 50"}
FLOOR_BATCHES=${FLOOR_BATCHES-"1 8 25"}  # the plain-insert floor (insert-floor.sh) at these rows per commit, one connection
DB_PORT=${TANDEM_DB_EMBEDDED_PORT:-54329}
wants() { [[ " $SERVERS " == *" $1 "* ]]; }
out=load-tests/target
mkdir -p "$out"
log=$out/compare.log
: > "$log"
rows=()

say() { echo "== $*" | tee -a "$log" >&2; }

wait_for() { # url: any HTTP answer will do (the echo server answers 400 to a plain GET)
  for _ in $(seq 1 180); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "$1")" != 000 ]; then return 0; fi
    sleep 1
  done
  say "no answer from $1"; return 1
}

wait_for_ready() { # url: 200 only
  for _ in $(seq 1 300); do
    if curl -fs -o /dev/null "$1"; then return 0; fi
    sleep 1
  done
  say "not ready: $1"; return 1
}

stop() { # pid
  kill "$1" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.5; done
  kill -9 "$1" 2>/dev/null || true
}

# java's pid under a `mvn exec` (the process doing the work), or the given pid itself
server_pid() { # pattern fallback
  pgrep -f "$1" | head -n 1 || echo "$2"
}

# A table row from chat-driver.mjs's line of JSON.
node_chat_row() { # label json
  node -e '
    const r = JSON.parse(process.argv[1]);
    const cpu = v => (v === undefined ? "" : v.toFixed(3));
    console.log(`| ${process.argv[2]} | ${r.offeredPerSecond} | ${r.ackedPerSecond} | ${r.ackP50} / ${r.ackP99} | ${r.deliveredP50} / ${r.deliveredP99} | ${r.errors} | ${cpu(r.serverCpuMsPerMessage)} | ${cpu(r.postgresCpuMsPerMessage)} |`);
  ' "$2" "$1"
}

# Runs one chat run (chat-driver.mjs, or Gatling through measured-run.sh) and adds a row.
chat_run() { # label server url pid rate
  local label=$1 server=$2 url=$3 pid=$4 rate=$5 measured
  say "chat: $label at $rate/s"
  if [ "$DRIVER" = node ]; then
    measured=$(node load-tests/scripts/chat-driver.mjs --base "$url" --server "$server" --rooms "$PAIRS" --rate "$rate" \
      --seconds "$DURATION" --pid "$pid" $([ "$server" = tandem ] && echo "--pgport $DB_PORT") 2>>"$log" | tee -a "$log" | tail -n 1)
    rows+=("$(node_chat_row "$label" "$measured")")
    return
  fi
  measured=$(WITH_POSTGRES=$([ "$server" = tandem ] && echo 1 || echo 0) load-tests/scripts/measured-run.sh "$pid" \
    mvn -f load-tests/pom.xml -B -q gatling:test -Dgatling.simulationClass=io.tandem.load.ChatThroughputSimulation \
    -DbaseUrl="$url" -Dserver="$server" -Dpairs="$PAIRS" -Drate="$rate" -Dduration="$DURATION" -Dsetup="$SETUP" 2>&1 | tee -a "$log" | grep '^==' || true)
  rows+=("$(python3 load-tests/scripts/report.py --row "$label" "$rate" "$DURATION" <<< "$measured")")
}

# ---- the Vert.x echo
if wants echo; then
  say "building and starting the Vert.x echo on 8090"
  mvn -f load-tests/baselines/vertx-echo/pom.xml -q compile exec:java -Dport=8090 -Dinstances=2 >> "$log" 2>&1 &
  echo_mvn=$!
  sleep 5
  wait_for http://localhost:8090/ || true
  for rate in $RATES; do chat_run "Vert.x echo" echo http://localhost:8090 "$(server_pid 'vertx-echo|EchoServer' "$echo_mvn")" "$rate"; done
  stop "$echo_mvn"; pkill -f 'EchoServer' 2>/dev/null || true
fi

# ---- the Node relay
if wants relay; then
  say "starting the Node.js relay on 8091"
  (cd load-tests/baselines/node-relay && npm install --silent >> "$root/$log" 2>&1)
  (cd load-tests/baselines/node-relay && PORT=8091 exec node relay.js >> "$root/$log" 2>&1) &
  relay=$!
  sleep 2
  for rate in $RATES; do chat_run "Node relay" relay http://localhost:8091 "$relay" "$rate"; done
  stop "$relay"
fi

if ! wants tandem; then
  printf '%s\n' "${rows[@]}"
  exit 0
fi

# ---- Tandem, one node, a fresh embedded database
say "starting Tandem on 8080 (fresh data/ under $out/compare-data)"
rm -rf "$out/compare-data"
TANDEM_LOAD_TEST_SEED_ENABLED=true TANDEM_DB_EMBEDDED_DATA_DIR="$out/compare-data/postgres" \
  mvn -q compile exec:exec >> "$log" 2>&1 &
tandem_mvn=$!
wait_for_ready http://localhost:8080/ready
tandem=$(server_pid 'io.tandem.Main' "$tandem_mvn")
for rate in $RATES; do chat_run "Tandem" tandem http://localhost:8080 "$tandem" "$rate"; done

floor_rows=()
for batch in $FLOOR_BATCHES; do
  say "plain-insert floor: $batch rows per commit"
  floor_rows+=("$(BATCH=$batch CLIENTS=1 DURATION=$DURATION PGPORT=$DB_PORT load-tests/scripts/insert-floor.sh 2>>"$log" | tee -a "$log")")
done

lifecycle_rows=()
for rate in $LIFECYCLE_RATES; do
  say "whole consultations: $rate/s"
  measured=$(node load-tests/scripts/lifecycle-driver.mjs --base http://localhost:8080 --rate "$rate" --seconds "$DURATION" \
    --experts "${LIFECYCLE_EXPERTS:-200}" --topics 16 --pid "$tandem" --pgport "$DB_PORT" 2>>"$log" | tee -a "$log" | tail -n 1)
  lifecycle_rows+=("$(node -e '
    const r = JSON.parse(process.argv[1]);
    const s = r.steps;
    const pair = name => `${s[name].p50} / ${s[name].p99}`;
    console.log(`| ${r.offeredPerSecond} | ${r.completedPerSecond} | ${r.failures} | ${pair("offer")} | ${pair("match")} | ${pair("join")} | ${pair("send")} | ${pair("end")} | ${pair("rating")} | ${pair("total")} | ${r.serverCpuMsPerConsultation} + ${r.postgresCpuMsPerConsultation} | ${r.transactionsPerConsultation} / ${r.walFlushesPerConsultation} / ${r.walBytesPerConsultation} |`);
  ' "$measured")")
done

if [ -n "$MATCHING_RATE" ]; then
  say "matching: $MATCHING_RATE requests/s"
  WITH_POSTGRES=1 load-tests/scripts/measured-run.sh "$tandem" mvn -f load-tests/pom.xml -B -q gatling:test \
    -Dgatling.simulationClass=io.tandem.load.MatchingRateSimulation -DbaseUrl=http://localhost:8080 \
    -Dclients.perSecond="$MATCHING_RATE" -Dexperts="$MATCHING_EXPERTS" -Dduration="$DURATION" >> "$log" 2>&1 || true
  matching=$(python3 load-tests/scripts/report.py)
fi

if [ "${TWO_NODES:-0}" = 1 ]; then
  say "Tandem again, clustered, on 8080, and a second clustered node on 8081 sharing its database"
  stop "$tandem_mvn"; pkill -f 'io.tandem.Main' 2>/dev/null || true
  sleep 3
  TANDEM_LOAD_TEST_SEED_ENABLED=true TANDEM_DB_EMBEDDED_DATA_DIR="$out/compare-data/postgres" TANDEM_CLUSTER_ENABLED=true \
    mvn -q exec:exec >> "$log" 2>&1 &
  tandem_mvn=$!
  wait_for_ready http://localhost:8080/ready
  tandem=$(server_pid 'io.tandem.Main' "$tandem_mvn")
  db_port=${TANDEM_DB_EMBEDDED_PORT:-54329}
  TANDEM_HTTP_PORT=8081 TANDEM_DB_URL="postgresql://postgres@localhost:$db_port/postgres" TANDEM_CLUSTER_ENABLED=true \
    TANDEM_LOAD_TEST_SEED_ENABLED=true mvn -q exec:exec >> "$log" 2>&1 &
  second_mvn=$!
  wait_for_ready http://localhost:8081/ready
  second=$(pgrep -f 'io.tandem.Main' | grep -v "^$tandem\$" | head -n 1)
  epochs() { psql -h localhost -p "$db_port" -U postgres -Atc "SELECT sum(epoch) FROM shard_leases" postgres 2>/dev/null || echo 0; }
  # The first node owns every shard until its next lease tick sees the second one and gives half
  # back: count lease changes only once the two hold eight each, or the hand-over counts as churn.
  split() { psql -h localhost -p "$db_port" -U postgres -Atc "SELECT string_agg(n::text, ' ' ORDER BY n) FROM
    (SELECT count(*) AS n FROM shard_leases WHERE expires_at > now() GROUP BY owner_node) owners" postgres 2>/dev/null || true; }
  for _ in $(seq 1 60); do [ "$(split)" = "8 8" ] && break; sleep 1; done
  say "shard leases held per node before the run: $(split)"
  # Twice: the first burst meets JVMs that have compiled none of the connection path yet (as after
  # a deploy), the second the same nodes warmed by it (as in steady operation).
  say "1,000 experts going online at once on the second node, twice"
  burst=$(node load-tests/scripts/burst-driver.mjs --base http://localhost:8081 --seedBase http://localhost:8080 \
    --experts "${BURST_EXPERTS:-1000}" --pid "$tandem,$second" --pgport "$db_port" 2>>"$log" | tee -a "$log" | tail -n 1)
  burst_again=$(node load-tests/scripts/burst-driver.mjs --base http://localhost:8081 --seedBase http://localhost:8080 \
    --experts "${BURST_EXPERTS:-1000}" --pid "$tandem,$second" --pgport "$db_port" 2>>"$log" | tee -a "$log" | tail -n 1)
  epochs_before=$(epochs)
  rate=${TWO_NODES_RATE:-$(echo "$RATES" | awk '{print $NF}')}
  say "chat across two nodes at $rate/s"
  if [ "$DRIVER" = node ]; then
    # Clients on the first node, experts on the second: every message crosses the cluster. The
    # server's CPU is both nodes'.
    measured=$(node load-tests/scripts/chat-driver.mjs --base http://localhost:8080 --peer http://localhost:8081 --server tandem \
      --rooms "$PAIRS" --rate "$rate" --seconds "$DURATION" --pid "$tandem,$second" --pgport "$DB_PORT" 2>>"$log" | tee -a "$log" | tail -n 1)
    rows+=("$(node_chat_row "Tandem, two nodes" "$measured")")
  else
    measured=$(WITH_POSTGRES=1 load-tests/scripts/measured-run.sh "$tandem" mvn -f load-tests/pom.xml -B -q gatling:test \
      -Dgatling.simulationClass=io.tandem.load.ChatThroughputSimulation -DbaseUrl=http://localhost:8080 -DpeerUrl=http://localhost:8081 \
      -Dpairs="$PAIRS" -Drate="$rate" -Dduration="$DURATION" -Dsetup="$SETUP" 2>&1 | tee -a "$log" | grep '^==' || true)
    rows+=("$(python3 load-tests/scripts/report.py --row "Tandem, two nodes" "$rate" "$DURATION" <<< "$measured")")
  fi
  lease_changes=$(( $(epochs) - epochs_before ))
  say "shard leases that changed owner during the two-node run: $lease_changes"
  stop "$second_mvn"; pkill -f 'tandem.httpPort=8081|TANDEM_HTTP_PORT=8081' 2>/dev/null || true
fi
stop "$tandem_mvn"; pkill -f 'io.tandem.Main' 2>/dev/null || true

echo
echo "Chat, $PAIRS rooms, $DURATION s measured per row (same machine, one server at a time):"
echo
echo "| server | offered / s | achieved / s | stored ack p50 / p99 ms | delivered p50 / p99 ms | failures | server CPU s per 1,000 msgs | PostgreSQL CPU s per 1,000 msgs |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
python3 load-tests/scripts/report.py --ratios "${rows[@]}"
echo
[ -n "${lease_changes:-}" ] && echo "Shard leases that changed owner during the two-node run: $lease_changes" && echo
[ -n "${burst:-}" ] && echo "Experts going online at once on the second node (ms from the burst's start), first burst: $burst" \
  && echo "and a second burst of new experts on the same nodes: $burst_again" && echo
if [ ${#floor_rows[@]} -gt 0 ]; then
  echo "The plain-insert floor on Tandem's PostgreSQL, one connection (PostgreSQL CPU ms per row = s per 1,000 rows):"
  echo
  printf '%s\n' "${floor_rows[@]}"
  echo
fi
if [ ${#lifecycle_rows[@]} -gt 0 ]; then
  echo "Whole consultations, $DURATION s measured per row (create, offer, accept, both join, a message each way, end, rating):"
  echo
  echo "| offered / s | completed / s | failures | offer p50 / p99 ms | match | join | send | end | rating | whole | server + PostgreSQL CPU ms per consultation | transactions / WAL flushes / WAL bytes per consultation |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${lifecycle_rows[@]}"
  echo
fi
if [ -n "$MATCHING_RATE" ]; then
  echo "Matching, one shard, $MATCHING_RATE requests/s offered:"
  echo
  echo "$matching"
fi
