/**
 * Node selection: dbt's `--select`, `--exclude`, `--resource-type` and `--indirect-selection`.
 *
 *   selectNodes(manifest, graph, { select?, exclude?, resourceTypes?, indirectSelection? })
 *     → { selected, unmatched }
 *
 * - `select` / `exclude`: one entry per CLI argument (each may hold several tokens).
 *   No select tokens means "everything".
 * - `resourceTypes`: final filter. Default: every node type (model, seed, snapshot, test,
 *   analysis) but no sources; sources are returned only if 'source' is listed (`dbt ls
 *   --resource-type source`).
 * - `indirectSelection`: how tests follow the nodes they test; dbt's default is 'eager'.
 * - `selected`: unique_ids, iterated in sorted order. Disabled nodes are never selected.
 * - `unmatched`: select/exclude tokens, as written, that matched no enabled node (the CLI
 *   turns them into dbt's "does not match any enabled nodes" warning).
 * Bad syntax, unknown methods and invalid method values throw ConfigError.
 *
 * Evaluation follows dbt: each criterion matches its method, applies graph operators,
 * then attaches tests; comma-joined criteria intersect, tokens and arguments unite; the
 * exclusion (with the same indirect selection: in cautious mode a test goes only when all of
 * its parents go, as dbt 1.11 does) is subtracted; the
 * resource-type filter comes last. Attaching tests per criterion is what makes
 * `orders,test_type:singular` select the singular tests on `orders`.
 */
import type { Manifest, ResourceType } from '../manifest/types.js';
import { ConfigError } from '../util/errors.js';
import type { Graph } from './dag.js';
import { type MethodContext, matchCriterion, type SelectableNode } from './selector-methods.js';
import { parseSelectionArgs, type SelectionCriterion, type SelectionIntersection } from './selector-parse.js';
import type { ProjectSelector, SelectionSpec } from './selector-yaml.js';

/**
 * eager: tests with ANY parent selected; cautious: tests with ALL parents selected;
 * buildable: all parents selected or upstream of the selection; empty: no indirect tests.
 */
export type IndirectSelection = 'eager' | 'cautious' | 'buildable' | 'empty';

export const INDIRECT_SELECTION_MODES: readonly IndirectSelection[] = [
  'eager',
  'cautious',
  'buildable',
  'empty',
];

export interface SelectionOptions {
  select?: readonly string[];
  exclude?: readonly string[];
  /** a YAML selector's name (`--selector`); replaces select/exclude */
  selector?: string;
  /** the project's YAML selectors (selectors.yml); the `default: true` one applies when
   * nothing is selected, excluded or named, unless useDefaultSelector is false */
  selectors?: ReadonlyMap<string, ProjectSelector>;
  useDefaultSelector?: boolean;
  resourceTypes?: readonly ResourceType[];
  indirectSelection?: IndirectSelection;
}

export interface SelectionResult {
  selected: Set<string>;
  unmatched: string[];
}

const DEFAULT_RESOURCE_TYPES: readonly ResourceType[] = ['model', 'seed', 'snapshot', 'test', 'analysis'];

/** A partial result: `direct` is selected; `pending` tests wait for all their parents to be. */
interface Part {
  direct: Set<string>;
  pending: Set<string>;
}

interface Context {
  graph: Graph;
  byId: Map<string, SelectableNode>;
  tests: Set<string>;
  methods: MethodContext;
  unmatched: string[];
}

export function selectNodes(
  manifest: Manifest,
  graph: Graph,
  options: SelectionOptions = {},
): SelectionResult {
  const mode = options.indirectSelection ?? 'eager';
  if (!INDIRECT_SELECTION_MODES.includes(mode)) {
    throw new ConfigError(
      `Invalid indirect selection mode '${mode}'; expected one of: ${INDIRECT_SELECTION_MODES.join(', ')}.`,
    );
  }
  const yamlSelector = chosenSelector(options);
  if (yamlSelector) {
    const ctx = createContext(manifest, graph);
    return {
      selected: filterTypes(ctx, evaluateSpec(ctx, yamlSelector.definition, mode).direct, options),
      unmatched: [],
    };
  }
  // Parse everything first so a syntax error is reported before any work is done.
  const include = parseSelectionArgs(options.select ?? []);
  const exclude = parseSelectionArgs(options.exclude ?? []);
  const ctx = createContext(manifest, graph);

  let result: Part =
    include.length === 0
      ? { direct: new Set(ctx.byId.keys()), pending: new Set() }
      : evaluateUnion(ctx, include, mode);
  if (exclude.length > 0) {
    const excluded = evaluateUnion(ctx, exclude, mode).direct;
    result = incorporate(
      ctx,
      { direct: minus(result.direct, excluded), pending: minus(result.pending, excluded) },
      mode,
    );
  }

  return { selected: filterTypes(ctx, result.direct, options), unmatched: ctx.unmatched };
}

function filterTypes(ctx: Context, ids: Set<string>, options: SelectionOptions): Set<string> {
  const types = new Set<string>(options.resourceTypes ?? DEFAULT_RESOURCE_TYPES);
  const selected = new Set<string>();
  for (const id of [...ids].sort()) {
    const node = ctx.byId.get(id);
    if (node && types.has(node.resource_type)) selected.add(id);
  }
  return selected;
}

/** `--selector name`, else the `default: true` selector when nothing else selects (dbt's order). */
function chosenSelector(options: SelectionOptions): ProjectSelector | undefined {
  const selectors = options.selectors ?? new Map<string, ProjectSelector>();
  if (options.selector !== undefined) {
    const found = selectors.get(options.selector);
    if (!found) {
      const known = [...selectors.keys()];
      throw new ConfigError(
        `Could not find selector named '${options.selector}'${known.length ? `; selectors.yml defines: ${known.join(', ')}` : ': the project has no selectors.yml'}.`,
      );
    }
    return found;
  }
  if (options.useDefaultSelector === false) return undefined;
  if ((options.select?.length ?? 0) > 0 || (options.exclude?.length ?? 0) > 0) return undefined;
  return [...selectors.values()].find((selector) => selector.default);
}

/**
 * A YAML selector's tree, evaluated as dbt's select_nodes_recursively: a criterion gives its
 * nodes with their tests (per its own indirect selection, else the flag's); a set operator
 * combines its parts' direct sets and their direct-or-pending sets, then (dbt's groups being
 * eager) keeps only the direct ones.
 */
function evaluateSpec(
  ctx: Context,
  spec: SelectionSpec,
  flagMode: IndirectSelection,
): { direct: Set<string>; indirect: Set<string> } {
  if (spec.kind === 'criterion') {
    const part = evaluateCriterion(ctx, spec.criterion, spec.indirect ?? flagMode);
    return { direct: part.direct, indirect: part.pending };
  }
  const bundles = spec.parts.map((part) => evaluateSpec(ctx, part, flagMode));
  const combine = (sets: Set<string>[]): Set<string> => {
    const [first, ...rest] = sets;
    if (!first) return new Set();
    if (spec.kind === 'union') return new Set(sets.flatMap((set) => [...set]));
    if (spec.kind === 'intersection') return new Set([...first].filter((id) => rest.every((s) => s.has(id))));
    return new Set([...first].filter((id) => !rest.some((s) => s.has(id))));
  };
  return {
    direct: combine(bundles.map((b) => b.direct)),
    indirect: combine(bundles.map((b) => new Set([...b.direct, ...b.indirect]))),
  };
}

function createContext(manifest: Manifest, graph: Graph): Context {
  const byId = new Map<string, SelectableNode>();
  const tests = new Set<string>();
  // The loader normally drops disabled nodes; filtering here keeps selection safe regardless.
  for (const node of Object.values(manifest.nodes)) {
    if (node.config?.enabled === false) continue;
    byId.set(node.unique_id, node);
    if (node.resource_type === 'test') tests.add(node.unique_id);
  }
  for (const source of Object.values(manifest.sources)) {
    if (source.config?.enabled !== false) byId.set(source.unique_id, source);
  }
  // unit tests follow their model as data tests do (dbt's indirect selection covers both)
  for (const test of Object.values(manifest.unit_tests ?? {})) {
    byId.set(test.unique_id, test);
    tests.add(test.unique_id);
  }
  for (const extra of [manifest.semantic_models, manifest.metrics, manifest.saved_queries])
    for (const entry of Object.values(extra ?? {})) byId.set(entry.unique_id, entry);
  return { graph, byId, tests, methods: { rootProject: manifest.metadata.project_name }, unmatched: [] };
}

function evaluateUnion(
  ctx: Context,
  tokens: readonly SelectionIntersection[],
  mode: IndirectSelection,
): Part {
  const parts = tokens.map((token) => {
    const part = evaluateIntersection(ctx, token, mode);
    if (part.direct.size === 0 && !ctx.unmatched.includes(token.raw)) ctx.unmatched.push(token.raw);
    return part;
  });
  const direct = new Set<string>();
  const pending = new Set<string>();
  for (const part of parts) {
    for (const id of part.direct) direct.add(id);
    for (const id of part.pending) pending.add(id);
  }
  return incorporate(ctx, { direct, pending }, mode);
}

function evaluateIntersection(ctx: Context, token: SelectionIntersection, mode: IndirectSelection): Part {
  const [first, ...rest] = token.criteria.map((criterion) => evaluateCriterion(ctx, criterion, mode));
  if (rest.length === 0) return first;
  const keep = (id: string, of: (part: Part) => Set<string>) => rest.every((part) => of(part).has(id));
  const direct = new Set([...first.direct].filter((id) => keep(id, (p) => p.direct)));
  const pending = new Set([...first.pending].filter((id) => keep(id, (p) => p.pending)));
  return incorporate(ctx, { direct, pending }, mode);
}

function evaluateCriterion(ctx: Context, criterion: SelectionCriterion, mode: IndirectSelection): Part {
  const { graph } = ctx;
  const matched = matchCriterion(criterion, ctx.byId.values(), ctx.methods);
  const nodes = new Set(matched);
  if (criterion.parents) addAll(nodes, graph.ancestors(matched, criterion.parentsDepth));
  if (criterion.children) addAll(nodes, graph.descendants(matched, criterion.childrenDepth));
  if (criterion.childrensParents) {
    const downstream = graph.descendants(matched);
    addAll(nodes, downstream);
    addAll(nodes, graph.ancestors([...matched, ...downstream]));
  }
  for (const id of nodes) if (!ctx.byId.has(id)) nodes.delete(id);
  return attachTests(ctx, nodes, mode);
}

/** Tests that have a selected parent: selected now (eager) or pending their other parents. */
function attachTests(ctx: Context, nodes: Set<string>, mode: IndirectSelection): Part {
  const pending = new Set<string>();
  if (mode === 'empty') return { direct: nodes, pending };
  const direct = new Set(nodes);
  for (const id of nodes) {
    for (const child of ctx.graph.children(id)) {
      if (!ctx.tests.has(child) || direct.has(child)) continue;
      if (mode === 'eager') direct.add(child);
      else pending.add(child);
    }
  }
  return incorporate(ctx, { direct, pending }, mode);
}

/** Moves pending tests whose parents are now all covered into the selection. */
function incorporate(ctx: Context, part: Part, mode: IndirectSelection): Part {
  if (part.pending.size === 0 || mode === 'eager' || mode === 'empty') return part;
  const direct = new Set(part.direct);
  const covered = mode === 'buildable' ? new Set([...direct, ...ctx.graph.ancestors(direct)]) : direct;
  const pending = new Set<string>();
  for (const id of part.pending) {
    if (direct.has(id)) continue;
    if (ctx.graph.parents(id).every((parent) => covered.has(parent))) direct.add(id);
    else pending.add(id);
  }
  return { direct, pending };
}

function addAll(target: Set<string>, ids: Iterable<string>): void {
  for (const id of ids) target.add(id);
}

function minus(from: Set<string>, remove: Set<string>): Set<string> {
  return new Set([...from].filter((id) => !remove.has(id)));
}
