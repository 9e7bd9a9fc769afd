/** Human output: `file:line:col: severity ID message`, then a one-line summary. */
import { RULES_BY_ID } from '../rules/catalog.js';
import type { Diagnostic } from '../types.js';

export function textReport(diagnostics: Diagnostic[], models: number): string {
  const lines = diagnostics.map((d) => {
    const name = RULES_BY_ID.get(d.ruleId)?.name ?? '';
    const fixable = d.fix ? ' [fixable]' : '';
    return `${d.file}:${d.line}:${d.column}: ${d.severity} ${d.ruleId} (${name}) ${d.message}${fixable}`;
  });
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const fixable = diagnostics.filter((d) => d.fix).length;
  lines.push(
    `Linted ${models} model${models === 1 ? '' : 's'}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}` +
      (fixable > 0 ? ` (${fixable} fixable with --fix)` : '') +
      '.',
  );
  return `${lines.join('\n')}\n`;
}
