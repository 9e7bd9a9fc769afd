/**
 * Test-only crash points. `MDW_FAULT_PAUSE_AT=<phase>` or `<phase>:<schema.table>` makes the
 * process print one line on stderr and stop (blocked, not exiting) the first time it reaches
 * that phase, so a crash test can SIGKILL it at a known moment instead of guessing with a
 * timer (test/faults/kill-phases.test.ts). Never set it outside tests. Unset, each point costs
 * one comparison: the variable is read once, at startup.
 *
 * Phases, in the order a table build meets them:
 * - `before-files`: the table's new data files are not written yet;
 * - `during-files`: its data files are written, no manifest or metadata yet;
 * - `before-commit`: manifests, manifest list and metadata file written, the catalog pointer not moved;
 * - `after-commit`: the table's commit made (staged under Write-Audit-Publish, else published),
 *   nothing reported (DuckDB view, summary) yet;
 * - `during-batch`: a microbatch window's old rows are deleted and its new rows not yet
 *   inserted, inside the batch's transaction (subject: the window start, `2018-03-04T00:00:00Z`);
 * - `after`: the command's results are printed and target/ written, just before it exits.
 *
 * And outside table builds:
 * - `during-upload`: `mdw upload` has sent some files, not the rest (subject: how many files it
 *   has sent so far, `during-upload:20` pauses right after the 20th; other files may be in
 *   flight, as in a real kill).
 */
import { writeSync } from 'node:fs';

export type FaultPhase =
  | 'before-files'
  | 'during-files'
  | 'before-commit'
  | 'after-commit'
  | 'during-batch'
  | 'during-upload'
  | 'after';

const wanted = process.env.MDW_FAULT_PAUSE_AT;

export function faultPoint(phase: FaultPhase, subject?: string): void {
  if (wanted === undefined) return;
  if (wanted !== phase && (subject === undefined || wanted !== `${phase}:${subject}`)) return;
  writeSync(2, `mdw: paused at ${phase}${subject ? ` of ${subject}` : ''} (MDW_FAULT_PAUSE_AT, test only)\n`);
  // Block this thread for good: timers and I/O stop too, as in a process frozen mid-step.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}
