/** One model as lint sees it: raw text and tokens, layer, and (when it compiles) its parse. */
import type { Manifest, ManifestNode } from '../manifest/types.js';
import type { QueryFacts } from './ast.js';
import type { PositionMap } from './position-map.js';
import { LineIndex, type Token } from './tokens.js';
import type { Edit, Finding } from './types.js';

export const LAYERS = ['raw', 'stg', 'std', 'cur'] as const;
export type Layer = (typeof LAYERS)[number];

export interface Parsed {
  compiled: string;
  facts: QueryFacts;
  map: PositionMap;
}

export class ModelUnit {
  readonly lines: LineIndex;
  parsed: Parsed | undefined;

  constructor(
    readonly node: ManifestNode,
    readonly manifest: Manifest,
    readonly raw: string,
    readonly tokens: Token[],
    /** data tests attached to this model */
    readonly tests: ManifestNode[],
  ) {
    this.lines = new LineIndex(raw);
  }

  get file(): string {
    return this.node.original_file_path;
  }

  /** The folder under models/ when it names a layer, else the name's mdw_<layer>_ prefix. */
  get layer(): Layer | null {
    return layerOf(this.node);
  }

  /** A finding at a raw-text offset. */
  at(ruleId: string, rawOffset: number, message: string, fix?: Edit[]): Finding {
    const { line, column } = this.lines.position(rawOffset);
    return { ruleId, message, file: this.file, line, column, fix };
  }

  /** A finding at a compiled-SQL offset, mapped back to the raw file. */
  atCompiled(ruleId: string, compiledOffset: number | undefined, message: string): Finding {
    if (compiledOffset === undefined || !this.parsed) return this.at(ruleId, this.configOffset(), message);
    return this.at(ruleId, this.parsed.map.toRaw(compiledOffset).offset, message);
  }

  /**
   * A finding at a compiled-SQL offset, moved back to the nearest preceding raw keyword
   * (DuckDB locates a subquery by its first column and an ORDER BY by its first key).
   */
  atKeyword(ruleId: string, compiledOffset: number | undefined, keyword: string, message: string): Finding {
    const finding = this.atCompiled(ruleId, compiledOffset, message);
    if (compiledOffset === undefined || !this.parsed) return finding;
    const offset = this.parsed.map.toRaw(compiledOffset).offset;
    for (let i = this.tokens.length - 1; i >= 0; i--) {
      const token = this.tokens[i]!;
      if (token.start > offset) continue;
      if (token.kind === 'word' && token.text.toLowerCase() === keyword)
        return this.at(ruleId, token.start, message);
    }
    return finding;
  }

  /** Where the model's config() call is (or the first SQL token): findings about configuration point here. */
  configOffset(): number {
    const config = this.tokens.find((t) => t.kind === 'jinja-expr' && /^\{\{-?\s*config\s*\(/.test(t.text));
    if (config) return config.start;
    const first = this.tokens.find(
      (t) => t.kind === 'word' || t.kind === 'jinja-expr' || t.kind === 'jinja-stmt',
    );
    return first?.start ?? 0;
  }
}

export function layerOf(node: ManifestNode): Layer | null {
  const folder = node.fqn.length > 2 ? node.fqn[1] : undefined;
  if (folder && (LAYERS as readonly string[]).includes(folder)) return folder as Layer;
  const prefix = /^mdw_([a-z]+)_/.exec(node.name)?.[1];
  return prefix && (LAYERS as readonly string[]).includes(prefix) ? (prefix as Layer) : null;
}
