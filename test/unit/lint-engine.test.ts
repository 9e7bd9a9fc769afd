/** The parts of mdw lint below the rules: tokens, the position map, noqa, config, reports, fixes. */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { readLintConfig, severityFor } from '../../src/lint/config.js';
import { alignSequences } from '../../src/lint/diff.js';
import { lintProject } from '../../src/lint/engine.js';
import { fixedFiles } from '../../src/lint/fix.js';
import { SqlParser } from '../../src/lint/parse.js';
import { PositionMap } from '../../src/lint/position-map.js';
import { jsonReport } from '../../src/lint/report/json.js';
import { sarifReport } from '../../src/lint/report/sarif.js';
import { textReport } from '../../src/lint/report/text.js';
import { tokenize } from '../../src/lint/tokens.js';
import type { Diagnostic } from '../../src/lint/types.js';
import { loadProject } from '../../src/project/loader.js';
import { Compiler } from '../../src/run/compile.js';
import { ConfigError } from '../../src/util/errors.js';
import { lintProjectCopy, loadLintProject } from '../support/lint-fixtures.js';
import { REPO_ROOT } from '../support/project.js';

async function lintDir(dir: string): Promise<Diagnostic[]> {
  return (await lintProject(loadLintProject(dir))).diagnostics;
}

const ids = (diagnostics: Diagnostic[]) =>
  diagnostics.map((d) => `${d.ruleId} ${d.file}:${d.line}:${d.column}`);

describe('tokenizer', () => {
  it('keeps Jinja tags whole, even with }} inside a string', () => {
    const tokens = tokenize(`select {{ f('}}') }} as x -- c {{ y }}\nfrom t`);
    const kinds = tokens.filter((t) => t.kind !== 'space').map((t) => `${t.kind}:${t.text}`);
    assert.deepEqual(kinds, [
      'word:select',
      "jinja-expr:{{ f('}}') }}",
      'word:as',
      'word:x',
      'comment:-- c ',
      'jinja-expr:{{ y }}',
      'newline:\n',
      'word:from',
      'word:t',
    ]);
  });
});

describe('position map', () => {
  it('aligns equal tokens and skips what one side added', () => {
    assert.deepEqual([...alignSequences(['a', 'x', 'y', 'b', 'c'], ['a', 'J', 'b', 'c'])], [0, -1, -1, 2, 3]);
  });
  it('maps compiled offsets to the raw SQL and macro output to its Jinja tag', () => {
    const raw = "select\n    {{ clean('Name') }} as name,\n    price\nfrom {{ ref('items') }}\n";
    const compiled = `select\n    nullif(trim(Name), '') as name,\n    price\nfrom "db"."main"."items"\n`;
    const map = new PositionMap(raw, compiled);
    const price = map.toRaw(compiled.indexOf('price'));
    assert.equal(price.offset, raw.indexOf('price'));
    assert.equal(price.generated, false);
    const trim = map.toRaw(compiled.indexOf('trim'));
    assert.equal(trim.offset, raw.indexOf('{{ clean'));
    assert.equal(trim.generated, true);
    const relation = map.toRaw(compiled.indexOf('"main"'));
    assert.equal(relation.offset, raw.indexOf('{{ ref'));
  });
});

describe('position map on dbt/', () => {
  it('every column reference DuckDB locates maps to the same identifier in the raw model, or to Jinja', async () => {
    const loaded = loadProject({ projectDir: join(REPO_ROOT, 'dbt'), profilesDir: join(REPO_ROOT, 'dbt') });
    const compiler = new Compiler(loaded);
    const parser = await SqlParser.open();
    const identifier = (text: string, at: number) => /^[A-Za-z_"][\w"]*/.exec(text.slice(at))?.[0];
    let checked = 0;
    try {
      for (const node of Object.values(loaded.manifest.nodes).filter((n) => n.resource_type === 'model')) {
        const sql = await compiler.compile(node, { write: false });
        const parsed = await parser.parse(sql);
        assert.ok(parsed.ok, node.name);
        const map = new PositionMap(node.raw_code, sql);
        const visit = (value: unknown): void => {
          if (Array.isArray(value)) {
            for (const item of value) visit(item);
            return;
          }
          if (value === null || typeof value !== 'object') return;
          const item = value as Record<string, unknown>;
          const offset =
            item.class === 'COLUMN_REF' ? parsed.toCharOffset(Number(item.query_location)) : undefined;
          if (offset !== undefined) {
            const mapped = map.toRaw(offset);
            if (!mapped.generated) {
              assert.equal(identifier(node.raw_code, mapped.offset), identifier(sql, offset), node.name);
              checked++;
            }
          }
          for (const child of Object.values(item)) visit(child);
        };
        visit(parsed.statement);
      }
    } finally {
      parser.close();
    }
    assert.ok(checked > 500, `only ${checked} column references checked`);
  });
});

describe('noqa comments', () => {
  it('a standalone noqa before the SQL covers the file; one on its own line covers the next line', async () => {
    const dir = lintProjectCopy('S05', 'fail');
    try {
      const file = join(dir, 'models/cur/mdw_cur_ft_stores.sql');
      const lines = readFileSync(file, 'utf8').split('\n');
      // line 8 (dim.store_id store_id) gets a noqa of its own on the line before it
      lines.splice(7, 0, '    -- noqa: S05 checked by hand');
      writeFileSync(file, lines.join('\n'));
      assert.deepEqual(ids(await lintDir(dir)), [
        'S05 models/cur/mdw_cur_ft_stores.sql:10:27',
        'S05 models/cur/mdw_cur_ft_stores.sql:11:37',
      ]);
      writeFileSync(
        file,
        `{# noqa: S05 aliases kept as the legacy export wrote them #}\n${lines.join('\n')}`,
      );
      assert.deepEqual(ids(await lintDir(dir)), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('selection', () => {
  it('-s / --exclude limit the linted models', async () => {
    const dir = lintProjectCopy('S05', 'fail');
    try {
      const loaded = loadLintProject(dir);
      const staging = await lintProject(loaded, { select: ['path:models/stg'] });
      assert.equal(staging.models, 2);
      assert.deepEqual(staging.diagnostics, []);
      const rest = await lintProject(loaded, { select: ['path:models'], exclude: ['path:models/stg'] });
      assert.equal(rest.models, 3);
      assert.deepEqual(
        rest.diagnostics.map((d) => d.ruleId),
        ['S05', 'S05', 'S05'],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('configuration in vars.mdw_lint', () => {
  it('turns rules off, changes severities, per folder with the longest prefix last', () => {
    const config = readLintConfig({
      mdw_lint: {
        rules: { S05: 'off', S06: 'error' },
        paths: { models: { S05: 'warn' }, 'models/stg': { S05: false } },
      },
    });
    assert.equal(severityFor(config, 'S05', 'analyses/a.sql'), null);
    assert.equal(severityFor(config, 'S05', 'models/cur/a.sql'), 'warn');
    assert.equal(severityFor(config, 'S05', 'models/stg/a.sql'), null);
    assert.equal(severityFor(config, 'S06', 'models/cur/a.sql'), 'error');
    assert.equal(severityFor(config, 'N01', 'models/cur/a.sql'), 'error');
  });
  it('rejects unknown rules and settings in one sentence', () => {
    assert.throws(
      () => readLintConfig({ mdw_lint: { rules: { Q99: 'off' } } }),
      (e: unknown) => {
        return e instanceof ConfigError && /unknown rule 'Q99'/.test(e.message);
      },
    );
    assert.throws(
      () => readLintConfig({ mdw_lint: { rules: { S05: 'loud' } } }),
      /must be off, warn or error/,
    );
  });
  it('applies the project file config to a lint run', async () => {
    const dir = lintProjectCopy('S05', 'fail');
    try {
      const yml = join(dir, 'dbt_project.yml');
      writeFileSync(
        yml,
        `${readFileSync(yml, 'utf8')}\nvars:\n  mdw_lint:\n    paths:\n      models/cur: {S05: warn}\n`,
      );
      const diagnostics = await lintDir(dir);
      assert.deepEqual(
        diagnostics.map((d) => `${d.ruleId}:${d.severity}`),
        ['S05:warn', 'S05:warn', 'S05:warn'],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('reports', () => {
  const diagnostics: Diagnostic[] = [
    {
      ruleId: 'S05',
      severity: 'error',
      message: "write the alias 'x' with as.",
      file: 'models/a b.sql',
      line: 3,
      column: 9,
      fix: [],
    },
    {
      ruleId: 'W02',
      severity: 'warn',
      message: 'small partitions',
      file: 'models/c.sql',
      line: 1,
      column: 1,
    },
  ];
  it('text: file:line:col, severity, id and name, then a summary', () => {
    assert.equal(
      textReport(diagnostics, 2),
      "models/a b.sql:3:9: error S05 (explicit-as) write the alias 'x' with as. [fixable]\n" +
        'models/c.sql:1:1: warn W02 (partition-size) small partitions\n' +
        'Linted 2 models: 1 error, 1 warning (1 fixable with --fix).\n',
    );
  });
  it('json: counts and one object per diagnostic', () => {
    const report = JSON.parse(jsonReport(diagnostics, 2));
    assert.equal(report.errors, 1);
    assert.equal(report.warnings, 1);
    assert.deepEqual(report.diagnostics[0], {
      rule: 'S05',
      name: 'explicit-as',
      severity: 'error',
      message: "write the alias 'x' with as.",
      file: 'models/a b.sql',
      line: 3,
      column: 9,
      fixable: true,
    });
  });
  it('sarif: validates against the SARIF 2.1.0 schema (and the validator rejects a broken log)', () => {
    // The OASIS SARIF 2.1.0 (errata 01) JSON schema, vendored as a spec document.
    const schema = JSON.parse(
      readFileSync(join(REPO_ROOT, 'test/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8'),
    );
    // both packages are CommonJS: their classes are the `default` of the module object
    const ajv = new AjvDraft04.default({ allErrors: true, strict: false });
    ajvFormats.default(ajv);
    const validate = ajv.compile(schema);
    const log = JSON.parse(sarifReport(diagnostics, '0.1.0'));
    assert.equal(validate(log), true, JSON.stringify(validate.errors));
    assert.equal(log.runs[0].results[1].level, 'warning');
    assert.equal(log.runs[0].tool.driver.rules[log.runs[0].results[0].ruleIndex].id, 'S05');
    log.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    assert.equal(validate(log), false);
  });
});

describe('--fix', () => {
  it('rewrites keyword case, indentation and aliases; the result is lint-clean', async () => {
    const dir = lintProjectCopy('fix', 'fail');
    try {
      const file = 'models/cur/mdw_cur_ft_store_prices.sql';
      const result = await lintProject(loadLintProject(dir));
      assert.equal(result.diagnostics.length, 10);
      const fixed = fixedFiles(result.diagnostics, result.sources);
      assert.deepEqual([...fixed.keys()], [file]);
      assert.equal(
        fixed.get(file)!.split('\n').slice(6).join('\n'),
        'select\n    dim.item_id as item_id,\n    UPPER(dim.store_name) as store_label,\n        dim.price as price\n' +
          "from {{ ref('mdw_std_dim_items') }} as dim\nwhere dim.price > 1\n",
      );
      writeFileSync(join(dir, file), fixed.get(file)!);
      assert.deepEqual(await lintDir(dir), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
