/**
 * Injected throttling for retry tests: `Op:count,…` (e.g. `StartQueryExecution:2`) answers the
 * next <count> calls of each operation with ThrottlingException ("Rate exceeded", HTTP 400), as
 * AWS's front end does. Set at start (MDW_ATHENA_THROTTLE) or at run time by POSTing the same
 * text to /_mdw/throttle.
 */
import { AthenaApiError } from './protocol.js';

export class Throttle {
  private readonly remaining = new Map<string, number>();

  configure(spec: string): void {
    this.remaining.clear();
    for (const part of spec.split(',')) {
      const [op, count] = part.split(':').map((s) => s.trim());
      if (!op) continue;
      const n = Number(count ?? '1');
      if (!Number.isInteger(n) || n < 0) throw new Error(`bad throttle spec '${part}' (want Op:count)`);
      this.remaining.set(op, n);
    }
  }

  /** Throws for an operation that still has throttled calls left. */
  check(op: string): void {
    const left = this.remaining.get(op) ?? 0;
    if (left <= 0) return;
    this.remaining.set(op, left - 1);
    throw new AthenaApiError('ThrottlingException', 'Rate exceeded', 400);
  }
}
