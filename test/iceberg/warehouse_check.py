"""PyIceberg's side of test/iceberg/warehouse.test.ts (the grocery warehouse on Iceberg).

  python warehouse_check.py summary <warehouse> <ns.table> [<ns.table> ...]
      per table: row count, and the sum of every numeric column (as float), for the current
      snapshot and for every snapshot (time travel)
  python warehouse_check.py append <warehouse> <ns.table>
      appends a copy of one row of the table (a commit by another writer)

Prints one JSON document on stdout.
"""

import json
import sys

import pyarrow as pa
import pyarrow.compute as pc
from pyiceberg.catalog.sql import SqlCatalog


def catalog(warehouse):
    return SqlCatalog("mdw", uri=f"sqlite:///{warehouse}/catalog.db", warehouse=f"file://{warehouse}")


def numeric(field_type):
    return pa.types.is_integer(field_type) or pa.types.is_floating(field_type) or pa.types.is_decimal(field_type)


def aggregates(arrow):
    sums = {}
    for name in arrow.column_names:
        column = arrow.column(name)
        if numeric(column.type):
            total = pc.sum(column).as_py()
            sums[name] = None if total is None else float(total)
    return {"count": arrow.num_rows, "sums": sums}


def summary(warehouse, names):
    cat = catalog(warehouse)
    out = {}
    for name in names:
        table = cat.load_table(name)
        current = aggregates(table.scan().to_arrow())
        snapshots = {
            str(s.snapshot_id): table.scan(snapshot_id=s.snapshot_id).to_arrow().num_rows
            for s in table.metadata.snapshots
        }
        out[name] = {**current, "snapshots": snapshots}
    return out


def append(warehouse, name):
    table = catalog(warehouse).load_table(name)
    row = table.scan(limit=1).to_arrow()
    table.append(row)
    return {"count": table.scan().to_arrow().num_rows}


if __name__ == "__main__":
    command, warehouse = sys.argv[1], sys.argv[2]
    if command == "summary":
        print(json.dumps(summary(warehouse, sys.argv[3:])))
    else:
        print(json.dumps(append(warehouse, sys.argv[3])))
