#!/usr/bin/env bash
# Makes the explain benchmark capture: real loopback traffic (64 echo
# connections by the kernel in a private network namespace, captured by
# tcpdump), multiplied by bench/explain_capture.ts into CONNS connections with
# distinct client addresses (127.x.y.z), interleaved 32 at a time.
# Usage: bash bench/make-explain-capture.sh OUT.pcap [CONNS=100000]
set -euo pipefail
OUT=${1:?usage: make-explain-capture.sh OUT.pcap [CONNS]}
CONNS=${2:-100000}
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
NS="tcpe-bench-$$"
TPL="$(mktemp -d)/template.pcap"
trap 'ip netns pids "$NS" 2>/dev/null | xargs -r kill 2>/dev/null; ip netns del "$NS" 2>/dev/null; rm -rf "$(dirname "$TPL")"' EXIT
ip netns add "$NS"
ip -n "$NS" link set lo up
ip netns exec "$NS" tcpdump -q -i lo -s 96 -U -w "$TPL" tcp 2>/dev/null &
TD=$!
for _ in $(seq 50); do [ -s "$TPL" ] && break; sleep 0.1; done
sleep 0.3
ip netns exec "$NS" python3 - <<'PY'
import socket, threading
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", 9877)); ls.listen(64)
def serve():
    for _ in range(64):
        c, _ = ls.accept()
        while True:
            d = c.recv(4096)
            if not d: break
            c.sendall(d)
        c.close()
t = threading.Thread(target=serve); t.start()
for i in range(64):
    s = socket.create_connection(("127.0.0.1", 9877))
    for j in range(8):
        s.sendall(b"line %d of connection %d\n" % (j, i)); s.recv(4096)
    s.close()
t.join()
PY
# let tcpdump drain its buffer (file size steady for 0.5 s), then stop it
prev=-1
for _ in $(seq 20); do sleep 0.5; size=$(stat -c %s "$TPL"); [ "$size" = "$prev" ] && break; prev=$size; done
kill -INT "$TD"; wait "$TD" 2>/dev/null || true
"$ROOT/node_modules/.bin/bun" "$ROOT/bench/explain_capture.ts" "$TPL" "$OUT" "$CONNS"
