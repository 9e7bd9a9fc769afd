/**
 * `mdw upload`: the landing folder → the raw S3 prefix, laid out as the raw tables read it
 * (`<table>.csv` → `<table>/<table>.csv`; `sales/partition=YYYYMMDD/x.csv` keeps its path).
 *
 * - A file whose MD5 equals the `mdw-md5` metadata of the object already there is skipped.
 * - Large files go up in parts, several files at once.
 * - A killed upload resumes: an open multipart upload of the same key is found again
 *   (ListMultipartUploads) and only the parts whose ETag (their MD5) differs from the local
 *   part are sent (ListParts), then the upload is completed.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { faultPoint } from '../util/fault-pause.js';

export interface UploadOptions {
  /** the landing folder */
  from: string;
  /** s3://bucket/prefix */
  to: string;
  /** files above this size go up in parts of this size (S3's minimum part is 5 MiB) */
  partSize?: number;
  /** files in flight at once */
  concurrency?: number;
  onProgress?: (progress: UploadProgress) => void;
}

export interface UploadProgress {
  files: number;
  filesDone: number;
  bytes: number;
  bytesDone: number;
}

export interface UploadReport {
  uploaded: string[];
  skipped: string[];
  /** parts an interrupted upload had sent already, not sent again */
  resumedParts: number;
  bytesSent: number;
}

const META_KEY = 'mdw-md5';
export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;

interface LocalFile {
  path: string;
  key: string;
  size: number;
}

/** The S3 key of a landing file under the raw prefix. */
export function rawKey(prefix: string, relativePath: string): string {
  const parts = relativePath.split(sep);
  const path = parts.length === 1 ? `${parts[0]!.replace(/\.csv$/i, '')}/${parts[0]}` : parts.join('/');
  return prefix === '' ? path : `${prefix.replace(/\/+$/, '')}/${path}`;
}

export function listLandingFiles(from: string, prefix: string): LocalFile[] {
  const files: LocalFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && entry.name.toLowerCase().endsWith('.csv'))
        files.push({ path, key: rawKey(prefix, relative(from, path)), size: statSync(path).size });
    }
  };
  walk(from);
  return files;
}

export async function uploadLanding(s3: S3Client, options: UploadOptions): Promise<UploadReport> {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(options.to);
  if (!match) throw new Error(`The raw prefix must be an s3:// address (got '${options.to}').`);
  const bucket = match[1]!;
  const files = listLandingFiles(options.from, match[2]!);
  const partSize = Math.max(5 * 1024 * 1024, options.partSize ?? DEFAULT_PART_SIZE);
  const progress: UploadProgress = {
    files: files.length,
    filesDone: 0,
    bytes: files.reduce((sum, f) => sum + f.size, 0),
    bytesDone: 0,
  };
  const report: UploadReport = { uploaded: [], skipped: [], resumedParts: 0, bytesSent: 0 };
  const done = (file: LocalFile) => {
    progress.filesDone++;
    progress.bytesDone += file.size;
    options.onProgress?.({ ...progress });
  };
  const uploadOne = async (file: LocalFile) => {
    const md5 = await fileMd5(file.path);
    if ((await remoteMd5(s3, bucket, file.key)) === md5) {
      report.skipped.push(file.key);
      return done(file);
    }
    if (file.size <= partSize) {
      const body = await readRange(file.path, 0, file.size);
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: file.key, Body: body, Metadata: { [META_KEY]: md5 } }),
      );
      report.bytesSent += file.size;
    } else {
      await uploadInParts(s3, bucket, file, md5, partSize, report);
    }
    report.uploaded.push(file.key);
    faultPoint('during-upload', String(report.uploaded.length));
    done(file);
  };
  const queue = [...files];
  const workers = Array.from({ length: Math.max(1, options.concurrency ?? 4) }, async () => {
    for (let file = queue.shift(); file; file = queue.shift()) await uploadOne(file);
  });
  await Promise.all(workers);
  return report;
}

async function uploadInParts(
  s3: S3Client,
  bucket: string,
  file: LocalFile,
  md5: string,
  partSize: number,
  report: UploadReport,
): Promise<void> {
  const listing = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: file.key }));
  const pending = (listing.Uploads ?? []).find((upload) => upload.Key === file.key);
  const uploadId =
    pending?.UploadId ??
    (
      await s3.send(
        new CreateMultipartUploadCommand({ Bucket: bucket, Key: file.key, Metadata: { [META_KEY]: md5 } }),
      )
    ).UploadId!;
  const sent = new Map<number, string>();
  if (pending) {
    let marker: string | undefined;
    do {
      const page = await s3.send(
        new ListPartsCommand({ Bucket: bucket, Key: file.key, UploadId: uploadId, PartNumberMarker: marker }),
      );
      for (const part of page.Parts ?? []) sent.set(part.PartNumber!, (part.ETag ?? '').replaceAll('"', ''));
      marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
    } while (marker);
  }
  const parts: { PartNumber: number; ETag: string }[] = [];
  for (let start = 0, number = 1; start < file.size; start += partSize, number++) {
    const body = await readRange(file.path, start, Math.min(partSize, file.size - start));
    const etag = createHash('md5').update(body).digest('hex');
    if (sent.get(number) === etag) {
      report.resumedParts++;
    } else {
      const out = await s3.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: file.key,
          UploadId: uploadId,
          PartNumber: number,
          Body: body,
        }),
      );
      report.bytesSent += body.length;
      parts.push({ PartNumber: number, ETag: out.ETag ?? `"${etag}"` });
      continue;
    }
    parts.push({ PartNumber: number, ETag: `"${etag}"` });
  }
  await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: bucket,
      Key: file.key,
      UploadId: uploadId,
      MultipartUpload: { Parts: parts },
    }),
  );
}

async function remoteMd5(s3: S3Client, bucket: string, key: string): Promise<string | null> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return head.Metadata?.[META_KEY] ?? null;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404 || (error as Error).name === 'NotFound') return null;
    throw error;
  }
}

function fileMd5(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('md5');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

async function readRange(path: string, start: number, length: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, start);
    return buffer;
  } finally {
    await handle.close();
  }
}
