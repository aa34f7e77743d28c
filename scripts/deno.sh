#!/bin/sh
# Runs the project's Deno (node_modules/.bin/deno after `npm ci`), else the
# `deno` on PATH. deno.json's tasks call this script: inside `deno task`, a bare
# `deno` resolves to the npm package's bin entry, which Deno then runs as
# JavaScript (after `npm ci` that entry is the native binary: "Uncaught
# SyntaxError"). A path to a program is run as a program.
here=$(cd "$(dirname "$0")/.." && pwd)
if [ -x "$here/node_modules/.bin/deno" ]; then
  exec "$here/node_modules/.bin/deno" "$@"
fi
exec deno "$@"
