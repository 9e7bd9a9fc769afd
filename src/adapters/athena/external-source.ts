/**
 * Raw sources on Athena: external CSV tables over the raw S3 prefix, rendered from the sources'
 * YAML by the same generator as the spec's scripts/database/*.sql (raw-tables.ts), with
 * partition projection for daily drops so no partition repair is ever needed. The table is
 * dropped and created again on each build so a changed definition takes effect; dropping an
 * external table leaves its files alone.
 */
import type { SourceDefinition } from '../../manifest/types.js';
import { ExecutionError } from '../../util/errors.js';
import type { BuildContext } from './materialize.js';
import { athenaCreateTable, RAW_S3_URI_PLACEHOLDER, rawTableDefinitions } from './raw-tables.js';
import { hiveIdentifier } from './relation.js';

export async function createExternalSource(ctx: BuildContext, source: SourceDefinition): Promise<void> {
  const label = `${source.source_name}.${source.name}`;
  const location = source.external?.s3_location;
  if (typeof location !== 'string' || location.trim() === '')
    throw new ExecutionError(
      `Source ${label} (${source.original_file_path}) has no external.s3_location: the athena target reads raw files from S3.`,
    );
  // The generator expects the raw prefix as a placeholder; here the location is already
  // rendered, so the placeholder stands for the empty prefix.
  const [definition] = rawTableDefinitions({
    [source.unique_id]: {
      ...source,
      external: { ...source.external, s3_location: `${RAW_S3_URI_PLACEHOLDER}${location.trim()}` },
    },
  });
  if (!definition) throw new ExecutionError(`Source ${label}: no external table to create.`);
  await ctx.schemas.ensure(ctx.conn, definition.database);
  await ctx.conn.query(
    `drop table if exists ${hiveIdentifier(definition.database)}.${hiveIdentifier(definition.name)}`,
  );
  await ctx.conn.query(athenaCreateTable(definition, '').replace(/;\s*$/, ''));
}

const UNDATED_FOLDER = '__HIVE_DEFAULT_PARTITION__';

/**
 * The dated values of a raw prefix's Hive-style folders (`partition=20180510`), as the local
 * target reads them from landing file paths (src/run/landing-partitions.ts): null when the
 * prefix holds files of its own or any other folder (a single-file layout), or nothing.
 */
export function hiveFolderValues(listing: { folders: string[]; hasFiles: boolean }): string[] | null {
  if (listing.hasFiles || listing.folders.length === 0) return null;
  const values: string[] = [];
  for (const folder of listing.folders) {
    const match = /^partition=(.+)$/.exec(folder);
    if (!match) return null;
    if (match[1] !== UNDATED_FOLDER) values.push(match[1]!);
  }
  return values.sort();
}
