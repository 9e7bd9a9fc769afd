/**
 * Project files → Manifest. Reads dbt_project.yml and profiles.yml, every model, seed,
 * snapshot, test, macro, docs and properties file, renders each SQL node once at parse time
 * (execute=false) to learn its refs, sources and in-file config, then resolves relations.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { assertAcyclic, Graph } from '../graph/dag.js';
import { extractBlocks } from '../template/blocks.js';
import { createTemplateEngine } from '../template/engine.js';
import type { MacroSourceFile, TemplateEngine } from '../template/types.js';
import { ConfigError, TemplateError } from '../util/errors.js';
import { listFiles } from '../util/files.js';
import { refuseSecretEnv } from '../util/secrets.js';
import { didYouMean } from '../util/suggest.js';
import { configFromTree, defaultConfig, mergeConfig, unknownConfigKeys } from './config.js';
import { buildNodeContext, type ContextRecorder } from './context.js';
import { blankNode } from './node-factory.js';
import { checksum, ParseCache } from './parse-cache.js';
import { loadTarget } from './profiles.js';
import { loadProjectConfig } from './project-config.js';
import {
  type NodePatch,
  type PropertiesFile,
  parsePropertiesFile,
  type TestDefinition,
} from './properties.js';
import { dbtTestHash, pythonStr } from './python-repr.js';
import { JinjaRelation } from './relation.js';
import type {
  ColumnInfo,
  DocBlock,
  Manifest,
  ManifestNode,
  NodeResourceType,
  ProjectConfig,
  SourceDefinition,
  TargetConfig,
} from './types.js';
import { parseYaml } from './yaml.js';

export const MDW_VERSION = '0.1.0';

export interface LoadOptions {
  projectDir: string;
  profilesDir?: string;
  target?: string;
  /** --vars, already parsed */
  cliVars?: Record<string, unknown>;
  /** reuse target/partial_parse.json (dbt's --partial-parse, on by default) */
  partialParse?: boolean;
}

export interface LoadedProject {
  project: ProjectConfig;
  target: TargetConfig;
  manifest: Manifest;
  engine: TemplateEngine;
  vars: Record<string, unknown>;
  warnings: string[];
  invocationId: string;
  runStartedAt: Date;
}

export function loadProject(options: LoadOptions): LoadedProject {
  const project = loadProjectConfig(options.projectDir);
  const target = loadTarget({
    projectRoot: project.root,
    profileName: project.profile,
    profilesDir: options.profilesDir,
    target: options.target,
  });
  const macroFiles = readMacroFiles(project);
  const engine = createTemplateEngine({ macroFiles, adapterType: target.type, rootPackage: project.name });
  const vars = { ...project.vars, ...(options.cliVars ?? {}) };
  const globalKey = checksum(
    MDW_VERSION,
    JSON.stringify(vars),
    JSON.stringify(target),
    JSON.stringify(project.config_trees),
    ...macroFiles.map((file) => `${file.path}\n${file.contents}`),
  );
  const cachePath =
    options.partialParse === false ? null : join(project.root, project.target_path, 'partial_parse.json');
  const cache = new ParseCache(cachePath, globalKey);
  const parser = new ProjectParser(project, target, engine, vars, cache);
  const manifest = parser.parse();
  cache.save();
  return {
    project,
    target,
    manifest,
    engine,
    vars: parser.vars,
    warnings: parser.warnings,
    invocationId: parser.invocationId,
    runStartedAt: parser.runStartedAt,
  };
}

function readMacroFiles(project: ProjectConfig): MacroSourceFile[] {
  const paths = [
    ...project.macro_paths.flatMap((dir) => listFiles(project.root, dir, ['.sql'])),
    ...project.test_paths.flatMap((dir) => listFiles(project.root, join(dir, 'generic'), ['.sql'])),
  ];
  return paths.map((path) => ({
    path,
    contents: readFileSync(join(project.root, path), 'utf8'),
    packageName: project.name,
  }));
}

class ProjectParser {
  readonly warnings: string[] = [];
  readonly invocationId = randomUUID();
  readonly runStartedAt = new Date();
  private readonly nodes: Record<string, ManifestNode> = {};
  private readonly sources: Record<string, SourceDefinition> = {};
  private readonly docs: Record<string, DocBlock> = {};
  private readonly patches = new Map<string, NodePatch>();
  private readonly properties: PropertiesFile[] = [];

  constructor(
    private readonly project: ProjectConfig,
    private readonly target: TargetConfig,
    private readonly engine: TemplateEngine,
    readonly vars: Record<string, unknown>,
    private readonly cache: ParseCache,
  ) {}

  parse(): Manifest {
    this.readDocs();
    this.readProperties();
    this.readSources();
    this.readSqlNodes('model', this.project.model_paths);
    this.readSeeds();
    this.readSnapshots();
    this.readSingularTests();
    this.applyPatches();
    this.dropDisabled();
    this.readGenericTests();
    this.resolveDependencies();
    const manifest = this.assemble();
    assertAcyclic(Graph.fromManifest(manifest));
    return manifest;
  }

  // ---- docs and properties -------------------------------------------------

  private readDocs(): void {
    const dirs = [...this.project.model_paths, ...this.project.docs_paths, ...this.project.macro_paths];
    for (const path of new Set(dirs.flatMap((dir) => listFiles(this.project.root, dir, ['.md'])))) {
      const text = readFileSync(join(this.project.root, path), 'utf8');
      for (const block of extractBlocks(text, path)) {
        if (block.kind !== 'docs') continue;
        const id = `doc.${this.project.name}.${block.name}`;
        this.docs[id] = {
          unique_id: id,
          name: block.name,
          package_name: this.project.name,
          original_file_path: path,
          block_contents: block.body.trim(),
        };
      }
    }
  }

  private readProperties(): void {
    const dirs = [
      ...this.project.model_paths,
      ...this.project.seed_paths,
      ...this.project.snapshot_paths,
      ...this.project.macro_paths,
    ];
    const files = new Set(dirs.flatMap((dir) => listFiles(this.project.root, dir, ['.yml', '.yaml'])));
    for (const path of files) {
      const text = readFileSync(join(this.project.root, path), 'utf8');
      const key = checksum('yaml', path, text);
      let parsed = this.cache.yaml(key);
      if (!parsed) {
        parsed = parsePropertiesFile(parseYaml(text, path));
        this.cache.storeYaml(key, parsed);
      }
      this.properties.push(parsed);
      for (const patch of parsed.nodes) {
        const key = `${patch.kind}:${patch.name}`;
        const earlier = this.patches.get(key);
        if (earlier) {
          throw new ConfigError(
            `${patch.file}:${patch.line}: ${patch.kind.slice(0, -1)} '${patch.name}' is already described in ${earlier.file}:${earlier.line}.`,
          );
        }
        this.patches.set(key, patch);
      }
    }
  }

  private renderDescription(text: string, file: string): string {
    if (!text.includes('{{')) return text;
    return this.engine.render(text, file, { doc: (name: string) => this.docText(name, file) }).sql;
  }

  private docText(name: string, file: string): string {
    const doc = this.docs[`doc.${this.project.name}.${name}`];
    if (!doc) {
      const names = Object.values(this.docs).map((d) => d.name);
      throw new ConfigError(
        `${file}: doc('${name}') refers to a docs block that does not exist.${didYouMean(name, names)}`,
      );
    }
    return doc.block_contents;
  }

  private columns(
    list: {
      name: string;
      description: string;
      data_type?: string | null;
      meta: Record<string, unknown>;
      tags: string[];
    }[],
    file: string,
  ): Record<string, ColumnInfo> {
    return Object.fromEntries(
      list.map((c) => [
        c.name,
        {
          name: c.name,
          description: this.renderDescription(c.description, file),
          data_type: c.data_type ?? null,
          meta: c.meta,
          tags: c.tags,
        },
      ]),
    );
  }

  // ---- sources ---------------------------------------------------------------

  /** Source properties may use {{ env_var() }} / {{ var() }} (e.g. the landing folder). */
  private renderYamlValue<T>(value: T, file: string): T {
    if (typeof value === 'string') {
      if (!value.includes('{{') && !value.includes('{%')) return value;
      const context = {
        env_var: (name: string, fallback?: unknown) => {
          refuseSecretEnv(name);
          this.cache.noteEnv(name);
          const found = process.env[name] ?? fallback;
          if (found === undefined)
            throw new ConfigError(`environment variable '${name}' is required but not set.`);
          return found;
        },
        var: (name: string, fallback?: unknown) => {
          if (name in this.vars) return this.vars[name];
          if (fallback !== undefined) return fallback;
          throw new ConfigError(
            `${file}: required var '${name}' is not defined in dbt_project.yml or --vars.`,
          );
        },
        target: { ...this.target },
      };
      return this.engine.render(value, file, context).sql as T;
    }
    if (Array.isArray(value)) return value.map((v) => this.renderYamlValue(v, file)) as T;
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, this.renderYamlValue(v, file)]),
      ) as T;
    }
    return value;
  }

  private readSources(): void {
    for (const file of this.properties) {
      for (const rawSource of file.sources) {
        const source = {
          ...rawSource,
          schema: this.renderYamlValue(rawSource.schema, rawSource.file),
          database: this.renderYamlValue(rawSource.database, rawSource.file),
          meta: this.renderYamlValue(rawSource.meta, rawSource.file),
        };
        for (const rawTable of source.tables) {
          const table = {
            ...rawTable,
            identifier: this.renderYamlValue(rawTable.identifier, source.file),
            meta: this.renderYamlValue(rawTable.meta, source.file),
            external: this.renderYamlValue(rawTable.external, source.file),
          };
          const id = `source.${this.project.name}.${source.name}.${table.name}`;
          if (this.sources[id]) {
            throw new ConfigError(
              `${source.file}:${table.line}: source table '${source.name}.${table.name}' is defined twice.`,
            );
          }
          const treeConfig = configFromTree(this.project.config_trees.sources, [
            this.project.name,
            source.name,
            table.name,
          ]);
          const externalLocation =
            table.external?.location ?? table.meta.external_location ?? source.meta.external_location;
          const external =
            typeof externalLocation === 'string'
              ? {
                  ...(table.external ?? {}),
                  location: externalLocation
                    .replaceAll('{name}', table.name)
                    .replaceAll('{identifier}', table.identifier),
                  // dbt-duckdb reads a meta.external_location path with DuckDB's type
                  // detection; `external.location` is the raw layer's all-text reading.
                  infer_types: typeof table.external?.location !== 'string',
                }
              : null;
          const database = source.database ?? this.target.database;
          this.sources[id] = {
            unique_id: id,
            resource_type: 'source',
            name: table.name,
            source_name: source.name,
            package_name: this.project.name,
            path: source.file,
            original_file_path: source.file,
            fqn: [this.project.name, ...folderParts(source.file).slice(1), source.name, table.name],
            database,
            schema: source.schema,
            identifier: table.identifier,
            relation_name: new JinjaRelation(database, source.schema, table.identifier).render(),
            description: this.renderDescription(table.description, source.file),
            source_description: this.renderDescription(source.description, source.file),
            columns: this.columns(table.columns, source.file),
            meta: { ...source.meta, ...table.meta },
            source_meta: source.meta,
            tags: [...new Set([...source.tags, ...table.tags])],
            external,
            loader: source.loader,
            loaded_at_field: table.loaded_at_field,
            config: { enabled: true, ...treeConfig, ...source.config, ...table.config },
          };
        }
      }
    }
  }

  // ---- SQL nodes -------------------------------------------------------------

  private newNode(
    resourceType: NodeResourceType,
    name: string,
    path: string,
    resourceDir: string,
    rawCode: string,
  ): ManifestNode {
    const relativePath = path.slice(resourceDir.length + 1);
    const fqn = [this.project.name, ...folderParts(relativePath), name];
    const treeName =
      resourceType === 'test' ? 'data_tests' : resourceType === 'analysis' ? 'models' : `${resourceType}s`;
    const config = mergeConfig(
      defaultConfig(resourceType),
      configFromTree(this.project.config_trees[treeName as keyof ProjectConfig['config_trees']], fqn),
    );
    return blankNode({
      resource_type: resourceType,
      name,
      package_name: this.project.name,
      path: relativePath,
      original_file_path: path,
      fqn,
      raw_code: rawCode,
      config,
      database: this.target.database,
      schema: this.target.schema,
      checksum: sha256(rawCode),
    });
  }

  private addNode(node: ManifestNode): void {
    const existing = this.nodes[node.unique_id];
    if (existing) {
      throw new ConfigError(
        `Found two ${node.resource_type}s named '${node.name}': ${existing.original_file_path} and ${node.original_file_path}. Node names must be unique.`,
      );
    }
    this.nodes[node.unique_id] = node;
  }

  private readSqlNodes(resourceType: 'model', dirs: string[]): void {
    for (const dir of dirs) {
      for (const path of listFiles(this.project.root, dir, ['.sql'])) {
        const raw = readFileSync(join(this.project.root, path), 'utf8');
        const node = this.newNode(resourceType, basename(path, '.sql'), path, dir, raw);
        this.applyPatch(node);
        this.renderAtParse(node, raw);
        this.addNode(node);
      }
    }
  }

  private readSeeds(): void {
    for (const dir of this.project.seed_paths) {
      for (const path of listFiles(this.project.root, dir, ['.csv'])) {
        const node = this.newNode('seed', basename(path, '.csv'), path, dir, '');
        node.seed_file_path = join(this.project.root, path);
        node.checksum = { name: 'sha256', checksum: sha256(readFileSync(node.seed_file_path)) };
        this.applyPatch(node);
        this.addNode(node);
      }
    }
  }

  private readSnapshots(): void {
    for (const dir of this.project.snapshot_paths) {
      for (const path of listFiles(this.project.root, dir, ['.sql'])) {
        const text = readFileSync(join(this.project.root, path), 'utf8');
        for (const block of extractBlocks(text, path)) {
          if (block.kind !== 'snapshot') continue;
          const node = this.newNode('snapshot', block.name, path, dir, block.body);
          node.fqn = [...node.fqn.slice(0, -1), block.name];
          node.line = block.line;
          this.applyPatch(node);
          this.renderAtParse(node, block.body);
          this.addNode(node);
        }
      }
    }
  }

  private readSingularTests(): void {
    for (const dir of this.project.test_paths) {
      for (const path of listFiles(this.project.root, dir, ['.sql'])) {
        if (path.startsWith(join(dir, 'generic') + '/')) continue;
        const raw = readFileSync(join(this.project.root, path), 'utf8');
        const node = this.newNode('test', basename(path, '.sql'), path, dir, raw);
        this.renderAtParse(node, raw);
        this.addNode(node);
      }
    }
  }

  private applyPatch(node: ManifestNode): void {
    const patch = this.patches.get(`${node.resource_type}s:${node.name}`);
    if (!patch) return;
    node.patch_path = patch.file;
    node.description = this.renderDescription(patch.description, patch.file);
    node.columns = this.columns(patch.columns, patch.file);
    node.meta = patch.meta;
    mergeConfig(node.config, patch.config);
    this.patches.delete(`${node.resource_type}s:${node.name}`);
    this.appliedPatches.set(node.unique_id, patch);
  }

  private readonly appliedPatches = new Map<string, NodePatch>();
  /** generic tests whose name is 64+ characters: the short alias dbt gives them */
  private readonly testShortNames = new Map<string, string>();

  /** Patches that matched no node: dbt warns about them. */
  private applyPatches(): void {
    for (const patch of this.patches.values()) {
      this.warnings.push(
        `${patch.file}:${patch.line}: ${patch.kind.slice(0, -1)} '${patch.name}' is described here but no such ${patch.kind.slice(0, -1)} exists.`,
      );
    }
  }

  private renderAtParse(node: ManifestNode, raw: string): void {
    const key = checksum('sql', node.unique_id, raw, JSON.stringify(node.config));
    let recorder: ContextRecorder | undefined = this.cache.render(key);
    if (!recorder) {
      recorder = { refs: [], sources: [], config: {} };
      const context = buildNodeContext({
        node,
        target: this.target,
        vars: this.vars,
        recorder,
        onEnvVar: (name) => this.cache.noteEnv(name),
        resolveRef: (call) => new JinjaRelation(this.target.database, this.target.schema, call.name),
        resolveSource: (sourceName, table) => new JinjaRelation(this.target.database, sourceName, table),
        docs: (name) => this.docText(name, node.original_file_path),
        invocationId: this.invocationId,
        runStartedAt: this.runStartedAt,
      });
      this.engine.render(raw, node.original_file_path, context);
      this.cache.storeRender(key, recorder);
    }
    node.refs = recorder.refs;
    node.sources = recorder.sources;
    mergeConfig(node.config, recorder.config);
    node.tags = [...(node.config.tags ?? [])];
    for (const key of unknownConfigKeys(recorder.config)) {
      this.warnings.push(
        `${node.original_file_path}: unknown config key '${key}' in ${node.name} is ignored.`,
      );
    }
  }

  private dropDisabled(): void {
    for (const [id, node] of Object.entries(this.nodes)) {
      if (node.config.enabled === false) delete this.nodes[id];
    }
  }

  // ---- generic tests from properties ------------------------------------------

  private readGenericTests(): void {
    for (const [nodeId, patch] of this.appliedPatches) {
      const node = this.nodes[nodeId];
      if (!node) continue;
      const ref = `ref('${node.name}')`;
      for (const test of patch.tests) this.addGenericTest(test, node.name, ref, nodeId);
      for (const column of patch.columns)
        for (const test of column.tests) this.addGenericTest(test, node.name, ref, nodeId);
    }
    for (const file of this.properties) {
      for (const source of file.sources) {
        for (const table of source.tables) {
          const id = `source.${this.project.name}.${source.name}.${table.name}`;
          const ref = `source('${source.name}', '${table.name}')`;
          // dbt names source tests source_<test>_<source>_<table>_<args>
          const modelName = `${source.name}_${table.name}`;
          for (const test of table.tests) this.addGenericTest(test, modelName, ref, id, 'source_');
          for (const column of table.columns)
            for (const test of column.tests) this.addGenericTest(test, modelName, ref, id, 'source_');
        }
      }
    }
  }

  private addGenericTest(
    test: TestDefinition,
    modelName: string,
    modelRef: string,
    attachedId: string,
    namePrefix = '',
  ): void {
    const args: Record<string, unknown> = { ...test.args };
    if (test.columnName !== null) args.column_name = test.columnName;
    const testType = namePrefix + (test.namespace ? `${test.namespace}_${test.testName}` : test.testName);
    const synthesized = synthesizeTestName(testType, modelName, args);
    const name = test.customName ?? synthesized.name;
    const macroName = test.namespace ? `${test.namespace}.test_${test.testName}` : `test_${test.testName}`;
    if (!test.namespace && !this.engine.hasMacro(`test_${test.testName}`)) {
      throw new ConfigError(
        `${test.file}:${test.line}: unknown test '${test.testName}': no generic test with that name is defined.`,
      );
    }
    const kwargs = { ...args, model: `{{ get_where_subquery(${modelRef}) }}` };
    const raw = `{{ ${macroName}(**_dbt_generic_test_kwargs) }}`;
    const node = this.newNode('test', name, test.file, dirname(test.file).split('/')[0]!, raw);
    const testMetadata = { name: test.testName, kwargs, namespace: test.namespace };
    node.unique_id = `test.${this.project.name}.${name}.${dbtTestHash(name, testMetadata)}`;
    node.fqn = [this.project.name, ...folderParts(test.file.split('/').slice(1).join('/')), name];
    node.line = test.line;
    node.column_name = test.columnName;
    node.attached_node = attachedId;
    node.test_metadata = testMetadata;
    if (test.customName === null) this.testShortNames.set(node.unique_id, synthesized.shortName);
    mergeConfig(node.config, test.config);
    node.tags = [...(node.config.tags ?? [])];
    // Learn the refs/sources of the test: its model plus any in its arguments (relationships' `to`).
    const recorder: ContextRecorder = { refs: [], sources: [], config: {} };
    const context = buildNodeContext({
      node,
      target: this.target,
      vars: this.vars,
      recorder,
      resolveRef: (call) => new JinjaRelation(this.target.database, this.target.schema, call.name),
      resolveSource: (s, t) => new JinjaRelation(this.target.database, s, t),
      docs: (n) => this.docText(n, test.file),
      invocationId: this.invocationId,
      runStartedAt: this.runStartedAt,
    });
    for (const value of [modelRef, ...Object.values(args)]) {
      if (typeof value !== 'string' || !/^\s*(ref|source)\s*\(.*\)\s*$/s.test(value)) continue;
      if (!recordLiteralCall(value, recorder)) this.engine.render(`{{ ${value} }}`, test.file, context);
    }
    node.refs = recorder.refs;
    node.sources = recorder.sources;
    if (node.config.enabled === false) return;
    if (this.nodes[node.unique_id]) {
      throw new ConfigError(
        `${test.file}:${test.line}: the test '${name}' is defined twice; give one of them a 'name:'.`,
      );
    }
    this.nodes[node.unique_id] = node;
  }

  // ---- relations and dependencies ----------------------------------------------

  private resolveDependencies(): void {
    const byName = new Map<string, ManifestNode>();
    for (const node of Object.values(this.nodes)) {
      if (node.resource_type !== 'test') byName.set(`${node.package_name}.${node.name}`, node);
    }
    const nodeNames = [...byName.values()].map((n) => n.name);
    for (const node of Object.values(this.nodes)) {
      const parents: string[] = [];
      for (const ref of node.refs) {
        const found = byName.get(`${ref.package ?? this.project.name}.${ref.name}`);
        if (!found) {
          throw new ConfigError(
            `${describe(node)} depends on a node named '${ref.name}' which was not found.${didYouMean(ref.name, nodeNames)}`,
          );
        }
        parents.push(found.unique_id);
      }
      for (const [sourceName, tableName] of node.sources) {
        const id = `source.${this.project.name}.${sourceName}.${tableName}`;
        if (!this.sources[id]) {
          const known = Object.values(this.sources).map((s) => `${s.source_name}.${s.name}`);
          throw new ConfigError(
            `${describe(node)} depends on a source named '${sourceName}.${tableName}' which was not found.${didYouMean(`${sourceName}.${tableName}`, known)}`,
          );
        }
        parents.push(id);
      }
      node.depends_on.nodes = [...new Set(parents)];
      this.resolveRelation(node);
    }
  }

  private resolveRelation(node: ManifestNode): void {
    const ctx = { target: { ...this.target }, model: node, this: null };
    const config = node.config;
    if (node.resource_type === 'snapshot' && typeof config.target_schema === 'string') {
      node.schema = config.target_schema;
    } else {
      const custom =
        node.resource_type === 'test' ? (config.schema ?? 'dbt_test__audit') : (config.schema ?? null);
      node.schema = String(this.engine.callMacro('generate_schema_name', [custom, node], {}, ctx)).trim();
    }
    node.database = String(
      this.engine.callMacro(
        'generate_database_name',
        [config.target_database ?? config.database ?? null, node],
        {},
        ctx,
      ),
    ).trim();
    node.alias = String(
      this.engine.callMacro('generate_alias_name', [config.alias ?? null, node], {}, ctx),
    ).trim();
    if (node.resource_type === 'test' && !config.alias) {
      node.alias = this.testShortNames.get(node.unique_id) ?? node.alias;
    }
    const materialized = config.materialized;
    node.relation_name =
      node.resource_type === 'test' || materialized === 'ephemeral'
        ? null
        : new JinjaRelation(node.database, node.schema, node.alias).render();
  }

  private assemble(): Manifest {
    const parentMap: Record<string, string[]> = {};
    const childMap: Record<string, string[]> = {};
    for (const id of [...Object.keys(this.nodes), ...Object.keys(this.sources)]) {
      parentMap[id] = [];
      childMap[id] = [];
    }
    for (const node of Object.values(this.nodes)) {
      for (const parent of node.depends_on.nodes) {
        parentMap[node.unique_id]!.push(parent);
        childMap[parent]?.push(node.unique_id);
      }
    }
    for (const list of Object.values(childMap)) list.sort();
    const macros = Object.fromEntries(
      this.engine.listMacros().map((m) => {
        const id = `macro.${m.packageName}.${m.name}`;
        return [
          id,
          {
            unique_id: id,
            name: m.name,
            package_name: m.packageName,
            original_file_path: m.path,
            path: m.path,
            macro_sql: m.source,
            line: m.line,
            description: '',
          },
        ];
      }),
    );
    return {
      metadata: {
        dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json',
        generated_at: new Date().toISOString(),
        invocation_id: this.invocationId,
        project_name: this.project.name,
        adapter_type: this.target.type,
        mdw_version: MDW_VERSION,
      },
      nodes: this.nodes,
      sources: this.sources,
      macros,
      docs: this.docs,
      parent_map: parentMap,
      child_map: childMap,
    };
  }
}

/**
 * ref('x'), ref('pkg', 'x') and source('a', 'b') with literal arguments are recorded without
 * a Jinja render — the common case in test arguments, and compiling a template each is slow.
 */
function recordLiteralCall(text: string, recorder: ContextRecorder): boolean {
  const match = /^\s*(ref|source)\s*\(\s*(['"])([\w.-]+)\2\s*(?:,\s*(['"])([\w.-]+)\4\s*)?\)\s*$/.exec(text);
  if (!match) return false;
  const [, kind, , first, , second] = match;
  if (kind === 'ref')
    recorder.refs.push(second === undefined ? { name: first! } : { package: first!, name: second });
  else if (second !== undefined) recorder.sources.push([first!, second]);
  else return false;
  return true;
}

function describe(node: ManifestNode): string {
  const kind =
    node.resource_type === 'test'
      ? 'Test'
      : node.resource_type[0]!.toUpperCase() + node.resource_type.slice(1);
  const line = node.line ? `:${node.line}` : '';
  return `${kind} '${node.name}' (${node.original_file_path}${line})`;
}

function folderParts(relativePath: string): string[] {
  const parts = relativePath.split('/');
  return parts.slice(0, -1);
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * dbt's generic test naming: <type>_<model>_<args>, args sorted by name, values flattened
 * through Python's str(), non-identifier characters replaced by '_', joined with '__'.
 * The full name is the node's name; a name of 64 characters or more gets a short form (the
 * first 30 characters of <type>_<model> plus the md5 of the full name) for its alias and
 * compiled file, as dbt does.
 */
export function synthesizeTestName(
  testType: string,
  modelName: string,
  args: Record<string, unknown>,
): { name: string; shortName: string } {
  const flat: string[] = [];
  for (const key of Object.keys(args).sort()) {
    if (key === 'model') continue;
    const value = args[key];
    const parts = Array.isArray(value)
      ? value
      : value !== null && typeof value === 'object'
        ? Object.values(value)
        : [value];
    flat.push(...parts.map(pythonStr));
  }
  const label = flat.map((part) => part.replace(/[^0-9a-zA-Z_]+/g, '_')).join('__');
  const identifier = `${testType}_${modelName}`;
  const name = `${identifier}_${label}`;
  if (name.length < 64) return { name, shortName: name };
  return { name, shortName: `${identifier.slice(0, 30)}_${createHash('md5').update(name).digest('hex')}` };
}

/** Errors from parse-time rendering already carry file:line; keep the type for the CLI. */
export function isParseError(error: unknown): error is ConfigError | TemplateError {
  return error instanceof ConfigError || error instanceof TemplateError;
}
