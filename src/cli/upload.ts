/** `mdw upload [--from DIR] [--to s3://bucket/prefix]`: the landing folder → the raw S3 prefix. */
import { existsSync } from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';
import { uploadLanding } from '../landing/s3-upload.js';
import { formatBytes } from '../run/scan-cost.js';
import { ConfigError, ExecutionError } from '../util/errors.js';
import { type ParsedArgs, stringFlag } from './args.js';
import { landingDir } from './generate.js';

export async function uploadCommand(args: ParsedArgs): Promise<number> {
  const from = landingDir(stringFlag(args, 'from'));
  if (!existsSync(from))
    throw new ConfigError(`The landing folder ${from} does not exist (set --from or MDW_RAW_DIR).`);
  const to = stringFlag(args, 'to') ?? process.env.MDW_RAW_S3_URI;
  if (!to?.startsWith('s3://'))
    throw new ConfigError('mdw upload needs the raw prefix: --to s3://bucket/prefix or MDW_RAW_S3_URI.');
  const region = process.env.MDW_ATHENA_REGION ?? process.env.AWS_REGION;
  if (!region) throw new ConfigError('mdw upload needs a region: set MDW_ATHENA_REGION or AWS_REGION.');
  const forcePathStyle = ['1', 'true'].includes(
    String(process.env.MDW_S3_FORCE_PATH_STYLE ?? '').toLowerCase(),
  );
  const s3 = new S3Client({ region, forcePathStyle });
  const tty = process.stderr.isTTY === true;
  try {
    const report = await uploadLanding(s3, {
      from,
      to,
      onProgress: (p) => {
        const width = 30;
        const filled = p.bytes === 0 ? width : Math.round((p.bytesDone / p.bytes) * width);
        const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.filesDone}/${p.files} files, ${formatBytes(p.bytesDone)}/${formatBytes(p.bytes)}`;
        if (tty) process.stderr.write(`\r${bar}`);
        else if (p.filesDone === p.files || p.filesDone % 50 === 0) process.stderr.write(`${bar}\n`);
      },
    });
    if (tty) process.stderr.write('\n');
    console.log(
      `Uploaded ${report.uploaded.length} files (${formatBytes(report.bytesSent)} sent${report.resumedParts > 0 ? `, ${report.resumedParts} parts resumed` : ''}) to ${to}; ${report.skipped.length} unchanged files skipped.`,
    );
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ExecutionError(`Upload to ${to} failed: ${message}`);
  } finally {
    s3.destroy();
  }
}
