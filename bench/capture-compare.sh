#!/usr/bin/env bash
# Reads the benchmark capture (bench/make-capture.sh) with tcpecho's reader +
# decoder under Deno and Bun, side by side with tcpdump (the I/O floor),
# pcap-parser, tshark and tcptrace; prints wall time and packets/s for each.
# Every tool reads the same file once the page cache is warm; one core each.
# Usage: bash bench/capture-compare.sh [FILE]
#   SKIP="tshark tcptrace" leaves out the slow ones (tshark takes minutes on 2.5 M packets).
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
B="$ROOT/node_modules/.bin"
FILE="${1:-$(bash "$ROOT/bench/make-capture.sh")}"
PKTS=$(capinfos -M -c "$FILE" 2>/dev/null | awk -F: '/Number of packets/ {gsub(/ /,"",$2); print $2}')
[ -n "$PKTS" ] || PKTS=$(tcpdump -r "$FILE" 2>/dev/null | wc -l)
echo "file: $FILE ($(du -h "$FILE" | cut -f1), $PKTS packets)"
cat "$FILE" >/dev/null # warm the page cache

row() { # name, seconds
  awk -v n="$1" -v s="$2" -v p="$PKTS" 'BEGIN { printf "%-44s %8.2f s %10.2f Mpps\n", n, s, p / s / 1e6 }'
}
timed() { # name, command...
  local name="$1"
  shift
  case " ${SKIP:-} " in *" $1 "*) echo "$name: skipped (SKIP)"; return ;; esac
  local t0 t1
  t0=$(date +%s.%N)
  taskset -c 0 "$@" >/dev/null 2>&1
  t1=$(date +%s.%N)
  row "$name" "$(echo "$t1 - $t0" | bc -l)"
}
ours() { # runtime label, command...
  local label="$1"
  shift
  local line ms
  line=$(taskset -c 0 "$@" 2>&1 | grep '^RESULT') || { echo "$label: failed"; return; }
  ms=$(echo "$line" | sed -E 's/.*\(([0-9]+) ms for.*/\1/')
  row "$label" "$(echo "$ms / 1000" | bc -l)"
  echo "    ($line)"
}

echo "--- in-process time (best of 3), file read through lib/runtime"
ours "tcpecho reader+decoder (deno)" "$B/deno" run -A "$ROOT/bench/capture-read.ts" "$FILE"
ours "tcpecho reader+decoder (bun)" "$B/bun" "$ROOT/bench/capture-read.ts" "$FILE"
ours "tcpecho reader only (deno)" "$B/deno" run -A "$ROOT/bench/capture-read.ts" "$FILE" --no-decode
ours "tcpecho reader only (bun)" "$B/bun" "$ROOT/bench/capture-read.ts" "$FILE" --no-decode
echo "--- whole-process wall time (includes start-up)"
timed "tcpecho reader+decoder (deno, 1 run)" "$B/deno" run -A "$ROOT/bench/capture-read.ts" "$FILE" --runs 1
timed "tcpecho reader+decoder (bun, 1 run)" "$B/bun" "$ROOT/bench/capture-read.ts" "$FILE" --runs 1
timed "tcpdump -r FILE -w /dev/null" tcpdump -r "$FILE" -w /dev/null
timed "pcap-parser (bun)" "$B/bun" "$ROOT/bench/capture-pcap-parser.ts" "$FILE"
timed "tshark -r FILE -T fields -e frame.number" tshark -r "$FILE" -T fields -e frame.number
timed "tcptrace -n FILE" tcptrace -n "$FILE"
