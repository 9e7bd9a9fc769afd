/**
 * `mdw upload` killed half-way resumes without sending again what it had finished: the daily
 * landing of scale 0.01 goes to the local stack's S3 (moto), the first run is paused after its
 * 20th file (MDW_FAULT_PAUSE_AT=during-upload:20, src/util/fault-pause.ts) and SIGKILLed, and the
 * second run skips at least those 20 and sends only the rest; a third sends nothing.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { MDW_BIN } from '../support/project.js';
import { generate, mdw, newWarehouse, removeWarehouse, type WarehouseRun } from '../support/warehouse.js';
import { s3, uniqueName } from './helpers.js';

const SENT_BEFORE_KILL = 20;
let wh: WarehouseRun;
const rawUri = `${(process.env.MDW_RAW_S3_URI ?? 's3://mdw-raw/grocery').replace(/\/+$/, '')}-${uniqueName('upload')}`;

/** the landing's CSV files, counted on disk */
function landingFiles(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter(
    (entry) => entry.isFile() && entry.name.endsWith('.csv'),
  ).length;
}

async function objectsUnder(uri: string): Promise<number> {
  const [, bucket, prefix] = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri)!;
  let count = 0;
  let token: string | undefined;
  do {
    const page = await s3().send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/`, ContinuationToken: token }),
    );
    count += page.KeyCount ?? 0;
    token = page.NextContinuationToken;
  } while (token);
  return count;
}

/** `Uploaded <n> files …; <m> unchanged files skipped.` */
function uploadCounts(output: string): { sent: number; skipped: number } {
  const match = /Uploaded (\d+) files? .*; (\d+) unchanged files? skipped/.exec(output);
  assert.ok(match, `no upload summary in:\n${output}`);
  return { sent: Number(match[1]), skipped: Number(match[2]) };
}

before(() => {
  wh = newWarehouse('upload');
  const generated = generate(wh, ['--scale', '0.01', '--daily']);
  assert.equal(generated.code, 0, generated.stderr);
});
after(() => removeWarehouse(wh));

describe('mdw upload on the local stack', () => {
  test('a killed upload resumes without re-sending the files it had finished', async () => {
    const total = landingFiles(wh.rawDir);
    assert.ok(total > SENT_BEFORE_KILL * 2, `the landing has ${total} files`);
    const child = spawn(process.execPath, [MDW_BIN, 'upload', '--from', wh.rawDir, '--to', rawUri], {
      env: { ...process.env, MDW_FAULT_PAUSE_AT: `during-upload:${SENT_BEFORE_KILL}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('mdw: paused at during-upload')) resolve();
      });
      child.on('exit', (code) =>
        reject(new Error(`the upload exited (${code}) before the pause:\n${stderr}`)),
      );
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('close', resolve));
    const landedBeforeKill = await objectsUnder(rawUri);
    assert.ok(
      landedBeforeKill >= SENT_BEFORE_KILL && landedBeforeKill < total,
      `${landedBeforeKill} objects`,
    );

    const resumed = mdw(wh, ['upload', '--from', wh.rawDir, '--to', rawUri]);
    assert.equal(resumed.code, 0, resumed.stderr);
    const second = uploadCounts(resumed.stdout);
    // every object the killed run finished is skipped, by its checksum; only the rest is sent
    assert.equal(second.skipped, landedBeforeKill, resumed.stdout);
    assert.equal(second.sent, total - landedBeforeKill, resumed.stdout);
    assert.equal(await objectsUnder(rawUri), total);

    const again = mdw(wh, ['upload', '--from', wh.rawDir, '--to', rawUri]);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(uploadCounts(again.stdout), { sent: 0, skipped: total });
  });
});
