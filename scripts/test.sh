#!/usr/bin/env bash
# The test command, in two lanes (README "Testing"):
#   npm test            (scripts/test.sh)        the full suite, which CI runs
#   npm run test:fast   (scripts/test.sh --fast) static checks + tests/unit + tests/cli
# Static checks: type check, the JSDoc @example blocks of mod.ts, lib/, cmd/
# and lab/ type-checked (deno check --doc-only), lint, format check. Then the tiers, each under
# `deno test` and the same files under `bun test`:
#   tests/unit    in-process (pure layers, loopback sockets), files in parallel
#   tests/cli     the CLI end to end (in-process where only its output and exit
#                 code matter, tests/support/cli_inproc.ts), files in parallel
#   tests/system  root, network namespaces, the lab, tshark, Chromium, the wild
#                 captures (full lane only; one file at a time per runtime)
# The static checks run in the background while Deno and Bun run the unit+cli
# tiers at the same time (Deno's files in six bundles, three at a time; Bun's in
# two processes);
# their output is printed one after the other. Last line: "N passed, N failed"
# summing both runtimes and every tier (a failing static check counts as one
# failure). Exit non-zero if anything failed or if either runtime ran no test.
# Other arguments are test files or folders, run under both runtimes instead
# of the tiers (after the static checks).
# Bun's own per-test default (5 s) is raised to 60 s with --timeout, like
# Deno's (none): on a loaded 2-core machine a subprocess test can take longer;
# tests that need more set their own { timeout }.
set -uo pipefail
cd "$(dirname "$0")/.."
B="$PWD/node_modules/.bin"
if [ ! -x "$B/deno" ] || [ ! -x "$B/bun" ]; then
  echo "== installing npm packages (npm ci)"
  npm ci --no-audit --no-fund >/dev/null || { echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }
fi
# After `npm ci --ignore-scripts` Bun is a placeholder: run the runtimes' install steps.
bash scripts/runtimes.sh || { echo "0 passed, 1 failed"; exit 1; }
fast=0
targets=()
for a in "$@"; do
  case "$a" in
    --fast) fast=1 ;;
    *) targets+=("$a") ;;
  esac
done
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
start=$(date +%s)
static_failed=0
d_pass=0 d_fail=0 b_pass=0 b_fail=0

files=$(git ls-files -co --exclude-standard -- '*.ts' | grep -v '^node_modules/' | grep -E '^(cmd|lib|tests|bench|lab)/|^mod\.ts$' || true)
# static_checks: prints its output, then the number of checks that failed on
# its last line. It runs in the background, beside the first test tier: the
# type check is mostly one core, and the tests spend much of their time
# waiting on sockets and child processes.
static_checks() {
  local n=0
  echo "== type check (deno check)"
  # shellcheck disable=SC2086
  "$B/deno" check --quiet $files 2>&1 || n=$((n + 1))
  echo "== doc examples (deno check --doc-only)"
  "$B/deno" check --quiet --doc-only mod.ts lib/ cmd/ lab/ 2>&1 || n=$((n + 1))
  echo "== lint (deno lint)"
  "$B/deno" lint --quiet 2>&1 || n=$((n + 1))
  echo "== format (deno fmt --check)"
  "$B/deno" fmt --check --quiet 2>&1 || n=$((n + 1))
  echo "$n"
}
static_checks >"$out/static.txt" &
static_pid=$!
# static_done: waits for the static checks, prints them, adds their failures.
static_done() {
  wait "$static_pid"
  sed '$d' "$out/static.txt"
  static_failed=$(tail -1 "$out/static.txt" | grep -Eo '^[0-9]+$' || echo 1)
}

# count_deno FILE / count_bun FILE: add a runner's totals to the sums; a runner
# that did not print its closing line counts as one failure.
count_deno() {
  local p f
  p=$(grep -Eo '[0-9]+ passed' "$1" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  f=$(grep -Eo '[0-9]+ failed' "$1" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  if ! grep -Eq '^(ok|FAILED) \|' "$1"; then f=$((f + 1)); echo "deno test did not finish ($2)"; fi
  d_pass=$((d_pass + p)) d_fail=$((d_fail + f))
}
count_bun() {
  local p f
  p=$(grep -Eo '^ *[0-9]+ pass$' "$1" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  f=$(grep -Eo '^ *[0-9]+ fail$' "$1" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  if ! grep -Eq '^Ran [0-9]+ tests?' "$1"; then f=$((f + 1)); echo "bun test did not finish ($2)"; fi
  b_pass=$((b_pass + p)) b_fail=$((b_fail + f))
}
bun_paths() { for t in "$@"; do printf './%s\n' "$t"; done; }

# run_both NAME PATH...: Deno and Bun on the same files, at the same time.
# Deno starts each test file it is given in a fresh isolate, which costs about
# 0.6 s of CPU even for a file of three assertions (measured: ten small unit
# files, 5.8 s of CPU as ten files, 1.2 s as one module importing them), so
# the files are handed to it in DENO_BUNDLES modules, each importing its share,
# run DENO_JOBS at a time (--parallel). Bun, which runs the files it is given
# one after another in one process, gets them in BUN_SHARDS processes.
run_both() {
  local name=$1
  shift
  echo "== $name: deno test and bun test (side by side)"
  mapfile -t all < <(find "$@" -name '*.test.ts' | sort)
  local bundles=${DENO_BUNDLES:-6} k i
  [ "${#all[@]}" -lt "$bundles" ] && bundles=${#all[@]}
  for ((k = 0; k < bundles; k++)); do : >"$out/deno-bundle-$k.test.ts"; done
  for ((i = 0; i < ${#all[@]}; i++)); do
    printf 'import "%s/%s";\n' "$PWD" "${all[i]}" >>"$out/deno-bundle-$((i % bundles)).test.ts"
  done
  DENO_JOBS=${DENO_JOBS:-3} NO_COLOR=1 "$B/deno" test -A --no-check --parallel "$out"/deno-bundle-*.test.ts >"$out/deno-$name.txt" 2>&1 &
  local pids=($!) shards=${BUN_SHARDS:-2}
  for ((k = 0; k < shards; k++)); do
    local part=()
    for ((i = k; i < ${#all[@]}; i += shards)); do part+=("./${all[i]}"); done
    [ ${#part[@]} -eq 0 ] && continue
    NO_COLOR=1 "$B/bun" test --timeout 60000 "${part[@]}" >"$out/bun-$name-$k.txt" 2>&1 &
    pids+=($!)
  done
  wait "${pids[@]}"
  echo "-- deno ($name)"; cat "$out/deno-$name.txt"
  count_deno "$out/deno-$name.txt" "$name"
  for ((k = 0; k < shards; k++)); do
    [ -f "$out/bun-$name-$k.txt" ] || continue
    echo "-- bun ($name, shard $((k + 1))/$shards)"; cat "$out/bun-$name-$k.txt"
    count_bun "$out/bun-$name-$k.txt" "$name shard $((k + 1))"
  done
}

# run_serial NAME PATH...: Deno, then Bun (tests that own network namespaces,
# root tools or a browser do not run two at a time).
run_serial() {
  local name=$1
  shift
  echo "== $name: deno test"
  NO_COLOR=1 "$B/deno" test -A --no-check "$@" 2>&1 | tee "$out/deno-$name.txt"
  echo "== $name: bun test"
  mapfile -t bp < <(bun_paths "$@")
  NO_COLOR=1 "$B/bun" test --timeout 60000 "${bp[@]}" 2>&1 | tee "$out/bun-$name.txt"
  count_deno "$out/deno-$name.txt" "$name"
  count_bun "$out/bun-$name.txt" "$name"
}

if [ ${#targets[@]} -gt 0 ]; then
  static_done
  run_serial selected "${targets[@]}"
else
  run_both unit+cli tests/unit tests/cli
  static_done
  [ "$fast" = 0 ] && run_serial system tests/system/
fi

# recap: CI keeps only the end of this output, so each failure's report is
# printed again here (bounded: the 25 lines before the first of each of Bun's
# "(fail)" lines, 60 lines of each Deno "ERRORS" section, at most 200 lines).
recap() {
  local f
  for f in "$out"/bun-*.txt; do
    [ -f "$f" ] || continue
    grep -q '^(fail)' "$f" || continue
    echo "-- $(basename "$f" .txt): failures"
    awk '{ buf[NR % 26] = $0 } /^\(fail\)/ && !seen[$0]++ { for (i = NR - 25; i <= NR; i++) if (i > 0) print buf[i % 26]; print "" }' "$f"
  done
  for f in "$out"/deno-*.txt; do
    [ -f "$f" ] || continue
    grep -q '^ ERRORS' "$f" || continue
    echo "-- $(basename "$f" .txt): failures"
    sed -n '/^ ERRORS/,/^ FAILURES/p' "$f" | head -60
  done
}
if [ $((d_fail + b_fail)) -gt 0 ]; then
  echo "== failures, again"
  recap | head -200
fi

lane=full
[ "$fast" = 1 ] && lane=fast
[ ${#targets[@]} -gt 0 ] && lane=selected
echo "== $lane lane in $(($(date +%s) - start)) s; deno: $d_pass passed, $d_fail failed; bun: $b_pass passed, $b_fail failed; static checks failed: $static_failed"
passed=$((d_pass + b_pass))
failed=$((d_fail + b_fail + static_failed))
status=0
[ "$failed" -gt 0 ] && status=1
if [ "$d_pass" -eq 0 ] || [ "$b_pass" -eq 0 ]; then echo "a runtime ran no test"; status=1; fi
echo "$passed passed, $failed failed"
exit $status
