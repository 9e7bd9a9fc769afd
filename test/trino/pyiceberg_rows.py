"""PyIceberg's side of test/trino/interop.test.ts: every row of one table, as text.

  python pyiceberg_rows.py <warehouse> <namespace.table>

Opens the lakehouse's catalog.db with SqlCatalog (catalog name `mdw`), scans the current
snapshot (PyIceberg applies position deletes itself) and prints a JSON list of rows, each a
list of column values as strings (null stays null), sorted, so engines compare exactly.
"""

import json
import sys

from pyiceberg.catalog.sql import SqlCatalog


def main():
    warehouse, identifier = sys.argv[1], sys.argv[2]
    catalog = SqlCatalog("mdw", uri=f"sqlite:///{warehouse}/catalog.db", warehouse=f"file://{warehouse}")
    table = catalog.load_table(identifier).scan().to_arrow()
    rows = [[None if v is None else str(v) for v in row.values()] for row in table.to_pylist()]
    print(json.dumps({"columns": table.column_names, "rows": sorted(rows, key=lambda r: [str(v) for v in r])}))


main()
