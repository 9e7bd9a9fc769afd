/**
 * Partial parsing, as dbt's target/partial_parse.msgpack: what parse-time rendering and YAML
 * parsing learned about each file, keyed by the file's checksum. Everything that can change a
 * parse result without changing the file (mdw's version, macros, vars, the target, config
 * trees, environment variables read while parsing) goes into a global key; a different global
 * key throws the whole cache away.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RefCall } from '../manifest/types.js';
import type { PropertiesFile } from './properties.js';

export interface CachedRender {
  refs: RefCall[];
  sources: [string, string][];
  config: Record<string, unknown>;
}

interface CacheFile {
  globalKey: string;
  /** environment variables read while parsing, with the values they had */
  env: Record<string, string | null>;
  renders: Record<string, CachedRender>;
  yaml: Record<string, PropertiesFile>;
}

export function checksum(...parts: string[]): string {
  const hash = createHash('sha1');
  for (const part of parts) hash.update(part).update('\u0000');
  return hash.digest('hex');
}

export class ParseCache {
  private readonly previous: CacheFile | null;
  private readonly next: CacheFile;

  constructor(
    private readonly path: string | null,
    globalKey: string,
  ) {
    this.previous = path ? readCache(path, globalKey) : null;
    this.next = { globalKey, env: {}, renders: {}, yaml: {} };
  }

  render(key: string): CachedRender | undefined {
    const found = this.previous?.renders[key];
    if (found) this.next.renders[key] = found;
    return found;
  }

  storeRender(key: string, value: CachedRender): void {
    this.next.renders[key] = value;
  }

  yaml(key: string): PropertiesFile | undefined {
    const found = this.previous?.yaml[key];
    if (found) this.next.yaml[key] = found;
    return found;
  }

  storeYaml(key: string, value: PropertiesFile): void {
    this.next.yaml[key] = value;
  }

  /** Remember that parsing read an environment variable (its value is part of the result). */
  noteEnv(name: string): void {
    this.next.env[name] = process.env[name] ?? null;
  }

  save(): void {
    if (!this.path) return;
    for (const name of Object.keys(this.previous?.env ?? {}))
      this.next.env[name] ??= process.env[name] ?? null;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      const temporary = `${this.path}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(this.next));
      renameSync(temporary, this.path);
    } catch {
      // a read-only project still parses; it just parses fully next time
    }
  }
}

function readCache(path: string, globalKey: string): CacheFile | null {
  let data: CacheFile;
  try {
    data = JSON.parse(readFileSync(path, 'utf8')) as CacheFile;
  } catch {
    return null;
  }
  if (data.globalKey !== globalKey) return null;
  for (const [name, value] of Object.entries(data.env ?? {})) {
    if ((process.env[name] ?? null) !== value) return null;
  }
  return data;
}
