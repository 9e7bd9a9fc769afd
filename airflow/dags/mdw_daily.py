"""mdw daily build: the original system's scheduled DAG, for teams on (managed) Airflow.

Each run builds the warehouse with the sales drop of the day before its logical date (the
``partition`` folder ``sales/partition=YYYYMMDD/``), passed to mdw as ``--vars``:

    mdw build --profiles-dir <project> --target <target> \
        --vars '{sales_layout: daily, run_date: "YYYYMMDD"}'

The incremental fact merges only days it has not loaded yet, so a rerun or a late day is safe.
Trigger with ``{"partition": "YYYYMMDD"}`` to rebuild a given day.

Settings (environment of the Airflow workers):
  MDW_COMMAND      how to start mdw (default ``mdw``; e.g. ``node /opt/mdw/bin/mdw.js``)
  MDW_PROJECT_DIR  the dbt project folder (default ``/app/dbt``, the container image's)
  MDW_TARGET       profile target (default ``local``; ``athena`` with the MDW_ATHENA_* settings)
  MDW_RAW_DIR      local landing folder: the day's drop must be there before the build
                   (unset for S3 landings, where the Athena table projects every day)
"""

from __future__ import annotations

import os
import re
import shlex
from datetime import datetime, timedelta
from pathlib import Path

from airflow.sdk import DAG, Param, task

DAY = re.compile(r"^[0-9]{8}$")

# A day missing at first is usually a late drop: retry with growing waits before failing.
DEFAULT_ARGS = {
    "owner": "mdw",
    "retries": 3,
    "retry_delay": timedelta(minutes=10),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(hours=2),
    "execution_timeout": timedelta(hours=3),
}


def run_day(partition: str | None, logical_date: datetime) -> str:
    """The day this run builds: the given partition, else the day before the logical date."""
    day = partition or (logical_date - timedelta(days=1)).strftime("%Y%m%d")
    if not DAY.match(day):
        raise ValueError(f"partition must be YYYYMMDD, got {day!r}")
    return day


def require_drop(raw_dir: str | None, day: str) -> str:
    """Fails (so the task retries) while a local landing folder lacks the day's sales drop."""
    if not raw_dir:
        return f"no local landing folder (MDW_RAW_DIR unset): not checking the drop of {day}"
    folder = Path(raw_dir) / "sales" / f"partition={day}"
    if not folder.is_dir() or not any(folder.glob("*.csv")):
        raise FileNotFoundError(f"the sales drop of {day} is not in {folder} yet")
    return f"found the sales drop of {day} in {folder}"


def build_command(day: str) -> str:
    """The shell command of the build task (mdw, project, target from the environment)."""
    mdw = os.environ.get("MDW_COMMAND", "mdw")
    project = os.environ.get("MDW_PROJECT_DIR", "/app/dbt")
    target = os.environ.get("MDW_TARGET", "local")
    variables = f'{{sales_layout: daily, run_date: "{day}"}}'
    return (
        f"cd {shlex.quote(project)} && {mdw} build --profiles-dir . "
        f"--target {shlex.quote(target)} --vars {shlex.quote(variables)}"
    )


with DAG(
    dag_id="mdw_daily",
    description="Build the mdw warehouse with yesterday's sales drop",
    schedule="0 5 * * *",
    start_date=datetime(2018, 1, 2),
    catchup=False,
    max_active_runs=1,  # builds of the same warehouse must not overlap
    default_args=DEFAULT_ARGS,
    params={"partition": Param(None, type=["null", "string"], pattern=r"^[0-9]{8}$")},
    tags=["mdw"],
) as dag:

    @task
    def resolve_day(params: dict | None = None, logical_date: datetime | None = None, dag_run=None) -> str:
        # manual runs in Airflow 3 may have no logical date: fall back on when the run started
        when = logical_date or dag_run.run_after
        return run_day((params or {}).get("partition"), when)

    @task(retries=6, retry_delay=timedelta(minutes=15))
    def wait_for_drop(day: str) -> str:
        message = require_drop(os.environ.get("MDW_RAW_DIR"), day)
        print(message)
        return day

    @task.bash
    def mdw_build(day: str) -> str:
        return build_command(day)

    mdw_build(wait_for_drop(resolve_day()))
