#!/usr/bin/env bash
# Writes `tcpecho explain` output (text, json, ndjson, --summary, --summary
# --format json, with exit codes) for every test fixture capture and, when
# given, every Nth capture of a folder of other captures, into OUT; run it on
# two checkouts and `diff -r` the folders to prove a change left the output
# byte-identical.
# Usage: bash bench/explain-outputs.sh OUT [deno|bun] [EXTRA_DIR [EVERY=10]]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT=${1:?usage: explain-outputs.sh OUT [deno|bun] [EXTRA_DIR [EVERY]]}
RT=${2:-bun}
EXTRA=${3:-}
EVERY=${4:-10}
if [ "$RT" = deno ]; then
  CLI=("$ROOT/node_modules/.bin/deno" run -A "$ROOT/cmd/main.ts")
else
  CLI=("$ROOT/node_modules/.bin/bun" "$ROOT/cmd/main.ts")
fi
mkdir -p "$OUT"
files=()
while IFS= read -r f; do files+=("$f"); done < <(cd "$ROOT" && find tests/fixtures -name '*.pcap*' | sort)
if [ -n "$EXTRA" ]; then
  i=0
  while IFS= read -r f; do
    if [ $((i % EVERY)) = 0 ]; then files+=("$f"); fi
    i=$((i + 1))
  done < <(find "$EXTRA" -type f \( -name '*.pcap*' -o -name '*.cap*' \) | sort)
fi
for f in "${files[@]}"; do
  case $f in /*) path=$f ;; *) path=$ROOT/$f ;; esac
  name=$(echo "${f#"$EXTRA"}" | tr '/' '~')
  for fmt in text json ndjson summary summary-json; do
    case $fmt in
      summary) args=(--summary) ;;
      summary-json) args=(--summary --format json) ;;
      *) args=(--format "$fmt") ;;
    esac
    rc=0
    NO_COLOR=1 "${CLI[@]}" explain "$path" "${args[@]}" >"$OUT/$name.$fmt" 2>"$OUT/$name.$fmt.err" || rc=$?
    echo "$rc" >"$OUT/$name.$fmt.rc"
  done
done
echo "${#files[@]} captures, 5 formats each, in $OUT"
