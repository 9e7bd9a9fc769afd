/**
 * Scan planning for a filter on one column (`sales_at >= '2018-03-01'`): the live data files a
 * reader must open. A file is skipped when its partition value (projected through the
 * partition transform) or its column bounds prove no row can match (spec "Scan Planning").
 */
import { ConfigError } from '../../util/errors.js';
import { specById } from './metadata.js';
import type { PrimitiveType } from './schema.js';
import type { IcebergTable, LiveDataFile } from './table.js';
import { type ComparisonOp, parseTransformText, partitionMayMatch } from './transforms.js';
import { compareValues, decodeValue, type IcebergValue, valueFromText } from './values.js';

export interface ColumnFilter {
  column: string;
  op: ComparisonOp;
  /** the literal as written, without quotes */
  literal: string;
}

const FILTER =
  /^\s*("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=|=|<|>)\s*(?:'((?:[^']|'')*)'|(-?[0-9][0-9.]*))\s*$/;

/** Reads `<column> <op> <literal>` (op one of = < <= > >=; literal quoted text or a number). */
export function parseColumnFilter(text: string): ColumnFilter {
  const m = FILTER.exec(text);
  if (!m) {
    throw new ConfigError(
      `Cannot read the filter "${text}": expected <column> <op> <value>, e.g. sales_at >= '2018-03-01' (op: = < <= > >=).`,
    );
  }
  const column = m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replace(/""/g, '"') : m[1]!;
  const literal = m[3] !== undefined ? m[3].replace(/''/g, "'") : m[4]!;
  return { column, op: m[2] as ComparisonOp, literal };
}

/** The literal as a value of the column's type (a bare date reads as midnight for timestamps). */
function literalValue(type: PrimitiveType, literal: string): IcebergValue {
  const timestamp = type === 'timestamp' || type === 'timestamptz';
  const text = timestamp && /^\d{4}-\d{2}-\d{2}$/.test(literal) ? `${literal} 00:00:00` : literal;
  const value = valueFromText(type, text);
  if (value === undefined) throw new ConfigError(`The filter value '${literal}' is not a valid ${type}.`);
  return value;
}

/**
 * Reads `<filter> and <filter> …` (each `<column> <op> <literal>`): a scan must satisfy all.
 * `and` inside a quoted literal is part of the literal.
 */
export function parseColumnFilters(text: string): ColumnFilter[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "'") quoted = !quoted;
    if (quoted) continue;
    const and = /^\s+and\s+/i.exec(text.slice(i));
    if (and) {
      parts.push(text.slice(start, i));
      i += and[0].length - 1;
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map(parseColumnFilter);
}

/** The files of a snapshot (default: current) a scan with `filter` must read. */
export function planFiles(table: IcebergTable, filter: ColumnFilter, snapshotId?: bigint): LiveDataFile[] {
  return planFilesForAll(table, [filter], snapshotId);
}

/** The files of a snapshot (default: current) a scan with all of `filters` must read. */
export function planFilesForAll(
  table: IcebergTable,
  filters: readonly ColumnFilter[],
  snapshotId?: bigint,
): LiveDataFile[] {
  const tests = filters.map((filter) => fileMayMatch(table, filter, snapshotId));
  return table.dataFiles(snapshotId).filter((file) => tests.every((mayMatch) => mayMatch(file)));
}

/**
 * A test of whether a data file may hold a row matching `filter`: false only when its
 * partition value or its column bounds prove none can. Throws a ConfigError when the column
 * is not a primitive column of the table or the literal is not a value of its type.
 */
export function fileMayMatch(
  table: IcebergTable,
  filter: ColumnFilter,
  snapshotId?: bigint,
): (file: LiveDataFile) => boolean {
  const schema = table.schema(snapshotId);
  const field = schema.fields.find((f) => f.name.toLowerCase() === filter.column.toLowerCase());
  if (!field) throw new ConfigError(`Iceberg table ${table.identifier} has no column '${filter.column}'.`);
  if (typeof field.type !== 'string')
    throw new ConfigError(`The filter column '${filter.column}' must have a primitive type.`);
  const type = field.type;
  const literal = literalValue(type, filter.literal);
  const compare = (a: IcebergValue, b: IcebergValue) => compareValues(type, a, b);
  return (file) => {
    if (!boundsMayMatch(file, field.id, type, filter.op, literal, compare)) return false;
    const spec = specById(table.metadata, file.specId);
    return spec.fields.every((pf) => {
      if (pf['source-id'] !== field.id) return true;
      const transform = parseTransformText(pf.transform);
      if (!transform) return true; // a transform mdw does not know cannot prune
      const value = (file.partition as Record<string, IcebergValue | null>)[pf.name] ?? null;
      return partitionMayMatch(transform, type, filter.op, literal, value, compare);
    });
  };
}

/** Can a file with these lower/upper bounds of the column hold a matching row? */
function boundsMayMatch(
  file: LiveDataFile,
  fieldId: number,
  type: PrimitiveType,
  op: ComparisonOp,
  literal: IcebergValue,
  compare: (a: IcebergValue, b: IcebergValue) => number,
): boolean {
  const lowerBytes = file.lowerBounds?.[fieldId];
  const upperBytes = file.upperBounds?.[fieldId];
  const lower = lowerBytes ? decodeValue(type, lowerBytes) : undefined;
  const upper = upperBytes ? decodeValue(type, upperBytes) : undefined;
  if (file.nullValueCounts?.[fieldId] !== undefined && file.nullValueCounts[fieldId] === file.recordCount)
    return false; // only nulls: no comparison matches
  switch (op) {
    case '=':
      return (
        !(lower !== undefined && compare(literal, lower) < 0) &&
        !(upper !== undefined && compare(literal, upper) > 0)
      );
    case '<':
      return lower === undefined || compare(lower, literal) < 0;
    case '<=':
      return lower === undefined || compare(lower, literal) <= 0;
    case '>':
      return upper === undefined || compare(upper, literal) > 0;
    case '>=':
      return upper === undefined || compare(upper, literal) >= 0;
  }
}
