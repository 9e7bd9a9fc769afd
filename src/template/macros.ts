/**
 * The macro registry: every macro of every package, by package and name, compiled once per
 * engine. Each macro file is compiled as one template whose top level only defines macros.
 */
import { TemplateError } from '../util/errors.js';
import { rewriteMacroFile } from './blocks.js';
import type { RootRenderFunction } from './compiler.js';
import { toTemplateError } from './errors.js';
import { Frame } from './nunjucks.js';
import { MACRO, type MacroFunction } from './runtime.js';
import type { MacroSourceFile } from './types.js';

export interface MacroEntry {
  name: string;
  packageName: string;
  path: string;
  line: number;
  source: string;
  /** the callable macro (compiles its file on first access when loaded lazily) */
  readonly fn: MacroFunction;
  builtin: boolean;
}

/** The `context` object compiled code talks to: locals first, then the engine's name resolution. */
export class TemplateScope {
  private readonly locals = new Map<string, unknown>();

  constructor(private readonly resolve: (name: string) => unknown) {}

  lookup(name: string): unknown {
    return this.locals.has(name) ? this.locals.get(name) : this.resolve(name);
  }
  setVariable(name: string, value: unknown): void {
    this.locals.set(name, value);
  }
  addExport(): void {}
  getVariables(): Record<string, unknown> {
    return Object.fromEntries(this.locals);
  }
  /** macros defined at the top level of the template */
  macros(): Map<string, MacroFunction> {
    const out = new Map<string, MacroFunction>();
    for (const [name, value] of this.locals)
      if (typeof value === 'function' && (value as MacroFunction)[MACRO])
        out.set(name, value as MacroFunction);
    return out;
  }
}

export class MacroRegistry {
  private readonly packages = new Map<string, Map<string, MacroEntry>>();

  get(packageName: string, name: string): MacroEntry | undefined {
    return this.packages.get(packageName)?.get(name);
  }

  packageNames(): string[] {
    return [...this.packages.keys()];
  }

  all(): MacroEntry[] {
    return [...this.packages.values()].flatMap((macros) => [...macros.values()]);
  }

  /** Add a macro; a package may not define a name twice (a built-in may be replaced). */
  add(entry: MacroEntry): void {
    let macros = this.packages.get(entry.packageName);
    if (!macros) {
      macros = new Map();
      this.packages.set(entry.packageName, macros);
    }
    const existing = macros.get(entry.name);
    if (existing && !existing.builtin) {
      throw new TemplateError(
        `${entry.path}:${entry.line}: macro '${entry.name}' is defined twice in package '${entry.packageName}' (also at ${existing.path}:${existing.line})`,
        entry.path,
        entry.line,
      );
    }
    macros.set(entry.name, entry);
  }
}

export interface MacroFileLoader {
  compile(source: string, file: string): RootRenderFunction;
  env: unknown;
  runtimeFor(file: string): unknown;
  resolverFor(packageName: string): (name: string) => unknown;
}

/**
 * Register the macros of one macro file. The file is compiled now (`lazy` false: syntax errors
 * surface at engine creation, as in dbt) or on first use of any of its macros (mdw's tested
 * built-ins, so commands that need few macros do not pay for parsing them all).
 */
export function loadMacroFile(
  registry: MacroRegistry,
  file: MacroSourceFile,
  loader: MacroFileLoader,
  options: { builtin: boolean; lazy: boolean },
): void {
  const { source, macros } = rewriteMacroFile(file.contents, file.path);
  if (macros.length === 0) return;
  let defined: Map<string, MacroFunction> | undefined;
  const load = () => {
    defined ??= runMacroFile(source, file, loader);
    return defined;
  };
  if (!options.lazy) load();
  for (const site of macros) {
    registry.add({
      ...site,
      packageName: file.packageName,
      path: file.path,
      builtin: options.builtin,
      get fn(): MacroFunction {
        const fn = load().get(site.name);
        if (!fn)
          throw new TemplateError(
            `${file.path}:${site.line}: macro '${site.name}' could not be compiled`,
            file.path,
            site.line,
          );
        return fn;
      },
    });
  }
}

/** Compile a rewritten macro file and run its top level, which defines its macros. */
function runMacroFile(
  source: string,
  file: MacroSourceFile,
  loader: MacroFileLoader,
): Map<string, MacroFunction> {
  const root = loader.compile(source, file.path);
  const scope = new TemplateScope(loader.resolverFor(file.packageName));
  const frame = new Frame();
  frame.topLevel = true;
  let failure: unknown;
  root(loader.env, scope, frame, loader.runtimeFor(file.path), (err) => {
    failure = err;
  });
  if (failure) throw toTemplateError(failure, file.path);
  return scope.macros();
}
