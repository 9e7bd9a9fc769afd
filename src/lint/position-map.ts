/**
 * Compiled SQL → raw source positions. Both texts are tokenized (Jinja tags stay whole in
 * the raw text) and their significant tokens aligned by a diff: a compiled token equal to a
 * raw token maps to it exactly; a token Jinja produced maps to the Jinja tag that sits
 * between its nearest aligned neighbours (the `{{ macro(...) }}` that wrote it).
 */
import { alignSequences } from './diff.js';
import { isSignificant, type Token, tokenize } from './tokens.js';

export interface MappedPosition {
  /** offset in the raw text */
  offset: number;
  /** true when the compiled text there came out of a Jinja tag rather than the file's own SQL */
  generated: boolean;
  /** the raw token the position falls in */
  token: Token | undefined;
}

export class PositionMap {
  private readonly compiled: Token[];
  private readonly raw: Token[];
  private readonly matches: Int32Array;

  constructor(rawText: string, compiledText: string, rawTokens: Token[] = tokenize(rawText)) {
    this.raw = rawTokens.filter(isSignificant);
    this.compiled = tokenize(compiledText).filter(isSignificant);
    this.matches = alignSequences(
      this.compiled.map((t) => t.text),
      this.raw.map((t) => t.text),
    );
  }

  /** Where a compiled-SQL character offset came from in the raw file. */
  toRaw(compiledOffset: number): MappedPosition {
    const index = this.compiledTokenAt(compiledOffset);
    if (index < 0) return { offset: 0, generated: true, token: this.raw[0] };
    const match = this.matches[index]!;
    if (match >= 0) {
      const token = this.raw[match]!;
      const inside = Math.min(compiledOffset - this.compiled[index]!.start, token.text.length - 1);
      return { offset: token.start + Math.max(0, inside), generated: false, token };
    }
    let before = index - 1;
    while (before >= 0 && this.matches[before]! < 0) before--;
    let after = index + 1;
    while (after < this.compiled.length && this.matches[after]! < 0) after++;
    const from = before >= 0 ? this.matches[before]! + 1 : 0;
    const to = after < this.compiled.length ? this.matches[after]! : this.raw.length;
    const between = this.raw.slice(from, Math.max(from, to));
    const tag =
      between.find((t) => t.kind === 'jinja-expr') ??
      between.find((t) => t.kind === 'jinja-stmt') ??
      between[0] ??
      this.raw[Math.max(0, from - 1)];
    return { offset: tag?.start ?? 0, generated: true, token: tag };
  }

  private compiledTokenAt(offset: number): number {
    let low = 0;
    let high = this.compiled.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (this.compiled[mid]!.start <= offset) {
        found = mid;
        low = mid + 1;
      } else high = mid - 1;
    }
    return found;
  }
}
