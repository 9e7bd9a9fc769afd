/**
 * Entry point of the Glue proxy:
 *   node glue-proxy-main.js --upstream <moto URL> --port-file <file> [--narrow-projections-s3 <moto URL>]
 * With --narrow-projections-s3 (the proxy Trino uses), date partition projections are narrowed
 * to the prefixes that exist in that S3 (projection.ts).
 */
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createGlueProxy } from './glue-proxy.js';
import { closeOnSignals, flags, listenAndPublish, required } from './listen.js';
import type { PrefixLister } from './projection.js';

function s3Lister(endpoint: string): PrefixLister {
  const s3 = new S3Client({
    endpoint,
    region: process.env.AWS_REGION ?? 'us-east-1',
    forcePathStyle: true,
    credentials: {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'mdwtest',
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'mdwtestsecret',
    },
  });
  return async (bucket, prefix) => {
    const folders: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          Delimiter: '/',
          ContinuationToken: token,
        }),
      );
      for (const p of page.CommonPrefixes ?? [])
        folders.push(p.Prefix!.slice(prefix.length).replace(/\/$/, ''));
      token = page.NextContinuationToken;
    } while (token);
    return folders;
  };
}

const args = flags(process.argv.slice(2));
const narrowWith = args.get('narrow-projections-s3');
const server = createGlueProxy(
  new URL(required(args, 'upstream')),
  narrowWith ? s3Lister(narrowWith) : undefined,
);
closeOnSignals(server);
const port = await listenAndPublish(server, args.get('port-file'));
console.log(
  `glue proxy on http://127.0.0.1:${port} -> ${args.get('upstream')}${narrowWith ? ' (narrowing projections)' : ''}`,
);
