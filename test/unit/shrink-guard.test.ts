import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shrinkGuardFor, shrinkRefusal } from '../../src/guards/shrink.js';

describe('shrink guard', () => {
  const node = (meta: Record<string, unknown> = {}) => ({ name: 'fact', config: { meta } });

  it('refuses an empty replacement of a non-empty table, and a drastic shrink under the ratio', () => {
    const guard = shrinkGuardFor(node(), { mdw_min_rows_ratio: 0.5 });
    assert.match(
      shrinkRefusal('fact', 1000, 0, guard)!,
      /^Model fact: the table has 1,000 rows and this build would replace it with an empty table; the table is unchanged\. .*mdw_allow_shrink: true/,
    );
    assert.match(shrinkRefusal('fact', 1000, 499, guard)!, /with 499 rows, fewer than 50% of them/);
    assert.equal(shrinkRefusal('fact', 1000, 500, guard), null);
    assert.equal(shrinkRefusal('fact', 0, 0, guard), null, 'an empty table may stay empty');
  });

  it('the default guards only against emptying; meta and vars allow it', () => {
    assert.equal(shrinkRefusal('fact', 1000, 1, shrinkGuardFor(node(), {})), null);
    assert.notEqual(shrinkRefusal('fact', 1000, 0, shrinkGuardFor(node(), {})), null);
    assert.equal(shrinkRefusal('fact', 1000, 0, shrinkGuardFor(node(), { mdw_allow_shrink: true })), null);
    const own = shrinkGuardFor(node({ mdw_allow_shrink: false }), { mdw_allow_shrink: true });
    assert.notEqual(shrinkRefusal('fact', 1000, 0, own), null, "the model's meta wins over the var");
    assert.throws(() => shrinkGuardFor(node(), { mdw_min_rows_ratio: 2 }), /from 0 to 1, got '2'/);
  });
});
