/**
 * SQL words that are keywords, never aliases: clause words, operators, join kinds, type
 * names and date parts (so `interval 1 day` or `cast(x as double precision)` is no alias).
 */
export const KEYWORDS: ReadonlySet<string> = new Set(
  `select from where group by having order limit offset qualify window with recursive as on using
  join inner left right full outer cross natural semi anti asof positional lateral union all except
  intersect distinct and or not in is null true false like ilike similar glob between exists case when
  then else end cast try_cast over partition rows range groups preceding following unbounded current
  row exclude replace asc desc nulls first last filter within insert into values update set delete
  create table view replace materialized temporary temp if drop alter primary key references unique
  default collate escape interval at time zone date timestamp timestamptz varchar char character
  varying text string integer int bigint smallint tinyint hugeint boolean bool double float real
  decimal numeric precision year years month months day days hour hours minute minutes second
  seconds week weeks quarter quarters millisecond milliseconds microsecond microseconds epoch any
  some array struct map pivot unpivot tablesample sample only ignore respect to for uuid blob bytea
  json bit time timetz uhugeint ubigint uinteger usmallint utinyint float4 float8 int2 int4 int8 bpchar
  ordinality`
    .split(/\s+/)
    .filter((w) => w !== ''),
);

/** Words that end a SELECT's column list. */
export const SELECT_LIST_END: ReadonlySet<string> = new Set([
  'from',
  'where',
  'group',
  'having',
  'order',
  'limit',
  'qualify',
  'window',
  'union',
  'except',
  'intersect',
]);
