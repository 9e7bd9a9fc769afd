"""The independent reader of the fault suite: PyIceberg opens a warehouse's catalog.db and
reads every table, so a damaged or mixed table is seen by a reader that shares no code with mdw.

  python pyiceberg_tables.py <warehouse> [<catalog-name>]

Prints one JSON document: per table (namespace.table) the current snapshot id, its
total-records, the rows a full scan returns, the distinct values of a `run` column (when the
table has one), the table location, and every data file and manifest path the scan planning
touched.
"""

import json
import sys

from pyiceberg.catalog.sql import SqlCatalog


def main(warehouse, name="mdw"):
    catalog = SqlCatalog(name, uri=f"sqlite:///{warehouse}/catalog.db", warehouse=f"file://{warehouse}")
    out = {}
    for namespace in catalog.list_namespaces():
        for identifier in catalog.list_tables(namespace):
            table = catalog.load_table(identifier)
            snapshot = table.current_snapshot()
            key = ".".join(identifier)
            entry = {"location": table.location(), "metadata": table.metadata_location}
            if snapshot is None:
                entry.update({"snapshot_id": None, "rows": 0, "total_records": "0", "runs": [], "files": []})
                out[key] = entry
                continue
            arrow = table.scan().to_arrow()
            runs = sorted(set(arrow["run"].to_pylist())) if "run" in arrow.column_names else []
            manifests = [m.manifest_path for m in snapshot.manifests(table.io)]
            files = [task.file.file_path for task in table.scan().plan_files()]
            entry.update(
                {
                    "snapshot_id": str(snapshot.snapshot_id),
                    "total_records": snapshot.summary.get("total-records"),
                    "rows": arrow.num_rows,
                    "runs": runs,
                    "manifest_list": snapshot.manifest_list,
                    "manifests": manifests,
                    "files": files,
                }
            )
            out[key] = entry
    print(json.dumps(out))


if __name__ == "__main__":
    main(*sys.argv[1:])
