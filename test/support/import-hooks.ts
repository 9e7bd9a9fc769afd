/**
 * Module hooks for tests: every module a process loads is appended to the file named by
 * MDW_IMPORT_LOG (registered by record-imports.ts with `node --import`).
 */
import { appendFileSync } from 'node:fs';

type Resolved = { url: string };
type NextResolve = (specifier: string, context: unknown) => Promise<Resolved>;

export async function resolve(specifier: string, context: unknown, next: NextResolve): Promise<Resolved> {
  const result = await next(specifier, context);
  const log = process.env.MDW_IMPORT_LOG;
  if (log) appendFileSync(log, `${result.url}\n`);
  return result;
}
