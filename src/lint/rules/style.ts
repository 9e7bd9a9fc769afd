/**
 * Style rules on the raw SQL a person wrote (Jinja tags are opaque tokens, so macro output is
 * never judged), plus the two that need the parse: subqueries and ORDER BY without LIMIT.
 */
import { KEYWORDS, SELECT_LIST_END } from '../keywords.js';
import { isSignificant, type Token } from '../tokens.js';
import type { Finding } from '../types.js';
import type { ModelUnit } from '../unit.js';

export function styleRules(unit: ModelUnit): Finding[] {
  const findings = [
    ...keywordCase(unit),
    ...oneColumnPerLine(unit),
    ...indentation(unit),
    ...explicitAs(unit),
  ];
  const facts = unit.parsed?.facts;
  if (facts) {
    for (const sub of facts.subqueries) {
      findings.push(
        unit.atKeyword('S03', sub.offset, 'select', 'move this subquery into a CTE (with ... as (...)).'),
      );
    }
    for (const order of facts.orderWithoutLimit) {
      findings.push(
        unit.atKeyword(
          'S06',
          order.offset,
          'order',
          'ORDER BY without LIMIT sorts the whole result; drop it or add a LIMIT.',
        ),
      );
    }
  }
  return findings;
}

function keywordCase(unit: ModelUnit): Finding[] {
  const findings: Finding[] = [];
  for (const token of unit.tokens) {
    if (token.kind !== 'word') continue;
    const lower = token.text.toLowerCase();
    if (lower !== token.text && KEYWORDS.has(lower)) {
      findings.push(
        unit.at('S01', token.start, `keyword '${token.text}' should be lowercase.`, [
          { start: token.start, end: token.end, text: lower },
        ]),
      );
    }
  }
  return findings;
}

/** In each SELECT list, a column after a comma starts its own line. */
function oneColumnPerLine(unit: ModelUnit): Finding[] {
  const findings: Finding[] = [];
  const tokens = unit.tokens;
  for (let i = 0; i < tokens.length; i++) {
    if (!isWord(tokens[i]!, 'select')) continue;
    let depth = 0;
    for (let j = i + 1; j < tokens.length; j++) {
      const token = tokens[j]!;
      if (token.text === '(') depth++;
      else if (token.text === ')') {
        if (--depth < 0) break;
      } else if (depth === 0 && token.kind === 'word' && SELECT_LIST_END.has(token.text.toLowerCase())) break;
      else if (depth === 0 && token.text === ';') break;
      else if (depth === 0 && token.text === ',') {
        const next = nextOnLine(tokens, j + 1);
        if (next) {
          findings.push(unit.at('S02', next.start, 'put each selected column on its own line.'));
        }
      }
    }
  }
  return findings;
}

/** The next significant token when it is on the same line (a comment or line end first means none). */
function nextOnLine(tokens: Token[], from: number): Token | undefined {
  for (let k = from; k < tokens.length; k++) {
    const token = tokens[k]!;
    // Jinja control tags (`{% if not loop.last %},{% endif %}`) are not columns
    if (token.kind === 'space' || token.kind === 'jinja-stmt') continue;
    if (token.kind === 'newline' || token.kind === 'comment' || token.kind === 'jinja-comment')
      return undefined;
    return token;
  }
  return undefined;
}

function indentation(unit: ModelUnit): Finding[] {
  const findings: Finding[] = [];
  const tokens = unit.tokens;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const atLineStart = i === 0 || tokens[i - 1]!.kind === 'newline';
    if (!atLineStart || token.kind !== 'space') continue;
    const next = tokens[i + 1];
    if (!next || next.kind === 'newline') continue; // blank line
    const width = visualWidth(token.text.replace(/\r/g, ''));
    const wanted = ' '.repeat(Math.round(width / 4) * 4);
    if (token.text.includes('\t')) {
      findings.push(
        unit.at('S04', token.start, 'indent with spaces, not tabs.', [
          { start: token.start, end: token.end, text: wanted },
        ]),
      );
    } else if (width % 4 !== 0) {
      findings.push(
        unit.at('S04', token.start, `indentation of ${width} spaces is not a multiple of 4.`, [
          { start: token.start, end: token.end, text: wanted },
        ]),
      );
    }
  }
  return findings;
}

/** Width of leading whitespace with tabs stopping every 4 columns. */
function visualWidth(text: string): number {
  let width = 0;
  for (const c of text) width = c === '\t' ? width + 4 - (width % 4) : width + 1;
  return width;
}

/**
 * An alias is a plain word right after an expression's end (a name, literal, `)`, `end` or a
 * Jinja expression such as `{{ ref('x') }}`) with no `as` between.
 */
function explicitAs(unit: ModelUnit): Finding[] {
  const findings: Finding[] = [];
  let previous: Token | undefined;
  for (const token of unit.tokens) {
    if (!isSignificant(token)) continue;
    if (
      token.kind === 'word' &&
      !KEYWORDS.has(token.text.toLowerCase()) &&
      previous &&
      previous.end < token.start && // `{{ column }}_label` is one name, not a name and an alias
      endsOperand(previous)
    ) {
      findings.push(
        unit.at('S05', token.start, `write the alias '${token.text}' with as.`, [
          { start: token.start, end: token.start, text: 'as ' },
        ]),
      );
    }
    previous = token.kind === 'jinja-stmt' ? undefined : token;
  }
  return findings;
}

function endsOperand(token: Token): boolean {
  switch (token.kind) {
    case 'quoted':
    case 'string':
    case 'number':
    case 'jinja-expr':
      return true;
    case 'word': {
      const lower = token.text.toLowerCase();
      return lower === 'end' || !KEYWORDS.has(lower);
    }
    case 'punct':
      return token.text === ')';
    default:
      return false;
  }
}

function isWord(token: Token, word: string): boolean {
  return token.kind === 'word' && token.text.toLowerCase() === word;
}
