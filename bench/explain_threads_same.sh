#!/usr/bin/env bash
# Real worker threads against one thread, through the CLI: every capture
# under DIR is explained with --threads 1 and --threads 2, and stdout, stderr
# and the exit code compared. A difference is run three more times with two
# threads, to tell a wrong answer (the same each time) from one that depends
# on timing. Prints one DIFF line per difference and a count per runtime and
# format. Not a test (a runtime start-up per run: 13 minutes for the 647
# wild captures in three formats on both runtimes); tests/system/wild_threads.test.ts
# runs the same comparison in-process with in-thread shards.
# Usage: bash bench/explain_threads_same.sh [DIR=../shared/captures/wild] [FORMATS="text json"] [RUNTIMES="bun deno"]
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR=${1:-$ROOT/../shared/captures/wild}
FORMATS=${2:-text json}
RUNTIMES=${3:-bun deno}
[ -d "$DIR" ] || { echo "no captures at $DIR" >&2; exit 2; }
export PATH="$ROOT/node_modules/.bin:$PATH"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
for rt in $RUNTIMES; do
  if [ "$rt" = deno ]; then run=(deno run -A "$ROOT/cmd/main.ts"); else run=(bun "$ROOT/cmd/main.ts"); fi
  for fmt in $FORMATS; do
    if [ "$fmt" = summary ]; then args=(--summary); else args=(--format "$fmt"); fi
    n=0 d=0
    while IFS= read -r f; do
      n=$((n + 1))
      timeout 120 "${run[@]}" explain "${args[@]}" --threads 1 "$f" >"$T/o1" 2>"$T/e1"
      r1=$?
      timeout 120 "${run[@]}" explain "${args[@]}" --threads 2 "$f" >"$T/o2" 2>"$T/e2"
      r2=$?
      if cmp -s "$T/o1" "$T/o2" && cmp -s "$T/e1" "$T/e2" && [ "$r1" = "$r2" ]; then continue; fi
      d=$((d + 1))
      what=""
      cmp -s "$T/o1" "$T/o2" || what="$what stdout"
      cmp -s "$T/e1" "$T/e2" || what="$what stderr"
      [ "$r1" = "$r2" ] || what="$what exit $r1/$r2"
      same=0
      for _ in 1 2 3; do
        timeout 120 "${run[@]}" explain "${args[@]}" --threads 2 "$f" >"$T/o3" 2>"$T/e3"
        cmp -s "$T/o2" "$T/o3" && cmp -s "$T/e2" "$T/e3" && same=$((same + 1))
      done
      echo "DIFF $rt $fmt ${f#"$DIR"/}:$what (two threads gave the same output again $same of 3 times)"
    done < <(find "$DIR" -type f \( -name '*.pcap*' -o -name '*.cap' -o -name '*.cap.gz' \) | sort)
    echo "$rt $fmt: $n captures, $d differ"
  done
done
