/** The run checkpoint's writer (src/run/throttled-write.ts): at most one write per interval, the last state wins. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { ThrottledWrite } from '../../src/run/throttled-write.js';

describe('throttled write', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  it('writes at once, then once at the end of the interval for every request within it', () => {
    let clock = 1_000;
    let state = 'a';
    const written: string[] = [];
    const writer = new ThrottledWrite(
      () => written.push(state),
      200,
      () => clock,
    );
    writer.request();
    assert.deepEqual(written, ['a'], 'the first request is written at once');
    state = 'b';
    writer.request();
    state = 'c';
    writer.request();
    assert.deepEqual(written, ['a'], 'requests within the interval wait');
    clock += 200;
    mock.timers.tick(200);
    assert.deepEqual(written, ['a', 'c'], 'one write, with the state of that moment');
    clock += 500;
    writer.request();
    assert.deepEqual(written, ['a', 'c', 'c'], 'after a quiet interval, at once again');
  });

  it('flush writes now and takes the pending request with it; cancel drops it', () => {
    let clock = 0;
    const written: number[] = [];
    const writer = new ThrottledWrite(
      () => written.push(clock),
      200,
      () => clock,
    );
    writer.request();
    clock = 50;
    writer.request();
    writer.flush();
    assert.deepEqual(written, [0, 50]);
    mock.timers.tick(500);
    assert.deepEqual(written, [0, 50], 'the flushed request is not written again');
    clock = 60;
    writer.request();
    writer.cancel();
    mock.timers.tick(500);
    assert.deepEqual(written, [0, 50], 'a cancelled request is never written');
  });
});
