import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { ConfigError } from '../util/errors.js';

/** A parsed YAML file that can tell the line of any value in it (for error messages). */
export interface YamlFile {
  path: string; // project-relative
  data: unknown;
  /** 1-based line of the value at a key path like ['models', 2, 'columns', 0], or of the closest parent */
  lineOf(keyPath: (string | number)[]): number;
}

export function readYamlFile(root: string, relativePath: string): YamlFile {
  let text: string;
  try {
    text = readFileSync(join(root, relativePath), 'utf8');
  } catch {
    throw new ConfigError(`${relativePath}: file not found or not readable.`);
  }
  return parseYaml(text, relativePath);
}

export function parseYaml(text: string, path: string): YamlFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problem = doc.errors[0];
  if (problem) {
    const line = problem.linePos?.[0]?.line ?? lineCounter.linePos(problem.pos[0]).line;
    const what = problem.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new ConfigError(`${path}:${line}: invalid YAML: ${what}`);
  }
  const lineOf = (keyPath: (string | number)[]): number => {
    let node: unknown = doc.contents;
    let line = 1;
    for (const key of keyPath) {
      const range = (node as YamlNode | undefined)?.range;
      if (range) line = lineCounter.linePos(range[0]).line;
      if (isMap(node)) node = node.get(key, true);
      else if (isSeq(node)) node = node.get(key as number, true);
      else break;
    }
    const range = isScalar(node) || isMap(node) || isSeq(node) ? node.range : undefined;
    return range ? lineCounter.linePos(range[0]).line : line;
  };
  return { path, data: doc.toJS() ?? null, lineOf };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
