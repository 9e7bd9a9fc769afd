/**
 * Query executions: each StartQueryExecution gets an id and runs in the background
 * (QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED), its statement translated (translate.ts)
 * and run on Trino; the result is kept for GetQueryResults and written as CSV to the output
 * location, as Athena does.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import type { AwsBackends } from './aws.js';
import { type ColumnInfo, columnInfo, type TextRow, textRows, toCsv } from './results.js';
import { SqlSyntaxError } from './sql-tokens.js';
import {
  AthenaSqlError,
  HIVE_CATALOG,
  ICEBERG_CATALOG,
  type Plan,
  type Step,
  translate,
} from './translate.js';
import { runOnTrino, TrinoCancelled, type TrinoOutcome, TrinoStatementError } from './trino.js';

export type QueryState = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export interface Execution {
  id: string;
  query: string;
  workGroup: string;
  database: string;
  catalog: string;
  outputLocation: string;
  state: QueryState;
  reason?: string;
  errorCategory?: number;
  submittedMs: number;
  startedMs?: number;
  completedMs?: number;
  plan?: Plan;
  columns?: ColumnInfo[];
  rows?: TextRow[];
  updateCount?: number;
  scannedBytes: number;
  engineMs: number;
  queuedMs: number;
  controller: AbortController;
}

export interface StartRequest {
  query: string;
  workGroup: string;
  database?: string;
  catalog?: string;
  outputLocation: string;
}

/** Athena's VACUUM default when the table sets no vacuum_max_snapshot_age_seconds: 5 days */
const DEFAULT_SNAPSHOT_AGE_SECONDS = 432000;

export class Executions {
  private readonly all = new Map<string, Execution>();

  constructor(
    private readonly trinoUrl: string,
    private readonly aws: AwsBackends,
    /** Trino session properties of every statement */
    private readonly sessionProperties: Record<string, string>,
  ) {}

  start(request: StartRequest): Execution {
    const id = randomUUID();
    const execution: Execution = {
      id,
      query: request.query,
      workGroup: request.workGroup,
      database: (request.database ?? 'default').toLowerCase(),
      catalog: (request.catalog ?? 'AwsDataCatalog').toLowerCase(),
      outputLocation: request.outputLocation.endsWith('/')
        ? request.outputLocation
        : `${request.outputLocation}/`,
      state: 'QUEUED',
      submittedMs: Date.now(),
      scannedBytes: 0,
      engineMs: 0,
      queuedMs: 0,
      controller: new AbortController(),
    };
    this.all.set(id, execution);
    setImmediate(() => void this.run(execution));
    return execution;
  }

  get(id: string): Execution | undefined {
    return this.all.get(id);
  }

  /** StopQueryExecution: cancels a queued or running query; a finished one stays as it is. */
  stop(execution: Execution): void {
    if (execution.state !== 'QUEUED' && execution.state !== 'RUNNING') return;
    execution.controller.abort();
    this.finish(execution, 'CANCELLED', 'Query cancelled by user');
  }

  private async run(execution: Execution): Promise<void> {
    if (execution.state !== 'QUEUED') return;
    execution.state = 'RUNNING';
    execution.startedMs = Date.now();
    try {
      if (execution.catalog !== HIVE_CATALOG)
        throw new AthenaSqlError(`CATALOG_NOT_FOUND: Catalog '${execution.catalog}' does not exist`);
      const plan = await translate(execution.query, {
        schema: execution.database,
        defaultCtasLocation: `${execution.outputLocation}tables/${execution.id}/`,
        tableKind: (schema, table) => this.aws.tableKind(schema, table),
        partitionKeys: (schema, table) => this.aws.partitionKeys(schema, table),
      });
      execution.plan = plan;
      let last: TrinoOutcome | undefined;
      for (const step of plan.steps) last = (await this.runStep(execution, step)) ?? last;
      if (execution.controller.signal.aborted) return;
      const columns = last?.columns ?? [];
      execution.columns = columns.map(columnInfo);
      execution.rows = last && last.updateType === undefined ? textRows(columns, last.rows) : [];
      execution.updateCount = last?.updateCount;
      const header = plan.header ? columns.map((c) => c.name) : undefined;
      const extension = plan.statementType === 'DDL' ? 'txt' : 'csv';
      await this.aws.putObject(
        `${execution.outputLocation}${execution.id}.${extension}`,
        toCsv(header, execution.rows),
        extension === 'csv' ? 'text/csv' : 'text/plain',
      );
      this.finish(execution, 'SUCCEEDED');
    } catch (error) {
      if (execution.controller.signal.aborted || error instanceof TrinoCancelled) return;
      const [reason, category] = failureReason(error);
      this.finish(execution, 'FAILED', reason, category);
    }
  }

  /** Runs one step of a plan; Trino steps return their outcome. */
  private async runStep(execution: Execution, step: Step): Promise<TrinoOutcome | undefined> {
    if (step.kind === 'glue-create-table') {
      await this.aws.createTable(step.database, step.input, step.ifNotExists);
      return undefined;
    }
    if (step.kind === 'vacuum') {
      const table = `"${ICEBERG_CATALOG}"."${step.schema}"."${step.table}`;
      const props = await this.trino(
        execution,
        `SELECT value FROM ${table}$properties" WHERE key = 'vacuum_max_snapshot_age_seconds'`,
      );
      const age = Number(props.rows[0]?.[0] ?? DEFAULT_SNAPSHOT_AGE_SECONDS);
      await this.trino(
        execution,
        `ALTER TABLE ${table}" EXECUTE expire_snapshots(retention_threshold => '${age}s')`,
      );
      await this.trino(
        execution,
        `ALTER TABLE ${table}" EXECUTE remove_orphan_files(retention_threshold => '${age}s')`,
      );
      return undefined;
    }
    return this.trino(execution, step.sql);
  }

  private async trino(execution: Execution, sql: string): Promise<TrinoOutcome> {
    const outcome = await runOnTrino(
      this.trinoUrl,
      sql,
      { catalog: HIVE_CATALOG, schema: execution.database, properties: this.sessionProperties },
      execution.controller.signal,
    );
    // Athena bills (and reports) bytes read by queries, DML and CTAS; DDL and SHOW read none
    const plan = execution.plan;
    if (plan && (plan.statementType === 'DML' || plan.substatementType === 'CREATE_TABLE_AS_SELECT'))
      execution.scannedBytes += outcome.physicalInputBytes;
    if (BYTES_LOG) logBytes(BYTES_LOG, outcome.physicalInputBytes, sql);
    execution.engineMs += outcome.elapsedMs;
    execution.queuedMs += outcome.queuedMs;
    return outcome;
  }

  private finish(execution: Execution, state: QueryState, reason?: string, category?: number): void {
    if (execution.state !== 'QUEUED' && execution.state !== 'RUNNING') return;
    execution.state = state;
    execution.reason = reason;
    execution.errorCategory = category;
    execution.completedMs = Date.now();
  }
}

/**
 * MDW_ATHENA_BYTES_LOG=<file>: each engine statement appends `bytes<TAB>first 150 chars of SQL`
 * there, so a test run shows which statement a node's DataScannedInBytes came from.
 */
const BYTES_LOG = process.env.MDW_ATHENA_BYTES_LOG;

function logBytes(file: string, bytes: number, sql: string): void {
  appendFileSync(file, `${bytes}\t${sql.replace(/\s+/g, ' ').slice(0, 150)}\n`);
}

/** Athena's StateChangeReason (`ERROR_NAME: message`) and ErrorCategory (1 system, 2 user). */
function failureReason(error: unknown): [string, number] {
  if (error instanceof TrinoStatementError)
    return [`${error.errorName}: ${error.message}`, error.errorType === 'USER_ERROR' ? 2 : 1];
  if (error instanceof SqlSyntaxError) return [`SYNTAX_ERROR: ${error.message}`, 2];
  if (error instanceof AthenaSqlError) return [error.message, 2];
  return [error instanceof Error ? error.message : String(error), 1];
}
