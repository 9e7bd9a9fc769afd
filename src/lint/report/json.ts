/** Machine output: one JSON document with every diagnostic and the counts. */
import { RULES_BY_ID } from '../rules/catalog.js';
import type { Diagnostic } from '../types.js';

export function jsonReport(diagnostics: Diagnostic[], models: number): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return `${JSON.stringify(
    {
      models,
      errors,
      warnings: diagnostics.length - errors,
      diagnostics: diagnostics.map((d) => ({
        rule: d.ruleId,
        name: RULES_BY_ID.get(d.ruleId)?.name ?? null,
        severity: d.severity,
        message: d.message,
        file: d.file,
        line: d.line,
        column: d.column,
        fixable: d.fix !== undefined,
      })),
    },
    null,
    2,
  )}\n`;
}
