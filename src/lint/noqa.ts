/**
 * Inline suppressions: `-- noqa: S05 reason` (or `{# noqa: S05 reason #}`). After code on a
 * line it covers that line; on a line of its own before the first SQL it covers the file;
 * elsewhere on a line of its own it covers the next line. A reason is required.
 */
import { RULES_BY_ID } from './rules/catalog.js';
import { isSignificant, type Token } from './tokens.js';
import type { Finding } from './types.js';
import type { ModelUnit } from './unit.js';

const NOQA = /\bnoqa\s*:\s*([A-Za-z]\d{2}(?:\s*,\s*[A-Za-z]\d{2})*)\s*(.*)$/s;

export interface Suppressions {
  /** rule ids suppressed for the whole file */
  file: Set<string>;
  /** line → rule ids */
  lines: Map<number, Set<string>>;
  /** problems with the noqa comments themselves (X02) */
  findings: Finding[];
}

export function readSuppressions(unit: ModelUnit): Suppressions {
  const result: Suppressions = { file: new Set(), lines: new Map(), findings: [] };
  const tokens = unit.tokens;
  const firstCode = tokens.find(
    (t) => isSignificant(t) && !(t.kind === 'jinja-expr' && /^\{\{-?\s*config\s*\(/.test(t.text)),
  );
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind !== 'comment' && token.kind !== 'jinja-comment') continue;
    const body = token.text.replace(/^(--|\/\*|\{#-?)/, '').replace(/(\*\/|-?#\})$/, '');
    const match = NOQA.exec(body.trim());
    if (!match) continue;
    const ids = match[1]!.split(',').map((id) => id.trim().toUpperCase());
    const reason = match[2]!.trim();
    for (const id of ids) {
      if (!RULES_BY_ID.has(id))
        result.findings.push(unit.at('X02', token.start, `noqa names unknown rule '${id}'.`));
    }
    if (reason === '') {
      result.findings.push(
        unit.at('X02', token.start, `noqa: ${ids.join(', ')} needs a reason after the rule ids.`),
      );
      continue;
    }
    const { line } = unit.lines.position(token.start);
    const ownLine = !codeBefore(tokens, i);
    if (ownLine && (!firstCode || firstCode.start > token.start)) {
      for (const id of ids) result.file.add(id);
      continue;
    }
    const target = ownLine ? nextCodeLine(unit, tokens, i) : line;
    const set = result.lines.get(target) ?? new Set<string>();
    for (const id of ids) set.add(id);
    result.lines.set(target, set);
  }
  return result;
}

/** Whether code precedes token i on its line. */
function codeBefore(tokens: Token[], i: number): boolean {
  for (let k = i - 1; k >= 0 && tokens[k]!.kind !== 'newline'; k--)
    if (isSignificant(tokens[k]!)) return true;
  return false;
}

function nextCodeLine(unit: ModelUnit, tokens: Token[], from: number): number {
  for (let k = from + 1; k < tokens.length; k++) {
    if (isSignificant(tokens[k]!)) return unit.lines.position(tokens[k]!.start).line;
  }
  return -1;
}

export function isSuppressed(finding: Finding, suppressions: Suppressions): boolean {
  if (suppressions.file.has(finding.ruleId)) return true;
  return suppressions.lines.get(finding.line)?.has(finding.ruleId) ?? false;
}
