/**
 * Iceberg maintenance on Athena (engine v3): `OPTIMIZE … REWRITE DATA USING BIN_PACK` and
 * `VACUUM …`, which expires snapshots and removes orphan files as the table's own properties
 * say (`vacuum_max_snapshot_age_seconds`, `vacuum_min_snapshots_to_keep`). Athena's SQL cannot
 * roll a table back, so rollback is one sentence.
 */
import { ConfigError } from '../../util/errors.js';
import type { IcebergMaintenance } from '../trino/iceberg.js';
import type { Relation } from '../types.js';
import type { AthenaConnection } from './connection.js';

export function athenaMaintenance(): IcebergMaintenance<AthenaConnection> {
  return {
    allEntries: false,
    async optimize(conn, table) {
      // Athena packs towards the table's write_target_data_file_size_bytes; --target-file-size has no say
      await conn.query(`optimize ${twoPartName(table)} rewrite data using bin_pack`);
    },
    async expireSnapshots(conn, table, request) {
      if (request.olderThanMs !== undefined || request.retainLast !== undefined)
        throw new ConfigError(retentionRefusal('expire-snapshots', table));
      await conn.query(`vacuum ${twoPartName(table)}`);
    },
    async removeOrphans(conn, table, request) {
      if (request.olderThanMs !== undefined) throw new ConfigError(retentionRefusal('remove-orphans', table));
      await conn.query(`vacuum ${twoPartName(table)}`);
    },
    async rollback(_conn, table, snapshotId) {
      throw new ConfigError(
        `Athena cannot roll ${table.schema}.${table.identifier} back to snapshot ${snapshotId}: its SQL has no rollback; ` +
          'read the snapshot with mdw show --as-of, or rebuild the table from it.',
      );
    },
  };
}

function retentionRefusal(command: string, table: Relation): string {
  return (
    `On Athena, mdw iceberg ${command} runs VACUUM, which keeps what ${table.schema}.${table.identifier}'s ` +
    `properties vacuum_max_snapshot_age_seconds and vacuum_min_snapshots_to_keep say; drop --older-than/--retain-last ` +
    'and set those properties (ALTER TABLE … SET TBLPROPERTIES) instead.'
  );
}

/** `"schema"."table"`: OPTIMIZE and VACUUM name tables in the query's catalog. */
function twoPartName(table: Relation): string {
  return [table.schema, table.identifier].map((part) => `"${part.replaceAll('"', '""')}"`).join('.');
}
