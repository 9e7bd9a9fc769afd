/**
 * `mdw upload` against a mocked S3 (aws-sdk-client-mock): table folders, unchanged files
 * skipped by their MD5 metadata, and a killed multipart upload resumed without re-sending the
 * parts S3 already holds.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { rawKey, uploadLanding } from '../../src/landing/s3-upload.js';

const s3 = mockClient(S3Client);
const dir = mkdtempSync(join(tmpdir(), 'mdw-upload-'));
const notFound = Object.assign(new Error('NotFound'), {
  name: 'NotFound',
  $metadata: { httpStatusCode: 404 },
});
const md5 = (text: string | Buffer) => createHash('md5').update(text).digest('hex');
const MiB = 1024 * 1024;

describe('mdw upload', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => s3.reset());

  it('puts each table in its folder and skips files whose checksum is unchanged', async () => {
    const from = join(dir, 'small');
    mkdirSync(join(from, 'sales', 'partition=20180101'), { recursive: true });
    writeFileSync(join(from, 'categories.csv'), 'CategoryID,CategoryName\n1,A\n');
    writeFileSync(join(from, 'sales', 'partition=20180101', 'part-0.csv'), 'SalesID\n1\n');
    s3.on(HeadObjectCommand, { Key: 'grocery/categories/categories.csv' })
      .resolves({ Metadata: { 'mdw-md5': md5('CategoryID,CategoryName\n1,A\n') } })
      .on(HeadObjectCommand, { Key: 'grocery/sales/partition=20180101/part-0.csv' })
      .rejects(notFound);
    s3.on(PutObjectCommand).resolves({});
    const report = await uploadLanding(new S3Client({ region: 'us-east-1' }), {
      from,
      to: 's3://raw/grocery/',
    });
    assert.deepEqual(report.skipped, ['grocery/categories/categories.csv']);
    assert.deepEqual(report.uploaded, ['grocery/sales/partition=20180101/part-0.csv']);
    const put = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    assert.equal(put.Bucket, 'raw');
    assert.equal(put.Metadata?.['mdw-md5'], md5('SalesID\n1\n'));
    assert.equal(rawKey('', 'products.csv'), 'products/products.csv');
  });

  it('resumes a killed multipart upload, sending only the missing parts', async () => {
    const from = join(dir, 'large');
    mkdirSync(from, { recursive: true });
    const content = Buffer.alloc(12 * MiB, 7);
    content.fill(9, 5 * MiB);
    writeFileSync(join(from, 'sales.csv'), content);
    s3.on(HeadObjectCommand).rejects(notFound);
    s3.on(ListMultipartUploadsCommand).resolves({ Uploads: [{ Key: 'sales/sales.csv', UploadId: 'u-1' }] });
    // the killed run had sent part 1 (the first 5 MiB)
    s3.on(ListPartsCommand).resolves({
      Parts: [{ PartNumber: 1, ETag: `"${md5(content.subarray(0, 5 * MiB))}"` }],
    });
    s3.on(UploadPartCommand).resolves({ ETag: '"new"' });
    s3.on(CompleteMultipartUploadCommand).resolves({});
    const report = await uploadLanding(new S3Client({ region: 'us-east-1' }), {
      from,
      to: 's3://raw',
      partSize: 5 * MiB,
    });
    assert.equal(report.resumedParts, 1);
    assert.equal(s3.commandCalls(CreateMultipartUploadCommand).length, 0, 'the open upload is reused');
    const sent = s3.commandCalls(UploadPartCommand).map((call) => call.args[0].input.PartNumber);
    assert.deepEqual(sent, [2, 3]);
    const parts = s3.commandCalls(CompleteMultipartUploadCommand)[0]!.args[0].input.MultipartUpload?.Parts;
    assert.deepEqual(
      parts?.map((p) => p.PartNumber),
      [1, 2, 3],
    );
    assert.equal(report.bytesSent, 7 * MiB);
  });
});
