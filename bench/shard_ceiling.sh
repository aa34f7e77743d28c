#!/usr/bin/env bash
# The parallel ceiling of this machine for explain (docs/threads.md): one
# process analysing every connection of the capture, one process analysing
# half of them (it still reads and decodes every frame), and two such halves
# started at once (no threads, no messages, no merge: the best any sharding
# could do). Each row: the median wall and CPU time of ROUNDS runs (rows
# alternate). Both runtimes. Usage: [ROUNDS=5] bash bench/shard_ceiling.sh [FILE|CONNS]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
B="$ROOT/node_modules/.bin"
ARG=${1:-100000}
if [ -f "$ARG" ]; then FILE=$ARG; else
  FILE="${BENCH_DIR:-/tmp/tcpecho-bench}/explain-$ARG.pcap"
  [ -s "$FILE" ] || bash "$ROOT/bench/make-explain-capture.sh" "$FILE" "$ARG"
fi
ROUNDS=${ROUNDS:-5}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
S="$ROOT/bench/shard_ceiling.ts"
echo "capture $(basename "$FILE"); load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
printf "%-6s %-34s %8s %8s\n" runtime case wall_s cpu_s
for rt in deno bun; do
  if [ $rt = deno ]; then R=("$B/deno" run -A); else R=("$B/bun"); fi
  for ((i = 0; i < ROUNDS; i++)); do
    /usr/bin/time -a -o "$TMP/$rt.all" -f "%e %U %S" "${R[@]}" "$S" "$FILE" 0 1 >/dev/null
    /usr/bin/time -a -o "$TMP/$rt.half" -f "%e %U %S" "${R[@]}" "$S" "$FILE" 0 2 >/dev/null
    /usr/bin/time -a -o "$TMP/$rt.both" -f "%e %U %S" sh -c \
      '"$@" 0 2 >/dev/null & "$@" 1 2 >/dev/null & wait' sh "${R[@]}" "$S" "$FILE"
  done
  for c in all half both; do
    label=$(case $c in all) echo "every connection, one process" ;;
      half) echo "half of them, one process" ;; both) echo "both halves, two processes at once" ;; esac)
    w=$(awk '{print $1}' "$TMP/$rt.$c" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
    u=$(awk '{print $2 + $3}' "$TMP/$rt.$c" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
    printf "%-6s %-34s %8.2f %8.2f\n" $rt "$label" "$w" "$u"
  done
done
