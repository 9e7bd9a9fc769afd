/**
 * A generated project of N models (layers of staging views, intermediate tables with Jinja
 * loops, marts), each described in YAML with tests — for start-up measurements of `mdw ls`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeLargeProject(dir: string, models = 300): void {
  mkdirSync(join(dir, 'models', 'staging'), { recursive: true });
  mkdirSync(join(dir, 'models', 'marts'), { recursive: true });
  mkdirSync(join(dir, 'macros'), { recursive: true });
  writeFileSync(
    join(dir, 'dbt_project.yml'),
    'name: large\nversion: "1.0.0"\nprofile: large\nmodels:\n  large:\n    marts:\n      +materialized: table\n',
  );
  writeFileSync(
    join(dir, 'profiles.yml'),
    `large:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${JSON.stringify(join(dir, 'large.duckdb'))}\n      threads: 2\n`,
  );
  writeFileSync(
    join(dir, 'macros', 'cents.sql'),
    '{% macro cents_to_dollars(column, scale=2) %}round({{ column }} / 100.0, {{ scale }}){% endmacro %}\n',
  );
  const staging = Math.floor(models / 3);
  const yaml: string[] = ['version: 2', 'models:'];
  for (let i = 0; i < models; i++) {
    const name = i < staging ? `stg_${i}` : `mart_${i}`;
    const folder = i < staging ? 'staging' : 'marts';
    const sql =
      i < staging
        ? `select\n    ${i} as id,\n    {{ cents_to_dollars('${i * 100}') }} as amount\n`
        : [
            `{% set parts = ['a', 'b', 'c'] %}`,
            'select',
            '    base.id,',
            `{% for part in parts %}`,
            `    base.amount * {{ loop.index }} as amount_{{ part }}{% if not loop.last %},{% endif %}`,
            '{% endfor %}',
            `from {{ ref('stg_${i % staging}') }} as base`,
            `left join {{ ref('${i - 1 >= staging ? `mart_${i - 1}` : `stg_${(i + 1) % staging}`}') }} as prev on prev.id = base.id`,
          ].join('\n');
    writeFileSync(join(dir, 'models', folder, `${name}.sql`), sql);
    yaml.push(
      `  - name: ${name}`,
      `    description: Model number ${i}`,
      '    columns:',
      '      - name: id',
      '        data_tests: [not_null]',
    );
  }
  writeFileSync(join(dir, 'models', 'schema.yml'), `${yaml.join('\n')}\n`);
}
