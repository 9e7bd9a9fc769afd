/**
 * What an engine folder tells the core about itself (see registry.ts). A descriptor is small
 * and imports no driver: the core validates profiles, knows config keys and finds macros
 * without loading the engine; `load()` brings the engine in only when a command needs it.
 */
import type { TargetConfig } from '../manifest/types.js';
import type { Adapter } from './types.js';

/** The YAML shapes a profile key may take. */
export type ProfileValueKind = 'string' | 'number' | 'boolean' | 'map' | 'list';

export interface ProfileKeySpec {
  kinds: readonly ProfileValueKind[];
  required?: boolean;
}

/** How a command means to use the adapter. */
export interface AdapterOptions {
  /** a reader (mdw show): it must not wait for, or block, a build holding the warehouse */
  reader?: boolean;
  /** `--dry-run`: nothing runs and no credentials are needed; each statement is printed with this */
  dryRun?: (text: string) => void;
  /** `mdw iceberg recover` / `register`: open a warehouse whose catalog was lost instead of refusing */
  recoverCatalog?: boolean;
}

/** Creates the adapter for one target of a project. */
export type AdapterFactory = (
  target: TargetConfig,
  projectRoot: string,
  options?: AdapterOptions,
) => Promise<Adapter>;

export interface EngineDescriptor {
  /** the profile's `type:` and the prefix of its dispatched macros (`<type>__name`) */
  readonly type: string;
  /** engine-specific profile keys and the shapes they accept (unknown keys are left alone, as dbt does) */
  readonly profileKeys: Readonly<Record<string, ProfileKeySpec>>;
  /** how the engine quotes an identifier (its relation class owns this; compiled SQL uses it too) */
  quoteIdentifier(name: string): string;
  /** the database name when the profile sets none (DuckDB: the file's stem) */
  defaultDatabase(output: Readonly<Record<string, unknown>>): string;
  /**
   * The database (catalog) a model or source that declares `database` lives in on this target;
   * lets a project written for another engine (Athena's `awsdatacatalog`) run unchanged.
   * Absent: the declared name is used as is.
   */
  catalogFor?(target: TargetConfig, database: string): string;
  /** model config keys this engine understands (beyond dbt's own) */
  readonly configKeys: readonly string[];
  /** its `<type>__x` macros, relative to the package root; engines named in macrosOf load theirs too */
  readonly macrosDir: string;
  readonly macrosOf?: readonly string[];
  /** the adapter honours AdapterOptions.dryRun (prints statements, calls nothing) */
  readonly dryRun?: boolean;
  /** lazy: `mdw ls` and `mdw parse` never load an engine */
  load(): Promise<AdapterFactory>;
}
