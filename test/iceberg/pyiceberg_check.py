"""PyIceberg's side of the interop suite (test/iceberg/pyiceberg.test.ts).

  python pyiceberg_check.py read  <warehouse> <namespace.table> [<catalog-name>]
      every snapshot (time travel) and the current one: row count and column aggregates,
      plus inspect.files() and inspect.partitions() of the current snapshot
  python pyiceberg_check.py write <warehouse> <namespace.table> [<catalog-name>]
      appends 7 rows to that mdw table, deletes its rows with id < 10 (copy-on-write), and
      creates py.events, partitioned by PyIceberg
  python pyiceberg_check.py spec <warehouse> <namespace.table> [<catalog-name>] [<row-filter>]
      the partition spec as PyIceberg reads it, the row count, and for the row filter the
      files PyIceberg's scan planning keeps and the rows it returns

Prints one JSON document on stdout. Numbers that JSON cannot hold exactly (decimals, longs)
are strings; dates are days and timestamps microseconds since the epoch.
"""

import datetime
import decimal
import json
import sys

import pyarrow as pa
import pyarrow.compute as pc
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.partitioning import PartitionField, PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.transforms import IdentityTransform
from pyiceberg.types import DecimalType, LongType, NestedField, StringType, TimestamptzType


def catalog(warehouse, name):
    return SqlCatalog(name, uri=f"sqlite:///{warehouse}/catalog.db", warehouse=f"file://{warehouse}")


def scalar(value):
    v = value.as_py()
    if v is None:
        return None
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, float):
        return round(v, 6)
    return str(v) if isinstance(v, int) else v


def aggregates(tbl):
    out = {"rows": tbl.num_rows}
    if tbl.num_rows == 0:
        return out
    out["sum_id"] = scalar(pc.sum(tbl["id"]))
    out["sum_amount"] = scalar(pc.sum(tbl["amount"]))
    out["sum_price"] = scalar(pc.sum(tbl["price"]))
    out["paid"] = scalar(pc.sum(pc.cast(tbl["paid"], pa.int64())))
    out["min_sold_on"] = scalar(pc.cast(pc.min(tbl["sold_on"]), pa.int32()))
    out["max_sold_on"] = scalar(pc.cast(pc.max(tbl["sold_on"]), pa.int32()))
    out["min_sold_at"] = scalar(pc.cast(pc.min(tbl["sold_at"]), pa.int64()))
    out["max_sold_at"] = scalar(pc.cast(pc.max(tbl["sold_at"]), pa.int64()))
    out["customers"] = scalar(pc.count_distinct(tbl["customer"]))
    return out


def read(warehouse, identifier, name):
    table = catalog(warehouse, name).load_table(identifier)
    snapshots = []
    for s in table.snapshots():
        snapshots.append(
            {
                "snapshot_id": str(s.snapshot_id),
                "operation": s.summary.operation.value,
                "total_records": s.summary.get("total-records"),
                **aggregates(table.scan(snapshot_id=s.snapshot_id).to_arrow()),
            }
        )
    files = [
        {
            "path": f["file_path"],
            "records": f["record_count"],
            "size": f["file_size_in_bytes"],
            "partition": f["partition"],
            "content": f["content"],
        }
        for f in table.inspect.files().to_pylist()
    ]
    partitions = [
        {"partition": p["partition"], "records": p["record_count"], "files": p["file_count"]}
        for p in table.inspect.partitions().to_pylist()
    ]
    current = table.current_snapshot()
    return {
        "current_snapshot_id": str(current.snapshot_id) if current else None,
        "current": aggregates(table.scan().to_arrow()),
        "snapshots": snapshots,
        "files": files,
        "partitions": partitions,
        "schema": [[f.field_id, f.name, str(f.field_type)] for f in table.schema().fields],
    }


def write(warehouse, identifier, name):
    cat = catalog(warehouse, name)
    table = cat.load_table(identifier)
    rows = [
        {
            "id": 100000 + i,
            "amount": decimal.Decimal("-2.50"),
            "price": 0.25,
            "customer": f"py{i}",
            "sold_on": datetime.date(2018, 1, 9),
            "sold_at": datetime.datetime(2018, 1, 9, 8, 30, i),
            "paid": i % 2 == 0,
            "partition": "20180109",
        }
        for i in range(7)
    ]
    schema = table.schema().as_arrow()
    table.append(pa.Table.from_pylist([{f.name: r.get(f.name) for f in schema} for r in rows], schema=schema))
    appended = table.current_snapshot().snapshot_id
    # a copy-on-write delete: PyIceberg rewrites the affected mdw files in its own snapshot
    table.delete(delete_filter="id < 10")

    cat.create_namespace_if_not_exists("py")
    if cat.table_exists("py.events"):
        cat.drop_table("py.events")
    events_schema = Schema(
        NestedField(1, "k", LongType(), required=False),
        NestedField(2, "v", StringType(), required=False),
        NestedField(3, "at", TimestamptzType(), required=False),
        NestedField(4, "price", DecimalType(10, 3), required=False),
        NestedField(5, "day", StringType(), required=False),
    )
    spec = PartitionSpec(PartitionField(source_id=5, field_id=1000, transform=IdentityTransform(), name="day"))
    events = cat.create_table("py.events", schema=events_schema, partition_spec=spec)
    arrow = events.schema().as_arrow()
    utc = datetime.timezone.utc
    for day in ("20200101", "20200102"):
        batch = [
            {"k": i, "v": f"v{i}", "at": datetime.datetime(2020, 1, 1, tzinfo=utc), "price": decimal.Decimal("-1.125"), "day": day}
            for i in range(5)
        ]
        events.append(pa.Table.from_pylist(batch, schema=arrow))
    return {
        "appended_snapshot_id": str(appended),
        "deleted_snapshot_id": str(table.current_snapshot().snapshot_id),
        "events_snapshot_ids": [str(s.snapshot_id) for s in events.snapshots()],
    }


def spec(warehouse, identifier, name, row_filter):
    table = catalog(warehouse, name).load_table(identifier)
    fields = [
        {"source_id": f.source_id, "field_id": f.field_id, "name": f.name, "transform": str(f.transform)}
        for f in table.spec().fields
    ]
    scan = table.scan(row_filter=row_filter)
    return {
        "fields": fields,
        "rows": table.scan().to_arrow().num_rows,
        "filtered_files": sorted(t.file.file_path for t in scan.plan_files()),
        "filtered_rows": scan.to_arrow().num_rows,
        "partitions": sorted(str(p["partition"]) for p in table.inspect.partitions().to_pylist()),
    }


if __name__ == "__main__":
    command, warehouse, identifier = sys.argv[1:4]
    name = sys.argv[4] if len(sys.argv) > 4 else "mdw"
    if command == "spec":
        result = spec(warehouse, identifier, name, sys.argv[5])
    elif command == "read":
        result = read(warehouse, identifier, name)
    else:
        result = write(warehouse, identifier, name)
    print(json.dumps(result, default=str))
