/**
 * A file rewritten after every step (run_results.json as a checkpoint) written at most once
 * per interval: a request within the interval is written at its end, with the state of that
 * moment. A build of 140 nodes rewrote the whole file 140 times on the thread that starts the
 * next queries; a kill now loses at most the interval's records, which `mdw retry` runs again
 * (what must not be redone is written at once: flush()).
 */
export class ThrottledWrite {
  private lastWrite = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly write: () => void,
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  request(): void {
    if (this.timer) return;
    const wait = this.lastWrite + this.intervalMs - this.now();
    if (wait <= 0) {
      this.flush();
      return;
    }
    this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Write now (a pending request is written with it). */
  flush(): void {
    this.cancel();
    this.lastWrite = this.now();
    this.write();
  }

  /** Forget a pending request (the final file is written otherwise). */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
