/**
 * Iceberg maintenance on Trino: `ALTER TABLE … EXECUTE optimize | expire_snapshots |
 * remove_orphan_files | rollback_to_snapshot`. Trino refuses retentions under its catalog's
 * `iceberg.expire-snapshots.min-retention` / `iceberg.remove-orphan-files.min-retention`
 * (7 days by default); the session properties of the same names lower them for the one statement,
 * so `--older-than` means what it says on every server.
 */

import type { TrinoConnection } from './connection.js';
import {
  DEFAULT_ORPHAN_AGE_MS,
  DEFAULT_SNAPSHOT_AGE_MS,
  type IcebergMaintenance,
  retentionFor,
} from './iceberg.js';

export function trinoMaintenance(catalog: string): IcebergMaintenance<TrinoConnection> {
  return {
    allEntries: true,
    async optimize(conn, table, targetFileSizeBytes) {
      // files under the target are rewritten, into files of at most the target
      const size = megabytes(targetFileSizeBytes);
      await conn.withSession({ [`${catalog}.target_max_file_size`]: size }, () =>
        conn.query(`alter table ${table.render()} execute optimize(file_size_threshold => '${size}')`),
      );
    },
    async expireSnapshots(conn, table, request) {
      const olderThanMs = request.olderThanMs ?? DEFAULT_SNAPSHOT_AGE_MS;
      // Trino's expiry knows only an age: the newest `retainLast` stay by keeping their ages
      const retention = duration(retentionFor(request.snapshots, olderThanMs, request.retainLast));
      await conn.withSession({ [`${catalog}.expire_snapshots_min_retention`]: retention }, () =>
        conn.query(
          `alter table ${table.render()} execute expire_snapshots(retention_threshold => '${retention}')`,
        ),
      );
    },
    async removeOrphans(conn, table, request) {
      const retention = duration(request.olderThanMs ?? DEFAULT_ORPHAN_AGE_MS);
      await conn.withSession({ [`${catalog}.remove_orphan_files_min_retention`]: retention }, () =>
        conn.query(
          `alter table ${table.render()} execute remove_orphan_files(retention_threshold => '${retention}')`,
        ),
      );
    },
    async rollback(conn, table, snapshotId) {
      await conn.query(`alter table ${table.render()} execute rollback_to_snapshot(${snapshotId})`);
    },
  };
}

/** Whole seconds, as Trino's duration text (`0s`, `432000s`). */
function duration(ms: number): string {
  return `${Math.max(0, Math.ceil(ms / 1000))}s`;
}

/** Trino's data size text; files under it are rewritten. */
function megabytes(bytes: number): string {
  return `${Math.max(1, Math.round(bytes / 1024 ** 2))}MB`;
}
