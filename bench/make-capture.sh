#!/usr/bin/env bash
# Makes the benchmark capture from real kernel traffic: many short echo
# connections on the loopback of a private network namespace (198.18.0.1),
# captured with `tcpdump -s 128`, stopped at PACKETS packets (default 2.5 M).
# Cached under /tmp/tcpecho-capture-bench (not committed); prints the file's path.
# Needs root, ip, tcpdump and the project's bun (npm ci).
# Usage: bash bench/make-capture.sh [PACKETS]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PACKETS="${1:-2500000}"
DIR=/tmp/tcpecho-capture-bench
OUT="$DIR/echo-$PACKETS.pcap"
if [ -s "$OUT" ]; then echo "$OUT"; exit 0; fi
mkdir -p "$DIR"
NS="tcpecho-bench-$$"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  ip netns pids "$NS" 2>/dev/null | xargs -r kill 2>/dev/null || true
  ip netns del "$NS" 2>/dev/null || true
}
trap cleanup EXIT
ip netns add "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" addr add 198.18.0.1/32 dev lo
ip netns exec "$NS" sysctl -q -w net.ipv4.ip_local_port_range="1024 65000" net.ipv4.tcp_tw_reuse=1
ip netns exec "$NS" tcpdump -Z root -q -i lo -s 128 -B 32768 -c "$PACKETS" -w "$OUT.part" \
  'tcp port 9877' >"$DIR/tcpdump.log" 2>&1 &
TCPDUMP=$!
PIDS+=("$TCPDUMP")
sleep 1
# Roughly 10 packets per connection; the load stops itself by count or after 180 s.
CONNS=$((PACKETS / 9 + 1000))
ip netns exec "$NS" "$ROOT/node_modules/.bin/bun" "$ROOT/bench/capture-load.ts" \
  198.18.0.1 9877 "$CONNS" 32 180 >&2 &
PIDS+=("$!")
for _ in $(seq 1 200); do
  kill -0 "$TCPDUMP" 2>/dev/null || break
  sleep 1
done
kill -INT "$TCPDUMP" 2>/dev/null || true
wait "$TCPDUMP" 2>/dev/null || true
mv "$OUT.part" "$OUT"
cat "$DIR/tcpdump.log" >&2
echo "$OUT"
