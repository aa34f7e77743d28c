#!/usr/bin/env bash
# Builds tcpecho's release binary for this platform with Bun:
#   dist/tcpecho-VERSION-OS-ARCH          one self-contained executable
#   dist/tcpecho-VERSION-OS-ARCH.sha256   its SHA-256 sum (sha256sum -c)
# The commit is built in (tcpecho --version), marked -dirty when the tree has
# uncommitted changes. Prints the binary's --version, size and start-up time.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/runtimes.sh
version=$(node -p 'require("./package.json").version')
commit=$(git rev-parse --short=7 HEAD 2>/dev/null || echo unknown)
if [ "$commit" != unknown ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  commit="$commit-dirty"
fi
os=$(uname -s | tr '[:upper:]' '[:lower:]')
arch=$(uname -m)
name="tcpecho-$version-$os-$arch"
mkdir -p dist
rm -f "dist/$name" "dist/$name.sha256"
node_modules/.bin/bun build --compile --minify \
  --define "TCPECHO_COMMIT=\"$commit\"" \
  cmd/main.ts cmd/explain_worker.ts --outfile "dist/$name"
(cd dist && sha256sum "$name" > "$name.sha256" && sha256sum -c "$name.sha256")
"dist/$name" --version
size=$(stat -c %s "dist/$name")
echo "dist/$name: $((size / 1024 / 1024)) MiB ($size bytes)"
