/**
 * on_schema_change for incremental models: compare the new rows' columns with the target's
 * and decide, as dbt does, what to do about the difference (ignore / fail / append_new_columns /
 * sync_all_columns). Engines run the DDL this plan asks for.
 */
import { ExecutionError } from '../util/errors.js';

export const SCHEMA_CHANGE_MODES = ['ignore', 'fail', 'append_new_columns', 'sync_all_columns'] as const;
export type SchemaChangeMode = (typeof SCHEMA_CHANGE_MODES)[number];

/** A column as the engine describes it (its own type names). */
export interface Column {
  name: string;
  dataType: string;
}

export interface SchemaDiff {
  /** in the new rows, not in the target */
  added: Column[];
  /** in the target, not in the new rows */
  removed: Column[];
  /** in both, with a different type */
  changed: { name: string; from: string; to: string }[];
}

/** What to change on the target before writing, and which columns to write. */
export interface SchemaChangePlan {
  addColumns: Column[];
  dropColumns: Column[];
  alterColumns: { name: string; to: string }[];
  /** target columns the new rows provide, after the change */
  columns: string[];
}

const key = (name: string) => name.toLowerCase();
const normalType = (type: string) => type.replace(/\s+/g, '').toUpperCase();

export function diffColumns(source: Column[], target: Column[]): SchemaDiff {
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

/** The plan for `mode`; 'fail' with a difference throws one sentence naming the columns. */
export function planSchemaChange(
  mode: SchemaChangeMode,
  source: Column[],
  targetColumns: Column[],
  modelName: string,
): SchemaChangePlan {
  const diff = diffColumns(source, targetColumns);
  const shared = targetColumns
    .filter((column) => source.some((candidate) => key(candidate.name) === key(column.name)))
    .map((column) => column.name);
  const none: SchemaChangePlan = { addColumns: [], dropColumns: [], alterColumns: [], columns: shared };
  if (!hasChanges(diff) || mode === 'ignore') return none;
  if (mode === 'fail') throw new ExecutionError(outOfSyncMessage(modelName, diff));
  const columns = [...shared, ...diff.added.map((column) => column.name)];
  if (mode === 'append_new_columns') return { ...none, addColumns: diff.added, columns };
  // sync_all_columns: also drop what the new rows no longer have and follow type changes.
  return {
    addColumns: diff.added,
    dropColumns: diff.removed,
    alterColumns: diff.changed.map(({ name, to }) => ({ name, to })),
    columns,
  };
}

function outOfSyncMessage(modelName: string, diff: SchemaDiff): string {
  const names = (columns: Column[]) =>
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
