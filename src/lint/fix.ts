/**
 * --fix: apply the edits of fixable findings (keyword case, indentation, `as`) — edits that
 * touch only whitespace, letter case of keywords, or add `as`, so results cannot change.
 * Overlapping edits keep the first; one pass is followed by a re-lint by the caller.
 */
import type { Diagnostic, Edit } from './types.js';

export function applyFixes(text: string, edits: Edit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let cursor = 0;
  for (const edit of sorted) {
    if (edit.start < cursor) continue;
    out += text.slice(cursor, edit.start) + edit.text;
    cursor = edit.end;
  }
  return out + text.slice(cursor);
}

/** The fixed text of every file that has fixable diagnostics (only files that change). */
export function fixedFiles(diagnostics: Diagnostic[], sources: Map<string, string>): Map<string, string> {
  const editsByFile = new Map<string, Edit[]>();
  for (const diagnostic of diagnostics) {
    if (!diagnostic.fix) continue;
    const list = editsByFile.get(diagnostic.file) ?? [];
    list.push(...diagnostic.fix);
    editsByFile.set(diagnostic.file, list);
  }
  const result = new Map<string, string>();
  for (const [file, edits] of editsByFile) {
    const original = sources.get(file);
    if (original === undefined) continue;
    const fixed = applyFixes(original, edits);
    if (fixed !== original) result.set(file, fixed);
  }
  return result;
}
