/**
 * The lint run: for each selected model, tokenize its raw SQL, compile it (no database, no
 * files written), parse the compiled SQL with DuckDB, map positions back, run the rules,
 * then apply configuration and noqa comments.
 */
import { Graph } from '../graph/dag.js';
import { selectNodes } from '../graph/selector.js';
import type { ManifestNode } from '../manifest/types.js';
import type { LoadedProject } from '../project/loader.js';
import { Compiler } from '../run/compile.js';
import { compareText } from '../util/compare-text.js';
import { errorMessage, TemplateError } from '../util/errors.js';
import { queryFacts } from './ast.js';
import { type LintConfig, readLintConfig, severityFor } from './config.js';
import { isSuppressed, readSuppressions } from './noqa.js';
import { SqlParser } from './parse.js';
import { PositionMap } from './position-map.js';
import { layerRules } from './rules/layers.js';
import { namingRules } from './rules/naming.js';
import { styleRules } from './rules/style.js';
import { testRules } from './rules/tests.js';
import { tokenize } from './tokens.js';
import type { Diagnostic, Finding } from './types.js';
import { ModelUnit } from './unit.js';
import { warehouseFindings } from './warehouse.js';

export interface LintOptions {
  select?: string[];
  exclude?: string[];
  /** also judge the built Iceberg tables */
  warehouse?: boolean;
}

export interface LintResult {
  diagnostics: Diagnostic[];
  /** raw text of each linted model file (project-relative path → text), for --fix */
  sources: Map<string, string>;
  models: number;
}

export async function lintProject(loaded: LoadedProject, options: LintOptions = {}): Promise<LintResult> {
  const config = readLintConfig(loaded.vars);
  const opening = SqlParser.open(); // DuckDB starts while the models compile
  const testsByModel = new Map<string, ManifestNode[]>();
  for (const node of Object.values(loaded.manifest.nodes)) {
    if (node.resource_type !== 'test' || !node.attached_node) continue;
    testsByModel.set(node.attached_node, [...(testsByModel.get(node.attached_node) ?? []), node]);
  }
  const units = selectedModels(loaded, options).map(
    (node) =>
      new ModelUnit(
        node,
        loaded.manifest,
        node.raw_code,
        tokenize(node.raw_code),
        testsByModel.get(node.unique_id) ?? [],
      ),
  );
  const compiler = new Compiler(loaded);
  const compiled = new Map<ModelUnit, string>();
  const findings = new Map<ModelUnit, Finding[]>(units.map((u) => [u, []]));
  for (const unit of units) {
    try {
      compiled.set(unit, await compiler.compile(unit.node, { which: 'compile', write: false }));
    } catch (error) {
      findings.get(unit)!.push(compileError(unit, error));
    }
  }
  const parser = await opening;
  try {
    const parsedUnits = [...compiled.keys()];
    const results = await parser.parseMany(parsedUnits.map((u) => compiled.get(u)!));
    parsedUnits.forEach((unit, i) => {
      const sql = compiled.get(unit)!;
      const result = results[i]!;
      const map = new PositionMap(unit.raw, sql, unit.tokens);
      if (result.ok) {
        unit.parsed = { compiled: sql, facts: queryFacts(result.statement, result.toCharOffset), map };
      } else {
        const offset = result.offset === undefined ? 0 : map.toRaw(result.offset).offset;
        findings
          .get(unit)!
          .push(unit.at('X01', offset, `DuckDB cannot parse the compiled SQL: ${result.message}`));
      }
    });
  } finally {
    parser.close();
  }
  for (const unit of units) findings.get(unit)!.push(...modelRules(unit, loaded));
  const extra = options.warehouse ? await warehouseFindings(loaded, units) : [];
  const diagnostics: Diagnostic[] = [];
  units.forEach((unit) => {
    const suppressions = readSuppressions(unit);
    const own = [
      ...findings.get(unit)!,
      ...suppressions.findings,
      ...extra.filter((f) => f.file === unit.file),
    ];
    for (const finding of own) {
      if (finding.ruleId !== 'X02' && finding.file === unit.file && isSuppressed(finding, suppressions))
        continue;
      const diagnostic = configured(finding, config);
      if (diagnostic) diagnostics.push(diagnostic);
    }
  });
  diagnostics.sort(
    (a, b) =>
      compareText(a.file, b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      compareText(a.ruleId, b.ruleId),
  );
  return {
    diagnostics,
    sources: new Map(units.map((u) => [u.file, u.raw])),
    models: units.length,
  };
}

function selectedModels(loaded: LoadedProject, options: LintOptions): ManifestNode[] {
  const { manifest, project } = loaded;
  const isOwnModel = (node: ManifestNode | undefined): node is ManifestNode =>
    node !== undefined && node.resource_type === 'model' && node.package_name === project.name;
  if (!options.select && !options.exclude) {
    return Object.values(manifest.nodes)
      .filter(isOwnModel)
      .sort((a, b) => compareText(a.original_file_path, b.original_file_path));
  }
  const { selected } = selectNodes(manifest, Graph.fromManifest(manifest), {
    select: options.select,
    exclude: options.exclude,
    resourceTypes: ['model'],
  });
  return [...selected]
    .map((id) => manifest.nodes[id])
    .filter(isOwnModel)
    .sort((a, b) => compareText(a.original_file_path, b.original_file_path));
}

function compileError(unit: ModelUnit, error: unknown): Finding {
  const line = error instanceof TemplateError && error.line ? error.line : 1;
  return {
    ruleId: 'X01',
    message: `the model does not compile: ${errorMessage(error).replace(/\s+/g, ' ')}`,
    file: unit.file,
    line,
    column: 1,
  };
}

function modelRules(unit: ModelUnit, loaded: LoadedProject): Finding[] {
  return [
    ...namingRules(unit),
    ...layerRules(unit),
    ...styleRules(unit),
    ...testRules(unit, loaded.project.root),
  ];
}

function configured(finding: Finding, config: LintConfig): Diagnostic | null {
  const severity = severityFor(config, finding.ruleId, finding.file);
  return severity === null ? null : { ...finding, severity };
}
