/**
 * Compiled templates kept between invocations (target/mdw_compiled_templates.json): the
 * JavaScript each template source compiles to, keyed by the source's checksum. Parsing and
 * compiling a project's macro files and generic tests costs tens of milliseconds per command;
 * evaluating code already compiled costs a few. The file is thrown away whole when the compiler
 * is not the one that wrote it (mdw's version, given by the caller, and the compiler's own
 * source are its key). Only
 * sources that compiled are kept, so a syntax error is still reported where it is.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CacheFile {
  compiler: string;
  code: Record<string, string>;
}

/** Entries not used by the last invocation are dropped once the file holds this many. */
const MAX_ENTRIES = 2000;

export class CompiledCodeCache {
  private readonly previous: Record<string, string>;
  private readonly used = new Map<string, string>();
  private added = false;

  private readonly compiler: string;

  /** `version`: mdw's (the loader gives it: templates do not know the release) */
  constructor(
    private readonly path: string | null,
    version: string,
  ) {
    this.compiler = compilerIdentity(version);
    this.previous = path ? readCache(path, this.compiler) : {};
  }

  get(source: string): string | undefined {
    const key = sourceKey(source);
    const code = this.used.get(key) ?? this.previous[key];
    if (code !== undefined) this.used.set(key, code);
    return code;
  }

  set(source: string, code: string): void {
    this.used.set(sourceKey(source), code);
    this.added = true;
  }

  /** Writes the file when this invocation compiled something new. */
  save(): void {
    if (!this.path || !this.added) return;
    this.added = false;
    const kept = Object.keys(this.previous).length + this.used.size > MAX_ENTRIES ? {} : this.previous;
    const file: CacheFile = {
      compiler: this.compiler,
      code: { ...kept, ...Object.fromEntries(this.used) },
    };
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      const temporary = `${this.path}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(file));
      renameSync(temporary, this.path);
    } catch {
      // a read-only project still works; it compiles again next time
    }
  }
}

function sourceKey(source: string): string {
  return createHash('sha1').update(source).digest('hex');
}

let sources: Buffer[] | undefined;

/** mdw's version and the text of the modules that turn templates into code. */
function compilerIdentity(version: string): string {
  sources ??= ['./compiler.js', './parser.js', './engine.js', './runtime.js'].map((module) =>
    readFileSync(fileURLToPath(new URL(module, import.meta.url))),
  );
  const hash = createHash('sha1').update(version);
  for (const source of sources) hash.update(source);
  return hash.digest('hex');
}

function readCache(path: string, compiler: string): Record<string, string> {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as CacheFile;
    return data.compiler === compiler && data.code && typeof data.code === 'object' ? data.code : {};
  } catch {
    return {};
  }
}
