#!/usr/bin/env bash
# Runs a command (a Gatling run) and reports what the server process spent meanwhile: CPU seconds
# and average cores, peak resident memory (sampled each second), and for a JVM the heap in use at the
# end and the live heap after a full GC. With WITH_POSTGRES=1 it also counts the CPU of every
# `postgres` process (the embedded database is part of Tandem's cost). Used for every figure in
# docs/benchmarks.md.
#
#   load-tests/scripts/measured-run.sh <server pid> <command...>
#   e.g. load-tests/scripts/measured-run.sh "$(pgrep -f io.tandem.Main)" mvn -f load-tests/pom.xml -B gatling:test ...
set -euo pipefail
pid=$1
shift
ticks=$(getconf CLK_TCK)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
postgres_ticks() {
  local total=0 p
  for p in $(pgrep -x postgres); do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }

machine() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8, $5 + $6}' /proc/stat; }  # busy idle
read -r start_busy start_idle < <(machine)
start_cpu=$(cpu_ticks)
start_pg=$(postgres_ticks)
start_time=$(date +%s.%N)
(
  while kill -0 "$pid" 2>/dev/null; do
    rss_kib
    sleep 1
  done
) > "/tmp/measured-run.$$.rss" &
sampler=$!

status=0
"$@" || status=$?

kill "$sampler" 2>/dev/null || true
end_time=$(date +%s.%N)
end_cpu=$(cpu_ticks)
read -r end_busy end_idle < <(machine)
end_pg=$(postgres_ticks)
peak=$(sort -n "/tmp/measured-run.$$.rss" | tail -n 1)
rm -f "/tmp/measured-run.$$.rss"

wall=$(echo "$end_time - $start_time" | bc -l)
cpu=$(echo "($end_cpu - $start_cpu) / $ticks" | bc -l)
printf '\n== server %s during the run: %.0f s wall, %.1f s CPU (%.2f cores on average), peak RSS %d MiB\n' \
  "$pid" "$wall" "$cpu" "$(echo "$cpu / $wall" | bc -l)" "$((peak / 1024))"
busy=$((end_busy - start_busy))
printf '== whole machine (server, database and load generator): %.0f%% busy\n' \
  "$(echo "100 * $busy / ($busy + $end_idle - $start_idle)" | bc -l)"
if [ "${WITH_POSTGRES:-0}" = 1 ]; then
  pg=$(echo "($end_pg - $start_pg) / $ticks" | bc -l)
  printf '== postgres during the run: %.1f s CPU (%.2f cores on average)\n' "$pg" "$(echo "$pg / $wall" | bc -l)"
fi
# jcmd only for a JVM: to anything else its attach request is a SIGQUIT, which ends a Node.js process.
if [ "$(basename "$(readlink "/proc/$pid/exe" 2>/dev/null)")" = java ] && jcmd "$pid" VM.version >/dev/null 2>&1; then
  used=$(jcmd "$pid" GC.heap_info | awk '/garbage-first heap|PSYoungGen|def new generation/ && /used/ {for (i = 1; i <= NF; i++) if ($i == "used") print $(i + 1)}' | head -n 1)
  jcmd "$pid" GC.run >/dev/null
  live=$(jcmd "$pid" GC.heap_info | awk '/garbage-first heap/ {for (i = 1; i <= NF; i++) if ($i == "used") print $(i + 1)}' | head -n 1)
  echo "== heap in use at the end: ${used:-?}; live heap after a full GC: ${live:-?}"
fi
exit "$status"
