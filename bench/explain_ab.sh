#!/usr/bin/env bash
# `explain --summary` of this tree (A) against another commit (B), in
# interleaved pairs A B A B ... on both runtimes, with the median of the
# pair-by-pair ratios A/B: the figure the speed criteria compare ("no slower
# than commit X", "within 15% of X").
#
# Why pairs and medians: on a shared virtual machine one process runs at one
# speed throughout, but the next process of the same code may run 1.3 times
# faster or slower (measured: six processes of the same build, 427 to 760 ms
# for one warm pass), and the machine drifts over minutes. A best-of-N or a
# single pair can land on either side of a 15% line; the median ratio of 15
# or more interleaved pairs does not move by more than a few percent between
# calls.
#
# B is checked out with `git worktree` into a temporary folder (its
# node_modules a link to this tree's), and removed at the end.
# Usage: bash bench/explain_ab.sh REF [PAIRS=15] [CAPTURE]
#   CAPTURE defaults to the 1x benchmark capture (bench/explain.sh makes it).
#   MODE="--format json" (or any explain options) replaces --summary.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
B="$ROOT/node_modules/.bin"
REF=${1:?usage: explain_ab.sh REF [PAIRS=15] [CAPTURE]}
PAIRS=${2:-15}
FILE=${3:-${BENCH_DIR:-/tmp/tcpecho-bench}/explain-100000.pcap}
MODE=${MODE:---summary}
[ -s "$FILE" ] || bash "$ROOT/bench/make-explain-capture.sh" "$FILE" 100000
[ "$PAIRS" -ge 1 ] && [ "$PAIRS" -le 100 ] || { echo "PAIRS: 1 to 100" >&2; exit 2; }

WT=$(mktemp -d)
cleanup() { git -C "$ROOT" worktree remove --force "$WT/b" 2>/dev/null || true; rm -rf "$WT"; }
trap cleanup EXIT
git -C "$ROOT" worktree add --quiet --detach "$WT/b" "$REF"
ln -s "$ROOT/node_modules" "$WT/b/node_modules"

# wall TREE RUNTIME: one run's wall seconds (monotonic clock, output discarded)
wall() {
  local tree=$1 rt=$2 t0 t1
  local -a cmd=("$B/bun" "$tree/cmd/main.ts")
  [ "$rt" = deno ] && cmd=("$B/deno" run --allow-read --allow-env "$tree/cmd/main.ts")
  t0=$(date +%s%N)
  # shellcheck disable=SC2086 # MODE is a list of options
  timeout 600 "${cmd[@]}" explain "$FILE" $MODE >/dev/null 2>&1 || true
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000000))
}

DIRTY=""; [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no)" ] && DIRTY=", with uncommitted changes"
echo "A: $(git -C "$ROOT" rev-parse --short HEAD) (this tree$DIRTY)   B: $(git -C "$WT/b" rev-parse --short HEAD) ($REF)"
echo "capture: $(basename "$FILE")   mode: $MODE   pairs: $PAIRS   load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-6s %10s %10s %14s %16s\n" runtime A_med_ms B_med_ms ratio_A/B_med "ratio min-max"
for rt in bun deno; do
  wall "$ROOT" "$rt" >/dev/null # one warm-up run each (file cache, compile cache)
  wall "$WT/b" "$rt" >/dev/null
  as=() bs=()
  for ((i = 0; i < PAIRS; i++)); do
    as+=("$(wall "$ROOT" "$rt")")
    bs+=("$(wall "$WT/b" "$rt")")
  done
  printf "%s\n" "${as[*]}" "${bs[*]}" | awk -v rt="$rt" '
    function median(v, n,   i, j, t) {
      for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
      return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    }
    NR == 1 { n = split($0, a, " ") }
    NR == 2 { split($0, b, " ") }
    END {
      lo = 1e9; hi = 0
      for (i = 1; i <= n; i++) { r[i] = a[i] / b[i]; if (r[i] < lo) lo = r[i]; if (r[i] > hi) hi = r[i] }
      printf "%-6s %10.0f %10.0f %14.3f %8.2f-%-7.2f\n", rt, median(a, n), median(b, n), median(r, n), lo, hi
    }'
done
