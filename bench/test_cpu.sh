#!/usr/bin/env bash
# CPU seconds (user+sys, children included) of each test file run alone, per
# runtime, and how many times it started the CLI (runCli/spawnCli, counted
# through TCPECHO_TEST_SPAWN_LOG). Usage: bash bench/test_cpu.sh [FILES...]
# (default: tests/unit and tests/cli). Compare CPU, not wall: the machine is shared.
set -uo pipefail
cd "$(dirname "$0")/.."
B="$PWD/node_modules/.bin"
if [ $# -gt 0 ]; then files=("$@"); else mapfile -t files < <(find tests/unit tests/cli -name '*.test.ts' | sort); fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%-45s %8s %6s %8s %6s %8s\n' file deno_cpu spawns bun_cpu spawns total
td=0 tb=0
for f in "${files[@]}"; do
  : >"$tmp/d.log"; : >"$tmp/b.log"
  TCPECHO_TEST_SPAWN_LOG="$tmp/d.log" NO_COLOR=1 /usr/bin/time -f '%U %S' -o "$tmp/d.t" "$B/deno" test -A --no-check "$f" >"$tmp/d.out" 2>&1
  TCPECHO_TEST_SPAWN_LOG="$tmp/b.log" NO_COLOR=1 /usr/bin/time -f '%U %S' -o "$tmp/b.t" "$B/bun" test --timeout 60000 "./$f" >"$tmp/b.out" 2>&1
  d=$(tail -1 "$tmp/d.t" | awk '{printf "%.2f", $1 + $2}') b=$(tail -1 "$tmp/b.t" | awk '{printf "%.2f", $1 + $2}')
  td=$(awk -v a="$td" -v b="$d" 'BEGIN{printf "%.2f", a + b}') tb=$(awk -v a="$tb" -v b="$b" 'BEGIN{printf "%.2f", a + b}')
  printf '%-45s %8s %6s %8s %6s %8s\n' "$f" "$d" "$(wc -l <"$tmp/d.log")" "$b" "$(wc -l <"$tmp/b.log")" "$(awk -v a="$d" -v b="$b" 'BEGIN{printf "%.2f", a + b}')"
done
printf '%-45s %8s %6s %8s %6s %8s\n' TOTAL "$td" "" "$tb" "" "$(awk -v a="$td" -v b="$tb" 'BEGIN{printf "%.2f", a + b}')"
