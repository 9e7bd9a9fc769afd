/**
 * on_schema_change for incremental models: compare the new rows' columns with the target's
 * and reconcile them (ignore / fail / append_new_columns / sync_all_columns), as dbt does.
 */
import { ExecutionError } from '../../../util/errors.js';
import { quoteIdentifier } from '../../sql-helpers.js';
import type { ColumnDescription, Connection, Relation } from '../../types.js';

export const SCHEMA_CHANGE_MODES = ['ignore', 'fail', 'append_new_columns', 'sync_all_columns'] as const;
export type SchemaChangeMode = (typeof SCHEMA_CHANGE_MODES)[number];

export interface SchemaDiff {
  /** in the new rows, not in the target */
  added: ColumnDescription[];
  /** in the target, not in the new rows */
  removed: ColumnDescription[];
  /** in both, with a different type */
  changed: { name: string; from: string; to: string }[];
}

const key = (name: string) => name.toLowerCase();
const normalType = (type: string) => type.replace(/\s+/g, '').toUpperCase();

export function diffColumns(source: ColumnDescription[], target: ColumnDescription[]): SchemaDiff {
  const targetByName = new Map(target.map((column) => [key(column.name), column]));
  const sourceByName = new Map(source.map((column) => [key(column.name), column]));
  const changed: SchemaDiff['changed'] = [];
  for (const column of source) {
    const existing = targetByName.get(key(column.name));
    if (existing && normalType(existing.dataType) !== normalType(column.dataType)) {
      changed.push({ name: existing.name, from: existing.dataType, to: column.dataType });
    }
  }
  return {
    added: source.filter((column) => !targetByName.has(key(column.name))),
    removed: target.filter((column) => !sourceByName.has(key(column.name))),
    changed,
  };
}

export function hasChanges(diff: SchemaDiff): boolean {
  return diff.added.length > 0 || diff.removed.length > 0 || diff.changed.length > 0;
}

/**
 * Apply `mode` to the target (DDL runs on `conn`, inside the caller's transaction) and return
 * the columns to write: those of the (possibly altered) target that the new rows provide.
 */
export async function reconcileSchema(
  conn: Connection,
  mode: SchemaChangeMode,
  target: Relation,
  source: ColumnDescription[],
  targetColumns: ColumnDescription[],
  modelName: string,
): Promise<string[]> {
  const diff = diffColumns(source, targetColumns);
  const shared = targetColumns
    .filter((column) => source.some((candidate) => key(candidate.name) === key(column.name)))
    .map((column) => column.name);
  if (!hasChanges(diff) || mode === 'ignore') return shared;
  if (mode === 'fail') throw new ExecutionError(outOfSyncMessage(modelName, diff));

  for (const column of diff.added) {
    await conn.query(
      `alter table ${target.render()} add column ${quoteIdentifier(column.name)} ${column.dataType}`,
    );
  }
  if (mode === 'append_new_columns') return [...shared, ...diff.added.map((column) => column.name)];

  // sync_all_columns: also drop what the new rows no longer have and follow type changes.
  for (const column of diff.removed) {
    await conn.query(`alter table ${target.render()} drop column ${quoteIdentifier(column.name)}`);
  }
  for (const column of diff.changed) {
    await conn.query(
      `alter table ${target.render()} alter column ${quoteIdentifier(column.name)} type ${column.to}`,
    );
  }
  return [...shared, ...diff.added.map((column) => column.name)];
}

function outOfSyncMessage(modelName: string, diff: SchemaDiff): string {
  const names = (columns: ColumnDescription[]) =>
    columns.length ? columns.map((column) => column.name).join(', ') : 'none';
  const types = diff.changed.length
    ? diff.changed.map((change) => `${change.name} ${change.from} -> ${change.to}`).join(', ')
    : 'none';
  return (
    `The columns of incremental model ${modelName} changed and on_schema_change is 'fail': ` +
    `added columns: ${names(diff.added)}; removed columns: ${names(diff.removed)}; ` +
    `changed types: ${types}. Re-run with --full-refresh, or set on_schema_change to ` +
    `'append_new_columns' or 'sync_all_columns'.`
  );
}
