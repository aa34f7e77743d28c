#!/usr/bin/env bash
# The explain benchmark at every size, in one run and one table (issue 14's
# "side by side"): every output format of explain at 1x, 2x and 4x the
# benchmark capture, on deno and bun, with --threads 1 and --threads 2 (wall
# time, CPU time user+sys of all threads, packets/s, peak RSS), then tshark
# and tcptrace on the 1x capture. After the table, each format's time as a
# multiple of --summary's (same size, runtime and thread count).
# Captures come from bench/make-explain-capture.sh (1x = CONNS connections,
# 100,000 by default = 2.4 M packets; making them needs root). Output goes to
# /dev/null. One run per cell; formats, thread counts and runtimes are
# interleaved so load changes hit all alike. The HTML report always runs one
# thread (docs/threads.md): its --threads 2 row is the same path.
# Usage: [THREADS="1 2"] [PEERS=1] bash bench/explain_formats.sh [CONNS=100000] [SIZES="1 2 4"] [RUNTIMES="deno bun"]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
B="$ROOT/node_modules/.bin"
CONNS=${1:-100000}
SIZES=${2:-"1 2 4"}
RUNTIMES=${3:-"deno bun"}
THREADS=${THREADS:-"1 2"}
PEERS=${PEERS:-1}
DIR=${BENCH_DIR:-/tmp/tcpecho-bench}
FORMATS=(text --summary json ndjson html)
mkdir -p "$DIR"
for k in $SIZES; do
  f="$DIR/explain-$((CONNS * k)).pcap"
  [ -s "$f" ] || bash "$ROOT/bench/make-explain-capture.sh" "$f" $((CONNS * k)) >&2
done
packets() { capinfos -c -M "$1" 2>/dev/null | awk -F': *' '/Number of packets/ {print $2}'; }

tf=$(mktemp)
rows=$(mktemp)
trap 'rm -f "$tf" "$rows"' EXIT
# row SIZE TOOL FORMAT THREADS PACKETS CMD...: one timed run, one table row
row() {
  local size=$1 tool=$2 fmt=$3 threads=$4 n=$5 code=0 w u s r
  shift 5
  /usr/bin/time -o "$tf" -f "%e %U %S %M" "$@" >/dev/null 2>&1 || code=$?
  read -r w u s r < <(tail -n 1 "$tf")
  awk -v k="$size" -v t="$tool" -v f="$fmt" -v th="$threads" -v c="$code" -v n="$n" \
    -v w="$w" -v u="$u" -v s="$s" -v r="$r" 'BEGIN {
      printf "| %sx | %s | %s | %s | %s | %.2f | %.1f | %.2f | %d |\n",
        k, t, f, th, c, w, u + s, n / w / 1e6, r / 1024 }' | tee -a "$rows"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
printf '| size | tool | format | threads | exit | wall s | CPU s | M packets/s (wall) | peak RSS MiB |\n'
printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
for k in $SIZES; do
  f="$DIR/explain-$((CONNS * k)).pcap"
  n=$(packets "$f")
  for fmt in "${FORMATS[@]}"; do
    case $fmt in
      text) args=() ;;
      --summary) args=(--summary) ;;
      *) args=(--format "$fmt") ;;
    esac
    for t in $THREADS; do
      for rt in $RUNTIMES; do
        if [ "$rt" = deno ]; then exe=("$B/deno" run -A --no-check); else exe=("$B/bun"); fi
        # As the launcher runs Deno with worker threads (bin/tcpecho.mjs, docs/threads.md).
        if [ "$rt" = deno ] && [ "$t" -ge 2 ]; then exe+=(--v8-flags=--max-semi-space-size=1); fi
        row "$k" "$rt" "$fmt" "$t" "$n" "${exe[@]}" "$ROOT/cmd/main.ts" explain "$f" "${args[@]}" \
          --threads "$t"
      done
    done
  done
  if [ "$PEERS" = 1 ] && [ "$k" = "$(echo "$SIZES" | awk '{print $1}')" ]; then
    command -v tshark >/dev/null && row "$k" tshark "-q -z conv,tcp" 1 "$n" tshark -r "$f" -q -z conv,tcp
    command -v tcptrace >/dev/null && row "$k" tcptrace "-n" 1 "$n" tcptrace -n "$f"
  fi
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "Each format's wall time as a multiple of --summary's (same size, runtime, threads):"
printf "| size runtime threads | text | json | ndjson | html |\n| --- | --- | --- | --- | --- |\n"
awk -F' *\\| *' '
  $3 == "deno" || $3 == "bun" { key = $2 " " $3 " " $5; wall[key, $4] = $7; keys[key] = 1 }
  END {
    for (key in keys) {
      s = wall[key, "--summary"]
      if (s > 0) printf "| %s | %.1f | %.1f | %.1f | %.1f |\n", key, wall[key, "text"] / s,
        wall[key, "json"] / s, wall[key, "ndjson"] / s, wall[key, "html"] / s
    }
  }' "$rows" | sort