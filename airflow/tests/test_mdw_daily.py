"""Unit checks of the mdw_daily DAG (run by scripts/test-airflow.sh in the Airflow venv)."""

import os
import sys
import tempfile
import unittest
from datetime import datetime, timedelta, timezone
from pathlib import Path

DAGS = Path(__file__).resolve().parents[1] / "dags"
sys.path.insert(0, str(DAGS))

import mdw_daily  # noqa: E402
from airflow.dag_processing.dagbag import DagBag  # noqa: E402


class DagImport(unittest.TestCase):
    def test_imports_without_errors(self):
        bag = DagBag(dag_folder=str(DAGS))
        self.assertEqual(bag.import_errors, {})
        self.assertIn("mdw_daily", bag.dags)

    def test_tasks_in_order_with_retries_and_backoff(self):
        dag = DagBag(dag_folder=str(DAGS)).dags["mdw_daily"]
        self.assertEqual(
            [t.task_id for t in dag.topological_sort()], ["resolve_day", "wait_for_drop", "mdw_build"]
        )
        for task in dag.tasks:
            self.assertGreaterEqual(task.retries, 1, task.task_id)
            self.assertTrue(task.retry_exponential_backoff, task.task_id)
        self.assertEqual(dag.max_active_runs, 1)


class RunDay(unittest.TestCase):
    def test_builds_the_day_before_the_logical_date(self):
        when = datetime(2018, 3, 1, 5, tzinfo=timezone.utc)
        self.assertEqual(mdw_daily.run_day(None, when), "20180228")

    def test_a_given_partition_wins_and_must_be_a_day(self):
        when = datetime(2018, 3, 1, tzinfo=timezone.utc)
        self.assertEqual(mdw_daily.run_day("20180105", when), "20180105")
        with self.assertRaisesRegex(ValueError, "partition must be YYYYMMDD"):
            mdw_daily.run_day("2018-01-05", when)


class Drop(unittest.TestCase):
    def test_waits_for_the_days_csv(self):
        with tempfile.TemporaryDirectory() as raw:
            with self.assertRaisesRegex(FileNotFoundError, "sales drop of 20180105 is not in"):
                mdw_daily.require_drop(raw, "20180105")
            folder = Path(raw) / "sales" / "partition=20180105"
            folder.mkdir(parents=True)
            with self.assertRaises(FileNotFoundError):
                mdw_daily.require_drop(raw, "20180105")  # the folder alone is not a drop
            (folder / "part-0.csv").write_text("SalesID\n1\n")
            self.assertIn("found the sales drop of 20180105", mdw_daily.require_drop(raw, "20180105"))

    def test_s3_landings_are_not_checked(self):
        self.assertIn("not checking", mdw_daily.require_drop(None, "20180105"))


class Command(unittest.TestCase):
    def test_passes_the_day_as_vars_with_the_configured_target(self):
        os.environ.update(MDW_COMMAND="mdw", MDW_PROJECT_DIR="/app/my dbt", MDW_TARGET="athena")
        self.assertEqual(
            mdw_daily.build_command("20180105"),
            "cd '/app/my dbt' && mdw build --profiles-dir . --target athena "
            "--vars '{sales_layout: daily, run_date: \"20180105\"}'",
        )


if __name__ == "__main__":
    unittest.main()
