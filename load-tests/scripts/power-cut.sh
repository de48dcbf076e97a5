#!/usr/bin/env bash
# A power cut under load. The embedded PostgreSQL keeps its data on LazyFS, a FUSE file system that
# holds written data in its own cache until fsync and drops whatever was not synced on command,
# as a machine losing power drops the operating system's page cache. Tandem (the jar) chats in
# several rooms at once; then the server and PostgreSQL are killed (kill -9) and LazyFS clears what
# was not synced; the server starts again on the same folder, and every acknowledged message, match
# and ledger hold must be there, with the ledger summing to zero.
#
#   load-tests/scripts/power-cut.sh [seconds of load before the cut, default 20] [rooms, default 8]
#
# Needs Linux with FUSE (/dev/fuse), root (to install g++, cmake and libfuse3-dev with apt-get if
# they are missing, and to mount), Node 20 or later, and target/tandem.jar (mvn -B package). LazyFS
# is built from LAZYFS_SRC, a checkout of https://github.com/dsrhaslab/lazyfs (cloned there when
# missing; LAZYFS_CMAKE_ARGS below for a machine without github.com). Works in POWER_CUT_WORK (default /tmp/tandem-power-cut), emptied first. Exit code 0
# when nothing acknowledged was lost. Results of runs are in docs/operations.md ("Power cut").
set -euo pipefail
load_seconds=${1:-20}
rooms=${2:-8}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${POWER_CUT_WORK:-/tmp/tandem-power-cut}
lazyfs_src=${LAZYFS_SRC:-/tmp/lazyfs-src}
port=${POWER_CUT_PORT:-18555}
base="http://127.0.0.1:$port"
jar="$root/target/tandem.jar"

say() { printf '== %s\n' "$*"; }
fail() { printf 'power-cut: %s\n' "$*" >&2; exit 2; }

[ -e /dev/fuse ] || fail "no /dev/fuse: this machine cannot mount FUSE file systems"
[ -f "$jar" ] || fail "no $jar: run mvn -B package -DskipTests first"
command -v node >/dev/null || fail "node (20 or later) is needed for the load"

# ---- LazyFS, built once
lazyfs_bin="$lazyfs_src/lazyfs/build/lazyfs"
if [ ! -x "$lazyfs_bin" ]; then
  missing=()
  for pkg in g++ cmake libfuse3-dev fuse3; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    apt-get install -y -q "${missing[@]}" >/dev/null
  fi
  [ -d "$lazyfs_src" ] || git clone -q https://github.com/dsrhaslab/lazyfs "$lazyfs_src"
  say "building LazyFS in $lazyfs_src"
  # LAZYFS_CMAKE_ARGS: e.g. -DFETCHCONTENT_SOURCE_DIR_TOML=… -DFETCHCONTENT_SOURCE_DIR_SPDLOG=… where
  # github.com cannot be reached (libpcache fetches toml11 v3.7.1 and spdlog v1.10.0 from there).
  # shellcheck disable=SC2086
  (cd "$lazyfs_src/libs/libpcache" && mkdir -p build && cd build && cmake ${LAZYFS_CMAKE_ARGS:-} .. >/dev/null && cmake --build . >/dev/null)
  # shellcheck disable=SC2086
  (cd "$lazyfs_src/lazyfs" && mkdir -p build && cd build && cmake -DLAZYFS_BUILD_TESTS=OFF ${LAZYFS_CMAKE_ARGS:-} .. >/dev/null \
    && cmake --build . >/dev/null)
fi

# ---- a clean work folder: LazyFS's backing folder, its mount, the state of the load
if mountpoint -q "$work/mnt" 2>/dev/null; then fusermount3 -u "$work/mnt" || umount -l "$work/mnt"; fi
rm -rf "$work"
mkdir -p "$work/mnt" "$work/root"
cat > "$work/lazyfs.toml" <<EOF
[faults]
fifo_path="$work/faults.fifo"
[cache]
apply_eviction=false
[cache.simple]
custom_size="2gb"
blocks_per_page=1
[filesystem]
log_all_operations=false
logfile="$work/lazyfs.log"
EOF
grep -q '^user_allow_other' /etc/fuse.conf 2>/dev/null || echo user_allow_other >> /etc/fuse.conf
"$lazyfs_bin" "$work/mnt" --config-path "$work/lazyfs.toml" -o allow_other -o modules=subdir -o subdir="$work/root" -f \
  > "$work/lazyfs.out" 2>&1 &
lazyfs_pid=$!
for _ in $(seq 100); do mountpoint -q "$work/mnt" && break; sleep 0.1; done
mountpoint -q "$work/mnt" || fail "LazyFS did not mount (see $work/lazyfs.out)"
cleanup() {
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  fusermount3 -u "$work/mnt" 2>/dev/null || umount -l "$work/mnt" 2>/dev/null || true
  kill "$lazyfs_pid" 2>/dev/null || true
}
trap cleanup EXIT
say "LazyFS mounted at $work/mnt (backing folder $work/root)"

# ---- an administrator, for the ledger check
admin_password="power-cut-$(date +%s)-admin"
admin_hash=$(printf '%s\n%s\n' "$admin_password" "$admin_password" | java -jar "$jar" hash-password 2>/dev/null)
export TANDEM_AUTH_ADMINS="[{\"username\":\"ops\",\"passwordHash\":\"$admin_hash\"}]"
export TANDEM_HTTP_PORT=$port TANDEM_DB_EMBEDDED_DATA_DIR="$work/mnt/pg" TANDEM_DB_EMBEDDED_PORT=0
export TANDEM_AUTH_JWT_SECRET_FILE="$work/jwt-secret"

start_server() {
  java -jar "$jar" > "$work/server-$1.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 240); do
    curl -sf "$base/ready" >/dev/null 2>&1 && return 0
    kill -0 "$server_pid" 2>/dev/null || fail "the server exited (see $work/server-$1.log)"
    sleep 0.5
  done
  fail "the server was not ready within 120 s (see $work/server-$1.log)"
}

say "starting Tandem with its database on LazyFS"
start_server 1
say "load: $rooms rooms chatting for $load_seconds s"
node --experimental-websocket --no-warnings "$root/load-tests/scripts/power-cut-driver.mjs" drive "$base" "$work/acknowledged.jsonl" "$rooms" \
  > "$work/driver.log" 2>&1 &
driver_pid=$!
sleep "$load_seconds"

# ---- the cut: everything stops at once, then what was not synced is gone
# Canaries prove the cut drops what it should: one file written and synced, one written only.
echo synced | dd of="$work/mnt/canary-synced" conv=fsync status=none
echo unsynced > "$work/mnt/canary-unsynced"
postgres_pids=$(pgrep -f "postgres.*$work/mnt/pg" || true)
kill -9 "$server_pid" $postgres_pids 2>/dev/null || true
echo "lazyfs::clear-cache" > "$work/faults.fifo"
wait "$server_pid" 2>/dev/null || true
server_pid=
wait "$driver_pid" || true
for _ in $(seq 50); do grep -q "clear-cache" "$work/lazyfs.log" 2>/dev/null && break; sleep 0.1; done
acked=$(grep -c '"kind":"message"' "$work/acknowledged.jsonl" || true)
matched=$(grep -c '"kind":"match"' "$work/acknowledged.jsonl" || true)
say "power cut after $acked acknowledged messages in $matched matched rooms; unsynced data dropped"
[ "$acked" -gt 0 ] || fail "nothing was acknowledged before the cut: the load did not run (see $work/driver.log)"
[ "$(cat "$work/mnt/canary-synced" 2>/dev/null)" = synced ] || fail "the synced canary was lost: LazyFS did not keep synced data"
[ "$(cat "$work/mnt/canary-unsynced" 2>/dev/null)" != unsynced ] || fail "the unsynced canary survived: the cut dropped nothing"
say "canaries: the synced file kept, the unsynced one lost"
rm -f "$work/mnt/pg/postmaster.pid" # the machine rebooted: no process of before exists

# ---- the restart and the check
started=$(date +%s.%N)
start_server 2
say "ready again $(echo "$(date +%s.%N) - $started" | bc -l | xargs printf '%.1f') s after the restart began (WAL replayed)"
node "$root/load-tests/scripts/power-cut-driver.mjs" check "$base" "$work/acknowledged.jsonl" ops "$admin_password"
