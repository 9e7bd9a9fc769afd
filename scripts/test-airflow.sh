#!/usr/bin/env bash
# The Airflow DAG (airflow/dags/mdw_daily.py) against the local target:
#   1. a cached venv with apache-airflow (scripts/python-venv.sh, ${MDW_CACHE_DIR}/venv-airflow);
#   2. unit checks of the DAG (imports without errors, retries, day logic, command);
#   3. `airflow dags test` on a SQLite metadata DB in a temporary AIRFLOW_HOME, building a
#      small generated daily dataset (scale 0.01) in a copy of the dbt project.
# Needs the compiled CLI (npm run build). Everything it writes is under a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"
export MDW_CACHE_DIR="${MDW_CACHE_DIR:-$HOME/.cache/mdw}"

bin="$(scripts/python-venv.sh "$MDW_CACHE_DIR/venv-airflow" "apache-airflow==3.3.2")"
[ -f dist/src/cli/main.js ] || npm run build >&2

work="$(mktemp -d "${TMPDIR:-/tmp}/mdw-airflow-XXXXXX")"
trap 'rm -rf "$work"' EXIT
export AIRFLOW_HOME="$work/airflow-home"
export AIRFLOW__CORE__DAGS_FOLDER="$repo/airflow/dags"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="sqlite:///$AIRFLOW_HOME/airflow.db"
mkdir -p "$AIRFLOW_HOME"

echo "== DAG unit checks"
"$bin/python" -m unittest discover -s airflow/tests -p 'test_*.py' -v

echo "== airflow dags test mdw_daily (local target, generated daily drops)"
node bin/mdw.js generate --scale 0.01 --daily --out "$work/raw" >/dev/null
cp -r dbt "$work/dbt"
rm -rf "$work/dbt/target" "$work/dbt/logs"
export MDW_COMMAND="node $repo/bin/mdw.js" MDW_PROJECT_DIR="$work/dbt" MDW_TARGET=local
export MDW_RAW_DIR="$work/raw" MDW_WAREHOUSE_DIR="$work/warehouse"
"$bin/airflow" db migrate >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log"; exit 1; }
# The run of 2018-01-06 builds the drop of the day before.
if ! "$bin/airflow" dags test mdw_daily 2018-01-06 >"$work/dags-test.log" 2>&1; then
  tail -60 "$work/dags-test.log"
  echo "airflow dags test mdw_daily failed" >&2
  exit 1
fi
"$bin/python" - "$work/dbt/target/run_results.json" "$work/dags-test.log" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))
log = open(sys.argv[2]).read()
statuses = {r["status"] for r in results["results"]}
assert statuses <= {"success", "pass"}, f"not all nodes passed: {statuses}"
assert len(results["results"]) > 100, len(results["results"])
assert "build --profiles-dir . --target local --vars" in log, "the build command did not run"
assert '{sales_layout: daily, run_date: "20180105"}' in log, "mdw build did not get the day as --vars"
assert "found the sales drop of 20180105" in log, "wait_for_drop did not check the day"
assert "state:success" in log or "successful" in log, "the DAG run did not succeed"
print(f"ok: mdw_daily built {len(results['results'])} nodes for run_date 20180105")
PY
