/**
 * Write-Audit-Publish for a run. With an adapter that can stage (Adapter.publishing), every
 * table commit of the run is staged: later models and the data tests read the staged tables,
 * every other reader keeps seeing the published warehouse. When the run ends the gate decides:
 *
 * - all_or_nothing (the default): the staged tables are published together, in one atomic
 *   commit, only if no node of the run errored and no test failed (warn-severity results do
 *   not block). Otherwise nothing from the run is published: the tables stay exactly as they
 *   were, and the summary names the tests (or models) that blocked which tables.
 * - per_table (`--no-wap`, or var `mdw_publish: per_table`): each commit is published as it
 *   happens, as before Write-Audit-Publish.
 *
 * Why all or nothing rather than "everything not downstream of a failure": tables are read
 * together (the fact with its aggregates and dimensions), and a partly published run is the
 * mix of old and new this exists to prevent.
 */
import type { Adapter, StagedPublishing } from '../adapters/types.js';
import type { ManifestNode } from '../manifest/types.js';
import { ConfigError, errorMessage } from '../util/errors.js';
import type { NodeResult } from './results.js';

export type PublishMode = 'all_or_nothing' | 'per_table';

export type PublishStatus =
  /** staged tables published together */
  | 'published'
  /** a failed test or node blocked the run: nothing published */
  | 'blocked'
  /** another writer changed a staged table first: nothing published */
  | 'conflict'
  /** the run committed no table */
  | 'nothing_staged'
  /** commits were published one by one (per_table, or an engine that cannot stage) */
  | 'per_table';

export interface Blocker {
  unique_id: string;
  resource_type: string;
  name: string;
  status: string;
  /** the staged tables it guards (tests) or is (models), as schema.table; else the relations it checked */
  tables: string[];
}

export interface PublishReport {
  mode: PublishMode;
  status: PublishStatus;
  /** published tables, or the staged tables that were discarded */
  tables: string[];
  blocked_by: Blocker[];
  message: string | null;
}

const MODES: readonly PublishMode[] = ['all_or_nothing', 'per_table'];

/** `--no-wap` wins; else the project var `mdw_publish`; else all_or_nothing. */
export function publishMode(noWap: boolean, vars: Record<string, unknown>): PublishMode {
  if (noWap) return 'per_table';
  const value = vars.mdw_publish;
  if (value === undefined || value === null || value === '') return 'all_or_nothing';
  if (MODES.includes(value as PublishMode)) return value as PublishMode;
  throw new ConfigError(
    `The var mdw_publish must be 'all_or_nothing' (the default: publish a build's tables together after their tests pass) or 'per_table', got '${String(value)}'.`,
  );
}

export class PublishGate {
  private open: boolean;

  private constructor(
    readonly mode: PublishMode,
    private readonly publishing: StagedPublishing | undefined,
  ) {
    this.open = publishing !== undefined;
  }

  /** Starts staging when the mode asks for it and the adapter can. */
  static async start(adapter: Adapter, mode: PublishMode): Promise<PublishGate> {
    const publishing = mode === 'all_or_nothing' ? adapter.publishing : undefined;
    await publishing?.begin();
    return new PublishGate(mode, publishing);
  }

  /** Is the run's work staged (not yet visible to readers)? */
  get staging(): boolean {
    return this.open;
  }

  /** Tables staged so far (for Ctrl-C's notice). */
  staged(): string[] {
    return this.open ? (this.publishing?.staged() ?? []) : [];
  }

  /** Publishes or discards the stage, given every node's result. */
  async finish(nodes: Record<string, ManifestNode>, results: readonly NodeResult[]): Promise<PublishReport> {
    const report: PublishReport = {
      mode: this.mode,
      status: 'per_table',
      tables: [],
      blocked_by: [],
      message: null,
    };
    if (!this.publishing || !this.open) return report;
    this.open = false;
    const staged = this.publishing.staged();
    report.blocked_by = blockers(nodes, results, new Set(staged));
    if (report.blocked_by.length > 0) {
      report.status = staged.length === 0 ? 'nothing_staged' : 'blocked';
      report.tables = await this.publishing.discard();
      return report;
    }
    try {
      report.tables = await this.publishing.publish();
      report.status = report.tables.length === 0 ? 'nothing_staged' : 'published';
    } catch (error) {
      report.status = 'conflict';
      report.message = errorMessage(error);
      report.tables = await this.publishing.discard();
    }
    return report;
  }

  /** The run stopped on an unexpected error: publish nothing. */
  async abandon(): Promise<void> {
    if (!this.publishing || !this.open) return;
    this.open = false;
    await this.publishing.discard();
  }
}

/** Nodes whose result blocks publishing: errors, and tests that failed at error severity. */
function blockers(
  nodes: Record<string, ManifestNode>,
  results: readonly NodeResult[],
  staged: ReadonlySet<string>,
): Blocker[] {
  const relationOf = (id: string): string | null => {
    const node = nodes[id];
    return node && node.resource_type !== 'test' ? `${node.schema}.${node.alias}` : null;
  };
  const found: Blocker[] = [];
  for (const result of results) {
    if (result.status !== 'error' && result.status !== 'fail' && result.status !== 'partial success')
      continue;
    const node = nodes[result.unique_id];
    if (!node) continue;
    const own = node.resource_type === 'test' ? node.depends_on.nodes : [node.unique_id];
    const all = own.map(relationOf).filter((t): t is string => t !== null);
    // the staged tables it guards are the ones it keeps from readers; else say what it checked
    const guarded = all.filter((t) => staged.has(t));
    const tables = guarded.length > 0 ? guarded : all;
    found.push({
      unique_id: node.unique_id,
      resource_type: node.resource_type,
      name: node.name,
      status: result.status,
      tables,
    });
  }
  return found;
}

/** What the run summary says about publishing (nothing for per-table runs). */
export function publishLines(report: PublishReport): string[] {
  const list = (tables: readonly string[]) => tables.join(', ');
  const count = (n: number) => `${n} Iceberg table${n === 1 ? '' : 's'}`;
  switch (report.status) {
    case 'published':
      return [
        `Published ${count(report.tables.length)} together after the run's tests passed (write-audit-publish).`,
      ];
    case 'blocked':
      return [
        `Nothing from this run was published (write-audit-publish, all or nothing): the published warehouse is as it was before the run.`,
        ...report.blocked_by.map((b) => `  ${describeBlocker(b)}`),
        `The staged changes to ${count(report.tables.length)} were discarded: ${list(report.tables)}. Fix the cause and run the build again.`,
      ];
    case 'conflict':
      return [
        `Nothing from this run was published: ${report.message ?? 'another writer changed a staged table'} The staged changes to ${count(report.tables.length)} were discarded; run the build again.`,
      ];
    default:
      return [];
  }
}

function describeBlocker(blocker: Blocker): string {
  const outcome = blocker.status === 'fail' ? 'failed' : 'error';
  const what = `${blocker.resource_type} ${blocker.name} (${outcome})`;
  if (blocker.tables.length === 0) return `Blocked by ${what}.`;
  const verb = blocker.resource_type === 'test' ? 'on' : 'building';
  return `Blocked by ${what} ${verb} ${blocker.tables.join(', ')}.`;
}
