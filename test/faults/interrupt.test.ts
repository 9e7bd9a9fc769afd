/** Ctrl-C during a run says what was interrupted and the warehouse state, and exits 130. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { MDW_BIN, makeProject } from '../support/project.js';

describe('Ctrl-C', () => {
  it('names the interrupted model and what stays published', async () => {
    const dir = makeProject({
      'models/quick.sql': "{{ config(materialized='table') }} select 1 as id",
      'models/slow.sql':
        "{{ config(materialized='table') }} select count(*) as n from range(200000) a, range(200000) b where a.range * 3 + b.range = 7 {{ '' if ref('quick') else '' }}",
    });
    const child = spawn(process.execPath, [MDW_BIN, 'run', '--project-dir', dir, '--profiles-dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (/START sql table model main\.slow/.test(output)) resolve();
      });
    });
    child.kill('SIGINT');
    const code = await exited;
    assert.equal(code, 130, output);
    assert.match(output, /Interrupted by Ctrl-C while running main\.slow\./);
    assert.match(
      output,
      /1 node finished before the interruption and their tables are published; the interrupted nodes left their tables unchanged \(each table commit is atomic\)\. Run the same command again to finish\./,
    );
  });
});
