#!/usr/bin/env bash
# explain --threads 1 against --threads 2 (and more, THREADS="1 2 3"), on Deno
# and Bun, on the explain benchmark capture (bench/make-explain-capture.sh:
# 100,000 connections / 2.4M packets, needs root to make), in every format
# given (FORMATS, default "--summary" and ndjson). Runs alternate (1, 2, 1, 2,
# ...) so load changes hit both; each row is the median wall time of ROUNDS
# runs with its CPU time (user+sys, all threads), packets/s by wall and by
# CPU, and the highest peak RSS. Also checks that every thread count printed
# the same bytes. The machine is shared: compare CPU time when it is busy.
# Usage: [ROUNDS=3] [THREADS="1 2"] bash bench/explain_threads.sh [FILE|CONNS]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
B="$ROOT/node_modules/.bin"
ARG=${1:-100000}
if [ -f "$ARG" ]; then
  FILE=$ARG
else
  DIR=${BENCH_DIR:-/tmp/tcpecho-bench}
  mkdir -p "$DIR"
  FILE="$DIR/explain-$ARG.pcap"
  [ -s "$FILE" ] || bash "$ROOT/bench/make-explain-capture.sh" "$FILE" "$ARG"
fi
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-1 2}
FORMATS=${FORMATS:---summary;--format ndjson --summary;--format ndjson}
N=$(capinfos -c -M "$FILE" 2>/dev/null | awk -F': *' '/Number of packets/ {print $2}')
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

echo "capture $(basename "$FILE"): $N packets; load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
printf "%-5s %-28s %7s %8s %8s %10s %10s %8s %s\n" rt format threads wall_s cpu_s Mpps_wall Mpps_cpu rss_MB same
IFS=';' read -r -a FMTS <<< "$FORMATS"
for rt in deno bun; do
  if [ "$rt" = deno ]; then CMD=("$B/deno" run -A "$ROOT/cmd/main.ts"); else CMD=("$B/bun" "$ROOT/cmd/main.ts"); fi
  for fmt in "${FMTS[@]}"; do
    read -r -a F <<< "$fmt"
    for t in $THREADS; do : > "$TMP/t$t"; done
    for ((i = 0; i < ROUNDS; i++)); do
      for t in $THREADS; do
        /usr/bin/time -o "$TMP/time" -f "%e %U %S %M" "${CMD[@]}" explain "$FILE" "${F[@]}" \
          --threads "$t" > "$TMP/out$t" 2>/dev/null || true
        cat "$TMP/time" >> "$TMP/t$t"
      done
    done
    first=""
    for t in $THREADS; do
      [ -z "$first" ] && first=$t
      same=yes; cmp -s "$TMP/out$first" "$TMP/out$t" || same=NO
      sort -n "$TMP/t$t" | awk -v rt="$rt" -v f="$fmt" -v t="$t" -v n="$N" -v r="$ROUNDS" -v same="$same" '
        { w[NR] = $1; c[NR] = $2 + $3; if ($4 > rss) rss = $4 }
        END { m = int((r + 1) / 2); printf "%-5s %-28s %7d %8.2f %8.2f %10.2f %10.2f %8.0f %s\n",
          rt, f, t, w[m], c[m], n / w[m] / 1e6, n / c[m] / 1e6, rss / 1024, same }'
    done
  done
done
