/**
 * Relation fingerprints on Athena (run/unchanged-inputs.ts): what tells an unchanged input
 * without reading it, since Athena bills every byte a digest query would read. A table's is
 * its Glue entry's current Iceberg metadata file, a view's its text; a raw source's is its
 * definition plus the names, sizes and ETags of the files under its S3 location (one listing,
 * no object read).
 */
import { createHash } from 'node:crypto';
import type { SourceDefinition } from '../../manifest/types.js';
import type { Relation, RelationFingerprints } from '../types.js';
import type { AthenaConnection } from './connection.js';

export class AthenaFingerprints implements RelationFingerprints<AthenaConnection> {
  async relation(conn: AthenaConnection, relation: Relation): Promise<string | null> {
    const version = await conn.warehouse.catalogVersion(relation.schema, relation.identifier);
    return version === null ? null : sha256(version);
  }

  async source(conn: AthenaConnection, source: SourceDefinition): Promise<string | null> {
    const location = source.external?.s3_location;
    if (typeof location !== 'string' || !location.trim().startsWith('s3://')) return null;
    const objects = await conn.warehouse.listObjects(location.trim());
    // the definition too: a changed column list or SerDe reads the same files differently
    const definition = JSON.stringify([source.relation_name, source.columns, source.external]);
    return sha256([definition, ...objects].join('\n'));
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
