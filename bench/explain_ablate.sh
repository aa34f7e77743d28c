#!/usr/bin/env bash
# Where `explain --summary` spends the time it takes over an older commit:
# three trees run in interleaved rounds (one run of each per round), on
# both runtimes, and each is compared with the older commit by the median of
# the round-by-round ratios, of wall time and of CPU time (user + system):
#   A  this tree (HEAD, committed code)
#   A- this tree with the summary's time attribution switched off (the
#      `timingSegment` call in lib/explain/engine.ts skipped when the detail
#      is "table": the stall/cause columns go blank, everything else runs)
#   B  REF (default 52f41b3, the commit issue 11 was filed against)
# A- against B is what the rest of the code costs without the time
# attribution that issue 13 added (its speed budget: within 15% of 52f41b3).
# CPU time counts every thread of the process (the runtimes' garbage
# collectors and compilers too); on a shared virtual machine it moves less
# than wall time from one process to the next.
# Usage: bash bench/explain_ablate.sh [REF=52f41b3] [ROUNDS=20] [CAPTURE]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="$ROOT/node_modules/.bin"
REF=${1:-52f41b3}
ROUNDS=${2:-20}
FILE=${3:-${BENCH_DIR:-/tmp/tcpecho-bench}/explain-100000.pcap}
[ -s "$FILE" ] || bash "$ROOT/bench/make-explain-capture.sh" "$FILE" 100000
[ "$ROUNDS" -ge 1 ] && [ "$ROUNDS" -le 100 ] || { echo "ROUNDS: 1 to 100" >&2; exit 2; }

WT=$(mktemp -d)
cleanup() {
  for t in a off b; do git -C "$ROOT" worktree remove --force "$WT/$t" 2>/dev/null || true; done
  rm -rf "$WT"
}
trap cleanup EXIT
for t in a off; do git -C "$ROOT" worktree add --quiet --detach "$WT/$t" HEAD; done
git -C "$ROOT" worktree add --quiet --detach "$WT/b" "$REF"
for t in a off b; do ln -s "$ROOT/node_modules" "$WT/$t/node_modules"; done
ENGINE="$WT/off/lib/explain/engine.ts"
CALL="        timingSegment(s.timing, conn, side, labels, p);"
grep -qxF "$CALL" "$ENGINE" || { echo "explain_ablate: the timingSegment call moved; update CALL" >&2; exit 1; }
sed -i "s/^        timingSegment(s.timing, conn, side, labels, p);$/        if (phases) timingSegment(s.timing, conn, side, labels, p);/" "$ENGINE"

TREES=("$WT/a" "$WT/off" "$WT/b")
NAMES=("A  $(git -C "$WT/a" rev-parse --short HEAD)" "A- (no time attribution)" "B  $(git -C "$WT/b" rev-parse --short HEAD) ($REF)")

# run TREE RUNTIME: "wall_ms cpu_ms" of one run (output discarded)
run() {
  local tree=$1 rt=$2 t0 t1
  local -a cmd=("$BIN/bun" "$tree/cmd/main.ts")
  [ "$rt" = deno ] && cmd=("$BIN/deno" run --allow-read --allow-env "$tree/cmd/main.ts")
  t0=$(date +%s%N)
  timeout 600 /usr/bin/time -f "%U %S" -o "$WT/time" "${cmd[@]}" explain "$FILE" --summary >/dev/null 2>&1 || true
  t1=$(date +%s%N)
  echo "$(((t1 - t0) / 1000000)) $(awk '{ printf "%d", ($1 + $2) * 1000 }' "$WT/time")"
}

echo "capture: $(basename "$FILE")   rounds: $ROUNDS   load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-6s %-34s %8s %8s %12s %12s\n" runtime tree wall_ms cpu_ms "wall/B med" "cpu/B med"
for rt in bun deno; do
  for t in "${TREES[@]}"; do run "$t" "$rt" >/dev/null; done # warm-up: file cache, compile cache
  : >"$WT/runs"
  for ((i = 0; i < ROUNDS; i++)); do
    for k in 0 1 2; do echo "$i $k $(run "${TREES[$k]}" "$rt")" >>"$WT/runs"; done
  done
  for k in 0 1 2; do
    awk -v k="$k" -v rt="$rt" -v name="${NAMES[$k]}" '
      function median(v, n,   i, j, t) {
        for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
        return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
      }
      { w[$1, $2] = $3; c[$1, $2] = $4; if ($1 + 1 > n) n = $1 + 1 }
      END {
        for (i = 0; i < n; i++) {
          ws[i + 1] = w[i, k]; cs[i + 1] = c[i, k]
          rw[i + 1] = w[i, k] / w[i, 2]; rc[i + 1] = c[i, k] / c[i, 2]
        }
        printf "%-6s %-34s %8.0f %8.0f %12.3f %12.3f\n", rt, name, median(ws, n), median(cs, n), median(rw, n), median(rc, n)
      }' "$WT/runs"
  done
done
