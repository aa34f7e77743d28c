#!/usr/bin/env bash
# The one test command (README line 2, `npm test`): type check, lint, format
# check, then the suite under `deno test` and the same files under `bun test`.
# Last line: "N passed, N failed" summing both runtimes (a failing static check
# counts as one failure). Exit non-zero if anything failed or if either runtime
# ran no test. Extra arguments are passed to both test runners as file filters.
set -uo pipefail
cd "$(dirname "$0")/.."
B="$PWD/node_modules/.bin"
if [ ! -x "$B/deno" ] || [ ! -x "$B/bun" ]; then
  echo "== installing npm packages (npm ci)"
  npm ci --no-audit --no-fund >/dev/null || { echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
static_failed=0

files=$(git ls-files -co --exclude-standard -- '*.ts' | grep -v '^node_modules/' | grep -E '^(cmd|lib|tests|bench|lab)/|^mod\.ts$' || true)
echo "== type check (deno check)"
# shellcheck disable=SC2086
"$B/deno" check --quiet $files || static_failed=$((static_failed + 1))
echo "== lint (deno lint)"
"$B/deno" lint --quiet || static_failed=$((static_failed + 1))
echo "== format (deno fmt --check)"
"$B/deno" fmt --check --quiet || static_failed=$((static_failed + 1))

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(tests/)

echo "== deno test"
NO_COLOR=1 "$B/deno" test -A --no-check "${targets[@]}" 2>&1 | tee "$out/deno.txt"
d_pass=$(grep -Eo '[0-9]+ passed' "$out/deno.txt" | tail -1 | grep -Eo '[0-9]+' || echo 0)
d_fail=$(grep -Eo '[0-9]+ failed' "$out/deno.txt" | tail -1 | grep -Eo '[0-9]+' || echo 0)
if ! grep -Eq '^(ok|FAILED) \|' "$out/deno.txt"; then d_fail=$((d_fail + 1)); echo "deno test did not finish"; fi

echo "== bun test"
bun_targets=()
for t in "${targets[@]}"; do bun_targets+=("./$t"); done
NO_COLOR=1 "$B/bun" test "${bun_targets[@]}" 2>&1 | tee "$out/bun.txt"
b_pass=$(grep -Eo '^ *[0-9]+ pass$' "$out/bun.txt" | tail -1 | grep -Eo '[0-9]+' || echo 0)
b_fail=$(grep -Eo '^ *[0-9]+ fail$' "$out/bun.txt" | tail -1 | grep -Eo '[0-9]+' || echo 0)
if ! grep -Eq '^Ran [0-9]+ tests?' "$out/bun.txt"; then b_fail=$((b_fail + 1)); echo "bun test did not finish"; fi

echo "== deno: $d_pass passed, $d_fail failed; bun: $b_pass passed, $b_fail failed; static checks failed: $static_failed"
passed=$((d_pass + b_pass))
failed=$((d_fail + b_fail + static_failed))
status=0
[ "$failed" -gt 0 ] && status=1
if [ "$d_pass" -eq 0 ] || [ "$b_pass" -eq 0 ]; then echo "a runtime ran no test"; status=1; fi
echo "$passed passed, $failed failed"
exit $status
