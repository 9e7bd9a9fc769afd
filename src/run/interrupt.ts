/**
 * Ctrl-C during a run: say what was interrupted and what state the warehouse is in, then
 * exit 130 as a shell expects. Each table commit is atomic, so a node cut off mid-way left
 * its table as it was. With write-audit-publish the finished nodes' Iceberg tables are only
 * staged, so nothing of the run is published; without it (or for tables that are not
 * Iceberg) the nodes that finished are published.
 */
import type { Print } from './progress.js';

export class InterruptNotice {
  private readonly running = new Map<string, string>();
  private finished = 0;
  /** the Iceberg tables the run has staged, not published (write-audit-publish) */
  stagedTables: () => readonly string[] = () => [];

  start(id: string, label: string): void {
    this.running.set(id, label);
  }

  finish(id: string): void {
    if (this.running.delete(id)) this.finished++;
  }

  /** Installs the SIGINT handler; returns the function that removes it. */
  install(print: Print, exit: (code: number) => void = (code) => process.exit(code)): () => void {
    const handler = () => {
      for (const line of this.describe()) print(line);
      exit(130);
    };
    process.on('SIGINT', handler);
    return () => process.off('SIGINT', handler);
  }

  describe(): string[] {
    const running = [...this.running.values()];
    const finished = `${this.finished} node${this.finished === 1 ? '' : 's'}`;
    const staged = this.stagedTables().length;
    if (staged > 0) {
      return [
        '',
        running.length > 0
          ? `Interrupted by Ctrl-C while running ${running.join(', ')}.`
          : 'Interrupted by Ctrl-C between nodes.',
        `${finished} finished before the interruption; the ${staged} Iceberg table${staged === 1 ? '' : 's'} they changed ` +
          'were staged and are not published (write-audit-publish): readers still see the warehouse as it was. ' +
          'Run the same command again to finish.',
      ];
    }
    return [
      '',
      running.length > 0
        ? `Interrupted by Ctrl-C while running ${running.join(', ')}.`
        : 'Interrupted by Ctrl-C between nodes.',
      `${finished} finished before the interruption and their tables are published; ` +
        `${running.length > 0 ? 'the interrupted nodes left their tables unchanged (each table commit is atomic)' : 'no node was cut off'}. ` +
        'Run the same command again to finish.',
    ];
  }
}
