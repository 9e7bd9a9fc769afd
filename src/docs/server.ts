/**
 * `mdw docs serve`: a read-only static file server for target/docs/. It answers GET and HEAD
 * only, resolves every request inside the site folder (`..`, encoded `%2e%2e`, `%2f`, `\` and
 * NUL are refused), never lists folders, and binds 127.0.0.1 unless told otherwise.
 */
import { createReadStream, realpathSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, sep } from 'node:path';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8080;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/**
 * The file a URL path names inside `root`, or a status code: 400 for malformed or suspicious
 * paths, 404 for anything that is not a regular file in the site.
 */
export function resolveRequestPath(root: string, urlPath: string): string | 400 | 404 {
  const rawPath = urlPath.split('?')[0]!.split('#')[0]!;
  // Encoded separators and dots are never needed by the site; refusing them outright is simplest.
  if (/%2e|%2f|%5c|%00/i.test(rawPath)) return 400;
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return 400;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return 400;
  const segments = decoded.split('/').filter((s) => s.length > 0);
  if (segments.some((s) => s === '..' || s === '.')) return 400;
  const relative = segments.length === 0 ? 'index.html' : segments.join('/');
  const candidate = join(root, relative);
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    return 404;
  }
  const realRoot = realpathSync(root);
  if (real !== realRoot && !real.startsWith(realRoot + sep)) return 404; // a symlink out of the site
  try {
    if (!statSync(real).isFile()) return 404; // folders are never listed
  } catch {
    return 404;
  }
  return real;
}

function send(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'x-content-type-options': 'nosniff',
  });
  response.end(`${text}\n`);
}

export function handleRequest(root: string, request: IncomingMessage, response: ServerResponse): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD');
    send(response, 405, 'Method Not Allowed');
    return;
  }
  const resolved = resolveRequestPath(root, request.url ?? '/');
  if (resolved === 400 || resolved === 404) {
    send(response, resolved, resolved === 400 ? 'Bad Request' : 'Not Found');
    return;
  }
  const size = statSync(resolved).size;
  response.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(resolved).toLowerCase()] ?? 'application/octet-stream',
    'content-length': size,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  createReadStream(resolved).pipe(response);
}

export interface RunningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export function startServer(
  root: string,
  options: { host?: string; port?: number } = {},
): Promise<RunningServer> {
  const host = options.host ?? DEFAULT_HOST;
  const server = createServer((request, response) => handleRequest(root, request, response));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PORT, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({
        server,
        url: `http://${shownHost}:${address.port}/`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
