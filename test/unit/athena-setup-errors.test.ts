/**
 * The four set-up mistakes on the Athena target, each through the real CLI and the real SDK
 * over HTTP: a wrong region, a missing workgroup, an unreachable endpoint and access denied
 * give one sentence naming the setting to fix, a non-zero exit and no stack trace.
 *
 * The endpoint is a small server on 127.0.0.1 that answers GetWorkGroup the way Athena does:
 * it checks the region the request was signed for, the caller and the workgroup's name.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MDW_BIN } from '../support/project.js';

const ENDPOINT_REGION = 'eu-west-1';
const WORK_GROUP = 'mdw-ci';
const DENIED_KEY = 'AKIADENIED';

/** Athena's JSON 1.1 error answer. */
function awsError(type: string, message: string): { status: number; body: string } {
  return { status: 400, body: JSON.stringify({ __type: type, Message: message }) };
}

function answer(target: string, authorization: string, body: string): { status: number; body: string } {
  const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/athena\//.exec(authorization);
  if (scope?.[2] !== ENDPOINT_REGION)
    return awsError('InvalidSignatureException', 'Credential should be scoped to a valid region. ');
  if (scope[1] === DENIED_KEY)
    return awsError(
      'AccessDeniedException',
      `User: arn:aws:iam::123456789012:user/ci is not authorized to perform: athena:GetWorkGroup on resource: arn:aws:athena:${ENDPOINT_REGION}:123456789012:workgroup/${WORK_GROUP}`,
    );
  if (target !== 'AmazonAthena.GetWorkGroup')
    return awsError('InvalidRequestException', `${target} is not served by this test endpoint.`);
  const { WorkGroup } = JSON.parse(body || '{}') as { WorkGroup?: string };
  if (WorkGroup !== WORK_GROUP)
    return awsError('InvalidRequestException', `WorkGroup ${WorkGroup} is not found.`);
  return {
    status: 200,
    body: JSON.stringify({ WorkGroup: { Name: WORK_GROUP, State: 'ENABLED', Configuration: {} } }),
  };
}

let server: Server;
let endpoint = '';
let closedEndpoint = '';
const work = mkdtempSync(join(tmpdir(), 'mdw-athena-setup-'));

function writeProject(): string {
  const dir = join(work, 'project');
  mkdirSync(join(dir, 'models'), { recursive: true });
  writeFileSync(join(dir, 'dbt_project.yml'), "name: shop\nversion: '1.0.0'\nprofile: shop\n");
  writeFileSync(join(dir, 'models', 'one.sql'), 'select 1 as id\n');
  writeFileSync(
    join(dir, 'profiles.yml'),
    `shop:
  target: dev
  outputs:
    dev:
      type: athena
      region_name: "{{ env_var('TEST_REGION') }}"
      work_group: "{{ env_var('TEST_WORK_GROUP') }}"
      s3_staging_dir: s3://results/
      schema: shop
      num_retries: 0
      threads: 1
`,
  );
  return dir;
}

/** Runs `mdw run` on the project; asynchronously, so this process's endpoint can answer it. */
async function run(settings: { region?: string; workGroup?: string; endpoint?: string; key?: string }) {
  const project = join(work, 'project');
  const child = spawn(
    process.execPath,
    [MDW_BIN, 'run', '--project-dir', project, '--profiles-dir', project],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
      env: {
        PATH: process.env.PATH,
        HOME: work,
        MDW_CACHE_DIR: join(work, 'cache'),
        AWS_ACCESS_KEY_ID: settings.key ?? 'AKIATEST',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_ENDPOINT_URL_ATHENA: settings.endpoint ?? endpoint,
        TEST_REGION: settings.region ?? ENDPOINT_REGION,
        TEST_WORK_GROUP: settings.workGroup ?? WORK_GROUP,
      },
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', (status) => resolve(status)));
  return { code, output };
}

/** The failure is the one given sentence on a line of its own, with no stack trace. */
function assertOneSentence(result: { code: number | null; output: string }, sentence: RegExp): void {
  assert.notEqual(result.code, 0, result.output);
  assert.ok(result.code !== null && result.code > 0, `exit ${result.code}`);
  const lines = result.output.split('\n').filter((line) => sentence.test(line));
  assert.equal(lines.length, 1, `expected one line matching ${sentence}:\n${result.output}`);
  assert.doesNotMatch(result.output, /^\s+at .+:\d+:\d+\)?$/m, 'a stack trace was printed');
}

describe('Athena set-up mistakes, through the CLI', () => {
  before(async () => {
    writeProject();
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on('end', () => {
        const { status, body: out } = answer(
          String(request.headers['x-amz-target'] ?? ''),
          String(request.headers.authorization ?? ''),
          body,
        );
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(out);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // a port that was just free and is closed now: nothing listens there
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    closedEndpoint = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(work, { recursive: true, force: true });
  });

  it('gets past the set-up check when every setting is right (the fake answers as Athena)', async () => {
    const result = await run({});
    // the check passed: what fails next is the first query, which the fake does not serve
    assert.match(result.output, /AmazonAthena\.StartQueryExecution is not served by this test endpoint/);
    assert.doesNotMatch(result.output, /region_name|work_group|Access denied|Cannot reach/, result.output);
  });

  it('a wrong region', async () => {
    assertOneSentence(
      await run({ region: 'us-east-2' }),
      /Region 'us-east-2' is wrong for http:\/\/127\.0\.0\.1:\d+ \(Credential should be scoped to a valid region\): check region_name\.$/,
    );
  });

  it('a missing workgroup', async () => {
    assertOneSentence(
      await run({ workGroup: 'mdw-nope' }),
      /Athena workgroup 'mdw-nope' does not exist in region 'eu-west-1': check work_group and region_name\.$/,
    );
  });

  it('an unreachable endpoint', async () => {
    assertOneSentence(
      await run({ endpoint: closedEndpoint }),
      /Cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\): check the network, the endpoint and region_name\.$/,
    );
  });

  it('access denied', async () => {
    assertOneSentence(
      await run({ key: DENIED_KEY }),
      /Access denied by Athena in region 'eu-west-1': the credentials in use may not call it \(User: .* is not authorized to perform: athena:GetWorkGroup .*\)\.$/,
    );
  });
});
