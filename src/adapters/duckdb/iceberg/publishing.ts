/**
 * Write-Audit-Publish on the local lakehouse: the catalog stages the build's commits (see
 * lakehouse/iceberg/stage.ts) and publishes them in one SQLite transaction.
 */
import type { StagedPublishing } from '../../types.js';
import type { LocalLakehouse } from './lakehouse.js';

export class LocalPublishing implements StagedPublishing {
  constructor(
    private readonly lake: LocalLakehouse,
    /** puts this database's views back on the published snapshots */
    private readonly resyncViews: () => Promise<void>,
  ) {}

  async begin(): Promise<void> {
    this.lake.beginStage();
  }

  staged(): string[] {
    return this.lake.stagedTables();
  }

  async publish(): Promise<string[]> {
    return this.lake.publishStage();
  }

  async discard(): Promise<string[]> {
    const dropped = this.lake.discardStage();
    if (dropped.length > 0) await this.resyncViews();
    return dropped;
  }
}
