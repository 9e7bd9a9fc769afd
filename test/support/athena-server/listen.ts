/**
 * Starting a helper server of the local Athena stack: listen on a free loopback port, then
 * publish the port in a file (written atomically) so scripts/athena-local.sh can wait for it
 * without racing for a port picked in advance.
 */
import { renameSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function listenAndPublish(server: Server, portFile: string | undefined): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  if (portFile) {
    writeFileSync(`${portFile}.tmp`, `${port}\n`);
    renameSync(`${portFile}.tmp`, portFile);
  }
  return port;
}

/** `--name value` pairs of a command line. */
export function flags(argv: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith('--') && i + 1 < argv.length) out.set(arg.slice(2), argv[++i]);
  }
  return out;
}

export function required(values: Map<string, string>, name: string): string {
  const value = values.get(name);
  if (!value) {
    console.error(`missing --${name}`);
    process.exit(2);
  }
  return value;
}

/** Ends the process cleanly on the signals scripts/athena-local.sh sends. */
export function closeOnSignals(server: Server): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      server.close();
      server.closeAllConnections();
      process.exit(0);
    });
  }
}
