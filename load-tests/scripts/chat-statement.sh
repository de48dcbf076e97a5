#!/usr/bin/env bash
# What the chat's batch statement costs PostgreSQL by itself (docs/benchmarks.md, "A chat message's
# seq from a narrow counter row"): BATCHES batches of SIZE messages to random open sessions, each in
# a transaction that is rolled back (no commit, so no flush), timed from psql, RUNS times; beside
# it, in the same loop, the plain-insert floor's statement (the same arrays into a table with only
# its primary key) and an empty statement taking the same arrays (psql and the round trips).
#
# It runs against the server's own PostgreSQL (start the server with the README command first) in a
# scratch database `chat_statement` that it creates and drops: 100,000 sessions (1,000 open, with
# their chat counter rows) and 800,000 messages, the tables shaped as the migrations leave them.
#
#   load-tests/scripts/chat-statement.sh
#   SOURCE=<(git show 6f3084c:src/main/java/io/tandem/session/MessageStore.java) BEFORE=1 \
#     load-tests/scripts/chat-statement.sh        # the statement before migration V20, on its schema
#
# SOURCE: the MessageStore.java whose APPEND_BATCH is timed (default: this tree's). BEFORE=1 keeps
# the schema before V20: the counter in sessions.last_seq and the foreign key from messages to
# sessions. Needs psql and python3.
set -euo pipefail
cd "$(dirname "$0")/../.."
SOURCE=${SOURCE:-src/main/java/io/tandem/session/MessageStore.java}
BATCHES=${BATCHES:-400}
SIZE=${SIZE:-50}
RUNS=${RUNS:-3}
BEFORE=${BEFORE:-}
export PGOPTIONS="-c client_min_messages=warning" PGHOST=${PGHOST:-localhost} PGPORT=${PGPORT:-54329} PGUSER=${PGUSER:-postgres}
work=$(mktemp -d)
trap 'rm -rf "$work"; psql -q -d postgres -c "DROP DATABASE IF EXISTS chat_statement" >/dev/null 2>&1 || true' EXIT

# The statement, as the Java source concatenates it.
python3 - "$SOURCE" > "$work/statement.sql" <<'PY'
import re, sys
source = open(sys.argv[1]).read()
body = re.search(r'static final String APPEND_BATCH = (.*?);\n', source, re.S).group(1)
print(''.join(re.findall(r'"((?:[^"\\]|\\.)*)"', body)))
PY

psql -q -d postgres -c "DROP DATABASE IF EXISTS chat_statement" -c "CREATE DATABASE chat_statement" >/dev/null
psql -q -v ON_ERROR_STOP=1 -d chat_statement >/dev/null <<SQL
CREATE TABLE sessions (id uuid PRIMARY KEY, request_id uuid, offer_id uuid UNIQUE, client_id uuid NOT NULL, expert_id uuid NOT NULL,
  topic text, mode text, status text NOT NULL, join_deadline timestamptz, meeting_lat double precision, meeting_lng double precision,
  created_at timestamptz DEFAULT now(), started_at timestamptz, ended_at timestamptz, last_seq integer NOT NULL DEFAULT 0,
  client_joined_at timestamptz, expert_joined_at timestamptz, client_disconnected_at timestamptz, expert_disconnected_at timestamptz,
  client_left_at timestamptz, expert_left_at timestamptz, ended_by uuid, price bigint, meeting_checkin boolean,
  end_warned_at timestamptz, platform_fee bigint, booking_id uuid UNIQUE);
CREATE INDEX ON sessions (expert_id) WHERE status IN ('waiting', 'active');
CREATE INDEX ON sessions (status) WHERE status IN ('waiting', 'active') AND (client_disconnected_at IS NOT NULL OR expert_disconnected_at IS NOT NULL);
CREATE INDEX ON sessions (client_id, created_at DESC);
CREATE INDEX ON sessions (expert_id, created_at DESC);
CREATE UNIQUE INDEX ON sessions (request_id) WHERE status NOT IN ('expert_no_show', 'expert_left');
INSERT INTO sessions (id, request_id, offer_id, client_id, expert_id, topic, mode, status, join_deadline, started_at,
    client_joined_at, expert_joined_at, price, platform_fee)
  SELECT gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 'career.interview', 'chat',
    CASE WHEN g <= 1000 THEN 'active' ELSE 'completed' END, now(), now(), now(), now(), 100, 10
  FROM generate_series(1, 100000) g;
CREATE TABLE messages (session_id uuid NOT NULL, seq integer NOT NULL, sender_id uuid NOT NULL, text text NOT NULL,
  client_msg_id text NOT NULL, sent_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (session_id, seq),
  UNIQUE (session_id, sender_id, client_msg_id));
INSERT INTO messages SELECT s.id, g, s.client_id, 'How should I prepare for the system design round?', 'pre' || g, now()
  FROM (SELECT * FROM sessions ORDER BY random() LIMIT 20000) s, generate_series(1, 40) g;
UPDATE sessions s SET last_seq = 40 WHERE EXISTS (SELECT 1 FROM messages m WHERE m.session_id = s.id);
CREATE TABLE chat_seqs (session_id uuid PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE, last_seq integer NOT NULL);
INSERT INTO chat_seqs SELECT id, last_seq FROM sessions WHERE status IN ('waiting', 'active');
CREATE TABLE floor_rows (session_id uuid NOT NULL, seq integer NOT NULL, sender_id uuid NOT NULL, text text NOT NULL,
  client_msg_id text NOT NULL, sent_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (session_id, seq));
SQL
if [ -n "$BEFORE" ]; then
  psql -q -v ON_ERROR_STOP=1 -d chat_statement -c "ALTER TABLE messages ADD FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE" >/dev/null
else
  psql -q -v ON_ERROR_STOP=1 -d chat_statement -c "ALTER TABLE sessions DROP COLUMN last_seq" >/dev/null
fi
psql -q -d chat_statement -c "VACUUM ANALYZE" >/dev/null

# One psql script per statement: prepared, the arrays picked once, BATCHES executions each rolled back.
script() { # name sql
  {
    echo "PREPARE batch(uuid[], uuid[], text[], text[]) AS $2;"
    echo "SELECT array_agg(id)::text AS ids, array_agg(client_id)::text AS senders, array_agg('m' || n)::text AS client_msg_ids,"
    echo "  array_agg('How should I prepare for the system design round?'::text)::text AS texts"
    echo "  FROM (SELECT id, client_id, row_number() OVER () AS n FROM sessions WHERE status = 'active' ORDER BY random() LIMIT $SIZE) p \\gset"
    for _ in $(seq 1 "$BATCHES"); do
      echo "BEGIN; EXECUTE batch(:'ids', :'senders', :'client_msg_ids', :'texts'); ROLLBACK;"
    done
  } > "$work/$1.sql"
}
script statement "$(cat "$work/statement.sql")"
script floor "INSERT INTO floor_rows (session_id, seq, sender_id, text, client_msg_id) SELECT s, 1, c, t, m FROM unnest(\$1::uuid[], \$2::uuid[], \$3::text[], \$4::text[]) AS u(s, c, m, t)"
script empty "SELECT cardinality(\$1::uuid[]) + cardinality(\$2::uuid[]) + cardinality(\$3::text[]) + cardinality(\$4::text[])"

for run in $(seq 1 "$RUNS"); do
  for name in statement floor empty; do
    start=$(date +%s.%N)
    psql -q -v ON_ERROR_STOP=1 -o /dev/null -d chat_statement -f "$work/$name.sql"
    end=$(date +%s.%N)
    awk -v name="$name" -v run="$run" -v s="$start" -v e="$end" -v b="$BATCHES" -v n="$SIZE" -v before="${BEFORE:+true}" 'BEGIN {
      printf "{\"statement\":\"%s\",\"schema\":\"%s\",\"run\":%d,\"batches\":%d,\"size\":%d,\"seconds\":%.2f}\n", name, before ? "before V20" : "now", run, b, n, e - s
    }'
  done
done
