#!/usr/bin/env bash
# The explain benchmark: `tcpecho explain FILE --summary` on deno and bun,
# side by side with `tshark -q -z conv,tcp` and `tcptrace -n` on the same
# capture, then the same tcpecho runs on a capture twice as big (memory must
# stay flat). Prints wall time, CPU time (user+sys), packets/s and peak RSS.
# Captures are made by bench/make-explain-capture.sh (real loopback traffic
# multiplied); 2.4M packets / 100,000 connections by default.
# The machine is shared: each tcpecho row is the best wall time of ROUNDS runs
# (default 3; its CPU time beside it) with the HIGHEST peak RSS of those runs.
# tshark and tcptrace run once (tshark alone takes ~25-40 s).
# Usage: [ROUNDS=3] bash bench/explain.sh [CONNS=100000] [--no-others]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
B="$ROOT/node_modules/.bin"
CONNS=${1:-100000}
OTHERS=1; [ "${2:-}" = "--no-others" ] && OTHERS=0
DIR=${BENCH_DIR:-/tmp/tcpecho-bench}
mkdir -p "$DIR"
ONE="$DIR/explain-$CONNS.pcap"; TWO="$DIR/explain-$((CONNS * 2)).pcap"
[ -s "$ONE" ] || bash "$ROOT/bench/make-explain-capture.sh" "$ONE" "$CONNS"
[ -s "$TWO" ] || bash "$ROOT/bench/make-explain-capture.sh" "$TWO" $((CONNS * 2))

packets() { capinfos -c -M "$1" 2>/dev/null | awk -F': *' '/Number of packets/ {print $2}'; }

ROUNDS=${ROUNDS:-3}

# run LABEL FILE CMD... : timed runs (GNU time), prints a result row; tcpecho
# rows take the best of ROUNDS runs (peak RSS: the highest of them)
run() {
  local label=$1 file=$2; shift 2
  local n; n=$(packets "$file")
  local rounds=1; [[ $label == tcpecho* ]] && rounds=$ROUNDS
  local tf; tf=$(mktemp)
  local wall=0 user=0 sys=0 rss=0 w u s r i
  for ((i = 0; i < rounds; i++)); do
    /usr/bin/time -o "$tf" -f "%e %U %S %M" "$@" >/dev/null 2>&1 || true
    read -r w u s r < "$tf"
    if [ "$i" = 0 ] || awk -v a="$w" -v b="$wall" 'BEGIN { exit !(a < b) }'; then
      wall=$w; user=$u; sys=$s
    fi
    if [ "$r" -gt "$rss" ]; then rss=$r; fi
  done
  rm -f "$tf"
  awk -v l="$label" -v f="$(basename "$file")" -v n="$n" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" \
    'BEGIN { cpu = u + s; printf "%-26s %-22s %9d %8.2f %8.2f %10.2f %10.2f %8.0f\n",
      l, f, n, w, cpu, n / w / 1e6, n / cpu / 1e6, r / 1024 }'
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
printf "%-26s %-22s %9s %8s %8s %10s %10s %8s\n" tool capture packets wall_s cpu_s Mpps_wall Mpps_cpu rss_MB
for f in "$ONE" "$TWO"; do
  run "tcpecho (deno) --summary" "$f" "$B/deno" run --allow-read --allow-env "$ROOT/cmd/main.ts" explain "$f" --summary
  run "tcpecho (bun) --summary" "$f" "$B/bun" "$ROOT/cmd/main.ts" explain "$f" --summary
  if [ "$OTHERS" = 1 ] && [ "$f" = "$ONE" ]; then
    command -v tshark >/dev/null && run "tshark -q -z conv,tcp" "$f" tshark -r "$f" -q -z conv,tcp
    command -v tcptrace >/dev/null && run "tcptrace -n" "$f" tcptrace -n "$f"
  fi
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
