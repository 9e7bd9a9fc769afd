/**
 * What the parsers of one project share while it is parsed: the project, target, template
 * engine and vars, the nodes, sources and docs found so far, and the steps every resource
 * type uses (a new node with its folder config, its properties patch, a parse-time render).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { UnitTestDefinition } from '../../manifest/resources.js';
import type {
  ColumnInfo,
  DocBlock,
  ManifestNode,
  NodeResourceType,
  ProjectConfig,
  SourceDefinition,
  TargetConfig,
} from '../../manifest/types.js';
import type { TemplateEngine } from '../../template/types.js';
import { ConfigError } from '../../util/errors.js';
import { didYouMean } from '../../util/suggest.js';
import { configFromTree, defaultConfig, mergeConfig, unknownConfigKeys } from '../config.js';
import { buildNodeContext, type ContextRecorder } from '../context.js';
import { blankNode } from '../node-factory.js';
import { checksum, type ParseCache } from '../parse-cache.js';
import type { NodePatch, PropertiesFile } from '../properties.js';
import { relationsFor } from '../relation.js';

export class ParseState {
  readonly warnings: string[] = [];
  readonly invocationId = randomUUID();
  readonly runStartedAt = new Date();
  readonly nodes: Record<string, ManifestNode> = {};
  readonly sources: Record<string, SourceDefinition> = {};
  readonly docs: Record<string, DocBlock> = {};
  readonly unitTests: Record<string, UnitTestDefinition> = {};
  /** properties patches by `<kind>:<name>`, until a node takes them (of the package being parsed) */
  patches = new Map<string, NodePatch>();
  /** the properties files of the package being parsed */
  properties: PropertiesFile[] = [];
  /** the properties files of each package, by package name */
  readonly propertiesByPackage = new Map<string, PropertiesFile[]>();
  /** the package being parsed: the root project or one of its installed packages */
  project: ProjectConfig;
  /** every package's name (the root project's and the installed packages') */
  readonly packageNames = new Set<string>();
  /** node unique_id → the patch applied to it (its generic tests come later) */
  readonly appliedPatches = new Map<string, NodePatch>();
  /** generic tests whose name is 64+ characters: the short alias dbt gives them */
  readonly testShortNames = new Map<string, string>();
  /** relations quoted as the target engine quotes */
  readonly relation: ReturnType<typeof relationsFor>;

  constructor(
    readonly root: ProjectConfig,
    readonly target: TargetConfig,
    readonly engine: TemplateEngine,
    readonly vars: Record<string, unknown>,
    readonly cache: ParseCache,
  ) {
    this.relation = relationsFor(target.type);
    this.project = root;
    this.packageNames.add(root.name);
  }

  /** Parse `pkg` next: its own properties files and patches. */
  usePackage(pkg: ProjectConfig): void {
    this.project = pkg;
    this.packageNames.add(pkg.name);
    let properties = this.propertiesByPackage.get(pkg.name);
    if (!properties) {
      properties = [];
      this.propertiesByPackage.set(pkg.name, properties);
    }
    this.properties = properties;
    this.patches = new Map();
  }

  renderDescription(text: string, file: string): string {
    if (!text.includes('{{')) return text;
    return this.engine.render(text, file, { doc: (name: string) => this.docText(name, file) }).sql;
  }

  docText(name: string, file: string): string {
    const doc = this.docs[`doc.${this.project.name}.${name}`];
    if (!doc) {
      const names = Object.values(this.docs).map((d) => d.name);
      throw new ConfigError(
        `${file}: doc('${name}') refers to a docs block that does not exist.${didYouMean(name, names)}`,
      );
    }
    return doc.block_contents;
  }

  columns(
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

  newNode(
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
    const tree = treeName as keyof ProjectConfig['config_trees'];
    const config = mergeConfig(
      defaultConfig(resourceType),
      configFromTree(this.project.config_trees[tree], fqn),
    );
    // a package's own dbt_project.yml first, then the root project's, which may configure it
    if (this.project !== this.root) mergeConfig(config, configFromTree(this.root.config_trees[tree], fqn));
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

  addNode(node: ManifestNode): void {
    const existing = this.nodes[node.unique_id];
    if (existing) {
      throw new ConfigError(
        `Found two ${node.resource_type}s named '${node.name}': ${existing.original_file_path} and ${node.original_file_path}. Node names must be unique.`,
      );
    }
    this.nodes[node.unique_id] = node;
  }

  applyPatch(node: ManifestNode): void {
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

  renderAtParse(node: ManifestNode, raw: string): void {
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
        resolveRef: (call) => this.relation(this.target.database, this.target.schema, call.name),
        resolveSource: (sourceName, table) => this.relation(this.target.database, sourceName, table),
        docs: (name) => this.docText(name, node.original_file_path),
        renderText: (text, ctx) => this.engine.render(text, node.original_file_path, ctx).sql,
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

  dropDisabled(): void {
    for (const [id, node] of Object.entries(this.nodes)) {
      if (node.config.enabled === false) delete this.nodes[id];
    }
  }
}

export function folderParts(relativePath: string): string[] {
  const parts = relativePath.split('/');
  return parts.slice(0, -1);
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
