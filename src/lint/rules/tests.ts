/** The data tests each layer must declare in its schema YAML. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../types.js';
import type { ModelUnit } from '../unit.js';

/** Columns that hold a measure (key metrics of a curated model). */
const METRIC = /(_amount|_count|_total|_revenue|^quantity|^revenue)$/;
/** Columns that hold one of a few known values. */
const ENUMERATION = /(_class|_type|_status|_tier|_segment|_category|_level)$/;

export function testRules(unit: ModelUnit, projectRoot: string): Finding[] {
  const layer = unit.layer;
  if (layer !== 'stg' && layer !== 'std' && layer !== 'cur') return [];
  const byColumn = new Map<string, Set<string>>();
  for (const test of unit.tests) {
    const name = test.test_metadata?.name;
    if (!name) continue;
    const column = (test.column_name ?? '').toLowerCase();
    const set = byColumn.get(column) ?? new Set<string>();
    set.add(name);
    byColumn.set(column, set);
  }
  const hasKey = [...byColumn.entries()].some(
    ([column, tests]) => column !== '' && tests.has('unique') && tests.has('not_null'),
  );
  const anywhere = (test: string): boolean => [...byColumn.values()].some((tests) => tests.has(test));
  const location = propertiesLocation(unit, projectRoot);
  const finding = (ruleId: string, message: string): Finding => ({ ruleId, message, ...location });
  const findings: Finding[] = [];
  if (layer === 'stg' && !hasKey) {
    findings.push(
      finding('T01', `staging model '${unit.node.name}' needs unique and not_null tests on its primary key.`),
    );
  }
  if (layer === 'std') {
    if (!hasKey)
      findings.push(finding('T02', `'${unit.node.name}' needs unique and not_null tests on its key.`));
    const joins = unit.node.depends_on.nodes.filter((id) => id.startsWith('model.')).length > 1;
    if (joins && !anywhere('relationships')) {
      findings.push(finding('T02', `'${unit.node.name}' joins models but tests no relationships to them.`));
    }
  }
  if (layer === 'cur') {
    const columns = outputColumns(unit);
    const metrics = columns.filter((c) => METRIC.test(c));
    if (metrics.length > 0 && !metrics.some((c) => byColumn.get(c)?.has('not_null'))) {
      findings.push(
        finding(
          'T03',
          `'${unit.node.name}' tests none of its metrics (${metrics.join(', ')}) with not_null.`,
        ),
      );
    }
    for (const column of columns.filter((c) => ENUMERATION.test(c))) {
      if (!byColumn.get(column)?.has('accepted_values')) {
        findings.push(
          finding(
            'T03',
            `'${unit.node.name}'.${column} looks like an enumeration: test it with accepted_values.`,
          ),
        );
      }
    }
  }
  return findings;
}

function outputColumns(unit: ModelUnit): string[] {
  const fromSql = unit.parsed?.facts.output.map((c) => c.name).filter((n): n is string => n !== null);
  return (fromSql && fromSql.length > 0 ? fromSql : Object.keys(unit.node.columns)).map((c) =>
    c.toLowerCase(),
  );
}

/** The model's entry in its properties YAML (`- name: <model>`), else the SQL file's first line. */
function propertiesLocation(
  unit: ModelUnit,
  projectRoot: string,
): { file: string; line: number; column: number } {
  const patch = unit.node.patch_path?.replace(/^[\w-]+:\/\//, '');
  if (patch) {
    try {
      const lines = readFileSync(join(projectRoot, patch), 'utf8').split('\n');
      const pattern = new RegExp(`^(\\s*-\\s*name:\\s*)['"]?${unit.node.name}['"]?\\s*(#.*)?$`);
      const index = lines.findIndex((l) => pattern.test(l));
      if (index >= 0) {
        return { file: patch, line: index + 1, column: lines[index]!.indexOf('name:') + 1 };
      }
      return { file: patch, line: 1, column: 1 };
    } catch {
      // the YAML moved since parsing: point at the model instead
    }
  }
  return { file: unit.file, line: 1, column: 1 };
}
