/**
 * dbt's top-level block tags — `{% macro %}`, `{% test %}`, `{% snapshot %}`, `{% docs %}`,
 * `{% materialization %}` — found by scanning the raw text (skipping comments, `{{ }}` and
 * `{% raw %}`), and the macro-file rewrite that keeps only macros (tests become `test_<name>`)
 * with every line in place.
 */
import { TemplateError } from '../util/errors.js';
import type { ExtractedBlock } from './types.js';

type Kind = ExtractedBlock['kind'];
const KINDS: ReadonlySet<string> = new Set(['snapshot', 'test', 'docs', 'materialization', 'macro']);

/** A block with the offsets of its start tag, body and end tag in the source. */
export interface ScannedBlock extends ExtractedBlock {
  start: number;
  bodyStart: number;
  bodyEnd: number;
  end: number;
}

/** Index of the first `close` at or after `from` that is not inside a quoted string. */
function findClose(source: string, from: number, close: string): number {
  let quote: string | null = null;
  for (let i = from; i < source.length; i++) {
    const ch = source[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (source.startsWith(close, i)) {
      return i;
    }
  }
  return -1;
}

/** Counts lines incrementally: offsets are requested in increasing order. */
function lineCounter(source: string): (offset: number) => number {
  let pos = 0;
  let line = 1;
  return (offset) => {
    for (; pos < offset; pos++) if (source.charCodeAt(pos) === 10) line++;
    return line;
  };
}

function parseHeader(
  kind: Kind,
  header: string,
  file: string,
  line: number,
): Pick<ExtractedBlock, 'name' | 'args' | 'adapter'> {
  if (kind === 'macro' || kind === 'test') {
    const m = /^([A-Za-z_]\w*)\s*(?:\(([\s\S]*)\))?\s*$/.exec(header);
    if (!m) throw new TemplateError(`${file}:${line}: invalid {% ${kind} %} header '${header}'`, file, line);
    return { name: m[1], args: (m[2] ?? '').trim() };
  }
  if (kind === 'materialization') {
    const [name, ...rest] = header.split(',');
    const options = rest.join(',');
    const adapter =
      /adapter\s*=\s*['"]([^'"]+)['"]/.exec(options)?.[1] ??
      (options.trim() === 'default' ? 'default' : undefined);
    return { name: name.trim(), ...(adapter ? { adapter } : {}) };
  }
  const name = header.trim();
  if (!/^[A-Za-z_][\w]*$/.test(name))
    throw new TemplateError(`${file}:${line}: invalid {% ${kind} %} name '${name}'`, file, line);
  return { name };
}

/** Find the top-level block tags of a file, with their offsets. */
export function scanBlocks(source: string, file: string): ScannedBlock[] {
  const blocks: ScannedBlock[] = [];
  const lineOf = lineCounter(source);
  const stack: {
    kind: Kind;
    start: number;
    bodyStart: number;
    header: string;
    line: number;
    bodyLine: number;
  }[] = [];
  let i = 0;
  while (i < source.length) {
    const open = source.indexOf('{', i);
    if (open < 0 || open + 1 >= source.length) break;
    const next = source[open + 1];
    if (next === '#') {
      const close = source.indexOf('#}', open + 2);
      if (close < 0) break;
      i = close + 2;
      continue;
    }
    if (next === '{') {
      const close = findClose(source, open + 2, '}}');
      if (close < 0) break;
      i = close + 2;
      continue;
    }
    if (next !== '%') {
      i = open + 1;
      continue;
    }
    const close = findClose(source, open + 2, '%}');
    if (close < 0) break;
    const tagEnd = close + 2;
    const inner = source
      .slice(open + 2, close)
      .replace(/^[-+]/, '')
      .replace(/[-+]$/, '')
      .trim();
    const keyword = /^\w+/.exec(inner)?.[0] ?? '';
    i = tagEnd;
    if (keyword === 'raw') {
      const endRaw = /\{%[-+]?\s*endraw\s*[-+]?%\}/g;
      endRaw.lastIndex = tagEnd;
      const m = endRaw.exec(source);
      if (!m) break;
      i = m.index + m[0].length;
    } else if (KINDS.has(keyword)) {
      const line = lineOf(open);
      stack.push({
        kind: keyword as Kind,
        start: open,
        bodyStart: tagEnd,
        header: inner.slice(keyword.length).trim(),
        line,
        bodyLine: lineOf(tagEnd),
      });
    } else if (keyword.startsWith('end') && KINDS.has(keyword.slice(3))) {
      const line = lineOf(open);
      const top = stack.pop();
      if (!top || top.kind !== keyword.slice(3))
        throw new TemplateError(
          `${file}:${line}: {% ${keyword} %} does not close an open {% ${keyword.slice(3)} %} block`,
          file,
          line,
        );
      if (stack.length === 0) {
        const header = parseHeader(top.kind, top.header, file, top.line);
        blocks.push({
          kind: top.kind,
          ...header,
          body: source.slice(top.bodyStart, open),
          line: top.line,
          bodyLine: top.bodyLine,
          start: top.start,
          bodyStart: top.bodyStart,
          bodyEnd: open,
          end: tagEnd,
        });
      }
    }
  }
  const unclosed = stack[0];
  if (unclosed)
    throw new TemplateError(
      `${file}:${unclosed.line}: {% ${unclosed.kind} %} block is never closed (missing {% end${unclosed.kind} %})`,
      file,
      unclosed.line,
    );
  return blocks;
}

export function extractBlocks(source: string, file: string): ExtractedBlock[] {
  return scanBlocks(source, file).map(({ start, bodyStart, bodyEnd, end, ...block }) => block);
}

/** Keep only the newlines of a piece of text (so later lines keep their numbers). */
function blankOut(text: string): string {
  return text.replace(/[^\n]/g, '');
}

export interface MacroDefinitionSite {
  name: string;
  line: number;
  /** the block's original text, `{% macro ... %}...{% endmacro %}` */
  source: string;
}

/** The macro dbt makes of `{% materialization name, adapter %}`. */
export function materializationMacroName(name: string, adapter: string): string {
  return `materialization_${name}_${adapter}`;
}

/**
 * The macro-file source the engine compiles: `{% macro %}` blocks as written, `{% test x(...) %}`
 * as `{% macro test_x(...) %}`, `{% materialization x, adapter='a' %}` as dbt names it,
 * `{% macro materialization_x_a() %}` ('default' for the default one), everything else blanked.
 */
export function rewriteMacroFile(
  source: string,
  file: string,
): { source: string; macros: MacroDefinitionSite[] } {
  let out = '';
  let last = 0;
  const macros: MacroDefinitionSite[] = [];
  for (const block of scanBlocks(source, file)) {
    if (block.kind !== 'macro' && block.kind !== 'test' && block.kind !== 'materialization') continue;
    out += blankOut(source.slice(last, block.start));
    const text = source.slice(block.start, block.end);
    if (block.kind === 'test') {
      const head = source
        .slice(block.start, block.bodyStart)
        .replace(/^(\{%[-+]?\s*)test(\s+)/, '$1macro$2test_');
      const tail = source.slice(block.bodyEnd, block.end).replace(/^(\{%[-+]?\s*)endtest\b/, '$1endmacro');
      out += head + source.slice(block.bodyStart, block.bodyEnd) + tail;
      macros.push({ name: `test_${block.name}`, line: block.line, source: text });
    } else if (block.kind === 'materialization') {
      const name = materializationMacroName(block.name, block.adapter ?? 'default');
      const head = source
        .slice(block.start, block.bodyStart)
        .replace(/^(\{%[-+]?\s*)materialization\b[\s\S]*?([-+]?%\})$/, `$1macro ${name}() $2`);
      const tail = source
        .slice(block.bodyEnd, block.end)
        .replace(/^(\{%[-+]?\s*)endmaterialization\b/, '$1endmacro');
      out += head + source.slice(block.bodyStart, block.bodyEnd) + tail;
      macros.push({ name, line: block.line, source: text });
    } else {
      out += text;
      macros.push({ name: block.name, line: block.line, source: text });
    }
    last = block.end;
  }
  out += blankOut(source.slice(last));
  return { source: out, macros };
}
