#!/usr/bin/env bash
# Every output format of explain at 1x, 2x and 4x the benchmark capture, on
# deno and bun, in one table: wall time, CPU time (user+sys) and peak RSS per
# run. Memory must stay flat as the capture grows (docs/benchmarks.md).
# Captures come from bench/make-explain-capture.sh (1x = CONNS connections,
# 100,000 by default = 2.4 M packets). Output goes to /dev/null. One run per
# cell; runtimes and formats are interleaved so load changes hit all alike.
# Usage: bash bench/explain_formats.sh [CONNS=100000] [SIZES="1 2 4"] [RUNTIMES="deno bun"]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
B="$ROOT/node_modules/.bin"
CONNS=${1:-100000}
SIZES=${2:-"1 2 4"}
RUNTIMES=${3:-"deno bun"}
DIR=${BENCH_DIR:-/tmp/tcpecho-bench}
FORMATS=(text --summary json ndjson html)
mkdir -p "$DIR"
for k in $SIZES; do
  f="$DIR/explain-$((CONNS * k)).pcap"
  [ -s "$f" ] || bash "$ROOT/bench/make-explain-capture.sh" "$f" $((CONNS * k)) >&2
done

tf=$(mktemp)
trap 'rm -f "$tf"' EXIT
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
printf '| size | connections | runtime | format | exit | wall s | CPU s | peak RSS MiB |\n'
printf '| --- | --- | --- | --- | --- | --- | --- | --- |\n'
for k in $SIZES; do
  f="$DIR/explain-$((CONNS * k)).pcap"
  for fmt in "${FORMATS[@]}"; do
    case $fmt in
      text) args=() ;;
      --summary) args=(--summary) ;;
      *) args=(--format "$fmt") ;;
    esac
    for rt in $RUNTIMES; do
      if [ "$rt" = deno ]; then exe=("$B/deno" run -A --no-check); else exe=("$B/bun"); fi
      code=0
      /usr/bin/time -o "$tf" -f "%e %U %S %M" \
        "${exe[@]}" "$ROOT/cmd/main.ts" explain "$f" "${args[@]}" >/dev/null 2>&1 || code=$?
      read -r w u s r < <(tail -n 1 "$tf")
      printf '| %sx | %s | %s | %s | %s | %s | %.1f | %d |\n' "$k" $((CONNS * k)) "$rt" "$fmt" \
        "$code" "$w" "$(echo "$u + $s" | bc)" $((r / 1024))
    done
  done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
