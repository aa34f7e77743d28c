#!/usr/bin/env bash
# Where a Bun run of tcpecho spends its time, per JIT-compiled function and
# tier: perf samples the process on the kernel's clock (cpu-clock works in
# virtual machines without hardware counters), JavaScriptCore writes a
# jitdump file with the address range of every piece of code it compiles,
# and bench/jit_profile.ts joins the two. Needs perf (Debian: linux-perf).
# Only the main thread's samples are counted; the JIT compiler's own thread
# is printed as a share beside them.
# Usage: [TREE=DIR] bash bench/jit_profile.sh [TOP=40] -- tcpecho ARGS...
#   e.g. bash bench/jit_profile.sh 30 -- explain /tmp/tcpecho-bench/explain-100000.pcap --summary
#   TREE: another checkout to profile (a `git worktree` of an older commit), this one by default.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TREE=${TREE:-$ROOT}
TOP=40
if [ "${1:-}" != "--" ]; then TOP=${1:?usage: jit_profile.sh [TOP] -- tcpecho ARGS...}; shift; fi
[ "${1:-}" = "--" ] || { echo "usage: jit_profile.sh [TOP] -- tcpecho ARGS..." >&2; exit 2; }
shift
command -v perf >/dev/null || { echo "perf is not installed (Debian: linux-perf)" >&2; exit 2; }
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
BUN_JSC_useJITDump=1 BUN_JSC_jitDumpDirectory="$DIR" \
  timeout 900 perf record -q -k 1 -e cpu-clock -F 4000 -o "$DIR/perf.data" \
  "$ROOT/node_modules/.bin/bun" "$TREE/cmd/main.ts" "$@" >/dev/null 2>"$DIR/stderr" || true
DUMP=$(ls "$DIR"/jit-*.dump 2>/dev/null | head -1)
[ -n "$DUMP" ] || { echo "no jitdump written (stderr follows)" >&2; cat "$DIR/stderr" >&2; exit 1; }
perf report -i "$DIR/perf.data" --sort comm -q -n 2>/dev/null |
  awk '{ n[$3] += $2; t += $2 } END { printf "threads: main %d samples, JIT compiler %d (%.0f%% of all)\n", n["bun"], n["JITWorker"], 100 * n["JITWorker"] / t }'
perf script -i "$DIR/perf.data" --comm bun -F ip 2>/dev/null >"$DIR/ips"
"$ROOT/node_modules/.bin/bun" "$ROOT/bench/jit_profile.ts" "$DUMP" "$DIR/ips" "$TOP"
