/**
 * DuckDB logical types ↔ Iceberg types. DuckDB types come from a prepared result's column
 * types (structured, so no type-string parsing); Iceberg types go back to DuckDB as SQL type
 * strings, used for casts and for `read_parquet(…, schema = …)`.
 */
import type { DuckDBType } from '@duckdb/node-api';
import {
  decimalParts,
  type IcebergType,
  isPrimitive,
  type NestedField,
  type StructType,
} from '../../../lakehouse/iceberg/schema.js';
import { ExecutionError } from '../../../util/errors.js';
import { DuckDBTypeId } from '../node-api.js';
import { DuckDbRelation } from '../relation.js';

/** Hands out new field ids, continuing after the table's last-column-id. */
export interface FieldIdSource {
  next(): number;
}

export function fieldIdsAfter(lastColumnId: number): FieldIdSource {
  let last = lastColumnId;
  return { next: () => ++last };
}

/**
 * The Iceberg type of a DuckDB type. `previous` is the same column's type in the table's
 * earlier schema: nested ids are reused from it where names and kinds still match, so
 * evolving a schema never renumbers a column.
 */
export function icebergType(
  duck: DuckDBType,
  ids: FieldIdSource,
  previous: IcebergType | undefined,
  column: string,
): IcebergType {
  switch (duck.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return 'boolean';
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.SQLNULL: // an untyped NULL column: DuckDB itself stores it as INTEGER
      return 'int';
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UINTEGER:
      return 'long';
    case DuckDBTypeId.UBIGINT:
      return 'decimal(20,0)';
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return 'decimal(38,0)';
    case DuckDBTypeId.FLOAT:
      return 'float';
    case DuckDBTypeId.DOUBLE:
      return 'double';
    case DuckDBTypeId.DECIMAL:
      return `decimal(${duck.width},${duck.scale})`;
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.ENUM:
      return 'string';
    case DuckDBTypeId.BLOB:
      return 'binary';
    case DuckDBTypeId.DATE:
      return 'date';
    case DuckDBTypeId.TIME:
    case DuckDBTypeId.TIME_NS:
      return 'time';
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS: // format v2 has microseconds only
      return 'timestamp';
    case DuckDBTypeId.TIMESTAMP_TZ:
      return 'timestamptz';
    case DuckDBTypeId.UUID:
      return 'uuid';
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY: {
      const prev = previous && !isPrimitive(previous) && previous.type === 'list' ? previous : undefined;
      return {
        type: 'list',
        'element-id': prev?.['element-id'] ?? ids.next(),
        'element-required': false,
        element: icebergType(duck.valueType, ids, prev?.element, column),
      };
    }
    case DuckDBTypeId.MAP: {
      const prev = previous && !isPrimitive(previous) && previous.type === 'map' ? previous : undefined;
      const keyId = prev?.['key-id'] ?? ids.next();
      const valueId = prev?.['value-id'] ?? ids.next();
      return {
        type: 'map',
        'key-id': keyId,
        key: icebergType(duck.keyType, ids, prev?.key, column),
        'value-id': valueId,
        'value-required': false,
        value: icebergType(duck.valueType, ids, prev?.value, column),
      };
    }
    case DuckDBTypeId.STRUCT: {
      const prev = previous && !isPrimitive(previous) && previous.type === 'struct' ? previous : undefined;
      return structType(duck.entryNames, duck.entryTypes, ids, prev, column);
    }
    default:
      throw new ExecutionError(
        `Column "${column}" has type ${duck.toString()}, which an Iceberg table cannot store; cast it to a supported type.`,
      );
  }
}

/**
 * A struct (or a whole schema) from column names and DuckDB types, reusing ids by name. All
 * fields of a struct get their ids before any nested type does — the order Iceberg's own
 * writers use, so a fresh table numbers its top-level columns 1…n.
 */
export function structType(
  names: readonly string[],
  types: readonly DuckDBType[],
  ids: FieldIdSource,
  previous: StructType | undefined,
  parent?: string,
): StructType {
  const olds = names.map((name) => previous?.fields.find((f) => f.name === name));
  const fieldIds = olds.map((old) => old?.id ?? ids.next());
  const fields: NestedField[] = names.map((name, i) => {
    const column = parent ? `${parent}.${name}` : name;
    return {
      id: fieldIds[i]!,
      name,
      required: false,
      type: icebergType(types[i]!, ids, olds[i]?.type, column),
    };
  });
  return { type: 'struct', fields };
}

/** DuckDB's identifier quoting (the relation class owns it). */
export const quoteIdent = DuckDbRelation.quote;

const PRIMITIVE_SQL: Record<string, string> = {
  boolean: 'BOOLEAN',
  int: 'INTEGER',
  long: 'BIGINT',
  float: 'FLOAT',
  double: 'DOUBLE',
  date: 'DATE',
  time: 'TIME',
  timestamp: 'TIMESTAMP',
  timestamptz: 'TIMESTAMP WITH TIME ZONE',
  timestamp_ns: 'TIMESTAMP_NS',
  timestamptz_ns: 'TIMESTAMP WITH TIME ZONE',
  string: 'VARCHAR',
  uuid: 'UUID',
  binary: 'BLOB',
};

/** The DuckDB SQL type for an Iceberg type. */
export function duckDbTypeSql(type: IcebergType): string {
  if (isPrimitive(type)) {
    const dec = decimalParts(type);
    if (dec) return `DECIMAL(${dec.precision},${dec.scale})`;
    if (/^fixed\[\d+\]$/.test(type)) return 'BLOB';
    const sql = PRIMITIVE_SQL[type];
    if (!sql) throw new ExecutionError(`Iceberg type ${type} has no DuckDB equivalent in mdw.`);
    return sql;
  }
  if (type.type === 'list') return `${duckDbTypeSql(type.element)}[]`;
  if (type.type === 'map') return `MAP(${duckDbTypeSql(type.key)}, ${duckDbTypeSql(type.value)})`;
  return `STRUCT(${type.fields.map((f) => `${quoteIdent(f.name)} ${duckDbTypeSql(f.type)}`).join(', ')})`;
}
