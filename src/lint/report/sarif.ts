/**
 * SARIF 2.1.0 (the OASIS static-analysis format code-scanning UIs read): one run, the rule
 * catalog as the tool's rules, one result per diagnostic with a physical location relative
 * to the project folder (uriBaseId PROJECTROOT).
 */
import { RULES } from '../rules/catalog.js';
import type { Diagnostic } from '../types.js';

export function sarifReport(diagnostics: Diagnostic[], version: string): string {
  const index = new Map(RULES.map((rule, i) => [rule.id, i]));
  const log = {
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'mdw lint',
            version,
            rules: RULES.map((rule) => ({
              id: rule.id,
              name: rule.name,
              shortDescription: { text: rule.summary },
              defaultConfiguration: { level: level(rule.severity) },
              properties: { group: rule.group, fixable: rule.fixable },
            })),
          },
        },
        originalUriBaseIds: { PROJECTROOT: { description: { text: 'The dbt project folder.' } } },
        results: diagnostics.map((d) => ({
          ruleId: d.ruleId,
          ruleIndex: index.get(d.ruleId) ?? -1,
          level: level(d.severity),
          message: { text: d.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: fileUri(d.file), uriBaseId: 'PROJECTROOT' },
                region: { startLine: d.line, startColumn: d.column },
              },
            },
          ],
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** A project-relative path as a relative URI reference (each segment percent-encoded). */
function fileUri(path: string): string {
  return path.split(/[\\/]/).map(encodeURIComponent).join('/');
}

function level(severity: 'error' | 'warn'): 'error' | 'warning' {
  return severity === 'error' ? 'error' : 'warning';
}
