#!/usr/bin/env bash
# Create (if missing) a Python virtualenv and make sure the given pip requirements are installed.
#
#   scripts/python-venv.sh [<venv-dir>] [<pip requirement>...]
#
# <venv-dir> defaults to ${MDW_CACHE_DIR:-$HOME/.cache/mdw}/venv-dbt (outside the repo tree, so it
# survives `git clean` and is shared by worktrees). Without requirements the pinned dbt toolchain
# below is installed. Idempotent: when every requirement is already satisfied pip is not run at all.
# Prints the venv's bin directory (absolute path) on stdout; everything else goes to stderr.
#
# Pins: the dbt toolchain used by the parity suite (test/dbt/). The bundled `duckdb` Python package
# must be 1.5.x so database files written by dbt-duckdb are readable by @duckdb/node-api 1.5.6 and
# vice versa (DuckDB storage is backward- but not forward-compatible).
# dbt-core 1.11 is the newest line that installs from PyPI alone (1.12's sdist downloads a binary
# parser from GitHub at build time); 1.10 is out of support. The fixtures also pass with
# dbt-core 1.10.23 + dbt-duckdb 1.10.1.
set -euo pipefail

DEFAULT_REQUIREMENTS=(
  "dbt-core==1.11.16"
  "dbt-duckdb==1.11.1"
  "duckdb==1.5.6"
  # transitive, pinned to the versions resolved with the above so every machine runs the same dbt
  "dbt-adapters==1.24.5"
  "dbt-common==1.39.0"
)

venv="${1:-}"
if [ -z "$venv" ]; then
  venv="${MDW_CACHE_DIR:-$HOME/.cache/mdw}/venv-dbt"
fi
[ $# -gt 0 ] && shift
reqs=("$@")
[ ${#reqs[@]} -eq 0 ] && reqs=("${DEFAULT_REQUIREMENTS[@]}")

python="${MDW_PYTHON:-python3.11}"
if ! command -v "$python" >/dev/null 2>&1; then
  # fall back on a python3 that is 3.11
  if [ -z "${MDW_PYTHON:-}" ] && command -v python3 >/dev/null 2>&1 &&
    [ "$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')" = "3.11" ]; then
    python=python3
  else
    echo "python-venv.sh: $python not found (set MDW_PYTHON to a Python 3.11 interpreter)" >&2
    exit 2
  fi
fi

mkdir -p "$(dirname "$venv")"
venv="$(cd "$(dirname "$venv")" && pwd)/$(basename "$venv")"

# Serialize concurrent callers (two test files may set up the same venv at once).
lock="$venv.lock"
exec 9>"$lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi

if [ ! -x "$venv/bin/python" ]; then
  echo "python-venv.sh: creating $venv" >&2
  "$python" -m venv "$venv" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2 || true
fi

# Satisfied already? (importlib.metadata + packaging, which pip vendors; no network.)
satisfied() {
  "$venv/bin/python" - "$@" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version, PackageNotFoundError
try:
    from packaging.requirements import Requirement
except ImportError:
    from pip._vendor.packaging.requirements import Requirement
for spec in sys.argv[1:]:
    req = Requirement(spec)
    try:
        v = version(req.name)
    except PackageNotFoundError:
        sys.exit(1)
    if req.specifier and not req.specifier.contains(v, prereleases=True):
        sys.exit(1)
sys.exit(0)
PY
}

if ! satisfied "${reqs[@]}"; then
  echo "python-venv.sh: pip install ${reqs[*]}" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${reqs[@]}" >&2
  if ! satisfied "${reqs[@]}"; then
    echo "python-venv.sh: requirements still not satisfied after install: ${reqs[*]}" >&2
    exit 1
  fi
fi

echo "$venv/bin"
