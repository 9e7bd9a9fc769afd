/**
 * Athena's result cells are text (VarCharValue); the column's type in ResultSetMetadata says
 * what they hold. Exactness first, as on Trino: bigints become `bigint`, decimals, dates and
 * timestamps stay Athena's own text; a cell without a value is NULL.
 */
export type AthenaValue = null | boolean | number | bigint | string;

export function decodeValue(text: string | undefined, type: string): AthenaValue {
  if (text === undefined || text === null) return null;
  switch (type.replace(/\(.*$/, '').trim()) {
    case 'bigint':
      return /^-?\d+$/.test(text) ? BigInt(text) : text;
    case 'integer':
    case 'int':
    case 'smallint':
    case 'tinyint':
    case 'real':
    case 'float':
    case 'double':
      return text === 'NaN' || text === 'Infinity' || text === '-Infinity' || text.trim() !== ''
        ? Number(text)
        : null;
    case 'boolean':
      return text === 'true';
    default:
      // varchar, char, decimal, date, time, timestamp, array, map, row, json…
      return text;
  }
}
