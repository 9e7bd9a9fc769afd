#!/usr/bin/env bash
# Create (if missing) the Python venv the Iceberg interop suite (test/iceberg/) checks mdw against,
# and print its bin directory on stdout (everything else goes to stderr).
#
#   scripts/python-venv-iceberg.sh [<venv-dir>]
#
# <venv-dir> defaults to ${MDW_CACHE_DIR:-$HOME/.cache/mdw}/venv-iceberg. PyIceberg is the
# independent reader/writer: its SqlCatalog opens mdw's catalog.db (Iceberg's JDBC catalog
# layout) and its scans read mdw's manifests and Parquet files. Pinned so every machine checks
# against the same implementation; the transitive pins are what these resolved to.
set -euo pipefail

venv="${1:-${MDW_CACHE_DIR:-$HOME/.cache/mdw}/venv-iceberg}"
exec "$(dirname "$0")/python-venv.sh" "$venv" \
  "pyiceberg[sql-sqlite,pyarrow]==0.12.0" \
  "pyarrow==26.0.1" \
  "SQLAlchemy==2.1.9" \
  "pydantic==2.14.4" \
  "fsspec==2026.9.0"
