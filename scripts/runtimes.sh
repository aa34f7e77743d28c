#!/usr/bin/env bash
# Makes sure node_modules/.bin/bun and node_modules/.bin/deno are the real
# runtimes after `npm ci`. npm 11 runs a dependency's install script only if
# package.json's "allowScripts" lists it (bun and deno are listed); with
# --ignore-scripts, an older allowScripts policy or a copied node_modules, Bun
# is left as a placeholder ("Bun's postinstall script was not run") and Deno
# as a Node.js wrapper. This runs the two packages' own install steps then.
# Exit 1 if a runtime still does not start.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
check() { "node_modules/.bin/$1" --version >/dev/null 2>&1; }
for pair in bun:install.js deno:install.cjs; do
  rt=${pair%%:*} script=${pair#*:}
  check "$rt" && continue
  if [ -f "node_modules/$rt/$script" ]; then
    echo "runtimes: node_modules/.bin/$rt does not start; running its install step ($rt/$script)"
    (cd "node_modules/$rt" && node "$script") >/dev/null 2>&1 || true
  fi
  if check "$rt"; then
    echo "runtimes: $rt repaired: $("node_modules/.bin/$rt" --version | head -1)"
  else
    echo "runtimes: node_modules/.bin/$rt does not start (run npm ci)"
    status=1
  fi
done
exit $status
