/**
 * Partition projection the way Athena evaluates it, for the stack's Trino.
 *
 * Athena computes a projected table's partitions from the projection's range and the query's
 * filter and reads only those prefixes; it never lists a day that holds nothing in a way anyone
 * pays for. Trino's Hive connector also computes them, but then lists every computed prefix:
 * for the daily sales table (`'projection.partition.range' = '20180101,NOW'`) that is one S3
 * listing per day since 2018, thousands per scan, each through moto's single Python server —
 * over an hour for one warehouse build.
 *
 * Where the stack differs from Athena, and why: the Glue proxy in front of Trino (not the one
 * clients use) hands Trino a narrower projection. A single-column `date` projection becomes an
 * `enum` projection of exactly the values whose prefixes exist under the table's location
 * template (one listing of the table's prefix per table lookup) and lie inside the declared
 * range. Trino then lists only those prefixes. The rows a query reads are the same as on Athena
 * (a projected day with no folder reads as no rows there too); only the listing work differs.
 * Everything else (other projection types, several projected columns, formats whose text does
 * not sort like the date) is left as declared.
 */

/** The Glue `Table` fields this module reads and rewrites. */
export interface GlueTableLike {
  Name?: string;
  Parameters?: Record<string, string>;
  PartitionKeys?: { Name?: string }[];
  StorageDescriptor?: { Location?: string };
}

/** Lists the "folder" names directly under `s3://bucket/prefix` (the text up to the next `/`). */
export type PrefixLister = (bucket: string, prefix: string) => Promise<string[]>;

/** Date format letters Athena's projection uses, in the order a sortable text must have them. */
const SORTABLE_FIELDS: [string, string][] = [
  ['yyyy', '\\d{4}'],
  ['MM', '\\d{2}'],
  ['dd', '\\d{2}'],
  ['HH', '\\d{2}'],
  ['mm', '\\d{2}'],
  ['ss', '\\d{2}'],
];

/**
 * A pattern matching the format's text when that text sorts as the date does (fields from year
 * down, fixed widths, literal separators), else undefined.
 */
export function sortableDatePattern(format: string): RegExp | undefined {
  let pattern = '';
  let rest = format;
  let nextField = 0;
  while (rest.length > 0) {
    const field = SORTABLE_FIELDS.findIndex(([letters]) => rest.startsWith(letters));
    if (field >= 0) {
      if (field !== nextField) return undefined;
      pattern += SORTABLE_FIELDS[field][1];
      rest = rest.slice(SORTABLE_FIELDS[field][0].length);
      nextField++;
    } else if (/[A-Za-z]/.test(rest[0])) {
      return undefined; // a field such as MMM or EEE: its text does not sort as the date
    } else {
      pattern += rest[0].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      rest = rest.slice(1);
    }
  }
  return nextField > 0 ? new RegExp(`^${pattern}$`) : undefined;
}

/** The current UTC time in a sortable format (Athena's `NOW` bound). */
export function formatNow(format: string, now = new Date()): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const values: Record<string, string> = {
    yyyy: String(now.getUTCFullYear()),
    MM: two(now.getUTCMonth() + 1),
    dd: two(now.getUTCDate()),
    HH: two(now.getUTCHours()),
    mm: two(now.getUTCMinutes()),
    ss: two(now.getUTCSeconds()),
  };
  return format.replace(/yyyy|MM|dd|HH|mm|ss/g, (letters) => values[letters]);
}

function parseS3(uri: string): { bucket: string; key: string } | undefined {
  const match = /^s3a?:\/\/([^/]+)\/?(.*)$/.exec(uri);
  return match ? { bucket: match[1], key: match[2] } : undefined;
}

/**
 * The table with its date projection replaced by the enum of the values that exist (see the
 * module comment), or the table unchanged when that does not apply.
 */
export async function narrowProjection<T extends GlueTableLike>(table: T, list: PrefixLister): Promise<T> {
  const params = table.Parameters ?? {};
  if (params['projection.enabled']?.toLowerCase() !== 'true') return table;
  if (table.PartitionKeys?.length !== 1 || !table.PartitionKeys[0].Name) return table;
  const column = table.PartitionKeys[0].Name;
  const key = (name: string) => `projection.${column}.${name}`;
  if (params[key('type')]?.toLowerCase() !== 'date') return table;
  const format = params[key('format')] ?? '';
  const pattern = sortableDatePattern(format);
  const bounds = (params[key('range')] ?? '').split(',').map((b) => b.trim());
  if (!pattern || bounds.length !== 2) return table;
  const [low, high] = bounds.map((b) => (b.toUpperCase() === 'NOW' ? formatNow(format) : b));
  if (!pattern.test(low) || !pattern.test(high)) return table; // e.g. NOW-3DAYS: left as declared

  const location = table.StorageDescriptor?.Location?.replace(/\/*$/, '/');
  const template = params['storage.location.template'] ?? `${location}${column}=\${${column}}/`;
  const placeholder = `\${${column}}`;
  const at = template.indexOf(placeholder);
  const after = template.slice(at + placeholder.length);
  const s3 = parseS3(template.slice(0, at));
  if (at < 0 || !s3 || !after.includes('/')) return table;
  // the value is the part of the listed folder name between the template's prefix and suffix
  const segmentSuffix = after.slice(0, after.indexOf('/'));
  const values = (await list(s3.bucket, s3.key))
    .filter((folder) => folder.endsWith(segmentSuffix))
    .map((folder) => folder.slice(0, folder.length - segmentSuffix.length))
    .filter((value) => pattern.test(value) && value >= low && value <= high)
    .sort();

  const narrowed: Record<string, string> = { ...params };
  for (const name of ['format', 'range', 'interval', 'interval.unit']) delete narrowed[key(name)];
  narrowed[key('type')] = 'enum';
  // no folder yet: one value inside the range, whose absent folder reads as no rows
  narrowed[key('values')] = values.length > 0 ? values.join(',') : low;
  return { ...table, Parameters: narrowed };
}
