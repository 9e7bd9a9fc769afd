/**
 * The targets the conformance suite runs on: MDW_CONFORMANCE_TARGETS=local (default), a comma
 * list of names below. A target is a profile (written into the fixture copy's profiles.yml),
 * an optional setup/teardown (start a service...), the table formats its tables come in, and
 * the capabilities it lacks, each with the reason printed where a case is skipped.
 */
import { join } from 'node:path';

/** What a case may need beyond plain SQL. */
export type Capability =
  | 'iceberg-maintenance'
  | 'partition-transforms'
  | 'hooks'
  | 'grants-warning'
  | 'external-csv';

/** How a model's `table_type` is set for a round: plain engine tables or Iceberg tables. */
export type TableFormat = 'native' | 'iceberg';

export interface ConformanceTarget {
  name: string;
  /** profiles.yml content for a project copy in `dir` (profile name `conformance`, schema `conformance`) */
  profile(dir: string): string;
  /** table formats the incremental cases run in (each one is a separate round of builds) */
  tableFormats: TableFormat[];
  /** capabilities the target does not have, with the reason */
  lacks: Partial<Record<Capability, string>>;
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
}

const local: ConformanceTarget = {
  name: 'local',
  profile: (dir) => `conformance:
  target: local
  outputs:
    local:
      type: duckdb
      path: ${JSON.stringify(join(dir, 'warehouse', 'mdw.duckdb'))}
      schema: conformance
      threads: 2
`,
  tableFormats: ['native', 'iceberg'],
  lacks: {},
};

const TARGETS: Record<string, ConformanceTarget> = { local };

/** The targets named by MDW_CONFORMANCE_TARGETS (default: local); an unknown name is an error. */
export function selectedTargets(): ConformanceTarget[] {
  const names = (process.env.MDW_CONFORMANCE_TARGETS ?? 'local')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  return names.map((name) => {
    const target = TARGETS[name];
    if (!target) {
      throw new Error(
        `MDW_CONFORMANCE_TARGETS names '${name}', which is not a conformance target (known: ${Object.keys(TARGETS).join(', ')}).`,
      );
    }
    return target;
  });
}
